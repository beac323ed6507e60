//! JavaScript's number algorithms (ECMA-262 5.1 §9.3–9.8, §15.1.2.2–3, §15.7.4), as Rhino 1.7.14
//! (our oracle) runs them with language version 1.8.
//!
//! Shortest round-trip digits come from Rust's own float formatting (`{:e}`), exact decimal
//! expansions from `{:.N e}`; rounding to a given number of digits is done here, half up on the
//! exact value, as the spec and Rhino's `BigDecimal` code do.
//!
//! Where we knowingly differ from Rhino (each is a Rhino bug; we follow the spec):
//! - `(0.0625).toPrecision(5)`: Rhino "0.06250" (drops a digit when an exact value has fewer
//!   digits than asked and leading zeros), spec and we "0.062500";
//! - `parseFloat("1e5.5")`: Rhino NaN (accepts a '.' after the exponent, then fails), spec and
//!   we 100000;
//! - `(2**63).toString(2)`: Rhino prints 2^63 − 1 (a saturating cast), we print 2^63;
//! - `(-0.5).toString(2)`: Rhino "0.1" (the sign is lost with a zero integer part), we "-0.1"
//!   (as SpiderMonkey);
//! - `toFixed(-20..=-1)`: allowed by Rhino below ES6 (as SpiderMonkey), but Rhino then throws a
//!   Java exception; we do what SpiderMonkey does: round to 10^-d (`(123.456).toFixed(-2)` =
//!   "100").
//!
//! scripts/oracle/num-diff.mjs compares all of this with Rhino on random cases.
//!
//! Rhino quirks we keep: `Number.MIN_VALUE` prints "4.9e-324" (`2 * MIN_VALUE` "9.9e-324": the
//! 20 smallest subnormals all get two digits); ToNumber accepts a hexadecimal *prefix* and a sign
//! before it (`Number("0x1g")` = 1, `Number("-0x10")` = -16); digits arguments run up to 100.

/// The RangeError message of toFixed/toExponential/toPrecision, as Rhino words it.
fn bad_precision(arg: f64) -> String {
    format!("Precision {} out of range.", number_to_string(arg))
}

/// The most digits toFixed, toExponential and toPrecision accept (ES5 says 20; Rhino 100).
const MAX_PRECISION: f64 = 100.0;

/// ToInteger (§9.4): NaN → +0, ±0 and ±∞ unchanged, else truncated toward zero.
pub(crate) fn to_integer(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.trunc()
    }
}

/// ToInt32 (§9.5).
pub(crate) fn to_int32(x: f64) -> i32 {
    to_uint32(x) as i32
}

/// ToUint32 (§9.6).
pub(crate) fn to_uint32(x: f64) -> u32 {
    if !x.is_finite() {
        return 0;
    }
    let m = x.trunc().rem_euclid(4_294_967_296.0);
    m as u32
}

// --- number to string -------------------------------------------------------------------------

/// The shortest digits that round-trip to |x| (x finite, non-zero) and the exponent n of the
/// spec's §9.8.1 (value = 0.d1d2… × 10^n), with Rhino's two subnormal exceptions.
fn shortest(x: f64) -> (Vec<u8>, i32) {
    let a = x.abs();
    // Rhino's Schubfach (as Java's Double.toString) gives the 20 smallest subnormals two digits
    // even where one would do: 4.9e-324, 9.9e-324, 4.9e-323, not 5e-324, 1e-323, 5e-323.
    if a.to_bits() <= 20 {
        let (d, n) = exact(a);
        let (mut kept, n) = round_digits(&d, n, 2);
        kept.truncate(2);
        if kept.last() == Some(&b'0') {
            kept.pop();
        }
        return (kept, n);
    }
    split_e(&format!("{:e}", a))
}

/// "d.ddde±x" → (digits without trailing zeros, exponent n with value = 0.ddd × 10^n).
fn split_e(s: &str) -> (Vec<u8>, i32) {
    let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, exp + 1)
}

fn push_digits(out: &mut String, digits: &[u8]) {
    out.extend(digits.iter().map(|&d| d as char));
}

fn push_zeros(out: &mut String, n: i32) {
    for _ in 0..n.max(0) {
        out.push('0');
    }
}

/// "d.ddd" + "e±x": the exponential form of digits with value d.ddd × 10^e.
fn exponential(out: &mut String, digits: &[u8], e: i32) {
    let (first, rest) = digits.split_first().map_or((b'0', &[][..]), |(f, r)| (*f, r));
    out.push(first as char);
    if !rest.is_empty() {
        out.push('.');
        push_digits(out, rest);
    }
    out.push('e');
    out.push(if e < 0 { '-' } else { '+' });
    out.push_str(&e.unsigned_abs().to_string());
}

