//! JavaScript's Date algorithms (ECMA-262 5.1 §15.9) as Rhino 1.7.14 runs them: the time math
//! of §15.9.1 in f64, the setters' arithmetic, `Date.parse`, the `to…String` formats, and
//! Campaign's `formatDate`. Times are f64 milliseconds since the epoch (UTC); local time comes
//! from a [`TimeZone`] (see tz.rs: current rules only, no history). No clock, no I/O.
//!
//! Where we knowingly differ from Rhino:
//! - history: Rhino uses Java's tz database (for t ≥ 0; years before 1970 are mapped to a
//!   1971–1996 year with the same calendar), we use the zone's current rule for every year;
//! - the name in parentheses of `toString` is the zone's short name from our table (Java's
//!   names: "CET", "EST", "SGT"), the rule's own names for a POSIX rule, "GMT+hh:mm" for a bare
//!   offset; Java may know other names for other zones;
//! - `toLocale…String` use Rhino's fixed en-US patterns ("March 2, 2026 8:00:00 AM UTC"), in the
//!   proleptic Gregorian calendar: Java switches to the Julian calendar before 15 October 1582.
//!   Campaign's server (SpiderMonkey, the server's C locale) may print another format;
//! - DST amounts: Rhino adds one hour in daylight time whatever the zone says; we add the rule's
//!   amount (one hour for every zone of the table);
//! - `setYear(1.5)`: Rhino skips Annex B.2.5's ToInteger (a bug); we apply it;
//! - years past ±2^31 in local time: Rhino fails an internal assertion (a Java error, not a JS
//!   exception); we compute (and TimeClip gives NaN).
//!
//! scripts/oracle/date-diff.mjs compares all of this with Rhino (see its header).

use super::num::{number_to_string, to_integer};
use super::tz::{local_offset_ms, utc_from_local, TimeZone};

pub(crate) const MS_PER_DAY: f64 = 86_400_000.0;
const MS_PER_HOUR: f64 = 3_600_000.0;
const MS_PER_MINUTE: f64 = 60_000.0;
/// 8.64e15: the largest |time value| (§15.9.1.1).
const MAX_TIME: f64 = 8.64e15;

/// The string every `to…String` gives an invalid date.
pub(crate) const INVALID_DATE: &str = "Invalid Date";
/// The RangeError message of `toISOString` on an invalid date, as Rhino words it.
pub(crate) const INVALID_DATE_ERROR: &str = "Date is invalid.";

// --- §15.9.1 ----------------------------------------------------------------------------------

/// Day(t) (§15.9.1.2).
pub(crate) fn day(t: f64) -> f64 {
    (t / MS_PER_DAY).floor()
}

/// TimeWithinDay(t) (§15.9.1.2).
pub(crate) fn time_within_day(t: f64) -> f64 {
    t.rem_euclid(MS_PER_DAY)
}

fn is_leap(y: f64) -> bool {
    y % 4.0 == 0.0 && (y % 100.0 != 0.0 || y % 400.0 == 0.0)
}

/// DayFromYear(y) (§15.9.1.3).
pub(crate) fn day_from_year(y: f64) -> f64 {
    365.0 * (y - 1970.0) + ((y - 1969.0) / 4.0).floor() - ((y - 1901.0) / 100.0).floor() + ((y - 1601.0) / 400.0).floor()
}

/// TimeFromYear(y) (§15.9.1.3).
pub(crate) fn time_from_year(y: f64) -> f64 {
    MS_PER_DAY * day_from_year(y)
}

/// YearFromTime(t) (§15.9.1.3): the largest y with TimeFromYear(y) ≤ t (NaN for NaN).
pub(crate) fn year_from_time(t: f64) -> f64 {
    if !t.is_finite() {
        return f64::NAN;
    }
    let mut y = (t / (MS_PER_DAY * 365.2425)).floor() + 1970.0;
    // Past 2^53 ms years are no longer consecutive doubles and the loops below would never end;
    // such a time only feeds a DST look-up before TimeClip makes it NaN.
    if t.abs() > 9.0e15 * 1.0e3 {
        return y;
    }
    while time_from_year(y) > t {
        y -= 1.0;
    }
    while time_from_year(y + 1.0) <= t {
        y += 1.0;
    }
    y
}

/// InLeapYear(t) (§15.9.1.3).
pub(crate) fn in_leap_year(t: f64) -> bool {
    is_leap(year_from_time(t))
}

/// Days before the first of each month, in a common year.
const MONTH_STARTS: [f64; 13] = [0.0, 31.0, 59.0, 90.0, 120.0, 151.0, 181.0, 212.0, 243.0, 273.0, 304.0, 334.0, 365.0];

/// Days before the first of month m (0–11) of a year, leap or not.
fn day_from_month(m: usize, leap: bool) -> f64 {
    MONTH_STARTS.get(m).copied().unwrap_or(0.0) + if leap && m >= 2 { 1.0 } else { 0.0 }
}

/// (month 0–11, date 1–31) of a time value (§15.9.1.4–5).
fn month_and_date(t: f64) -> (f64, f64) {
    let y = year_from_time(t);
    if y.is_nan() {
        return (f64::NAN, f64::NAN);
    }
    let leap = is_leap(y);
    let d = day(t) - day_from_year(y);
    let m = (1..12).take_while(|&m| day_from_month(m, leap) <= d).count();
    (m as f64, d - day_from_month(m, leap) + 1.0)
}

/// MonthFromTime(t) (§15.9.1.4): 0–11.
pub(crate) fn month_from_time(t: f64) -> f64 {
    month_and_date(t).0
}

/// DateFromTime(t) (§15.9.1.5): 1–31.
pub(crate) fn date_from_time(t: f64) -> f64 {
    month_and_date(t).1
}

/// WeekDay(t) (§15.9.1.6): 0 (Sunday) – 6.
pub(crate) fn week_day(t: f64) -> f64 {
    (day(t) + 4.0).rem_euclid(7.0)
}

/// HourFromTime(t) (§15.9.1.10).
pub(crate) fn hour_from_time(t: f64) -> f64 {
    (t / MS_PER_HOUR).floor().rem_euclid(24.0)
}

/// MinFromTime(t) (§15.9.1.10).
pub(crate) fn min_from_time(t: f64) -> f64 {
    (t / MS_PER_MINUTE).floor().rem_euclid(60.0)
}

/// SecFromTime(t) (§15.9.1.10).
pub(crate) fn sec_from_time(t: f64) -> f64 {
    (t / 1000.0).floor().rem_euclid(60.0)
}

/// msFromTime(t) (§15.9.1.10).
pub(crate) fn ms_from_time(t: f64) -> f64 {
    t.rem_euclid(1000.0)
}

