//! The status list's search syntax, typed in one box:
//! `status:sent type:order_confirmation email:ada@example.com after:08:00 -status:pending`.
//!
//! - Terms are separated by spaces; a value with spaces is quoted (`status:"pending delivery"`).
//! - `key:value`; several values of one key are alternatives (`status:sent,ignored` or
//!   `status:sent status:ignored`); `-key:value` excludes.
//! - Keys: `status` (our name, the console label or the REST name), `type`, `channel` (name,
//!   number or label), `queue` (`rt`, `batch`), `email` / `phone` / `address` (exact, any case),
//!   `after` / `before` (created at or after / at or before: a date and time, a date, or a time of
//!   day, which means that time on the virtual clock's day, UTC), `on` (a day), `id` (an event
//!   id, decimal, all 64 bits: the id an integration logged; another instance's id finds nothing).
//! - A term that is not `key:value` with a known key, a value that is not one of its key's, a
//!   quote left open: `INVALID_QUERY`, with the column of the term, never an empty list.

use crate::dates;
use crate::error::{Error, ErrorCode, Result};
use crate::model::{Channel, EventStatus, Queue};

/// Values a key accepts, or refuses (`-key:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Set<T> {
    /// Values any of which is accepted (empty: any value).
    pub any_of: Vec<T>,
    /// Values refused.
    pub none_of: Vec<T>,
}

impl<T: PartialEq> Default for Set<T> {
    fn default() -> Self {
        Set { any_of: Vec::new(), none_of: Vec::new() }
    }
}

impl<T: PartialEq> Set<T> {
    /// Whether `v` passes.
    pub fn accepts(&self, v: &T) -> bool {
        (self.any_of.is_empty() || self.any_of.contains(v)) && !self.none_of.contains(v)
    }

    /// Whether it restricts anything.
    pub fn is_any(&self) -> bool {
        self.any_of.is_empty() && self.none_of.is_empty()
    }

    fn add(&mut self, v: T, negated: bool) {
        let list = if negated { &mut self.none_of } else { &mut self.any_of };
        if !list.contains(&v) {
            list.push(v);
        }
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Search {
    /// `status:`.
    pub status: Set<EventStatus>,
    /// `type:`.
    pub event_type: Set<String>,
    /// `channel:`.
    pub channel: Set<Channel>,
    /// `queue:`.
    pub queue: Set<Queue>,
    /// `email:` / `phone:` / `address:` (lower case).
    pub address: Set<String>,
    /// `id:` (decimal 64-bit event ids).
    pub ids: Set<u64>,
    /// Created at or after (the latest `after:`).
    pub from: Option<i64>,
    /// Created at or before (the earliest `before:`).
    pub to: Option<i64>,
}

impl Search {
    /// Whether it has a term counters cannot answer (a date or an address).
    pub fn needs_scan(&self) -> bool {
        self.from.is_some() || self.to.is_some() || !self.address.is_any() || !self.ids.is_any()
    }
}

const KEYS: &str = "status, type, channel, queue, email, phone, address, after, before, on, id";

const DAY: i64 = 86_400_000;

fn invalid(column: usize, message: String) -> Error {
    let col = u32::try_from(column).unwrap_or(u32::MAX);
    Error::new(ErrorCode::InvalidQuery, format!("column {column}: {message}")).at("query", 1, col)
}

/// A term: its column (1-based, in characters), whether negated, key and raw values.
struct Term {
    column: usize,
    negated: bool,
    key: String,
    value: String,
}

/// Splits the query into terms (spaces separate, quotes group).
fn terms(q: &str) -> Result<Vec<Term>> {
    let mut out = Vec::new();
    let chars: Vec<char> = q.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let column = i + 1;
        let mut text = String::new();
        let mut quoted_from = None;
        while i < chars.len() && (quoted_from.is_some() || !chars[i].is_whitespace()) {
            match chars[i] {
                '"' if quoted_from.is_none() => quoted_from = Some(i + 1),
                '"' => quoted_from = None,
                c => text.push(c),
            }
            i += 1;
        }
        if let Some(at) = quoted_from {
            return Err(invalid(at, "a quote is not closed".into()));
        }
        let (negated, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest.to_string()),
            None => (false, text.clone()),
        };
        let Some((key, value)) = body.split_once(':') else {
            return Err(invalid(column, format!("'{}' is not a term: write key:value (keys: {KEYS})", crate::tree::excerpt(&text))));
        };
        if value.is_empty() {
            return Err(invalid(column, format!("'{}' has no value", crate::tree::excerpt(&text))));
        }
        out.push(Term { column, negated, key: key.to_ascii_lowercase(), value: value.to_string() });
    }
    Ok(out)
}