/// ToString applied to a Number (§9.8.1): "NaN", "Infinity", "0" for ±0, "1e+21", "1e-7",
/// "123456789012345680000", "0.000001".
pub(crate) fn number_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    // Integers below 2^53 (counters, quantities…): their digits as they are.
    if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 {
        return (x as i64).to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let (digits, n) = shortest(x);
    let k = digits.len() as i32;
    let mut out = String::with_capacity(26);
    if x < 0.0 {
        out.push('-');
    }
    if k <= n && n <= 21 {
        push_digits(&mut out, &digits);
        push_zeros(&mut out, n - k);
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        push_digits(&mut out, int);
        out.push('.');
        push_digits(&mut out, frac);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        push_zeros(&mut out, -n);
        push_digits(&mut out, &digits);
    } else {
        exponential(&mut out, &digits, n - 1);
    }
    out
}

/// A small unsigned big integer (little-endian 32-bit limbs), just enough for radix output.
#[derive(Clone, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn from_u64(v: u64) -> Big {
        let mut b = Big(vec![v as u32, (v >> 32) as u32]);
        b.trim();
        b
    }
    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
    fn shl(&mut self, bits: u32) {
        let (limbs, bits) = ((bits / 32) as usize, bits % 32);
        if bits > 0 {
            let mut carry = 0u32;
            for l in self.0.iter_mut() {
                let v = (*l as u64) << bits | carry as u64;
                *l = v as u32;
                carry = (v >> 32) as u32;
            }
            if carry != 0 {
                self.0.push(carry);
            }
        }
        if limbs > 0 && !self.is_zero() {
            self.0.splice(0..0, std::iter::repeat_n(0, limbs));
        }
    }
    fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for l in self.0.iter_mut() {
            let v = *l as u64 * m as u64 + carry;
            *l = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
        self.trim();
    }
    /// Divides in place by a small divisor, returning the remainder.
    fn div_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for l in self.0.iter_mut().rev() {
            let v = rem << 32 | *l as u64;
            *l = (v / d as u64) as u32;
            rem = v % d as u64;
        }
        self.trim();
        rem as u32
    }
    fn sub(&mut self, o: &Big) {
        let mut borrow = 0i64;
        for (i, l) in self.0.iter_mut().enumerate() {
            let v = *l as i64 - o.0.get(i).copied().unwrap_or(0) as i64 - borrow;
            borrow = i64::from(v < 0);
            *l = v.rem_euclid(1 << 32) as u32;
        }
        self.trim();
    }
    /// Splits off the bits at and above bit `bits` (a value below 2^32 here) and returns them.
    fn split_high(&mut self, bits: u32) -> u32 {
        let (limb, bit) = ((bits / 32) as usize, bits % 32);
        let lo = self.0.get(limb).copied().unwrap_or(0) as u64;
        let hi = self.0.get(limb + 1).copied().unwrap_or(0) as u64;
        let high = ((hi << 32 | lo) >> bit) as u32;
        self.0.truncate(limb + 1);
        if let Some(l) = self.0.get_mut(limb) {
            *l &= ((1u64 << bit) - 1) as u32;
        }
        self.trim();
        high
    }
}