/// MakeTime(hour, min, sec, ms) (§15.9.1.11).
pub(crate) fn make_time(hour: f64, min: f64, sec: f64, ms: f64) -> f64 {
    if ![hour, min, sec, ms].iter().all(|v| v.is_finite()) {
        return f64::NAN;
    }
    ((to_integer(hour) * 60.0 + to_integer(min)) * 60.0 + to_integer(sec)) * 1000.0 + to_integer(ms)
}

/// MakeDay(year, month, date) (§15.9.1.12), as Rhino computes it (month 13 is February of the
/// next year, date 0 the last day of the previous month, negative years proleptic Gregorian).
pub(crate) fn make_day(year: f64, month: f64, date: f64) -> f64 {
    if ![year, month, date].iter().all(|v| v.is_finite()) {
        return f64::NAN;
    }
    let y = year + (month / 12.0).floor();
    let m = month.rem_euclid(12.0);
    (time_from_year(y) / MS_PER_DAY).floor() + day_from_month(m as usize, is_leap(y.trunc())) + date - 1.0
}

/// MakeDate(day, time) (§15.9.1.13).
pub(crate) fn make_date(day: f64, time: f64) -> f64 {
    day * MS_PER_DAY + time
}

/// TimeClip(time) (§15.9.1.14): NaN beyond ±8.64e15, else an integer (never -0, as in Rhino).
pub(crate) fn time_clip(t: f64) -> f64 {
    if !t.is_finite() || t.abs() > MAX_TIME {
        return f64::NAN;
    }
    to_integer(t) + 0.0
}

/// LocalTime(t) (§15.9.1.9).
pub(crate) fn local_time(t: f64, tz: &TimeZone) -> f64 {
    t + local_offset_ms(tz, t)
}

/// UTC(t) (§15.9.1.9), with Rhino's handling of the DST gap and overlap (see tz.rs).
pub(crate) fn utc(t: f64, tz: &TimeZone) -> f64 {
    utc_from_local(tz, t)
}

/// Date.prototype.getTimezoneOffset: (t − LocalTime(t)) / msPerMinute.
pub(crate) fn timezone_offset(t: f64, tz: &TimeZone) -> f64 {
    if t.is_nan() {
        return f64::NAN;
    }
    (t - local_time(t, tz)) / MS_PER_MINUTE
}

// --- constructors and setters -----------------------------------------------------------------

/// The time value of the components (year, month[, date, hours, minutes, seconds, ms]) in the
/// frame they are given in: missing ones are 1 for the date and 0 otherwise, a year 0–99 is
/// 1900–1999; NaN if any is NaN or infinite. Not clipped.
fn msec_from_components(args: &[f64]) -> f64 {
    let mut v = [f64::NAN, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
    for (slot, &a) in v.iter_mut().zip(args) {
        if !a.is_finite() {
            return f64::NAN;
        }
        *slot = to_integer(a);
    }
    let [y, m, d, h, min, s, ms] = v;
    let y = if (0.0..=99.0).contains(&y) { y + 1900.0 } else { y };
    make_date(make_day(y, m, d), make_time(h, min, s, ms))
}

/// `new Date(year, month[, date, hours, minutes, seconds, ms])` (two or more arguments, each
/// ToNumber'd by the caller), in local time.
pub(crate) fn from_components(args: &[f64], tz: &TimeZone) -> f64 {
    let t = msec_from_components(args);
    if t.is_finite() {
        time_clip(utc(t, tz))
    } else {
        // ±Infinity when the year overflows (new Date(1e300, 0)): TimeClip makes that NaN.
        f64::NAN
    }
}

/// `Date.UTC(year[, month, …])`: NaN without arguments (Rhino defaults a missing month to 0).
pub(crate) fn date_utc(args: &[f64]) -> f64 {
    if args.is_empty() {
        return f64::NAN;
    }
    time_clip(msec_from_components(args))
}

/// The first field a `Date.prototype.set…` method sets; the method takes that field and the
/// smaller ones down to milliseconds (setHours: hours, minutes, seconds, ms) or down to the date
/// (setFullYear: year, month, date).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    Milliseconds,
    Seconds,
    Minutes,
    Hours,
    Date,
    Month,
    FullYear,
}

/// `Date.prototype.set…(args)` on a date whose time value is `t`; `tz` None for the setUTC…
/// methods. `args` are ToNumber of every argument passed (those past the method's arity are
/// ignored). Returns the new time value (clipped), as Rhino: NaN without arguments, NaN if an
/// argument used is NaN or infinite, NaN for an invalid date except that setFullYear starts it
/// from +0.
pub(crate) fn set_fields(t: f64, field: Field, args: &[f64], tz: Option<&TimeZone>) -> f64 {
    let arity = match field {
        Field::Milliseconds | Field::Date => 1,
        Field::Seconds | Field::Month => 2,
        Field::Minutes | Field::FullYear => 3,
        Field::Hours => 4,
    };
    let args = args.get(..arity.min(args.len())).unwrap_or(&[]);
    if args.is_empty() || args.iter().any(|a| !a.is_finite()) {
        return f64::NAN;
    }
    let args: Vec<f64> = args.iter().map(|&a| to_integer(a)).collect();
    let base = if t.is_nan() {
        if field != Field::FullYear {
            return f64::NAN;
        }
        0.0
    } else {
        tz.map_or(t, |tz| local_time(t, tz))
    };
    // The fields from the first one set, then those of `base`.
    let given = |i: usize, own: f64| args.get(i).copied().unwrap_or(own);
    let result = match field {
        Field::Date | Field::Month | Field::FullYear => {
            let first = match field {
                Field::FullYear => 0,
                Field::Month => 1,
                _ => 2,
            };
            let (m, d) = month_and_date(base);
            let current = [year_from_time(base), m, d];
            let pick = |k: usize| if k >= first { given(k - first, current[k]) } else { current[k] };
            make_date(make_day(pick(0), pick(1), pick(2)), time_within_day(base))
        }
        _ => {
            let first = match field {
                Field::Hours => 0,
                Field::Minutes => 1,
                Field::Seconds => 2,
                _ => 3,
            };
            let current = [hour_from_time(base), min_from_time(base), sec_from_time(base), ms_from_time(base)];
            let pick = |k: usize| if k >= first { given(k - first, current[k]) } else { current[k] };
            make_date(day(base), make_time(pick(0), pick(1), pick(2), pick(3)))
        }
    };
    time_clip(tz.map_or(result, |tz| utc(result, tz)))
}

/// `Date.prototype.setYear(year)` (Annex B.2.5): `year` is ToNumber of the argument; 0–99 means
/// 1900–1999.
pub(crate) fn set_year(t: f64, year: f64, tz: &TimeZone) -> f64 {
    if !year.is_finite() {
        return f64::NAN;
    }
    let base = if t.is_nan() { 0.0 } else { local_time(t, tz) };
    let y = to_integer(year);
    let y = if (0.0..=99.0).contains(&y) { y + 1900.0 } else { y };
    let (m, d) = month_and_date(base);
    time_clip(utc(make_date(make_day(y, m, d), time_within_day(base)), tz))
}

