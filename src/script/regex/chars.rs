//! Characters as ES5 §15.10.2 sees them: code units, `Canonicalize` (§15.10.2.8), the class
//! escapes `\d \w \s` (§15.10.2.12), line terminators (§7.3) and word characters (§15.10.2.6).

use std::sync::OnceLock;

/// A set of code units: sorted, disjoint, non-adjacent inclusive ranges.
pub(super) type Ranges = [(u16, u16)];

pub(super) const DIGIT: &Ranges = &[(0x30, 0x39)];
pub(super) const WORD: &Ranges = &[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)];
/// WhiteSpace (§7.2: TAB VT FF SP NBSP BOM and the Unicode category Zs) and LineTerminator
/// (§7.3: LF CR LS PS).
pub(super) const SPACE: &Ranges = &[
    (0x09, 0x0D),
    (0x20, 0x20),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
];

pub(super) fn is_line_terminator(u: u16) -> bool {
    matches!(u, 0x0A | 0x0D | 0x2028 | 0x2029)
}

/// `IsWordChar` (§15.10.2.6): ASCII letters, digits and `_`.
pub(super) fn is_word(u: u16) -> bool {
    u < 128 && (u as u8 == b'_' || (u as u8).is_ascii_alphanumeric())
}

/// `Canonicalize` under the `i` flag: the upper case of the unit (String.prototype.toUpperCase:
/// full mappings) when that is a single unit, and never a non-ASCII unit to an ASCII one.
pub(super) fn canon(u: u16) -> u16 {
    if u < 128 {
        return u16::from((u as u8).to_ascii_uppercase());
    }
    let Some(c) = char::from_u32(u32::from(u)) else { return u }; // a surrogate
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(x), None) if (128..=0xFFFF).contains(&u32::from(x)) => x as u16,
        _ => u,
    }
}

/// Whether `canon(u) == c`, for a canonical `c`.
pub(super) fn fold_eq(u: u16, c: u16) -> bool {
    u == c || (u < 128 && u16::from((u as u8).to_ascii_uppercase()) == c) || (u >= 128 && c >= 128 && canon(u) == c)
}

pub(super) fn contains(set: &Ranges, u: u16) -> bool {
    let i = set.partition_point(|&(_, hi)| hi < u);
    set.get(i).is_some_and(|&(lo, _)| lo <= u)
}

/// The units that `canon` changes, with their canonical unit, in unit order (about 1,400,
/// computed on first use from `canon` itself).
fn changed() -> &'static [(u16, u16)] {
    static CHANGED: OnceLock<Box<[(u16, u16)]>> = OnceLock::new();
    CHANGED.get_or_init(|| {
        let mut v = Vec::new();
        for a in 0..=0xFFFF {
            let k = canon(a);
            if k != a {
                v.push((a, k));
            }
        }
        v.into()
    })
}

/// Adds to the set `v` (ranges, not yet normalized) the canonical units of its members: then
/// some member of the set canonicalizes as `u` does iff `contains(v, canon(u))` (a canonical
/// unit is no member's that `canon` changes).
pub(super) fn close_over_case(v: &mut Vec<(u16, u16)>) {
    let t = changed();
    for i in 0..v.len() {
        let Some(&(lo, hi)) = v.get(i) else { break };
        let from = t.partition_point(|&(a, _)| a < lo);
        for &(_, k) in t.get(from..).unwrap_or_default().iter().take_while(|&&(a, _)| a <= hi) {
            // Units already in the range add nothing (a class of every unit adds none).
            if (lo..=hi).contains(&k) {
                continue;
            }
            let pushed = v.len() > i + 1;
            match v.last_mut() {
                Some(last) if pushed && u32::from(last.1) + 1 == u32::from(k) => last.1 = k,
                _ => v.push((k, k)),
            }
        }
    }
}

/// Sorts and merges `v` into a set.
pub(super) fn normalize(v: &mut Vec<(u16, u16)>) {
    let mut tmp = Vec::with_capacity(v.len());
    sort(v, &mut tmp);
    tmp.clear();
    for &(lo, hi) in v.iter() {
        match tmp.last_mut() {
            Some(last) if u32::from(lo) <= u32::from(last.1) + 1 => last.1 = last.1.max(hi),
            _ => tmp.push((lo, hi)),
        }
    }
    *v = tmp;
}

/// A merge sort (small, and no worse than n log n on a megabyte class).
fn sort(v: &mut [(u16, u16)], tmp: &mut Vec<(u16, u16)>) {
    if v.len() < 2 {
        return;
    }
    let mid = v.len() / 2;
    let (a, b) = v.split_at_mut(mid);
    sort(a, tmp);
    sort(b, tmp);
    tmp.clear();
    let (mut i, mut j) = (a.iter().peekable(), b.iter().peekable());
    while let Some(&x) = match (i.peek(), j.peek()) {
        (Some(&&x), Some(&&y)) if y < x => j.next(),
        (Some(_), _) => i.next(),
        (None, _) => j.next(),
    } {
        tmp.push(x);
    }
    for (d, &s) in v.iter_mut().zip(tmp.iter()) {
        *d = s;
    }
}

/// Appends the complement of `set` to `out`.
pub(super) fn push_complement(set: &Ranges, out: &mut Vec<(u16, u16)>) {
    let mut next: u32 = 0;
    for &(lo, hi) in set {
        if u32::from(lo) > next {
            out.push((next as u16, lo - 1));
        }
        next = u32::from(hi) + 1;
    }
    if next <= 0xFFFF {
        out.push((next as u16, 0xFFFF));
    }
}