impl PartialOrd for Big {
    fn partial_cmp(&self, o: &Big) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Big {
    fn cmp(&self, o: &Big) -> std::cmp::Ordering {
        self.0.len().cmp(&o.0.len()).then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
    }
}

fn digit_char(d: u32) -> char {
    char::from_digit(d, 36).unwrap_or('?')
}

/// Number.prototype.toString(radix) for radix 2–36 (implementation-defined in ES5); radix 10 is
/// ToString. The fraction is the shortest that reads back as the same number at that radix
/// (SpiderMonkey's and Rhino's `dtobasestr`: digits until the value is within half a unit in the
/// last place of `x`). A radix out of range is the caller's RangeError; here it falls back to 10.
pub(crate) fn number_to_string_radix(x: f64, radix: u32) -> String {
    if radix == 10 || !(2..=36).contains(&radix) || !x.is_finite() || x == 0.0 {
        return number_to_string(x);
    }
    let a = x.abs();
    let int = a.floor();
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    // The integer part, exactly.
    let mut n = if int < 18446744073709551616.0 {
        Big::from_u64(int as u64)
    } else {
        let (e, m) = decompose(int);
        let mut b = Big::from_u64(m);
        b.shl(e as u32);
        b
    };
    let mut rev = Vec::new();
    loop {
        rev.push(digit_char(n.div_small(radix)));
        if n.is_zero() {
            break;
        }
    }
    out.extend(rev.iter().rev());
    let frac = a - int;
    if frac == 0.0 {
        return out;
    }
    out.push('.');
    // frac = fm × 2^fe exactly; 1/2^s2 is half the spacing of the doubles around x.
    let (fe, fm) = decompose(frac);
    let (fe, fm) = (fe + fm.trailing_zeros() as i32, fm >> fm.trailing_zeros());
    let xbits = a.to_bits();
    let biased = ((xbits >> 52) & 0x7ff) as i32;
    let mut s2 = 1076 - biased.max(1);
    let mut mhi_twice = false;
    if xbits & ((1 << 52) - 1) == 0 && biased > 1 {
        // x is a power of two: the gap below it is half the gap above.
        s2 += 1;
        mhi_twice = true;
    }
    let even = xbits & 1 == 0;
    let mut b = Big::from_u64(fm);
    b.shl((fe + s2).max(0) as u32);
    let mut s = Big::from_u64(1);
    s.shl(s2 as u32);
    let mut mlo = Big::from_u64(1);
    let mut mhi = Big::from_u64(if mhi_twice { 2 } else { 1 });
    let mut guard = 0;
    loop {
        b.mul_small(radix);
        let mut digit = b.split_high(s2 as u32);
        mlo.mul_small(radix);
        mhi.mul_small(radix);
        let j = b.cmp(&mlo);
        let j1 = if mhi >= s {
            std::cmp::Ordering::Greater
        } else {
            let mut delta = s.clone();
            delta.sub(&mhi);
            b.cmp(&delta)
        };
        use std::cmp::Ordering::*;
        let done = if j1 == Equal && even {
            if j == Greater {
                digit += 1;
            }
            true
        } else if j == Less || (j == Equal && even) {
            if j1 == Greater {
                let mut twice = b.clone();
                twice.shl(1);
                if twice > s {
                    digit += 1;
                }
            }
            true
        } else if j1 == Greater {
            digit += 1;
            true
        } else {
            false
        };
        out.push(digit_char(digit));
        guard += 1;
        if done || guard > 1200 {
            return out;
        }
    }
}

/// A positive finite double as (e, m) with value m × 2^e exactly.
fn decompose(x: f64) -> (i32, u64) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    if biased == 0 {
        (-1074, frac)
    } else {
        (biased - 1075, frac | (1 << 52))
    }
}

// --- toFixed, toExponential, toPrecision ------------------------------------------------------

/// The exact decimal expansion of |x| (finite): all its significant digits and n with
/// |x| = 0.d1d2… × 10^n. Zero is ("0", 1).
fn exact(x: f64) -> (Vec<u8>, i32) {
    if x == 0.0 {
        return (b"0".to_vec(), 1);
    }
    // 767 significant digits are enough for any double.
    split_e(&format!("{:.767e}", x.abs()))
}

/// Rounds an exact expansion (value 0.d × 10^n) to its first `keep` digits, half up: returns
/// the digits of the rounded value (`keep` of them, zero-padded, or `keep + 1` when the rounding
/// carries into a new digit: "999" → "1000") and its n. A negative `keep` rounds to zero (no
/// digits), `keep` 0 to zero or to "1".
fn round_digits(digits: &[u8], n: i32, keep: i32) -> (Vec<u8>, i32) {
    if keep < 0 {
        return (Vec::new(), n);
    }
    let k = keep as usize;
    let up = digits.get(k).is_some_and(|&d| d >= b'5');
    let mut out: Vec<u8> = digits.iter().copied().take(k).collect();
    out.resize(k, b'0');
    if up {
        let mut i = k;
        loop {
            if i == 0 {
                out.insert(0, b'1');
                return (out, n + 1);
            }
            i -= 1;
            if let Some(d) = out.get_mut(i) {
                if *d == b'9' {
                    *d = b'0';
                } else {
                    *d += 1;
                    break;
                }
            }
        }
    }
    (out, n)
}

/// Number.prototype.toFixed (§15.7.4.5). `digits` is ToNumber of the argument (None when it is
/// undefined). Digits run from -20 to 100 (Rhino below ES6; a negative count rounds to tens,
/// hundreds…, as SpiderMonkey); the Err is the RangeError's message.
pub(crate) fn to_fixed(x: f64, digits: Option<f64>) -> Result<String, String> {
    let f = to_integer(digits.unwrap_or(0.0));
    if !(-20.0..=MAX_PRECISION).contains(&f) {
        return Err(bad_precision(digits.unwrap_or(0.0)));
    }
    if !x.is_finite() || x.abs() >= 1e21 {
        return Ok(number_to_string(x));
    }
    let f = f as i32;
    if let Some(s) = to_fixed_integer(x, f) {
        return Ok(s);
    }
    if let Some(s) = to_fixed_quick(x, f) {
        return Ok(s);
    }
    let (d, n) = exact(x);
    // The digits of N = round(|x| × 10^f), half up; the result is N × 10^-f with f decimals.
    let (kept, _) = round_digits(&d, n, n + f);
    let mut m: Vec<u8> = kept.iter().copied().skip_while(|&c| c == b'0').collect();
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    if m.is_empty() {
        m.push(b'0');
    } else if f < 0 {
        m.resize(m.len() + (-f) as usize, b'0');
    }
    if f <= 0 {
        push_digits(&mut out, &m);
        return Ok(out);
    }
    let f = f as usize;
    if m.len() <= f {
        m.splice(0..0, std::iter::repeat_n(b'0', f + 1 - m.len()));
    }
    let (int, frac) = m.split_at(m.len() - f);
    push_digits(&mut out, int);
    out.push('.');
    push_digits(&mut out, frac);
    Ok(out)
}

