//! Dates as the core handles them: milliseconds since the Unix epoch (UTC), parsed from and
//! formatted to ISO 8601. No clock, no time-zone database: offsets are taken as written.
//!
//! Calendar arithmetic uses Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms
//! (proleptic Gregorian calendar).

use crate::error::{err, ErrorCode, Result};
use crate::tree::excerpt;

/// Milliseconds in one day.
const DAY_MS: i64 = 86_400_000;

/// First instant refused by the parser: 10000-01-01T00:00:00Z, in milliseconds.
const YEAR_10000_MS: i64 = 253_402_300_800_000;

/// Days since 1970-01-01 of the civil date `y-m-d` (m in 1..=12, d in 1..=31).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400; // [0, 399]
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + d - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Civil date `(year, month, day)` of a count of days since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Cursor over the bytes of a date being parsed.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Exactly `n` ASCII digits, as a number.
    fn digits(&mut self, n: usize) -> Option<i64> {
        let slice = self.b.get(self.i..self.i.checked_add(n)?)?;
        let mut v: i64 = 0;
        for &c in slice {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(c - b'0');
        }
        self.i += n;
        Some(v)
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
}

/// Parses an ISO 8601 date or date-time into milliseconds since the Unix epoch (UTC).
///
/// Accepted forms: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM`, `YYYY-MM-DDTHH:MM:SS`, with an optional
/// fraction of a second of 1 to 9 digits after the seconds (truncated to milliseconds), a space
/// instead of `T`, and an optional `Z` or `±HH:MM` / `±HHMM` offset (none means UTC). Years
/// 1970–9999 only, and the instant itself must fall in that range once converted to UTC.
///
/// Errors: [`ErrorCode::InvalidDate`] with a message naming the value and what is wrong.
pub fn parse_iso8601(s: &str) -> Result<i64> {
    let bad = |what: &str| err(ErrorCode::InvalidDate, format!("invalid date '{}': {what}", excerpt(s)));
    let shape = "expected ISO 8601 such as 2026-11-26, 2026-11-26T13:40:00Z or 2026-11-26T13:40:00.000+01:00";
    let mut c = Cursor { b: s.as_bytes(), i: 0 };

    let (Some(year), true, Some(month), true, Some(day)) = (c.digits(4), c.eat(b'-'), c.digits(2), c.eat(b'-'), c.digits(2)) else {
        return bad(shape);
    };
    if !(1970..=9999).contains(&year) {
        return bad(&format!("year {year} is outside 1970–9999"));
    }
    if !(1..=12).contains(&month) {
        return bad(&format!("month {month} is outside 1–12"));
    }
    let dim = days_in_month(year, month);
    if day < 1 || day > dim {
        return bad(&format!("day {day} is outside 1–{dim} for {year}-{month:02}"));
    }

    let (mut hour, mut minute, mut second, mut millis, mut offset_min) = (0, 0, 0, 0, 0);
    if c.peek().is_some() {
        if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
            return bad(shape);
        }
        let (Some(h), true, Some(m)) = (c.digits(2), c.eat(b':'), c.digits(2)) else {
            return bad(shape);
        };
        hour = h;
        minute = m;
        if c.eat(b':') {
            let Some(sec) = c.digits(2) else {
                return bad(shape);
            };
            second = sec;
            if c.eat(b'.') {
                let start = c.i;
                let mut frac_ms: i64 = 0;
                while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
                    if c.i - start < 3 {
                        frac_ms = frac_ms * 10 + i64::from(d - b'0');
                    }
                    c.i += 1;
                }
                let n = c.i - start;
                if n == 0 || n > 9 {
                    return bad("the fraction of a second must have 1 to 9 digits");
                }
                for _ in n..3 {
                    frac_ms *= 10;
                }
                millis = frac_ms;
            }
        }
        if hour > 23 {
            return bad(&format!("hour {hour} is outside 0–23"));
        }
        if minute > 59 {
            return bad(&format!("minute {minute} is outside 0–59"));
        }
        if second > 59 {
            return bad(&format!("second {second} is outside 0–59"));
        }
        match c.peek() {
            None => {}
            Some(b'Z' | b'z') => c.i += 1,
            Some(sign @ (b'+' | b'-')) => {
                c.i += 1;
                let Some(oh) = c.digits(2) else {
                    return bad(shape);
                };
                c.eat(b':');
                let Some(om) = c.digits(2) else {
                    return bad(shape);
                };
                if oh > 23 || om > 59 {
                    return bad(&format!("offset {oh:02}:{om:02} is out of range"));
                }
                offset_min = (oh * 60 + om) * if sign == b'-' { -1 } else { 1 };
            }
            Some(_) => return bad(shape),
        }
        if c.peek().is_some() {
            return bad(shape);
        }
    }

    let days = days_from_civil(year, month, day);
    let ms = days * DAY_MS + ((hour * 60 + minute - offset_min) * 60 + second) * 1000 + millis;
    if !(0..YEAR_10000_MS).contains(&ms) {
        return bad("the instant falls outside years 1970–9999 in UTC");
    }
    Ok(ms)
}

/// Splits milliseconds since the epoch into (year, month, day, hour, minute, second, millis), UTC.
fn split(ms: i64) -> (i64, i64, i64, i64, i64, i64, i64) {
    let days = ms.div_euclid(DAY_MS);
    let in_day = ms.rem_euclid(DAY_MS);
    let (y, m, d) = civil_from_days(days);
    (y, m, d, in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60, in_day % 1000)
}