// --- Date.parse -------------------------------------------------------------------------------

/// `Date.parse(s)` as Rhino: first the ES5 date-time format (`2026-03-02`, `2026-03-02T08:00`,
/// `…:00.123Z`, `…+02:00`, `+002026-…`, `T08:00`), UTC when it has no zone (Rhino follows ES5
/// there; ES2015 later made date-times without a zone local); then the legacy forms of
/// SpiderMonkey's parser (`Mon Mar 02 2026 08:00:00 GMT+0100 (CET)`, `Mon, 02 Mar 2026 08:00:00
/// GMT`, `2026/03/02 08:00`, `March 2, 2026`, `3/2/2026 8:00 PM EST`…), local time unless a zone
/// is given. NaN otherwise. Like Rhino's `Date.parse`, the result of the legacy forms is not
/// clipped (`new Date(s)` clips it).
pub(crate) fn parse_date(s: &str, tz: &TimeZone) -> f64 {
    let t = parse_iso(s.as_bytes());
    if !t.is_nan() {
        return t;
    }
    parse_legacy(s, tz)
}

/// The ES5 date-time string format (§15.9.1.15) as Rhino's state machine reads it.
fn parse_iso(s: &[u8]) -> f64 {
    #[derive(Clone, Copy, PartialEq, PartialOrd)]
    enum St {
        Year,
        Month,
        Day,
        Hour,
        Min,
        Sec,
        Msec,
        TzHour,
        TzMin,
    }
    // year, month, day, hour, min, sec, msec, tz hour, tz minute
    let mut v: [i32; 9] = [1970, 1, 1, 0, 0, 0, 0, -1, -1];
    let (mut year_len, mut year_sign, mut tz_sign) = (4, 1, 1);
    let mut i = 0;
    let mut st = St::Year;
    match s.first() {
        Some(&c @ (b'+' | b'-')) => {
            i = 1;
            year_len = 6;
            year_sign = if c == b'-' { -1 } else { 1 };
        }
        Some(b'T') => {
            i = 1;
            st = St::Hour;
        }
        _ => {}
    }
    loop {
        let width = match st {
            St::Year => year_len,
            St::Msec => 3,
            _ => 2,
        };
        let Some(field) = s.get(i..i + width) else { return f64::NAN };
        if !field.iter().all(u8::is_ascii_digit) {
            return f64::NAN;
        }
        let value = field.iter().fold(0, |n, &c| n * 10 + i32::from(c - b'0'));
        if let Some(slot) = v.get_mut(st as usize) {
            *slot = value;
        }
        i += width;
        let Some(&c) = s.get(i) else {
            if matches!(st, St::Hour | St::TzHour) {
                return f64::NAN;
            }
            break;
        };
        i += 1;
        if c == b'Z' {
            v[7] = 0;
            v[8] = 0;
            if !matches!(st, St::Min | St::Sec | St::Msec) {
                return f64::NAN;
            }
            break;
        }
        st = match (st, c) {
            (St::Year, b'-') => St::Month,
            (St::Month, b'-') => St::Day,
            (St::Year | St::Month | St::Day, b'T') => St::Hour,
            (St::Hour, b':') => St::Min,
            (St::TzHour, c) => {
                if c != b':' {
                    i -= 1;
                }
                St::TzMin
            }
            (St::Min, b':') => St::Sec,
            (St::Sec, b'.') => St::Msec,
            (St::Min | St::Sec | St::Msec, b'+' | b'-') => {
                tz_sign = if c == b'-' { -1 } else { 1 };
                St::TzHour
            }
            _ => return f64::NAN,
        };
    }
    if i != s.len() {
        return f64::NAN;
    }
    let [year, month, day, hour, min, sec, ms, tzh, tzm] = v;
    if !(1..=12).contains(&month) {
        return f64::NAN;
    }
    let leap = is_leap(f64::from(year));
    let m = month as usize;
    let days_in_month = day_from_month(m, leap) - day_from_month(m - 1, leap);
    if year > 275_943
        || day < 1
        || f64::from(day) > days_in_month
        || hour > 24
        || (hour == 24 && (min > 0 || sec > 0 || ms > 0))
        || min > 59
        || sec > 59
        || tzh > 23
        || tzm > 59
    {
        return f64::NAN;
    }
    let f = f64::from;
    let mut t = make_date(make_day(f(year * year_sign), f(month - 1), f(day)), make_time(f(hour), f(min), f(sec), f(ms)));
    if tzh != -1 {
        t -= f((tzh * 60 + tzm) * tz_sign) * MS_PER_MINUTE;
    }
    if t.abs() > MAX_TIME {
        return f64::NAN;
    }
    t
}

/// The words the legacy parser knows, in the order it tries them (a word matches the first
/// entry it is a case-insensitive prefix of, two letters at least).
const WORDS: [&str; 32] = [
    "am",
    "pm",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "gmt",
    "ut",
    "utc",
    "est",
    "edt",
    "cst",
    "cdt",
    "mst",
    "mdt",
    "pst",
    "pdt",
];

/// Minutes west of UTC of the zone words, from "gmt" on.
const WORD_ZONES: [i32; 11] = [0, 0, 0, 300, 240, 360, 300, 420, 360, 480, 420];