/// toFixed of an amount (the common case: a price with two decimals) by integer arithmetic:
/// s = |x| × 10^f is computed within 2^-13 of the exact product when it is below 2^40, so when
/// its fraction is further than that from one half, rounding s half up gives the exact result.
/// None otherwise (a near tie, a large value): the exact paths decide.
fn to_fixed_integer(x: f64, f: i32) -> Option<String> {
    if !(0..=15).contains(&f) {
        return None;
    }
    let s = x.abs() * 10f64.powi(f);
    // NaN and infinities fail the comparison too.
    if s.partial_cmp(&1_099_511_627_776.0) != Some(std::cmp::Ordering::Less) {
        return None;
    }
    let fl = s.floor();
    let frac = s - fl;
    if (frac - 0.5).abs() < 1.0 / 4096.0 {
        return None;
    }
    let n = fl as u64 + u64::from(frac > 0.5);
    let digits = n.to_string();
    let f = f as usize;
    let mut out = String::with_capacity(digits.len() + 3);
    if x < 0.0 {
        out.push('-');
    }
    if digits.len() <= f {
        out.push('0');
        if f > 0 {
            out.push('.');
            out.extend(std::iter::repeat_n('0', f - digits.len()));
            out.push_str(&digits);
        }
    } else {
        let (int, frac) = digits.split_at(digits.len() - f);
        out.push_str(int);
        if f > 0 {
            out.push('.');
            out.push_str(frac);
        }
    }
    Some(out)
}

/// toFixed without the full exact expansion: `|x|` written with f + 24 decimals (Rust writes
/// them exactly, rounded at the last one), then rounded half up at f. That is exact unless the
/// 24 guard digits are all 0 or all 9 (a rounding of the last one may have carried into the
/// digit that decides): then None, and the caller takes the exact path.
fn to_fixed_quick(x: f64, f: i32) -> Option<String> {
    if !(0..=76).contains(&f) {
        return None;
    }
    let f = f as usize;
    let s = format!("{:.*}", f + 24, x.abs());
    let (int, frac) = s.split_once('.')?;
    let guard = frac.get(f + 1..)?;
    // All zeros is exact when |x| has at most f + 24 binary digits after the point (its
    // decimal expansion is then that long at most: nothing was rounded).
    let exact = (x.abs() * 2f64.powi(f as i32 + 24)).fract() == 0.0;
    if (guard.bytes().all(|b| b == b'0') && !exact) || guard.bytes().all(|b| b == b'9') {
        return None;
    }
    let decide = frac.as_bytes().get(f).copied()?;
    let mut digits: Vec<u8> = int.bytes().chain(frac.bytes().take(f)).collect();
    if decide >= b'5' {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let int_len = digits.len() - f;
    let mut out = String::with_capacity(digits.len() + 2);
    // A negative value keeps its sign even when it rounds to zero (§15.7.4.5 step 7).
    if x < 0.0 {
        out.push('-');
    }
    push_digits(&mut out, digits.get(..int_len).unwrap_or_default());
    if f > 0 {
        out.push('.');
        push_digits(&mut out, digits.get(int_len..).unwrap_or_default());
    }
    Some(out)
}

/// Number.prototype.toExponential (§15.7.4.6). `digits`: ToNumber of the argument, None when
/// undefined (then as many digits as needed to tell the number apart). Non-finite numbers print
/// before the range check, as in Rhino.
pub(crate) fn to_exponential(x: f64, digits: Option<f64>) -> Result<String, String> {
    if !x.is_finite() {
        return Ok(number_to_string(x));
    }
    let f = to_integer(digits.unwrap_or(0.0));
    if !(0.0..=MAX_PRECISION).contains(&f) {
        return Err(bad_precision(digits.unwrap_or(0.0)));
    }
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    if x == 0.0 {
        out.push('0');
        if digits.is_some() && f > 0.0 {
            out.push('.');
            push_zeros(&mut out, f as i32);
        }
        out.push_str("e+0");
        return Ok(out);
    }
    let (kept, n) = match digits {
        None => shortest(x),
        Some(_) => {
            let (d, n) = exact(x);
            let (mut kept, n) = round_digits(&d, n, f as i32 + 1);
            kept.truncate(f as usize + 1);
            (kept, n)
        }
    };
    exponential(&mut out, &kept, n - 1);
    Ok(out)
}

/// Number.prototype.toPrecision (§15.7.4.7). `digits`: ToNumber of the argument, None when
/// undefined (then ToString).
pub(crate) fn to_precision(x: f64, digits: Option<f64>) -> Result<String, String> {
    let Some(arg) = digits else { return Ok(number_to_string(x)) };
    if !x.is_finite() {
        return Ok(number_to_string(x));
    }
    let p = to_integer(arg);
    if !(1.0..=MAX_PRECISION).contains(&p) {
        return Err(bad_precision(arg));
    }
    let p = p as i32;
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    let (kept, n) = if x == 0.0 {
        (vec![b'0'; p as usize], 1)
    } else {
        let (d, n) = exact(x);
        let (mut kept, n) = round_digits(&d, n, p);
        kept.truncate(p as usize);
        (kept, n)
    };
    let e = n - 1;
    if e < -6 || e >= p {
        exponential(&mut out, &kept, e);
    } else if e >= 0 {
        let (int, frac) = kept.split_at(((e + 1) as usize).min(kept.len()));
        push_digits(&mut out, int);
        if !frac.is_empty() {
            out.push('.');
            push_digits(&mut out, frac);
        }
    } else {
        out.push_str("0.");
        push_zeros(&mut out, -(e + 1));
        push_digits(&mut out, &kept);
    }
    Ok(out)
}

// --- string to number -------------------------------------------------------------------------

/// StrWhiteSpaceChar (§9.3.1) as Rhino has it: WhiteSpace, LineTerminator, U+FEFF and every
/// Unicode "Zs" space.
pub(crate) fn is_str_whitespace(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
    )
}

