//! Time zones for JavaScript's Date: a standard offset and at most one yearly daylight-saving
//! rule, as a POSIX TZ string says (`CET-1CEST,M3.5.0,M10.5.0/3`), plus a small table of IANA
//! names mapped to their *current* rules. No history: a zone's rule of today applies to every
//! year (Rhino, through Java, knows that New York's DST ran from April to October before 2007
//! and that Paris had none before 1976; we do not). No I/O, no tz database.
//!
//! The local time model is Rhino's (ES5 §15.9.1.8–9): LocalTime(t) = t + LocalTZA +
//! DaylightSavingTA(t), UTC(t) = t − LocalTZA − DaylightSavingTA(t − LocalTZA), where LocalTZA is
//! the standard offset and DaylightSavingTA(t) is the rule's DST amount when t (UTC) falls in
//! daylight time. (Rhino adds one hour whatever the zone's DST amount: the same for every zone in
//! the table; a POSIX rule with a 30-minute DST gets 30 minutes here.)

use super::date::{day_from_year, in_leap_year, make_day, week_day, year_from_time, MS_PER_DAY};

/// When a daylight-saving period starts or ends: a day of the year and a time of that day
/// (seconds, in the local time in force before the change; may be negative or past 24 h).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Transition {
    day: DayRule,
    time: i32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum DayRule {
    /// `Mm.w.d`: day d (0 = Sunday) of week w (1–4, 5 = last) of month m (1–12).
    Weekday { month: u8, week: u8, weekday: u8 },
    /// `Jn`: day n (1–365) of the year, 29 February never counted.
    Julian1(u16),
    /// `n`: day n (0–365) of the year, 29 February counted.
    Julian0(u16),
}

#[derive(Clone, Debug, PartialEq)]
struct Dst {
    name: Box<str>,
    /// Seconds east of UTC while daylight time is in force.
    offset: i32,
    start: Transition,
    end: Transition,
}

/// A time zone: the standard offset and name, and an optional yearly daylight-saving rule.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TimeZone {
    /// The name `Date.prototype.toString` shows in parentheses in standard time (Java's short
    /// name where we know it: "UTC", "CET", "EST"; "GMT+08:00" for a bare offset).
    name: Box<str>,
    /// Seconds east of UTC in standard time.
    offset: i32,
    dst: Option<Dst>,
}