/// A time of day `HH:MM` or `HH:MM:SS` as ms after midnight.
fn time_of_day(s: &str) -> Option<i64> {
    let parts: Vec<&str> = s.split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let n: Vec<i64> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    let (h, m, sec) = (n[0], n[1], n.get(2).copied().unwrap_or(0));
    (h < 24 && m < 60 && sec < 60).then_some(((h * 60 + m) * 60 + sec) * 1000)
}

/// A day `YYYY-MM-DD` as the ms of its midnight (UTC).
fn day(s: &str) -> Option<i64> {
    if s.len() != 10 {
        return None;
    }
    dates::parse_iso8601(&format!("{s}T00:00:00Z")).ok()
}

/// A point in time: a time of day (on the clock's day), a day, or a full date and time.
fn instant(s: &str, now: i64) -> Option<(i64, bool)> {
    if let Some(t) = time_of_day(s) {
        return Some((now.div_euclid(DAY) * DAY + t, false));
    }
    if let Some(d) = day(s) {
        return Some((d, true));
    }
    dates::parse_iso8601(s).ok().map(|t| (t, false))
}

/// The values of a term (`a,b`), none of them empty.
fn values(t: &Term) -> Result<Vec<&str>> {
    let vs: Vec<&str> = t.value.split(',').map(str::trim).collect();
    if vs.iter().any(|v| v.is_empty()) {
        return Err(invalid(t.column, format!("{}:{} has an empty value", t.key, crate::tree::excerpt(&t.value))));
    }
    Ok(vs)
}