fn digit_value(c: u8, radix: u32) -> Option<u32> {
    (c as char).to_digit(36).filter(|&d| d < radix)
}

/// The integer that the longest prefix of `s` made of digits at `radix` spells, or NaN when
/// there is none; the second value is how many bytes it took. Radix 10 and the powers of two
/// round correctly; other radices accumulate in doubles (as Rhino and SpiderMonkey do).
fn digits_prefix(s: &str, radix: u32) -> (f64, usize) {
    let len = s.bytes().take_while(|&c| digit_value(c, radix).is_some()).count();
    let Some(digits) = s.get(..len).filter(|d| !d.is_empty()) else { return (f64::NAN, 0) };
    let value = if radix == 10 {
        digits.parse().unwrap_or(f64::NAN)
    } else if radix.is_power_of_two() {
        binary_digits(digits, radix.trailing_zeros())
    } else {
        digits.bytes().fold(0.0, |sum, c| sum * radix as f64 + digit_value(c, radix).unwrap_or(0) as f64)
    };
    (value, len)
}

/// Digits at radix 2^k, correctly rounded (half to even).
fn binary_digits(digits: &str, k: u32) -> f64 {
    let (mut m, mut exp, mut sticky) = (0u64, 0i32, false);
    for c in digits.bytes() {
        let d = u64::from(digit_value(c, 1 << k).unwrap_or(0));
        if m >> (63 - k) == 0 {
            m = m << k | d;
        } else {
            exp += k as i32;
            sticky |= d != 0;
        }
    }
    if m < 1 << 53 && exp == 0 {
        return m as f64;
    }
    let lz = m.leading_zeros();
    m <<= lz;
    exp -= lz as i32;
    let (mut mant, rem) = (m >> 11, m & 0x7ff);
    if rem > 0x400 || (rem == 0x400 && (sticky || mant & 1 == 1)) {
        mant += 1;
    }
    let mut r = mant as f64;
    let mut e = exp + 11;
    while e > 0 {
        let step = e.min(1000);
        r *= f64::from_bits(((1023 + step) as u64) << 52);
        e -= step;
    }
    r
}

/// ToNumber applied to a String (§9.3.1), as Rhino 1.7.14 (before ES6): whitespace trimmed, ""
/// is 0, "0x1F" hexadecimal (a hexadecimal *prefix*, and a sign, accepted: "0x1g" is 1, "-0x10"
/// -16), "Infinity" with an optional sign, otherwise a StrDecimalLiteral; no octal; NaN
/// otherwise.
pub(crate) fn string_to_number(s: &str) -> f64 {
    let t = s.trim_matches(is_str_whitespace);
    if t.is_empty() {
        return 0.0;
    }
    let b = t.as_bytes();
    let hex = |rest: &str| digits_prefix(rest, 16).0;
    match b {
        [b'0', b'x' | b'X', _, ..] => return t.get(2..).map_or(f64::NAN, hex),
        [sign @ (b'+' | b'-'), b'0', b'x' | b'X', _, ..] => {
            let v = t.get(3..).map_or(f64::NAN, hex);
            return if *sign == b'-' { -v } else { v };
        }
        _ => {}
    }
    if t.ends_with('y') {
        return match t {
            "Infinity" | "+Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            _ => f64::NAN,
        };
    }
    if !t.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-')) {
        return f64::NAN;
    }
    t.parse().unwrap_or(f64::NAN)
}