/// IANA names and their current rules, as POSIX TZ strings with the short names Java prints
/// (Java's "SGT", "BRT", "GST" where the tz database has only "+08", "-03", "+04").
const ZONES: &[(&str, &str)] = &[
    ("Africa/Cairo", "EET-2EEST,M4.5.5/0,M10.5.4/24"),
    ("Africa/Johannesburg", "SAST-2"),
    ("Africa/Lagos", "WAT-1"),
    ("Africa/Nairobi", "EAT-3"),
    ("America/Anchorage", "AKST9AKDT,M3.2.0,M11.1.0"),
    ("America/Argentina/Buenos_Aires", "ART3"),
    ("America/Bogota", "COT5"),
    ("America/Chicago", "CST6CDT,M3.2.0,M11.1.0"),
    ("America/Denver", "MST7MDT,M3.2.0,M11.1.0"),
    ("America/Halifax", "AST4ADT,M3.2.0,M11.1.0"),
    ("America/Los_Angeles", "PST8PDT,M3.2.0,M11.1.0"),
    ("America/Mexico_City", "CST6"),
    ("America/New_York", "EST5EDT,M3.2.0,M11.1.0"),
    ("America/Phoenix", "MST7"),
    ("America/Sao_Paulo", "BRT3"),
    ("America/St_Johns", "NST3:30NDT,M3.2.0,M11.1.0"),
    ("America/Toronto", "EST5EDT,M3.2.0,M11.1.0"),
    ("America/Vancouver", "PST8PDT,M3.2.0,M11.1.0"),
    ("Asia/Bangkok", "ICT-7"),
    ("Asia/Calcutta", "IST-5:30"),
    ("Asia/Dubai", "GST-4"),
    ("Asia/Hong_Kong", "HKT-8"),
    ("Asia/Jakarta", "WIB-7"),
    ("Asia/Karachi", "PKT-5"),
    ("Asia/Kolkata", "IST-5:30"),
    ("Asia/Manila", "PST-8"),
    ("Asia/Seoul", "KST-9"),
    ("Asia/Shanghai", "CST-8"),
    ("Asia/Singapore", "SGT-8"),
    ("Asia/Taipei", "CST-8"),
    ("Asia/Tokyo", "JST-9"),
    ("Australia/Adelaide", "ACST-9:30ACDT,M10.1.0,M4.1.0/3"),
    ("Australia/Brisbane", "AEST-10"),
    ("Australia/Melbourne", "AEST-10AEDT,M10.1.0,M4.1.0/3"),
    ("Australia/Perth", "AWST-8"),
    ("Australia/Sydney", "AEST-10AEDT,M10.1.0,M4.1.0/3"),
    ("Etc/UTC", "UTC0"),
    ("Europe/Amsterdam", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Athens", "EET-2EEST,M3.5.0/3,M10.5.0/4"),
    ("Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Brussels", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Bucharest", "EET-2EEST,M3.5.0/3,M10.5.0/4"),
    ("Europe/Copenhagen", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Dublin", "GMT0IST,M3.5.0/1,M10.5.0"),
    ("Europe/Helsinki", "EET-2EEST,M3.5.0/3,M10.5.0/4"),
    ("Europe/Istanbul", "TRT-3"),
    ("Europe/Kiev", "EET-2EEST,M3.5.0/3,M10.5.0/4"),
    ("Europe/Kyiv", "EET-2EEST,M3.5.0/3,M10.5.0/4"),
    ("Europe/Lisbon", "WET0WEST,M3.5.0/1,M10.5.0"),
    ("Europe/London", "GMT0BST,M3.5.0/1,M10.5.0"),
    ("Europe/Madrid", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Moscow", "MSK-3"),
    ("Europe/Oslo", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Paris", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Prague", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Rome", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Stockholm", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Vienna", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Warsaw", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Zurich", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("GMT", "GMT0"),
    ("Pacific/Auckland", "NZST-12NZDT,M9.5.0,M4.1.0/3"),
    ("Pacific/Honolulu", "HST10"),
    ("UTC", "UTC0"),
];

/// Java's name for a bare offset: "GMT+02:00", "GMT-03:30" ("UTC" for zero).
fn offset_name(seconds: i32) -> Box<str> {
    if seconds == 0 {
        return "UTC".into();
    }
    let m = seconds.unsigned_abs() / 60;
    format!("GMT{}{:02}:{:02}", if seconds < 0 { '-' } else { '+' }, m / 60, m % 60).into()
}

impl TimeZone {
    /// UTC.
    pub(crate) fn utc() -> TimeZone {
        TimeZone { name: "UTC".into(), offset: 0, dst: None }
    }

    /// A fixed offset, in seconds east of UTC.
    pub(crate) fn fixed(seconds: i32) -> TimeZone {
        TimeZone { name: offset_name(seconds), offset: seconds, dst: None }
    }

    /// A zone by name: an IANA name of the table (current rules only), "UTC", "GMT", "Z", an
    /// offset ("+02:00", "-0530", "+02", "UTC+2", "GMT-03:30"), or a POSIX TZ rule
    /// ("CET-1CEST,M3.5.0,M10.5.0/3"). None for anything else.
    pub(crate) fn from_name(name: &str) -> Option<TimeZone> {
        if let Ok(i) = ZONES.binary_search_by(|(n, _)| n.cmp(&name)) {
            return ZONES.get(i).and_then(|(_, rule)| TimeZone::posix(rule));
        }
        if name == "Z" {
            return Some(TimeZone::utc());
        }
        let bare = name.strip_prefix("UTC").or_else(|| name.strip_prefix("GMT")).unwrap_or(name);
        if bare.starts_with(['+', '-']) {
            return parse_offset_name(bare).map(TimeZone::fixed);
        }
        TimeZone::posix(name)
    }

    /// A POSIX TZ rule: `std offset [dst [offset] [,start[/time],end[/time]]]`, with names of
    /// three or more letters or `<…>`, offsets `[+-]hh[:mm[:ss]]` west of UTC, rules `Mm.w.d`,
    /// `Jn` or `n`, times `[+-]hh[:mm[:ss]]` (default 02:00). A DST name without a rule gets the
    /// US rule (M3.2.0,M11.1.0), as glibc does.
    pub(crate) fn posix(rule: &str) -> Option<TimeZone> {
        let mut p = Cursor { s: rule.as_bytes(), i: 0 };
        let (std_name, std_numeric) = p.name()?;
        let offset = -p.hms(true)?;
        let name = if std_numeric { offset_name(offset) } else { std_name.into() };
        if p.done() {
            return Some(TimeZone { name, offset, dst: None });
        }
        let (dst_name, dst_numeric) = p.name()?;
        let dst_offset = if p.peek().is_some_and(|c| c != b',') { -p.hms(true)? } else { offset + 3600 };
        let dst_name = if dst_numeric { offset_name(dst_offset) } else { dst_name.into() };
        let (start, end) = if p.done() {
            let us = |month, week| Transition { day: DayRule::Weekday { month, week, weekday: 0 }, time: 7200 };
            (us(3, 2), us(11, 1))
        } else {
            p.eat(b',')?;
            let start = p.transition()?;
            p.eat(b',')?;
            (start, p.transition()?)
        };
        if !p.done() {
            return None;
        }
        Some(TimeZone { name, offset, dst: Some(Dst { name: dst_name, offset: dst_offset, start, end }) })
    }

    /// Whether daylight time is in force at `utc_ms`.
    pub(crate) fn is_dst(&self, utc_ms: f64) -> bool {
        let Some(dst) = &self.dst else { return false };
        // Past TimeClip's range (±8.64e15 ms, plus a day) a date is NaN anyway, and the rule's
        // day arithmetic would no longer move in steps of 7 (transition_day would never end).
        if !utc_ms.is_finite() || utc_ms.abs() > 8.65e15 {
            return false;
        }
        let std = f64::from(self.offset) * 1000.0;
        let year = year_from_time(utc_ms + std);
        let at =
            |tr: &Transition, offset: i32| transition_day(tr.day, year) * MS_PER_DAY + (f64::from(tr.time) - f64::from(offset)) * 1000.0;
        let start = at(&dst.start, self.offset);
        let end = at(&dst.end, dst.offset);
        if start < end {
            start <= utc_ms && utc_ms < end
        } else {
            !(end <= utc_ms && utc_ms < start)
        }
    }

    /// The name `Date.prototype.toString` shows for `utc_ms` (daylight or standard).
    pub(crate) fn name_at(&self, utc_ms: f64) -> &str {
        match &self.dst {
            Some(dst) if self.is_dst(utc_ms) => &dst.name,
            _ => &self.name,
        }
    }
}

/// LocalTZA + DaylightSavingTA(t): the offset of local time from UTC at `utc_ms`, in ms.
pub(crate) fn local_offset_ms(tz: &TimeZone, utc_ms: f64) -> f64 {
    let dst = match &tz.dst {
        Some(d) if tz.is_dst(utc_ms) => d.offset - tz.offset,
        _ => 0,
    };
    f64::from(tz.offset + dst) * 1000.0
}

/// The spec's UTC(t) as Rhino computes it: t − LocalTZA − DaylightSavingTA(t − LocalTZA). A local
/// time in the spring-forward gap reads as standard time (02:30 on Paris's change day is 01:30
/// CET, i.e. 00:30Z); one in the autumn overlap as the later, standard, occurrence.
pub(crate) fn utc_from_local(tz: &TimeZone, local_ms: f64) -> f64 {
    let std = f64::from(tz.offset) * 1000.0;
    let dst = match &tz.dst {
        Some(d) if tz.is_dst(local_ms - std) => f64::from(d.offset - tz.offset) * 1000.0,
        _ => 0.0,
    };
    local_ms - std - dst
}

/// The day number (days since 1970-01-01) of a rule's day in `year`.
fn transition_day(rule: DayRule, year: f64) -> f64 {
    match rule {
        DayRule::Weekday { month, week, weekday } => {
            let first = make_day(year, f64::from(month) - 1.0, 1.0);
            let next_month = make_day(year, f64::from(month), 1.0);
            let wd = week_day(first * MS_PER_DAY);
            let mut day = first + (f64::from(weekday) - wd).rem_euclid(7.0) + 7.0 * (f64::from(week) - 1.0);
            while day >= next_month {
                day -= 7.0;
            }
            day
        }
        DayRule::Julian1(n) => {
            let leap = in_leap_year(day_from_year(year) * MS_PER_DAY) && n >= 60;
            day_from_year(year) + f64::from(n) - 1.0 + if leap { 1.0 } else { 0.0 }
        }
        DayRule::Julian0(n) => day_from_year(year) + f64::from(n),
    }
}

/// "+02:00", "-0530", "+2", "+02", "+2:30" → seconds east of UTC.
fn parse_offset_name(s: &str) -> Option<i32> {
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let rest = s.get(1..)?;
    let digits = |t: &str, lens: &[usize]| -> Option<i32> {
        (lens.contains(&t.len()) && t.bytes().all(|c| c.is_ascii_digit())).then(|| t.parse().ok())?
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (digits(h, &[1, 2])?, digits(m, &[2])?),
        None if rest.len() == 4 => (digits(rest.get(..2)?, &[2])?, digits(rest.get(2..)?, &[2])?),
        None => (digits(rest, &[1, 2])?, 0),
    };
    (h <= 18 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn done(&self) -> bool {
        self.i >= self.s.len()
    }
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek() == Some(c)).then(|| self.i += 1)
    }
    /// A zone name: three or more letters, or `<…>` (then also "numeric": true).
    fn name(&mut self) -> Option<(&'a str, bool)> {
        let start = self.i;
        if self.eat(b'<').is_some() {
            while self.peek().is_some_and(|c| c != b'>') {
                self.i += 1;
            }
            self.eat(b'>')?;
            return Some(("", true));
        }
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.i += 1;
        }
        let s: &'a [u8] = self.s;
        let name = std::str::from_utf8(s.get(start..self.i)?).ok()?;
        (name.len() >= 3).then_some((name, false))
    }
    fn number(&mut self) -> Option<i32> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) && self.i - start < 3 {
            self.i += 1;
        }
        std::str::from_utf8(self.s.get(start..self.i)?).ok()?.parse().ok()
    }
    /// `[+-]hh[:mm[:ss]]` in seconds (hours up to 24, or 167 for a rule's time).
    fn hms(&mut self, offset: bool) -> Option<i32> {
        let sign = if self.eat(b'-').is_some() {
            -1
        } else {
            let _ = self.eat(b'+');
            1
        };
        let h = self.number()?;
        let m = if self.eat(b':').is_some() { self.number()? } else { 0 };
        let s = if self.eat(b':').is_some() { self.number()? } else { 0 };
        (h <= if offset { 24 } else { 167 } && m < 60 && s < 60).then_some(sign * (h * 3600 + m * 60 + s))
    }
    fn transition(&mut self) -> Option<Transition> {
        let day = if self.eat(b'M').is_some() {
            let month = self.number()?;
            self.eat(b'.')?;
            let week = self.number()?;
            self.eat(b'.')?;
            let weekday = self.number()?;
            if !(1..=12).contains(&month) || !(1..=5).contains(&week) || !(0..=6).contains(&weekday) {
                return None;
            }
            DayRule::Weekday { month: month as u8, week: week as u8, weekday: weekday as u8 }
        } else if self.eat(b'J').is_some() {
            let n = self.number()?;
            (1..=365).contains(&n).then_some(DayRule::Julian1(n as u16))?
        } else {
            let n = self.number()?;
            (0..=365).contains(&n).then_some(DayRule::Julian0(n as u16))?
        };
        let time = if self.eat(b'/').is_some() { self.hms(false)? } else { 7200 };
        Some(Transition { day, time })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: f64 = 3_600_000.0;

    fn utc(y: i32, m: i32, d: i32, h: i32, min: i32) -> f64 {
        let f = f64::from;
        make_day(f(y), f(m - 1), f(d)) * MS_PER_DAY + f(h) * H + f(min) * 60_000.0
    }

    #[test]
    fn table_is_sorted_and_parses() {
        assert!(ZONES.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0)));
        for (name, rule) in ZONES {
            assert!(TimeZone::from_name(name).is_some(), "{name}: {rule}");
        }
    }

    #[test]
    fn paris() {
        let tz = TimeZone::from_name("Europe/Paris").unwrap();
        // 2026: DST from 29 March 01:00Z to 25 October 01:00Z.
        assert_eq!(local_offset_ms(&tz, utc(2026, 3, 29, 0, 59)), H);
        assert_eq!(local_offset_ms(&tz, utc(2026, 3, 29, 1, 0)), 2.0 * H);
        assert_eq!(local_offset_ms(&tz, utc(2026, 10, 25, 0, 59)), 2.0 * H);
        assert_eq!(local_offset_ms(&tz, utc(2026, 10, 25, 1, 0)), H);
        assert_eq!(tz.name_at(utc(2026, 7, 1, 0, 0)), "CEST");
        assert_eq!(tz.name_at(utc(2026, 1, 1, 0, 0)), "CET");
        // The gap: 02:30 local on 29 March reads as 01:30 CET = 00:30Z.
        assert_eq!(utc_from_local(&tz, utc(2026, 3, 29, 2, 30)), utc(2026, 3, 29, 0, 30));
        // The overlap: 02:30 local on 25 October reads as the later one, 02:30 CET = 01:30Z.
        assert_eq!(utc_from_local(&tz, utc(2026, 10, 25, 2, 30)), utc(2026, 10, 25, 1, 30));
        assert_eq!(utc_from_local(&tz, utc(2026, 7, 1, 12, 0)), utc(2026, 7, 1, 10, 0));
    }

    #[test]
    fn southern_and_others() {
        let syd = TimeZone::from_name("Australia/Sydney").unwrap();
        assert_eq!(local_offset_ms(&syd, utc(2026, 1, 15, 0, 0)), 11.0 * H);
        assert_eq!(local_offset_ms(&syd, utc(2026, 7, 15, 0, 0)), 10.0 * H);
        // DST ends 5 April 2026 at 03:00 AEDT = 16:00Z on the 4th.
        assert_eq!(local_offset_ms(&syd, utc(2026, 4, 4, 15, 59)), 11.0 * H);
        assert_eq!(local_offset_ms(&syd, utc(2026, 4, 4, 16, 0)), 10.0 * H);
        let ny = TimeZone::from_name("America/New_York").unwrap();
        // 8 March 2026 02:00 EST = 07:00Z; 1 November 02:00 EDT = 06:00Z.
        assert_eq!(local_offset_ms(&ny, utc(2026, 3, 8, 6, 59)), -5.0 * H);
        assert_eq!(local_offset_ms(&ny, utc(2026, 3, 8, 7, 0)), -4.0 * H);
        assert_eq!(local_offset_ms(&ny, utc(2026, 11, 1, 5, 59)), -4.0 * H);
        assert_eq!(local_offset_ms(&ny, utc(2026, 11, 1, 6, 0)), -5.0 * H);
        let kol = TimeZone::from_name("Asia/Kolkata").unwrap();
        assert_eq!(local_offset_ms(&kol, 0.0), 5.5 * H);
        assert_eq!(kol.name_at(0.0), "IST");
        let cairo = TimeZone::from_name("Africa/Cairo").unwrap();
        // 2026: from Friday 24 April 00:00 EET to Thursday 29 October 24:00 EEST.
        assert_eq!(local_offset_ms(&cairo, utc(2026, 4, 23, 21, 59)), 2.0 * H);
        assert_eq!(local_offset_ms(&cairo, utc(2026, 4, 23, 22, 0)), 3.0 * H);
        assert_eq!(local_offset_ms(&cairo, utc(2026, 10, 29, 20, 59)), 3.0 * H);
        assert_eq!(local_offset_ms(&cairo, utc(2026, 10, 29, 21, 0)), 2.0 * H);
    }

    #[test]
    fn names_and_offsets() {
        assert_eq!(TimeZone::from_name("UTC"), Some(TimeZone::utc()));
        assert_eq!(TimeZone::from_name("+02:00").map(|z| z.offset), Some(7200));
        assert_eq!(TimeZone::from_name("GMT-03:30").map(|z| z.offset), Some(-12600));
        assert_eq!(TimeZone::from_name("UTC+2").map(|z| z.name), Some("GMT+02:00".into()));
        assert_eq!(TimeZone::from_name("-0530").map(|z| z.offset), Some(-19800));
        assert_eq!(TimeZone::from_name("<+08>-8").map(|z| (z.name, z.offset)), Some(("GMT+08:00".into(), 28800)));
        assert_eq!(TimeZone::from_name("EST5EDT").and_then(|z| z.dst).map(|d| d.offset), Some(-14400));
        for bad in ["", "Mars/Olympus", "+25:00", "ab1", "CET-1CEST,M13.5.0,M10.5.0", "CET-1CEST,M3.5.0", "+1:2:3"] {
            assert_eq!(TimeZone::from_name(bad), None, "{bad}");
        }
    }
}