/// The legacy `Date.parse` forms (SpiderMonkey's jsdate.c parser, as Rhino ported it), with its
/// 32-bit integer arithmetic.
fn parse_legacy(s: &str, tz: &TimeZone) -> f64 {
    let chars: Vec<char> = s.chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let limit = chars.len();
    let (mut year, mut mon, mut mday, mut hour, mut min, mut sec) = (-1i32, -1i32, -1i32, -1i32, -1i32, -1i32);
    let mut tzoffset = -1.0f64;
    let mut prevc = '\0';
    let mut seen_sign = false;
    let mut i = 0;
    while i < limit {
        let mut c = at(i);
        i += 1;
        if c <= ' ' || c == ',' || c == '-' {
            if c == '-' && i < limit && at(i).is_ascii_digit() {
                prevc = c;
            }
            continue;
        }
        if c == '(' {
            let mut depth = 1;
            while i < limit {
                c = at(i);
                i += 1;
                if c == '(' {
                    depth += 1;
                } else if c == ')' {
                    depth -= 1;
                    if depth <= 0 {
                        break;
                    }
                }
            }
            continue;
        }
        if c.is_ascii_digit() {
            let mut n = c as i32 - '0' as i32;
            while i < limit {
                c = at(i);
                if !c.is_ascii_digit() {
                    break;
                }
                n = n.wrapping_mul(10).wrapping_add(c as i32 - '0' as i32);
                i += 1;
            }
            if prevc == '+' || prevc == '-' {
                // A zone offset: "GMT-3" is hours, "GMT-0430" hhmm; '+' is east of GMT.
                seen_sign = true;
                n = if n < 24 { n.wrapping_mul(60) } else { n % 100 + (n / 100).wrapping_mul(60) };
                if prevc == '+' {
                    n = n.wrapping_neg();
                }
                if tzoffset != 0.0 && tzoffset != -1.0 {
                    return f64::NAN;
                }
                tzoffset = f64::from(n);
            } else if n >= 70 || (prevc == '/' && mon >= 0 && mday >= 0 && year < 0) {
                if year >= 0 {
                    return f64::NAN;
                } else if c <= ' ' || c == ',' || c == '/' || i >= limit {
                    year = if n < 100 { n + 1900 } else { n };
                } else {
                    return f64::NAN;
                }
            } else if c == ':' {
                if hour < 0 {
                    hour = n;
                } else if min < 0 {
                    min = n;
                } else {
                    return f64::NAN;
                }
            } else if c == '/' {
                if mon < 0 {
                    mon = n.wrapping_sub(1);
                } else if mday < 0 {
                    mday = n;
                } else {
                    return f64::NAN;
                }
            } else if i < limit && c != ',' && c > ' ' && c != '-' {
                return f64::NAN;
            } else if seen_sign && n < 60 {
                // "GMT-3:30"
                if tzoffset < 0.0 {
                    tzoffset -= f64::from(n);
                } else {
                    tzoffset += f64::from(n);
                }
            } else if hour >= 0 && min < 0 {
                min = n;
            } else if min >= 0 && sec < 0 {
                sec = n;
            } else if mday < 0 {
                mday = n;
            } else {
                return f64::NAN;
            }
            prevc = '\0';
        } else if matches!(c, '/' | ':' | '+' | '-') {
            prevc = c;
        } else {
            let start = i - 1;
            while i < limit && at(i).is_ascii_alphabetic() {
                i += 1;
            }
            let word: String = chars.get(start..i).unwrap_or(&[]).iter().collect::<String>().to_ascii_lowercase();
            if word.len() < 2 || !word.is_ascii() {
                return f64::NAN;
            }
            let Some(index) = WORDS.iter().position(|w| w.starts_with(&word)) else { return f64::NAN };
            match index {
                0 | 1 => {
                    if !(0..=12).contains(&hour) {
                        return f64::NAN;
                    }
                    if index == 0 && hour == 12 {
                        hour = 0;
                    } else if index == 1 && hour != 12 {
                        hour += 12;
                    }
                }
                2..=8 => {} // week days
                9..=20 => {
                    if mon >= 0 {
                        return f64::NAN;
                    }
                    mon = index as i32 - 9;
                }
                _ => tzoffset = f64::from(WORD_ZONES.get(index - 21).copied().unwrap_or(0)),
            }
        }
    }
    if year < 0 || mon < 0 || mday < 0 {
        return f64::NAN;
    }
    let f = f64::from;
    let t = make_date(make_day(f(year), f(mon), f(mday)), make_time(f(hour.max(0)), f(min.max(0)), f(sec.max(0)), 0.0));
    if tzoffset == -1.0 {
        utc(t, tz)
    } else {
        t + tzoffset * MS_PER_MINUTE
    }
}

// --- formatting -------------------------------------------------------------------------------

const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

fn day_name(t: f64) -> &'static str {
    DAYS.get(week_day(t) as usize).copied().unwrap_or("")
}

fn month_name(m: f64) -> &'static str {
    MONTHS.get(m as usize).copied().unwrap_or("")
}

/// Appends `n` (a non-negative integer) with at least `width` digits.
fn pad(out: &mut String, n: f64, width: usize) {
    let s = number_to_string(n.abs());
    for _ in s.len()..width {
        out.push('0');
    }
    out.push_str(&s);
}

/// "Mon Mar 02 2026": the date part of toString, in the frame of `local`.
fn push_date(out: &mut String, local: f64) {
    let (m, d) = month_and_date(local);
    out.push_str(day_name(local).get(..3).unwrap_or(""));
    out.push(' ');
    out.push_str(month_name(m).get(..3).unwrap_or(""));
    out.push(' ');
    pad(out, d, 2);
    out.push(' ');
    let y = year_from_time(local);
    if y < 0.0 {
        out.push('-');
    }
    pad(out, y, 4);
}

/// "08:00:00 GMT+0100 (CET)": the time part of toString.
fn push_time(out: &mut String, t: f64, local: f64, tz: &TimeZone) {
    push_hms(out, local);
    let minutes = ((local - t) / MS_PER_MINUTE).floor();
    let hhmm = (minutes / 60.0).trunc() * 100.0 + minutes % 60.0;
    out.push_str(if hhmm > 0.0 { " GMT+" } else { " GMT-" });
    pad(out, hhmm.abs(), 4);
    out.push_str(" (");
    out.push_str(tz.name_at(t));
    out.push(')');
}

fn push_hms(out: &mut String, t: f64) {
    pad(out, hour_from_time(t), 2);
    out.push(':');
    pad(out, min_from_time(t), 2);
    out.push(':');
    pad(out, sec_from_time(t), 2);
}

/// `Date.prototype.toString`: "Mon Mar 02 2026 08:00:00 GMT-0000 (UTC)" (Rhino's form: the zone
/// offset as ±hhmm, "GMT-0000" for UTC, the zone's short name in parentheses).
pub(crate) fn to_string(t: f64, tz: &TimeZone) -> String {
    if t.is_nan() {
        return INVALID_DATE.into();
    }
    let local = local_time(t, tz);
    let mut out = String::with_capacity(40);
    push_date(&mut out, local);
    out.push(' ');
    push_time(&mut out, t, local, tz);
    out
}

/// `Date.prototype.toDateString`: "Mon Mar 02 2026".
pub(crate) fn to_date_string(t: f64, tz: &TimeZone) -> String {
    if t.is_nan() {
        return INVALID_DATE.into();
    }
    let mut out = String::with_capacity(16);
    push_date(&mut out, local_time(t, tz));
    out
}

/// `Date.prototype.toTimeString`: "08:00:00 GMT-0000 (UTC)".
pub(crate) fn to_time_string(t: f64, tz: &TimeZone) -> String {
    if t.is_nan() {
        return INVALID_DATE.into();
    }
    let mut out = String::with_capacity(24);
    push_time(&mut out, t, local_time(t, tz), tz);
    out
}