/// Parses a query; `now` (the virtual clock) gives times of day their day.
pub fn parse(q: &str, now: i64) -> Result<Search> {
    if q.len() > 4096 {
        return Err(Error::new(ErrorCode::InvalidQuery, format!("the query is {} bytes, over the limit of 4096", q.len())));
    }
    let mut s = Search::default();
    for t in terms(q)? {
        let bad = |what: &str| invalid(t.column, format!("{}:{} — {what}", t.key, crate::tree::excerpt(&t.value)));
        match t.key.as_str() {
            "status" => {
                for v in values(&t)? {
                    let st = EventStatus::parse(v).ok_or_else(|| {
                        bad("not an event status (pending, pendingDelivery, sent, ignored, deliveryFailed, notTakenIntoAccount, expired, or their labels)")
                    })?;
                    s.status.add(st, t.negated);
                }
            }
            "type" => {
                for v in values(&t)? {
                    s.event_type.add(v.to_string(), t.negated);
                }
            }
            "channel" => {
                for v in values(&t)? {
                    let c = Channel::parse(v)
                        .or_else(|| Channel::all().find(|c| c.label().eq_ignore_ascii_case(v)))
                        .ok_or_else(|| bad("not a channel"))?;
                    s.channel.add(c, t.negated);
                }
            }
            "queue" => {
                for v in values(&t)? {
                    let q = Queue::parse(v).ok_or_else(|| bad("the queue is rt or batch"))?;
                    s.queue.add(q, t.negated);
                }
            }
            "email" | "phone" | "mobilephone" | "address" => {
                for v in values(&t)? {
                    s.address.add(v.to_ascii_lowercase(), t.negated);
                }
            }
            "id" => {
                for v in values(&t)? {
                    let id = (v.len() <= 20 && v.bytes().all(|b| b.is_ascii_digit()))
                        .then(|| v.parse::<u64>().ok())
                        .flatten()
                        .ok_or_else(|| bad("not an event id (the decimal 64-bit id, as PushEvent returned it)"))?;
                    s.ids.add(id, t.negated);
                }
            }
            "after" | "before" | "on" => {
                if t.negated {
                    return Err(bad("a date cannot be negated"));
                }
                let Some((at, whole_day)) = instant(&t.value, now) else {
                    return Err(bad("not a date: write 08:00, 2026-03-02 or 2026-03-02T08:00:00Z (UTC)"));
                };
                let (lo, hi) = match (t.key.as_str(), whole_day) {
                    ("after", _) => (Some(at), None),
                    ("before", false) => (None, Some(at)),
                    // before:<day> is before that day starts.
                    ("before", true) => (None, Some(at - 1)),
                    (_, true) => (Some(at), Some(at + DAY - 1)),
                    (_, false) => return Err(bad("on takes a day (2026-03-02)")),
                };
                if let Some(l) = lo {
                    s.from = Some(s.from.map_or(l, |f| f.max(l)));
                }
                if let Some(h) = hi {
                    s.to = Some(s.to.map_or(h, |x| x.min(h)));
                }
            }
            other => return Err(invalid(t.column, format!("unknown key '{}' (keys: {KEYS})", crate::tree::excerpt(other)))),
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> i64 {
        dates::parse_iso8601("2026-03-02T13:45:00Z").unwrap()
    }

    #[test]
    fn the_issue_example() {
        let s = parse("status:sent type:order_confirmation email:Ada@Example.com after:08:00 -status:pending", now()).unwrap();
        assert_eq!(s.status, Set { any_of: vec![EventStatus::Sent], none_of: vec![EventStatus::Pending] });
        assert!(s.event_type.accepts(&"order_confirmation".to_string()) && !s.event_type.accepts(&"x".to_string()));
        assert_eq!(s.address.any_of, vec!["ada@example.com".to_string()]);
        assert_eq!(s.from, Some(dates::parse_iso8601("2026-03-02T08:00:00Z").unwrap()));
        assert!(s.needs_scan());
    }

    #[test]
    fn alternatives_labels_quotes_and_days() {
        let s = parse(r#"status:sent,ignored status:"Pending delivery" channel:1,Email queue:rt on:2026-03-01"#, now()).unwrap();
        assert_eq!(s.status.any_of, vec![EventStatus::Sent, EventStatus::Ignored, EventStatus::PendingDelivery]);
        assert_eq!(s.channel.any_of, vec![Channel::Sms, Channel::Email]);
        assert_eq!(s.queue.any_of, vec![Queue::Rt]);
        assert_eq!(s.from, Some(dates::parse_iso8601("2026-03-01T00:00:00Z").unwrap()));
        assert_eq!(s.to, Some(dates::parse_iso8601("2026-03-01T23:59:59.999Z").unwrap()));
        let s = parse("-type:a -channel:sms before:2026-03-02T09:30:00Z status:processed", now()).unwrap();
        assert_eq!(s.event_type.none_of, vec!["a".to_string()]);
        assert!(!s.channel.accepts(&Channel::Sms) && s.channel.accepts(&Channel::Email));
        assert_eq!(s.status.any_of, vec![EventStatus::Sent], "the REST name works too");
        assert!(!parse("status:sent type:x", now()).unwrap().needs_scan());
        assert_eq!(parse("   ", now()).unwrap(), Search::default());
    }

    #[test]
    fn malformed_queries_are_errors_with_their_column() {
        for (q, col, want) in [
            ("status:sent bogus", 13, "'bogus' is not a term"),
            ("colour:red", 1, "unknown key 'colour'"),
            ("type:a status:nope", 8, "not an event status"),
            ("status:", 1, "has no value"),
            ("after:25:00", 1, "not a date"),
            ("type:\"open", 6, "quote is not closed"),
            ("-after:08:00", 1, "cannot be negated"),
            ("queue:fast", 1, "rt or batch"),
            ("on:08:00", 1, "on takes a day"),
            ("type:,", 1, "has an empty value"),
            ("status:sent,", 1, "has an empty value"),
            ("x:1 email:a@b.co,,c@d.co", 1, "unknown key 'x'"),
            ("email:a@b.co,,c@d.co", 1, "has an empty value"),
        ] {
            let e = parse(q, now()).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidQuery, "{q}");
            assert!(e.message.contains(want), "{q}: {}", e.message);
            assert_eq!(e.at.map(|a| a.column), Some(col), "{q}: {}", e.message);
        }
        assert_eq!(parse(&"a".repeat(5000), now()).unwrap_err().code, ErrorCode::InvalidQuery);
    }

    #[test]
    fn ids_are_decimal_64_bit() {
        let s = parse("id:18374686479671623681,72057594037927937 -id:5", now()).unwrap();
        assert_eq!(s.ids.any_of, vec![18_374_686_479_671_623_681, 72_057_594_037_927_937]);
        assert_eq!(s.ids.none_of, vec![5]);
        assert!(s.needs_scan());
        for (q, col) in [("id:0x10", 1), ("type:a id:1.5", 8), ("id:18446744073709551616", 1), ("id:-3", 1), ("id:1,", 1)] {
            let e = parse(q, now()).unwrap_err();
            assert_eq!((e.code, e.at.map(|a| a.column)), (ErrorCode::InvalidQuery, Some(col)), "{q}: {}", e.message);
        }
    }
}