/// parseInt (§15.1.2.2), as Rhino: `radix` is ToInt32 of the argument (0 when undefined).
pub(crate) fn parse_int(s: &str, radix: i32) -> f64 {
    let t = s.trim_start_matches(is_str_whitespace);
    let (negative, t) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..).unwrap_or("")),
        Some(b'+') => (false, t.get(1..).unwrap_or("")),
        _ => (false, t),
    };
    let hex_prefix = t.len() > 1 && (t.starts_with("0x") || t.starts_with("0X"));
    let (radix, t) = match radix {
        0 if hex_prefix => (16, t.get(2..).unwrap_or("")),
        0 => (10, t),
        16 if hex_prefix => (16, t.get(2..).unwrap_or("")),
        2..=36 => (radix as u32, t),
        _ => return f64::NAN,
    };
    let v = digits_prefix(t, radix).0;
    if negative {
        -v
    } else {
        v
    }
}

/// parseFloat (§15.1.2.3): the longest prefix (after whitespace) that is a StrDecimalLiteral;
/// "Infinity" with an optional sign, whatever follows; NaN when there is none.
pub(crate) fn parse_float(s: &str) -> f64 {
    let t = s.trim_start_matches(is_str_whitespace);
    let b = t.as_bytes();
    let start = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if b.get(start..).is_some_and(|r| r.starts_with(b"Infinity")) {
        return if b.first() == Some(&b'-') { f64::NEG_INFINITY } else { f64::INFINITY };
    }
    // Integer digits, an optional fraction, an optional exponent with at least one digit.
    let digits_at = |i: usize| b.get(i..).map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count());
    let mut end = start + digits_at(start);
    let mut any = end > start;
    if b.get(end) == Some(&b'.') {
        let frac = digits_at(end + 1);
        any |= frac > 0;
        end += 1 + frac;
    }
    if !any {
        return f64::NAN;
    }
    if matches!(b.get(end), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(b.get(end + 1), Some(b'+' | b'-')));
        let exp = digits_at(end + 1 + sign);
        if exp > 0 {
            end += 1 + sign + exp;
        }
    }
    t.get(..end).and_then(|p| p.parse().ok()).unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: f64) -> String {
        number_to_string(x)
    }

    #[test]
    fn to_string_table() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "0"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (1.0, "1"),
            (-1.5, "-1.5"),
            (0.1, "0.1"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (1e-7, "1e-7"),
            (0.000001, "0.000001"),
            (1.5e-7, "1.5e-7"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "4.9e-324"),
            (1e-323, "9.9e-324"),
            (1.5e-323, "1.5e-323"),
            (-5e-324, "-4.9e-324"),
            (0.30000000000000004, "0.30000000000000004"),
            (123.456, "123.456"),
            (2f64.powi(53), "9007199254740992"),
            (1e100, "1e+100"),
        ];
        for &(x, want) in cases {
            assert_eq!(s(x), want, "{x:e}");
        }
    }

    #[test]
    fn radix_table() {
        let cases: &[(f64, u32, &str)] = &[
            (255.0, 16, "ff"),
            (0.5, 2, "0.1"),
            (-255.5, 16, "-ff.8"),
            (0.1, 3, "0.0022002200220022002200220022002201"),
            (3.5, 3, "10.111111111111111111111111111111111"),
            (2f64.powi(64), 16, "10000000000000000"),
            (2f64.powi(63), 2, "1000000000000000000000000000000000000000000000000000000000000000"),
            (1e21, 7, "5135235413265003022550266"),
            (0.000001, 2, "0.000000000000000000010000110001101111011110100000101101011110110110001101"),
            (-0.0, 2, "0"),
            (f64::NAN, 2, "NaN"),
            (35.0, 36, "z"),
        ];
        for &(x, r, want) in cases {
            assert_eq!(number_to_string_radix(x, r), want, "{x} radix {r}");
        }
    }

    #[test]
    fn fixed_exponential_precision() {
        let fixed: &[(f64, Option<f64>, &str)] = &[
            (2.5, Some(0.0), "3"),
            (-2.5, Some(0.0), "-3"),
            (1.005, Some(2.0), "1.00"),
            (1e21, Some(2.0), "1e+21"),
            (-1e21, Some(2.0), "-1e+21"),
            (-0.0, Some(2.0), "0.00"),
            (-0.0000001, Some(2.0), "-0.00"),
            (123.0, Some(2.9), "123.00"),
            (123.0, Some(f64::NAN), "123"),
            (123.0, None, "123"),
            (0.5, None, "1"),
            (0.4, None, "0"),
            (-0.4, None, "-0"),
            (1e-7, Some(10.0), "0.0000001000"),
            (0.0625, Some(5.0), "0.06250"),
            (99.99, Some(1.0), "100.0"),
            (9.995, Some(2.0), "9.99"),
            (123.456, Some(-2.0), "100"),
            (123.456, Some(-1.0), "120"),
            (150.0, Some(-2.0), "200"),
            (0.0, Some(-1.0), "0"),
            (f64::NAN, Some(2.0), "NaN"),
            (
                123.456,
                Some(100.0),
                "123.4560000000000030695446184836328029632568359375000000000000000000000000000000000000000000000000000000",
            ),
        ];
        for &(x, d, want) in fixed {
            assert_eq!(to_fixed(x, d).as_deref(), Ok(want), "{x}.toFixed({d:?})");
        }
        assert_eq!(to_fixed(1.0, Some(101.0)), Err("Precision 101 out of range.".into()));
        assert_eq!(to_fixed(1.0, Some(-21.0)), Err("Precision -21 out of range.".into()));
        assert_eq!(to_fixed(f64::NAN, Some(200.0)), Err("Precision 200 out of range.".into()));

        let exp: &[(f64, Option<f64>, &str)] = &[
            (123.456, None, "1.23456e+2"),
            (0.0, None, "0e+0"),
            (0.0, Some(2.0), "0.00e+0"),
            (0.0625, Some(5.0), "6.25000e-2"),
            (9.96, Some(1.0), "1.0e+1"),
            (1.5, Some(0.0), "2e+0"),
            (-1.5, Some(0.0), "-2e+0"),
            (5e-324, None, "4.9e-324"),
            (f64::NAN, Some(200.0), "NaN"),
        ];
        for &(x, d, want) in exp {
            assert_eq!(to_exponential(x, d).as_deref(), Ok(want), "{x}.toExponential({d:?})");
        }
        assert_eq!(to_exponential(123.0, Some(-1.0)), Err("Precision -1 out of range.".into()));

        let prec: &[(f64, Option<f64>, &str)] = &[
            (0.0, Some(1.0), "0"),
            (0.0, Some(3.0), "0.00"),
            (-0.0, Some(3.0), "0.00"),
            (1e-7, Some(1.0), "1e-7"),
            (1e-7, Some(2.0), "1.0e-7"),
            (25.0, Some(1.0), "3e+1"),
            (123.456, Some(2.0), "1.2e+2"),
            (-1.5, Some(1.0), "-2"),
            (0.5, Some(3.0), "0.500"),
            (0.0625, Some(5.0), "0.062500"),
            (0.000001, Some(2.0), "0.0000010"),
            (1e21, Some(25.0), "1000000000000000000000.000"),
            (1200.0, Some(2.0), "1.2e+3"),
            (1200.0, Some(4.0), "1200"),
            (1200.0, Some(5.0), "1200.0"),
            (99.9, Some(2.0), "1.0e+2"),
            (123.0, None, "123"),
            (f64::NAN, Some(200.0), "NaN"),
        ];
        for &(x, d, want) in prec {
            assert_eq!(to_precision(x, d).as_deref(), Ok(want), "{x}.toPrecision({d:?})");
        }
        assert_eq!(to_precision(123.0, Some(0.0)), Err("Precision 0 out of range.".into()));
    }

    #[test]
    fn string_to_number_table() {
        let cases: &[(&str, f64)] = &[
            ("", 0.0),
            ("   ", 0.0),
            ("  12  ", 12.0),
            ("\u{feff}1", 1.0),
            ("\u{3000}1\u{2029}", 1.0),
            ("\u{180e}1", f64::NAN),
            ("0x1F", 31.0),
            ("0X1f", 31.0),
            ("0x1g", 1.0),
            ("-0x10", -16.0),
            ("+0x10", 16.0),
            ("0x", f64::NAN),
            ("0xg", f64::NAN),
            ("1.e3", 1000.0),
            (".5", 0.5),
            ("-.5", -0.5),
            ("1e", f64::NAN),
            ("1e+", f64::NAN),
            (".", f64::NAN),
            ("+", f64::NAN),
            ("Infinity", f64::INFINITY),
            ("+Infinity", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY),
            ("infinity", f64::NAN),
            ("Infinityy", f64::NAN),
            ("inf", f64::NAN),
            ("NaN", f64::NAN),
            ("012", 12.0),
            ("1 2", f64::NAN),
            ("0x1p3", 1.0),
            ("1d", f64::NAN),
            ("1e1000", f64::INFINITY),
            ("-0", -0.0),
            ("0x1000000000000081", 1152921504606847200.0),
        ];
        for &(src, want) in cases {
            let got = string_to_number(src);
            assert!(got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()), "{src:?}: {got} != {want}");
        }
    }

    #[test]
    fn parse_int_float_table() {
        let ints: &[(&str, i32, f64)] = &[
            ("0x1F", 0, 31.0),
            ("012", 0, 12.0),
            ("  -0", 0, -0.0),
            ("123456789012345678901234567890", 0, 1.2345678901234568e29),
            ("0x1000000000000081", 0, 1152921504606847200.0),
            ("zzzzzzzzzzzzzzzz", 36, 7.958661109946401e24),
            ("1e3", 0, 1.0),
            ("\u{a0}12", 0, 12.0),
            ("12", 37, f64::NAN),
            ("12", 1, f64::NAN),
            ("-", 0, f64::NAN),
            ("0x", 16, f64::NAN),
            ("0x10", 16, 16.0),
            ("0x10", 10, 0.0),
            ("", 0, f64::NAN),
            ("11", 2, 3.0),
            ("ff", 16, 255.0),
        ];
        for &(src, r, want) in ints {
            let got = parse_int(src, r);
            assert!(got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()), "parseInt({src:?}, {r}): {got}");
        }
        let floats: &[(&str, f64)] = &[
            ("1e5.5", 100000.0),
            ("Infinityx", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY),
            ("Infinit", f64::NAN),
            ("1e", 1.0),
            ("1e+", 1.0),
            ("1ex", 1.0),
            ("1.5.3", 1.5),
            (".5", 0.5),
            ("5.", 5.0),
            ("5.e", 5.0),
            (".", f64::NAN),
            ("e5", f64::NAN),
            ("-.5x", -0.5),
            ("  2.5abc", 2.5),
            ("0x10", 0.0),
            ("", f64::NAN),
            ("+", f64::NAN),
        ];
        for &(src, want) in floats {
            let got = parse_float(src);
            assert!(got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()), "parseFloat({src:?}): {got}");
        }
    }

    #[test]
    fn int32() {
        assert_eq!(to_int32(4294967296.0 + 5.0), 5);
        assert_eq!(to_int32(2147483648.0), -2147483648);
        assert_eq!(to_int32(-1.5), -1);
        assert_eq!(to_int32(f64::NAN), 0);
        assert_eq!(to_uint32(-1.0), 4294967295);
        assert_eq!(to_uint32(1e300), 0);
        assert_eq!(to_integer(-1.5), -1.0);
        assert!(to_integer(-0.0).is_sign_negative());
    }
}