/// `Date.prototype.toUTCString` (and toGMTString): "Mon, 02 Mar 2026 08:00:00 GMT".
pub(crate) fn to_utc_string(t: f64) -> String {
    if t.is_nan() {
        return INVALID_DATE.into();
    }
    let (m, d) = month_and_date(t);
    let mut out = String::with_capacity(30);
    out.push_str(day_name(t).get(..3).unwrap_or(""));
    out.push_str(", ");
    pad(&mut out, d, 2);
    out.push(' ');
    out.push_str(month_name(m).get(..3).unwrap_or(""));
    out.push(' ');
    let y = year_from_time(t);
    if y < 0.0 {
        out.push('-');
    }
    pad(&mut out, y, 4);
    out.push(' ');
    push_hms(&mut out, t);
    out.push_str(" GMT");
    out
}

/// `Date.prototype.toISOString`: "2026-03-02T08:00:00.000Z" ("+275760-…", "-001199-…" beyond
/// four-digit years); Err (the RangeError's message) for an invalid date.
pub(crate) fn to_iso_string(t: f64) -> Result<String, String> {
    if t.is_nan() {
        return Err(INVALID_DATE_ERROR.into());
    }
    let y = year_from_time(t);
    let (m, d) = month_and_date(t);
    let mut out = String::with_capacity(27);
    if y < 0.0 {
        out.push('-');
        pad(&mut out, y, 6);
    } else if y > 9999.0 {
        out.push('+');
        pad(&mut out, y, 6);
    } else {
        pad(&mut out, y, 4);
    }
    out.push('-');
    pad(&mut out, m + 1.0, 2);
    out.push('-');
    pad(&mut out, d, 2);
    out.push('T');
    push_hms(&mut out, t);
    out.push('.');
    pad(&mut out, ms_from_time(t), 3);
    out.push('Z');
    Ok(out)
}

/// "March 2, 2026" (Java's "MMMM d, yyyy": the year of the era, so 1 BC is "0001").
fn push_locale_date(out: &mut String, local: f64) {
    let (m, d) = month_and_date(local);
    out.push_str(month_name(m));
    out.push(' ');
    out.push_str(&number_to_string(d));
    out.push_str(", ");
    let y = year_from_time(local);
    pad(out, if y <= 0.0 { 1.0 - y } else { y }, 4);
}

/// "8:00:00 AM UTC" (Java's "h:mm:ss a z").
fn push_locale_time(out: &mut String, t: f64, local: f64, tz: &TimeZone) {
    let h = hour_from_time(local);
    out.push_str(&number_to_string(if h % 12.0 == 0.0 { 12.0 } else { h % 12.0 }));
    out.push(':');
    pad(out, min_from_time(local), 2);
    out.push(':');
    pad(out, sec_from_time(local), 2);
    out.push_str(if h < 12.0 { " AM " } else { " PM " });
    out.push_str(tz.name_at(t));
}

/// `Date.prototype.toLocaleString`: "March 2, 2026 8:00:00 AM UTC" (Rhino's en-US pattern).
pub(crate) fn to_locale_string(t: f64, tz: &TimeZone) -> String {
    if t.is_nan() {
        return INVALID_DATE.into();
    }
    let local = local_time(t, tz);
    let mut out = String::with_capacity(40);
    push_locale_date(&mut out, local);
    out.push(' ');
    push_locale_time(&mut out, t, local, tz);
    out
}

/// `Date.prototype.toLocaleDateString`: "March 2, 2026".
pub(crate) fn to_locale_date_string(t: f64, tz: &TimeZone) -> String {
    if t.is_nan() {
        return INVALID_DATE.into();
    }
    let mut out = String::with_capacity(20);
    push_locale_date(&mut out, local_time(t, tz));
    out
}

/// `Date.prototype.toLocaleTimeString`: "8:00:00 AM UTC".
pub(crate) fn to_locale_time_string(t: f64, tz: &TimeZone) -> String {
    if t.is_nan() {
        return INVALID_DATE.into();
    }
    let mut out = String::with_capacity(20);
    push_locale_time(&mut out, t, local_time(t, tz), tz);
    out
}

// --- formatDate -------------------------------------------------------------------------------