/// Formats milliseconds since the epoch as ISO 8601 UTC with milliseconds:
/// `2026-11-26T13:40:00.000Z`.
pub fn format_iso(ms: i64) -> String {
    let (y, mo, d, h, mi, s, f) = split(ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{f:03}Z")
}

/// Formats milliseconds since the epoch the way Campaign writes dates (mcPing style):
/// `2026-11-26 13:40:00.000Z`.
pub fn format_campaign(ms: i64) -> String {
    let (y, mo, d, h, mi, s, f) = split(ms);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{f:03}Z")
}

/// The UTC month of an instant as `YYYY-MM`, e.g. `2026-11`.
pub fn month_key(ms: i64) -> String {
    let (y, mo, ..) = split(ms);
    format!("{y:04}-{mo:02}")
}

/// Midnight UTC of the day holding the instant, in milliseconds since the epoch.
pub fn day_start(ms: i64) -> i64 {
    ms.saturating_sub(ms.rem_euclid(DAY_MS))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> ErrorCode {
        parse_iso8601(s).unwrap_err().code
    }

    #[test]
    fn civil_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for days in [-800_000, -1, 0, 1, 59, 60, 11_016, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{days}");
        }
    }

    #[test]
    fn parses_all_forms() {
        assert_eq!(parse_iso8601("1970-01-01"), Ok(0));
        assert_eq!(parse_iso8601("2026-11-26T13:40:00Z"), Ok(1_795_700_400_000));
        assert_eq!(parse_iso8601("2026-11-26T13:40"), Ok(1_795_700_400_000));
        assert_eq!(parse_iso8601("2026-11-26 13:40:00"), Ok(1_795_700_400_000));
        assert_eq!(parse_iso8601("2026-11-26t13:40:00z"), Ok(1_795_700_400_000));
        assert_eq!(parse_iso8601("2026-11-26T13:40:00.5Z"), Ok(1_795_700_400_500));
        assert_eq!(parse_iso8601("2026-11-26T13:40:00.12Z"), Ok(1_795_700_400_120));
        assert_eq!(parse_iso8601("2026-11-26T13:40:00.123456789Z"), Ok(1_795_700_400_123));
        assert_eq!(parse_iso8601("2026-11-26T14:40:00+01:00"), Ok(1_795_700_400_000));
        assert_eq!(parse_iso8601("2026-11-26T14:40:00+0100"), Ok(1_795_700_400_000));
        assert_eq!(parse_iso8601("2026-11-26T08:10:00-05:30"), Ok(1_795_700_400_000));
        assert_eq!(parse_iso8601("2024-02-29"), Ok(days_from_civil(2024, 2, 29) * DAY_MS));
        assert_eq!(parse_iso8601("2000-02-29T23:59:59.999Z").map(format_iso), Ok("2000-02-29T23:59:59.999Z".into()));
        assert_eq!(parse_iso8601("9999-12-31T23:59:59.999Z"), Ok(YEAR_10000_MS - 1));
    }

    #[test]
    fn refuses_bad_dates() {
        for s in [
            "",
            "2026",
            "2026-1-01",
            "26-11-26",
            "2026/11/26",
            "2026-11-26T",
            "2026-11-26T13",
            "2026-11-26T13:4",
            "2026-11-26T13:40:",
            "2026-11-26T13:40:00.",
            "2026-11-26T13:40:00.1234567890",
            "2026-11-26T13:40:00+01",
            "2026-11-26T13:40:00+1:00",
            "2026-11-26T13:40:00Zjunk",
            "2026-11-26x",
            "2026-11-26T13:40:00 ",
            " 2026-11-26",
            "１９７０-01-01",
            "1969-12-31",
            "10000-01-01",
            "0000-01-01",
            "2026-00-10",
            "2026-13-10",
            "2026-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-11-00",
            "2026-11-26T24:00",
            "2026-11-26T23:60",
            "2026-11-26T23:59:60",
            "2026-11-26T23:59:59+24:00",
            "2026-11-26T23:59:59+01:60",
            "1970-01-01T00:30:00+01:00",
            "9999-12-31T23:00:00-05:00",
        ] {
            assert_eq!(code(s), ErrorCode::InvalidDate, "{s:?}");
        }
    }

    #[test]
    fn error_messages_name_the_value() {
        let e = parse_iso8601("2026-13-01").unwrap_err();
        assert_eq!(e.message, "invalid date '2026-13-01': month 13 is outside 1–12");
        let e = parse_iso8601("2026-02-30").unwrap_err();
        assert!(e.message.contains("day 30 is outside 1–28"), "{}", e.message);
        let long = "x".repeat(100_000);
        let e = parse_iso8601(&long).unwrap_err();
        assert!(e.message.len() < 300, "message is cut");
        assert!(e.message.contains("'xxxx"));
    }

    #[test]
    fn formats() {
        let ms = 1_795_700_400_000;
        assert_eq!(format_iso(ms), "2026-11-26T13:40:00.000Z");
        assert_eq!(format_campaign(ms + 7), "2026-11-26 13:40:00.007Z");
        assert_eq!(month_key(ms), "2026-11");
        assert_eq!(format_iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_iso(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(month_key(-1), "1969-12");
    }

    #[test]
    fn day_starts() {
        let ms = 1_795_700_400_123;
        assert_eq!(format_iso(day_start(ms)), "2026-11-26T00:00:00.000Z");
        assert_eq!(day_start(0), 0);
        assert_eq!(day_start(DAY_MS - 1), 0);
        assert_eq!(day_start(-1), -DAY_MS);
    }

    #[test]
    fn extremes_do_not_panic() {
        for ms in [i64::MIN, i64::MIN + 1, i64::MAX, i64::MAX - 1] {
            let _ = format_iso(ms);
            let _ = format_campaign(ms);
            let _ = month_key(ms);
            let _ = day_start(ms);
        }
    }
}
