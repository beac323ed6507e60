//! The packed text of a page record (storage format 4): each line written as its differences
//! from a line above it, token by token. The lines of a page are the same kind of record for
//! events of the same kind, so most of a line is the line above it again: a state page of 128
//! Sent events packs to a tenth of its text, a delivery-log page to a fifth.
//!
//! A line is cut into tokens: a run of letters (ASCII letters and every byte of a non-ASCII
//! character), a run of digits, or one other byte (so that `customer384` and `customer385` differ by
//! their number only). The tokens of a line are compared, position by
//! position, with those of its *reference*: the nearest line above with as many tokens (a line
//! of the same shape), else the line just above. A packed line is literal text, where
//!
//! - `COPY` then one character `c` stands for the next `c - 0x20` tokens of the reference
//!   (1 to 94: `c` is printable ASCII);
//! - `REF` then `c`, first in a line only, says the reference is `c - 0x20` lines above
//!   (without it, the line just above);
//! - `ESCAPE` then any character stands for that character (the encoder escapes the three
//!   control characters it uses, which JSON lines never hold).
//!
//! Lines stay separated by `\n` (packed text never holds one of its own). A text without any
//! of the three control characters, a record of format 3, unpacks to itself.

use crate::error::{Error, ErrorCode, Result};

/// Stands for a run of the reference's tokens.
const COPY: u8 = 0x05;
/// Escapes the next character.
const ESCAPE: u8 = 0x06;
/// Chooses the reference of a line.
const REF: u8 = 0x07;
/// Largest run or distance one operation says (its character is printable ASCII: 0x21..0x7e).
const MAX_OP: usize = 94;

/// The class of each byte: 0 a letter (or a byte of a non-ASCII character), 1 a digit, 2 any other.
const CLASS: [u8; 256] = {
    let mut t = [2u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() || c >= 0x80 {
            0
        } else if c.is_ascii_digit() {
            1
        } else {
            2
        };
        b += 1;
    }
    t
};

#[inline]
fn class(b: u8) -> u8 {
    CLASS[b as usize]
}

/// Appends the ends of the tokens of `line` (each token runs from the previous end) to `out`.
fn tokens(line: &[u8], out: &mut Vec<u32>) {
    let mut i = 0;
    while i < line.len() {
        let c = class(line[i]);
        i += 1;
        if c < 2 {
            while i < line.len() && class(line[i]) == c {
                i += 1;
            }
        }
        out.push(i as u32);
    }
}

/// The lines seen so far (by the encoder in its input, by the decoder in its output): where each
/// starts and its tokens' ends, in one table, with the last line of each token count.
struct Above {
    /// Per line: its start in the text, and its first token in `ends`.
    lines: Vec<(usize, u32)>,
    /// Every line's token ends, relative to its start.
    ends: Vec<u32>,
    by_count: [u32; 256],
}

impl Above {
    fn new(lines: usize) -> Above {
        Above { lines: Vec::with_capacity(lines), ends: Vec::with_capacity(lines * 64), by_count: [u32::MAX; 256] }
    }

    /// The token ends of line `i`.
    fn line(&self, i: usize) -> (usize, &[u32]) {
        let (start, from) = self.lines[i];
        let to = self.lines.get(i + 1).map_or(self.ends.len(), |l| l.1 as usize);
        (start, &self.ends[from as usize..to])
    }

    /// The reference of line `n` (the one being written) with `count` tokens: its distance.
    fn choose(&self, n: usize, count: usize) -> Option<usize> {
        if n == 0 {
            return None;
        }
        let same = self.by_count[count % 256];
        if same != u32::MAX {
            let at = same as usize;
            if n - at <= MAX_OP && self.line(at).1.len() == count {
                return Some(n - at);
            }
        }
        Some(1)
    }

    /// Opens line `n` at `start` (its tokens are pushed to `ends` next).
    fn open(&mut self, start: usize) {
        self.lines.push((start, self.ends.len() as u32));
    }

    /// Closes the last line opened.
    fn close(&mut self) {
        let n = self.lines.len() - 1;
        let count = self.ends.len() - self.lines[n].1 as usize;
        if count > 0 {
            self.by_count[count % 256] = n as u32;
        }
    }
}

fn op(out: &mut Vec<u8>, code: u8, mut n: usize) {
    while n > 0 {
        let k = n.min(MAX_OP);
        out.push(code);
        out.push(0x20 + k as u8);
        n -= k;
    }
}

/// Whether two short byte strings are equal (tokens are a few bytes: a loop beats a call).
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && (a.len() > 16 && a == b || a.len() <= 16 && a.iter().zip(b).all(|(x, y)| x == y))
}