/// Campaign's `formatDate(date, format[, timeZone])` on a time value, in `tz`; "" for NaN.
///
/// `%` [width] letter [suffixes]. The tokens, with their sources — [JSAPI] is Campaign's
/// JSAPI reference, page f-formatDate ("formatDate: Formats a date as a character string",
/// experienceleague.adobe.com/developer/campaign-api/api/f-formatDate.html); [WS] is the
/// Campaign Classic documentation of the workspace's formats ("Formats and units":
/// `%2M/%2D/%4Y %I:%2N:%2S %P` → "09/25/2018 10:47:25 PM"); [FMT] the content-formatting page
/// (`%4Y/%2M/%2D %2H%2N%2S`, `formatDate(content.@date, "%2D/%2M/%4Y")` → "31/10/2018");
/// [U] is our choice where no source says:
///
/// | token | value | source |
/// |---|---|---|
/// | `%Y` | year | [JSAPI] "Y - Year"; `%4Y` → 2000 [JSAPI] |
/// | `%M` | month 1–12 | [JSAPI]; `%2M` → 01 [JSAPI] |
/// | `%D` | day of the month 1–31 | [JSAPI]; `%2D` → 24 [JSAPI] |
/// | `%H` | hour 0–23 | [JSAPI]; `%2H` [FMT] |
/// | `%I` | hour 1–12 | [JSAPI]; `%I` → 10 for 22:47 [WS] |
/// | `%N` | minutes 0–59 | [JSAPI]; `%2N` [WS] |
/// | `%S` | seconds 0–59 | [JSAPI]; `%2S` [WS] |
/// | `%P` | "AM" / "PM" | [JSAPI] "P - AM/PM"; upper case: "PM" [WS] |
/// | `%J` | day of the year 1–366 | [JSAPI] |
/// | `%W` | week of the year: ISO 8601 week 1–53 | [JSAPI] "Week of the year"; ISO [U] |
/// | `%A` | day name, three letters, lower case: "mon" | [JSAPI] `"%A %D %B %4Y"` → "mon 24 jan 2000" |
/// | `%Al` | full day name, lower case: "monday" | [JSAPI] `"%Al %D %Bl %4Y"` → "monday 24 january 2000" |
/// | `%B`, `%Bl` | month name, short / full, lower case: "jan", "january" | [JSAPI], as `%A` |
/// | `%Ai`, `%Bi` | the English name ("to use the name in English"): we only have English | [JSAPI]; no-op [U] |
/// | width | a number before the letter pads numbers with zeros (`%2M` → 01; `%02H` the same) | [JSAPI] |
/// | `%nY` | a year longer than n digits keeps its last n (`%2Y` → "26") | [U] |
/// | width on names, `%P` | ignored | [U] |
/// | `%%` | "%" | [U] |
/// | width > 100 | 100 (the oracle's formatDate has no bound) | [U] |
/// | `%` + anything else | copied as written (`%Q` → "%Q", a final `%` → "%") | [U] |
///
/// The same reading as scripts/oracle/prelude.js (the Rhino oracle's formatDate), which the
/// differential test (scripts/oracle/date-diff.mjs) compares with this function. Note: a blog
/// of Campaign practice shows capitalized names ("Tue 30 Apr 2019"); the JSAPI examples are in
/// lower case, and we follow them.
pub(crate) fn format_date(t: f64, format: &str, tz: &TimeZone) -> String {
    // A number past TimeClip's range is no date (`new Date(t)` would be NaN).
    if !t.is_finite() || t.abs() > MAX_TIME {
        return String::new();
    }
    let local = local_time(t, tz);
    let y = year_from_time(local);
    let (m, d) = month_and_date(local);
    let h = hour_from_time(local);
    let mut out = String::with_capacity(format.len() + 16);
    let mut it = format.char_indices().peekable();
    while let Some((start, c)) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut width = 0usize;
        while let Some(&(_, w)) = it.peek().filter(|(_, w)| w.is_ascii_digit()) {
            width = (width * 10 + (w as usize - '0' as usize)).min(MAX_WIDTH);
            it.next();
        }
        let number = |out: &mut String, n: f64| {
            let s = number_to_string(n);
            for _ in s.len()..width {
                out.push('0');
            }
            out.push_str(&s);
        };
        let Some((_, letter)) = it.next() else {
            out.push_str(format.get(start..).unwrap_or(""));
            break;
        };
        match letter {
            'Y' => {
                let mut s = String::new();
                number(&mut s, y);
                let cut = if width > 0 && s.len() > width { s.len() - width } else { 0 };
                out.push_str(s.get(cut..).unwrap_or(""));
            }
            'M' => number(&mut out, m + 1.0),
            'D' => number(&mut out, d),
            'J' => number(&mut out, day(local) - day_from_year(y) + 1.0),
            'W' => number(&mut out, iso_week(local)),
            'H' => number(&mut out, h),
            'I' => number(&mut out, if h % 12.0 == 0.0 { 12.0 } else { h % 12.0 }),
            'N' => number(&mut out, min_from_time(local)),
            'S' => number(&mut out, sec_from_time(local)),
            'P' => out.push_str(if h < 12.0 { "AM" } else { "PM" }),
            'A' | 'B' => {
                let mut full = false;
                while let Some(&(_, s)) = it.peek().filter(|(_, s)| *s == 'l' || *s == 'i') {
                    full |= s == 'l';
                    it.next();
                }
                let name = if letter == 'A' { day_name(local) } else { month_name(m) };
                let name = if full { name } else { name.get(..3).unwrap_or("") };
                out.push_str(&name.to_ascii_lowercase());
            }
            '%' => out.push('%'),
            other => {
                let end = it.peek().map_or(format.len(), |&(i, _)| i);
                out.push_str(format.get(start..end).unwrap_or(""));
                let _ = other;
            }
        }
    }
    out
}

/// The widest a formatDate number is padded to.
const MAX_WIDTH: usize = 100;