/// The Rust half of scripts/oracle/num-diff.mjs: reads the cases (JSON lines) from the file
/// NUM_DIFF_CASES and writes one result line per case to NUM_DIFF_OUT.
#[cfg(test)]
mod oracle {
    use super::*;
    use serde_json::{json, Value};

    fn num(v: f64) -> String {
        if v.is_nan() {
            "NaN".into()
        } else if v == 0.0 {
            if v.is_sign_negative() { "-0" } else { "0" }.into()
        } else if v.is_infinite() {
            if v > 0.0 { "Infinity" } else { "-Infinity" }.into()
        } else {
            format!("{v:e}")
        }
    }

    fn run(c: &Value) -> Value {
        let x = string_to_number(c["x"].as_str().unwrap_or("NaN"));
        let a = c.get("a").map(|a| a.as_f64().unwrap_or_else(|| string_to_number(a.as_str().unwrap_or(""))));
        let s = c["s"].as_str().unwrap_or("");
        let r = |r: Result<String, String>| match r {
            Ok(s) => json!({ "r": s }),
            Err(e) => json!({ "e": format!("RangeError: {e}") }),
        };
        match c["op"].as_str().unwrap_or("") {
            "str" => json!({ "r": number_to_string(x) }),
            "radix" => json!({ "r": number_to_string_radix(x, a.unwrap_or(10.0) as u32) }),
            "fixed" => r(to_fixed(x, a)),
            "exp" => r(to_exponential(x, a)),
            "prec" => r(to_precision(x, a)),
            "num" => json!({ "n": num(string_to_number(s)) }),
            "int" => json!({ "n": num(parse_int(s, to_int32(a.unwrap_or(0.0)))) }),
            "float" => json!({ "n": num(parse_float(s)) }),
            "int32" => json!({ "n": num(f64::from(to_int32(x))) }),
            "uint32" => json!({ "n": num(f64::from(to_uint32(x))) }),
            op => json!({ "e": format!("unknown op {op}") }),
        }
    }

    #[test]
    #[ignore = "run by scripts/oracle/num-diff.mjs"]
    fn oracle_diff() {
        crate::script::oracle_diff_files("NUM_DIFF", run);
    }
}