/// Packs a text of lines (separated by `\n`).
pub fn pack(text: &str) -> String {
    pack_after(text, 0, "")
}

/// Packs a text whose first `kept` lines are those of `packed` (a packed text) unpacked: their
/// packed lines are copied (a line's packing depends on the lines above it only), the rest packed.
/// A step that changes a page from its slot `kept` on packs only from there.
pub fn pack_after(text: &str, kept: usize, packed: &str) -> String {
    if text.len() > MAX_UNPACKED {
        // Stored as it is (it has nothing to unpack), so that it reads back whatever its size.
        return text.to_string();
    }
    let src = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(src.len() / 3 + 64);
    let mut above = Above::new(PAGE_LINES);
    let mut start = 0usize;
    let mut n = 0usize;
    // Where line `kept` starts in `packed` (None: it has fewer lines; then all are packed).
    let copied = if kept == 0 { None } else { memchr::memchr_iter(b'\n', packed.as_bytes()).nth(kept - 1) };
    let kept = if copied.is_some() { kept } else { 0 };
    loop {
        let end = memchr::memchr(b'\n', &src[start..]).map_or(src.len(), |i| start + i);
        let line = &src[start..end];
        above.open(start);
        let first = above.ends.len();
        tokens(line, &mut above.ends);
        let count = above.ends.len() - first;
        if n < kept {
            // Known: only its tokens are needed, as a reference of the lines below.
            above.close();
            n += 1;
            if n == kept {
                if let Some(at) = copied {
                    out.extend_from_slice(&packed.as_bytes()[..=at]);
                }
            }
            if end >= src.len() {
                // The text ends within the kept lines: pack it all after all.
                return pack_after(text, 0, "");
            }
            start = end + 1;
            continue;
        }
        let reference = above.choose(n, count);
        let (rline, rends): (&[u8], &[u32]) = match reference {
            Some(d) => {
                if d != 1 {
                    out.push(REF);
                    out.push(0x20 + d as u8);
                }
                let (rs, ends) = above.line(n - d);
                (&src[rs..rs + ends.last().map_or(0, |e| *e as usize)], ends)
            }
            None => (&[], &[]),
        };
        let cur = &above.ends[first..];
        let mut run = 0usize;
        let mut from = 0usize;
        let mut rfrom = 0usize;
        for (i, &e) in cur.iter().enumerate() {
            let e = e as usize;
            let tok = &line[from..e];
            let re = rends.get(i).map(|&r| r as usize);
            if re.is_some_and(|re| same(&rline[rfrom..re], tok)) {
                run += 1;
            } else {
                op(&mut out, COPY, run);
                run = 0;
                for &b in tok {
                    if matches!(b, COPY | ESCAPE | REF) {
                        out.push(ESCAPE);
                    }
                    out.push(b);
                }
            }
            from = e;
            rfrom = re.unwrap_or(rfrom);
        }
        op(&mut out, COPY, run);
        above.close();
        n += 1;
        if end >= src.len() {
            break;
        }
        out.push(b'\n');
        start = end + 1;
    }
    // Only ASCII was added around whole characters of `text`, and escapes precede single bytes
    // that are ASCII themselves: the output is UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// Largest text a record unpacks to: four times the largest record a snapshot holds
/// (`check::MAX_VALUE_BYTES`), so that a hostile text of a few bytes per line copying a long line
/// again and again is refused instead of filling memory. The engine packs no text longer than
/// this (it stores it as it is), so every record it writes reads back.
const MAX_UNPACKED: usize = 64 << 20;

/// Lines of a page (a capacity hint).
const PAGE_LINES: usize = 128;

/// Whether a stored text has anything to unpack (a record of format 3 has not).
pub fn is_packed(stored: &str) -> bool {
    memchr::memchr3(COPY, ESCAPE, REF, stored.as_bytes()).is_some()
}

/// Unpacks a stored text; `key` names the record in the error when the text is not packed
/// text (a copy beyond its reference, a reference above the first line, an operation cut off).
pub fn unpack(key: &dyn std::fmt::Display, stored: String) -> Result<String> {
    if !is_packed(&stored) {
        return Ok(stored);
    }
    let src = stored.as_bytes();
    let bad = |line: usize, what: &str| Error::new(ErrorCode::StorageCorrupt, format!("stored record {key}: line {}: {what}", line + 1));
    let mut out: Vec<u8> = Vec::with_capacity(src.len() * 4);
    let mut above = Above::new(PAGE_LINES);
    let mut start = 0usize;
    let mut n = 0usize;
    loop {
        let end = memchr::memchr(b'\n', &src[start..]).map_or(src.len(), |i| start + i);
        let line = &src[start..end];
        let out_start = out.len();
        let mut d = 1usize;
        let mut i = 0usize;
        if line.first() == Some(&REF) {
            let c = *line.get(1).ok_or_else(|| bad(n, "a reference is cut off"))?;
            d = usize::from(c.wrapping_sub(0x20));
            if !(2..=MAX_OP).contains(&d) {
                return Err(bad(n, "a reference out of bounds"));
            }
            if n < d {
                return Err(bad(n, "a reference above the first line"));
            }
            i = 2;
        }
        let rpos = n.checked_sub(d);
        above.open(out_start);
        let first = above.ends.len();
        // Literal text runs from `lit` to the next operation; copies come from the reference as
        // unpacked, in `out`.
        let mut lit = out.len();
        while i < line.len() {
            match line[i] {
                COPY => {
                    let c = *line.get(i + 1).ok_or_else(|| bad(n, "a copy is cut off"))?;
                    let k = usize::from(c.wrapping_sub(0x20));
                    if !(1..=MAX_OP).contains(&k) {
                        return Err(bad(n, "a copy out of bounds"));
                    }
                    let base = (lit - out_start) as u32;
                    let at = above.ends.len();
                    tokens(&out[lit..], &mut above.ends);
                    for e in &mut above.ends[at..] {
                        *e += base;
                    }
                    let rp = rpos.ok_or_else(|| bad(n, "a copy in the first line"))?;
                    let (rstart, rfirst) = above.lines[rp];
                    let rcount = above.lines[rp + 1].1 - rfirst;
                    let t = above.ends.len() - first;
                    if t + k > rcount as usize {
                        return Err(bad(n, "a copy beyond its reference"));
                    }
                    let rends = rfirst as usize..(rfirst + rcount) as usize;
                    let from = if t == 0 { 0 } else { above.ends[rends.start + t - 1] as usize };
                    let to = above.ends[rends.start + t + k - 1] as usize;
                    if out.len() + (to - from) > MAX_UNPACKED {
                        return Err(bad(n, &format!("unpacks to more than {} MiB", MAX_UNPACKED >> 20)));
                    }
                    let base = (out.len() - out_start) as u32;
                    for j in t..t + k {
                        let e = above.ends[rends.start + j] - from as u32 + base;
                        above.ends.push(e);
                    }
                    out.extend_from_within(rstart + from..rstart + to);
                    lit = out.len();
                    i += 2;
                }
                ESCAPE => {
                    let c = *line.get(i + 1).ok_or_else(|| bad(n, "an escape is cut off"))?;
                    out.push(c);
                    i += 2;
                }
                REF => return Err(bad(n, "a reference inside a line")),
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        let base = (lit - out_start) as u32;
        let at = above.ends.len();
        tokens(&out[lit..], &mut above.ends);
        for e in &mut above.ends[at..] {
            *e += base;
        }
        above.close();
        n += 1;
        if end >= src.len() {
            break;
        }
        out.push(b'\n');
        start = end + 1;
    }
    String::from_utf8(out).map_err(|_| bad(n.saturating_sub(1), "not UTF-8 once unpacked"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(text: &str) -> String {
        let p = pack(text);
        assert!(!p.contains('\n') || p.matches('\n').count() == text.matches('\n').count(), "one packed line per line");
        let u = unpack(&"k", p.clone()).unwrap();
        assert_eq!(u, text, "packed: {p:?}");
        p
    }

    #[test]
    fn lines_of_one_shape_pack_to_their_differences() {
        let a = r#"{"s":1,"n":1,"t":5000,"a":"customer0@example.com","l":[{"a":0,"b":"rt#1"}]}"#;
        let b = r#"{"s":1,"n":1,"t":4000,"a":"customer1@example.com","l":[{"a":0,"b":"rt#1"}]}"#;
        let c = r#"{"s":1,"n":1,"t":4000,"a":"customer2@example.com","l":[{"a":0,"b":"rt#1"},{"a":5000,"b":"mta#3"}]}"#;
        let d = r#"{"s":1,"n":1,"t":3000,"a":"customer3@example.com","l":[{"a":0,"b":"rt#1"}]}"#;
        let text = [a, b, c, d].join("\n");
        let p = round(&text);
        assert!(p.len() * 2 < text.len(), "{} of {}: {p:?}", p.len(), text.len());
        // The fourth line takes the second as its reference (the same shape), two lines up.
        let last = p.rsplit('\n').next().unwrap();
        assert!(last.starts_with("\u{7}\""), "{last:?}");
        assert!(last.len() < 30, "{last:?}");
    }

    #[test]
    fn odd_texts_round_trip() {
        for t in [
            "",
            "\n",
            "\n\n\n",
            "a",
            "a\n\na",
            "héllo wörld\nhéllo wörld\nhéllo wørld",
            "\u{5}\u{6}\u{7}\n\u{5}\u{6}\u{7}x\n\u{7}!",
            "{\"q\":0}\n\n\n{\"q\":0}",
            "emoji 😀 x\nemoji 😀 y\n😀😀😀",
        ] {
            round(t);
        }
        // Runs and distances longer than one operation says.
        let long: String = (0..300).map(|i| format!("{},", i % 2)).collect();
        round(&format!("{long}\n{long}\n{long}x"));
        let many: Vec<String> = (0..200).map(|i| if i % 150 == 0 { "a,b,c".to_string() } else { format!("{i}") }).collect();
        round(&many.join("\n"));
    }

    #[test]
    fn random_texts_round_trip() {
        // Lines drawn from a few shapes and pieces (control characters, multi-byte characters,
        // long runs), so that references, copies and escapes all occur.
        let pieces = ["{\"a\":", "1", "22", ",", "x", "é", "😀", "\u{5}", "\u{6}", "\u{7}", " ", "abc", "}", "\"", "0"];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        };
        for _ in 0..300 {
            let shapes: Vec<Vec<usize>> = (0..3).map(|_| (0..next(40)).map(|_| next(pieces.len())).collect()).collect();
            let lines: Vec<String> = (0..next(140))
                .map(|_| {
                    let shape = &shapes[next(3)];
                    shape.iter().map(|&p| if next(5) == 0 { pieces[next(pieces.len())] } else { pieces[p] }).collect()
                })
                .collect();
            round(&lines.join("\n"));
        }
    }

    #[test]
    fn a_text_packed_after_kept_lines_is_the_text_packed() {
        let page: Vec<String> = (0..128).map(|i| format!("{{\"s\":{},\"a\":\"c{i}@example.com\",\"t\":{}}}", i % 3, i * 1000)).collect();
        let old = page.join("\n");
        let packed = pack(&old);
        for kept in [0, 1, 5, 64, 127, 128, 200] {
            let mut new = page.clone();
            if kept < new.len() {
                new[kept] = "{\"s\":9}".into();
            }
            new.push("{\"s\":1,\"a\":\"x@example.com\",\"t\":5}".into());
            let text = new.join("\n");
            assert_eq!(pack_after(&text, kept.min(128), &packed), pack(&text), "kept {kept}");
        }
        // Fewer lines than kept (a page cut short): all packed.
        assert_eq!(pack_after("a\nb", 5, &packed), pack("a\nb"));
        assert_eq!(pack_after("{\"s\":0", 1, &packed), pack("{\"s\":0"));
    }

    #[test]
    fn a_packed_text_that_would_unpack_beyond_the_limit_is_refused() {
        // One long token, then lines that each copy it: 20,000 lines of 3 bytes would be 2 GB.
        let mut bomb = "a".repeat(100_000);
        for _ in 0..20_000 {
            bomb.push_str("\n\u{5}!");
        }
        let e = unpack(&"e/01/0000000000000/d00", bomb).map(|t| t.len()).unwrap_err();
        assert_eq!(e.code, ErrorCode::StorageCorrupt);
        assert!(e.message.contains("unpacks to more than"), "{}", e.message);
    }

    #[test]
    fn a_text_longer_than_the_limit_is_stored_as_it_is() {
        let line = format!("{{\"a\":\"{}\"}}", "x".repeat(1 << 20));
        let text = vec![line; 65].join("\n");
        let p = pack(&text);
        assert_eq!(p, text);
        assert_eq!(unpack(&"k", p).unwrap().len(), text.len());
    }

    #[test]
    fn a_format_3_text_unpacks_to_itself() {
        let t = "{\"q\":0,\"t\":\"x\"}\n\n{\"q\":1}".to_string();
        assert!(!is_packed(&t));
        assert_eq!(unpack(&"k", t.clone()).unwrap(), t);
    }

    #[test]
    fn garbled_packed_text_is_storage_corrupt_naming_the_record() {
        for bad in ["\u{5}", "\u{5}!", "a\n\u{5}#", "\u{7}\"", "a\u{7}\"", "\u{6}", "\u{5}\u{7f}", "a\n\u{7}~b"] {
            let e = unpack(&"e/01/0000000000000/s", bad.to_string()).unwrap_err();
            assert_eq!(e.code, ErrorCode::StorageCorrupt, "{bad:?}");
            assert!(e.message.contains("e/01/0000000000000/s"), "{}", e.message);
        }
    }
}