/// The ISO 8601 week number (1–53) of the day of `t`.
fn iso_week(t: f64) -> f64 {
    let d = day(t);
    let monday_based = (week_day(t) + 6.0) % 7.0;
    let thursday = d + 3.0 - monday_based;
    let y = year_from_time(thursday * MS_PER_DAY);
    ((thursday - day_from_year(y)) / 7.0).floor() + 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tz(name: &str) -> TimeZone {
        TimeZone::from_name(name).unwrap()
    }

    const T: f64 = 1_772_438_400_000.0; // 2026-03-02T08:00:00Z, a Monday

    #[test]
    fn time_math() {
        assert_eq!(year_from_time(T), 2026.0);
        assert_eq!(month_from_time(T), 2.0);
        assert_eq!(date_from_time(T), 2.0);
        assert_eq!(week_day(T), 1.0);
        assert_eq!(hour_from_time(T), 8.0);
        assert_eq!(year_from_time(-1.0), 1969.0);
        assert_eq!(date_from_time(-1.0), 31.0);
        assert_eq!(ms_from_time(-1.0), 999.0);
        assert_eq!(week_day(-1.0), 3.0);
        assert_eq!(year_from_time(-8.64e15), -271821.0);
        assert_eq!(year_from_time(8.64e15), 275760.0);
        assert!(year_from_time(f64::NAN).is_nan());
        // setMonth(13): February of the next year; setDate(0): the last day of the month before.
        assert_eq!(make_day(2026.0, 13.0, 1.0), make_day(2027.0, 1.0, 1.0));
        assert_eq!(make_day(2024.0, 2.0, 0.0), make_day(2024.0, 1.0, 29.0));
        assert_eq!(make_day(2026.0, -1.0, 1.0), make_day(2025.0, 11.0, 1.0));
        assert_eq!(make_day(1970.0, 0.0, 1.0), 0.0);
        // Negative years: proleptic Gregorian, year 0 is a leap year.
        assert_eq!(make_day(0.0, 2.0, 1.0) - make_day(0.0, 1.0, 1.0), 29.0);
        assert_eq!(to_iso_string(make_date(make_day(-1.0, 11.0, 31.0), 0.0)).unwrap(), "-000001-12-31T00:00:00.000Z");
        assert!(time_clip(8.64e15 + 1.0).is_nan());
        assert_eq!(time_clip(-0.5).to_bits(), 0.0f64.to_bits());
        assert_eq!(time_clip(1.9), 1.0);
        assert!(make_time(f64::INFINITY, 0.0, 0.0, 0.0).is_nan());
    }

    #[test]
    fn setters() {
        let utc = None;
        let t = T;
        let set = |f, a: &[f64]| set_fields(t, f, a, utc);
        assert_eq!(to_iso_string(set(Field::Month, &[13.0])).unwrap(), "2027-02-02T08:00:00.000Z");
        assert_eq!(to_iso_string(set(Field::Date, &[0.0])).unwrap(), "2026-02-28T08:00:00.000Z");
        assert_eq!(to_iso_string(set(Field::FullYear, &[-44.0, 2.0, 15.0])).unwrap(), "-000044-03-15T08:00:00.000Z");
        assert_eq!(to_iso_string(set(Field::Hours, &[25.0, 61.0])).unwrap(), "2026-03-03T02:01:00.000Z");
        assert_eq!(to_iso_string(set(Field::Milliseconds, &[-1.0])).unwrap(), "2026-03-02T07:59:59.999Z");
        assert_eq!(to_iso_string(set(Field::Seconds, &[1.0, 2.0, 3.0])).unwrap(), "2026-03-02T08:00:01.002Z");
        assert!(set(Field::Hours, &[]).is_nan());
        assert!(set(Field::Hours, &[1.0, f64::NAN]).is_nan());
        assert!(set(Field::Hours, &[1.0, 2.0, 3.0, 4.0, f64::NAN]).is_finite());
        assert!(set_fields(f64::NAN, Field::Month, &[1.0], utc).is_nan());
        assert_eq!(to_iso_string(set_fields(f64::NAN, Field::FullYear, &[2026.0], utc)).unwrap(), "2026-01-01T00:00:00.000Z");
        let paris = tz("Europe/Paris");
        // Local setters: 09:00 in Paris; setHours(2) on the spring-forward day lands in the gap.
        let spring = date_utc(&[2026.0, 2.0, 29.0, 12.0]);
        assert_eq!(to_iso_string(set_fields(spring, Field::Hours, &[2.0, 30.0], Some(&paris))).unwrap(), "2026-03-29T00:30:00.000Z");
        assert_eq!(to_iso_string(set_fields(T, Field::Hours, &[10.0], Some(&paris))).unwrap(), "2026-03-02T09:00:00.000Z");
        assert_eq!(to_iso_string(set_year(T, 99.0, &paris)).unwrap(), "1999-03-02T08:00:00.000Z");
        assert_eq!(to_iso_string(from_components(&[2026.0, 6.0, 1.0], &paris)).unwrap(), "2026-06-30T22:00:00.000Z");
        assert_eq!(to_iso_string(from_components(&[99.0, 0.0], &TimeZone::utc())).unwrap(), "1999-01-01T00:00:00.000Z");
        assert!(from_components(&[2026.0, f64::NAN], &paris).is_nan());
        assert!(date_utc(&[]).is_nan());
        assert_eq!(date_utc(&[2026.0]), date_utc(&[2026.0, 0.0, 1.0]));
        assert_eq!(timezone_offset(T, &paris), -60.0);
    }

    #[test]
    fn formats() {
        let u = TimeZone::utc();
        assert_eq!(to_string(T, &u), "Mon Mar 02 2026 08:00:00 GMT-0000 (UTC)");
        assert_eq!(to_date_string(T, &u), "Mon Mar 02 2026");
        assert_eq!(to_time_string(T, &u), "08:00:00 GMT-0000 (UTC)");
        assert_eq!(to_utc_string(T), "Mon, 02 Mar 2026 08:00:00 GMT");
        assert_eq!(to_iso_string(T).unwrap(), "2026-03-02T08:00:00.000Z");
        assert_eq!(to_locale_string(T, &u), "March 2, 2026 8:00:00 AM UTC");
        assert_eq!(to_locale_date_string(T, &u), "March 2, 2026");
        assert_eq!(to_locale_time_string(T, &u), "8:00:00 AM UTC");
        assert_eq!(to_iso_string(f64::NAN), Err("Date is invalid.".into()));
        for f in [to_string, to_date_string, to_time_string, to_locale_string, to_locale_date_string, to_locale_time_string] {
            assert_eq!(f(f64::NAN, &u), "Invalid Date");
        }
        assert_eq!(to_utc_string(f64::NAN), "Invalid Date");
        assert_eq!(to_string(-1e14, &u), "Thu Feb 15 -1199 14:13:20 GMT-0000 (UTC)");
        assert_eq!(to_iso_string(-1e14).unwrap(), "-001199-02-15T14:13:20.000Z");
        assert_eq!(to_iso_string(8.64e15).unwrap(), "+275760-09-13T00:00:00.000Z");
        assert_eq!(to_utc_string(-8.64e15), "Tue, 20 Apr -271821 00:00:00 GMT");
        let paris = tz("Europe/Paris");
        assert_eq!(to_string(T, &paris), "Mon Mar 02 2026 09:00:00 GMT+0100 (CET)");
        let july = date_utc(&[2026.0, 6.0, 2.0, 8.0]);
        assert_eq!(to_string(july, &paris), "Thu Jul 02 2026 10:00:00 GMT+0200 (CEST)");
        assert_eq!(to_locale_string(july, &paris), "July 2, 2026 10:00:00 AM CEST");
        assert_eq!(to_string(T, &tz("America/St_Johns")), "Mon Mar 02 2026 04:30:00 GMT-0330 (NST)");
        assert_eq!(to_string(T, &tz("Asia/Kolkata")), "Mon Mar 02 2026 13:30:00 GMT+0530 (IST)");
        assert_eq!(to_locale_time_string(date_utc(&[2026.0, 6.0, 2.0, 13.0]), &tz("Asia/Kolkata")), "6:30:00 PM IST");
        // Rhino says 19:00 EST here (its 1971–1996 stand-in year has DST from the last Sunday of
        // April); with today's rule, April is daylight time.
        assert_eq!(to_string(-8.64e15, &tz("America/New_York")), "Mon Apr 19 -271821 20:00:00 GMT-0400 (EDT)");
    }

    #[test]
    fn parse() {
        let u = TimeZone::utc();
        let p = |s: &str| parse_date(s, &u);
        assert_eq!(p("2026-03-02"), 1_772_409_600_000.0);
        assert_eq!(p("2026-03-02T08:00"), T);
        assert_eq!(p("2026-03-02T08:00:00"), T);
        assert_eq!(p("2026-03-02T08:00:00Z"), T);
        assert_eq!(p("2026-03-02T08:00:00.123Z"), T + 123.0);
        assert_eq!(p("2026-03-02T10:00:00+02:00"), T);
        assert_eq!(p("2026-03-02T10:00:00+0200"), T);
        assert_eq!(p("+002026-03-02T08:00:00Z"), T);
        assert_eq!(p("2026-03"), 1_772_323_200_000.0);
        assert_eq!(p("2026"), 1_767_225_600_000.0);
        assert_eq!(p("T08:00Z"), 8.0 * 3_600_000.0);
        assert!(p("2026-02-29").is_nan());
        assert!(p("2026-03-02T24:01").is_nan());
        assert_eq!(p("2026/03/02 08:00"), T);
        assert_eq!(p("March 2, 2026"), 1_772_409_600_000.0);
        assert_eq!(p("Mon, 02 Mar 2026 08:00:00 GMT"), T);
        assert_eq!(p("Mon Mar 02 2026 09:00:00 GMT+0100 (CET)"), T);
        assert_eq!(p("Mon Mar 02 2026 08:00:00 GMT-0000 (UTC)"), T);
        assert_eq!(p("3/2/2026 8:00 AM"), T);
        assert_eq!(p("3/2/2026 3:00 am EST"), T);
        assert_eq!(p("2 March 2026 08:00 GMT-3:30"), T + 3.5 * 3_600_000.0);
        assert_eq!(p("Jan 1 300000"), 9_404_918_380_800_000.0);
        for bad in ["", "x", "March 2026", "2026-03-02T08:00:00.5Z", "Mon Mar 02 2026 08:00:00 GMT+0100 XYZ", "10am 3/2/2026"] {
            assert!(p(bad).is_nan(), "{bad}");
        }
        let paris = tz("Europe/Paris");
        assert_eq!(parse_date("2026/03/02 09:00", &paris), T);
        assert_eq!(parse_date("2026-03-02T08:00:00", &paris), T); // ISO without zone: UTC (Rhino)
        assert_eq!(parse_date("March 29, 2026 02:30", &paris), date_utc(&[2026.0, 2.0, 29.0, 0.0, 30.0]));
    }

    #[test]
    fn format_date_tokens() {
        let u = TimeZone::utc();
        let jan24 = date_utc(&[2000.0, 0.0, 24.0, 22.0, 47.0, 5.0]);
        let f = |fmt: &str| format_date(jan24, fmt, &u);
        assert_eq!(f("%4Y/%2M/%2D"), "2000/01/24");
        assert_eq!(f("%A %D %B %4Y"), "mon 24 jan 2000");
        assert_eq!(f("%Al %D %Bl %4Y"), "monday 24 january 2000");
        assert_eq!(f("%02H:%02N:%02S"), "22:47:05");
        assert_eq!(f("%2M/%2D/%4Y %I:%2N:%2S %P"), "01/24/2000 10:47:05 PM");
        assert_eq!(f("%4Y%2M%2D-%2H%2N%2S"), "20000124-224705");
        assert_eq!(f("%Y %M %D %H %N %S"), "2000 1 24 22 47 5");
        assert_eq!(f("%2Y|%J|%W|%Ai|%Bli|%3D|%%|%Q|%"), "00|24|4|mon|january|024|%|%Q|%");
        assert_eq!(format_date(date_utc(&[2021.0, 0.0, 3.0]), "%W", &u), "53");
        assert_eq!(format_date(date_utc(&[2026.0, 11.0, 31.0]), "%W %J", &u), "53 365");
        assert_eq!(format_date(f64::NAN, "%Y", &u), "");
        assert_eq!(format_date(T, "%2H:%2N %Al", &tz("America/Los_Angeles")), "00:00 monday");
        assert_eq!(format_date(T, "%2H:%2N %A", &tz("Pacific/Auckland")), "21:00 mon");
    }
}

/// The Rust half of scripts/oracle/date-diff.mjs: reads the cases (JSON lines) from the file
/// DATE_DIFF_CASES and writes one result line per case to DATE_DIFF_OUT.
#[cfg(test)]
mod oracle {
    use super::super::num::string_to_number;
    use super::*;
    use serde_json::{json, Value};

    fn num(v: &Value) -> f64 {
        v.as_f64().unwrap_or_else(|| string_to_number(v.as_str().unwrap_or("")))
    }

    fn run(c: &Value) -> Value {
        let Some(tz) = c["z"].as_str().and_then(TimeZone::from_name) else { return json!({ "e": "unknown zone" }) };
        let t = num(&c["t"]);
        let m = c["m"].as_str().unwrap_or("");
        let args: Vec<f64> = c["a"].as_array().map(|a| a.iter().map(num).collect()).unwrap_or_default();
        let n = |v: f64| json!({ "r": number_to_string(v) });
        let s = |v: String| json!({ "r": v });
        let local = local_time(t, &tz);
        let nan_or = |f: fn(f64) -> f64, at: f64| if t.is_nan() { f64::NAN } else { f(at) };
        match c["op"].as_str().unwrap_or("") {
            "get" => match m {
                "toString" => s(to_string(t, &tz)),
                "toDateString" => s(to_date_string(t, &tz)),
                "toTimeString" => s(to_time_string(t, &tz)),
                "toUTCString" => s(to_utc_string(t)),
                "toISOString" => match to_iso_string(t) {
                    Ok(v) => s(v),
                    Err(e) => json!({ "e": format!("RangeError: {e}") }),
                },
                "toLocaleString" => s(to_locale_string(t, &tz)),
                "toLocaleDateString" => s(to_locale_date_string(t, &tz)),
                "toLocaleTimeString" => s(to_locale_time_string(t, &tz)),
                "getTimezoneOffset" => n(timezone_offset(t, &tz)),
                "getFullYear" => n(nan_or(year_from_time, local)),
                "getYear" => n(nan_or(year_from_time, local) - 1900.0),
                "getMonth" => n(nan_or(month_from_time, local)),
                "getDate" => n(nan_or(date_from_time, local)),
                "getDay" => n(nan_or(week_day, local)),
                "getHours" => n(nan_or(hour_from_time, local)),
                "getMinutes" => n(nan_or(min_from_time, local)),
                "getSeconds" => n(nan_or(sec_from_time, local)),
                "getMilliseconds" => n(nan_or(ms_from_time, local)),
                "getUTCFullYear" => n(nan_or(year_from_time, t)),
                "getUTCMonth" => n(nan_or(month_from_time, t)),
                "getUTCDate" => n(nan_or(date_from_time, t)),
                "getUTCDay" => n(nan_or(week_day, t)),
                "getUTCHours" => n(nan_or(hour_from_time, t)),
                _ => json!({ "e": format!("unknown method {m}") }),
            },
            "fd" => s(format_date(t, c["f"].as_str().unwrap_or(""), &tz)),
            "set" => {
                let (field, local) = match m.strip_prefix("setUTC").map_or((m.strip_prefix("set").unwrap_or(""), true), |f| (f, false)) {
                    ("Milliseconds", l) => (Field::Milliseconds, l),
                    ("Seconds", l) => (Field::Seconds, l),
                    ("Minutes", l) => (Field::Minutes, l),
                    ("Hours", l) => (Field::Hours, l),
                    ("Date", l) => (Field::Date, l),
                    ("Month", l) => (Field::Month, l),
                    ("FullYear", l) => (Field::FullYear, l),
                    ("Year", _) => return n(args.first().map_or(f64::NAN, |&y| set_year(t, y, &tz))),
                    _ => return json!({ "e": format!("unknown setter {m}") }),
                };
                n(set_fields(t, field, &args, local.then_some(&tz)))
            }
            "ctor" => n(from_components(&args, &tz)),
            "utc" => n(date_utc(&args)),
            "parse" => n(parse_date(c["s"].as_str().unwrap_or(""), &tz)),
            op => json!({ "e": format!("unknown op {op}") }),
        }
    }

    #[test]
    #[ignore = "run by scripts/oracle/date-diff.mjs"]
    fn oracle_diff() {
        crate::script::oracle_diff_files("DATE_DIFF", run);
    }
}
