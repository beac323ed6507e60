//! The records storage holds for events, in their compact stored form. Each is one line of a page
//! (see `pages.rs`): JSON with one- or two-letter field names and enumerations as codes, because
//! every workflow step rewrites the state pages it touches. What the API shows is built from them
//! in `views.rs`.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, ErrorCode, Result};
use crate::model::{BroadLogStatus, Channel, EventStatus, FailureType, Queue};

/// An enumeration stored as its code.
pub(crate) trait Coded: Copy + Sized {
    /// What it is, for error messages.
    const WHAT: &'static str;
    /// The code.
    fn to_code(self) -> u8;
    /// The value of a code.
    fn of_code(c: u8) -> Option<Self>;
}

macro_rules! coded {
    ($t:ty, $what:literal) => {
        impl Coded for $t {
            const WHAT: &'static str = $what;
            fn to_code(self) -> u8 {
                self.code()
            }
            fn of_code(c: u8) -> Option<Self> {
                <$t>::from_code(c)
            }
        }
    };
}
coded!(Queue, "queue");
coded!(EventStatus, "event status");
coded!(Channel, "channel");
coded!(BroadLogStatus, "delivery log status");
coded!(FailureType, "failure type");

/// `#[serde(with = "code")]`: an enumeration as its code.
pub(crate) mod code {
    use super::*;

    pub fn serialize<T: Coded, S: Serializer>(v: &T, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_u8(v.to_code())
    }

    pub fn deserialize<'de, T: Coded, D: Deserializer<'de>>(d: D) -> std::result::Result<T, D::Error> {
        let c = u8::deserialize(d)?;
        T::of_code(c).ok_or_else(|| D::Error::custom(format!("{} code {c} is unknown", T::WHAT)))
    }
}

/// `#[serde(with = "code_opt")]`: an optional enumeration as its code.
pub(crate) mod code_opt {
    use super::*;

    pub fn serialize<T: Coded, S: Serializer>(v: &Option<T>, s: S) -> std::result::Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_some(&v.to_code()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Coded, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<T>, D::Error> {
        match Option::<u8>::deserialize(d)? {
            None => Ok(None),
            Some(c) => T::of_code(c).map(Some).ok_or_else(|| D::Error::custom(format!("{} code {c} is unknown", T::WHAT))),
        }
    }
}

fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}

fn is_zero_u8(n: &u8) -> bool {
    *n == 0
}

/// The immutable part of an event: what was pushed, once validated (a line of a data fragment).
/// Its id and instance are where it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct EventData {
    /// Real-time or batch queue.
    #[serde(rename = "q", with = "code")]
    pub queue: Queue,
    /// `@type`.
    #[serde(rename = "t")]
    pub event_type: String,
    /// `@email`.
    #[serde(rename = "e", default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `@mobilePhone`.
    #[serde(rename = "m", default, skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
    /// `@externalId`.
    #[serde(rename = "x", default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// `@origin`.
    #[serde(rename = "o", default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// `@wishedChannel`.
    #[serde(rename = "w", with = "code")]
    pub wished_channel: Channel,
    /// `@emailFormat`: 0 unknown, 1 text, 2 html.
    #[serde(rename = "f", default, skip_serializing_if = "is_zero_u8")]
    pub email_format: u8,
    /// `@language`.
    #[serde(rename = "l", default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// `@country`.
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// `@scheduled`.
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub scheduled: Option<i64>,
    /// `@expiration`.
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<i64>,
    /// `@registrationToken`.
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    pub registration_token: Option<String>,
    /// `mobileApp/@uuid`.
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    pub mobile_app: Option<String>,
    /// The `<ctx>` element, canonical XML.
    #[serde(rename = "c")]
    pub ctx: String,
    /// `@created`.
    #[serde(rename = "d")]
    pub created: i64,
}

impl EventData {
    /// The address the event's channel uses.
    pub fn address(&self) -> Option<&str> {
        address_of(self.wished_channel, self.email.as_deref(), self.mobile_phone.as_deref(), self.registration_token.as_deref())
    }
}

/// The address an event's channel uses.
pub(crate) fn address_of<'a>(channel: Channel, email: Option<&'a str>, phone: Option<&'a str>, token: Option<&'a str>) -> Option<&'a str> {
    match channel {
        Channel::Email => email,
        Channel::Sms | Channel::Phone | Channel::Fax => phone,
        Channel::MobileApp | Channel::Ios | Channel::Android => token,
        _ => email.or(phone),
    }
}

/// One status change of an event: what, when, and which workflow run (or call) made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StatusChange {
    /// The new status.
    pub status: EventStatus,
    /// When (ms since the epoch, virtual clock).
    pub at: i64,
    /// `PushEvent`, `PushEvents`, or `<workflow>#<run>`.
    pub by: String,
    /// Why, when there is something to say (routing failure, error…).
    pub note: Option<String>,
}

/// The mutable part of an event (a line of a state page): its status, dates, errors, template,
/// history and delivery log, plus the few immutable fields that steps decide on and counters are
/// kept by (queue, type, channel, created), so that a step needs the data pages only to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EventState {
    /// Queue.
    pub queue: Queue,
    /// Event type.
    pub event_type: String,
    /// Wished channel.
    pub channel: Channel,
    /// `@created`.
    pub created: i64,
    /// `@status`.
    pub status: EventStatus,
    /// "Process requested on": next (re)processing time while Pending.
    pub process_requested_on: i64,
    /// `@processing`: when a processing workflow last took it.
    pub processing: Option<i64>,
    /// `@processed`: when it reached a final status.
    pub processed: Option<i64>,
    /// `@lastModified`.
    pub last_modified: i64,
    /// "Number of errors".
    pub errors: u32,
    /// The last processing error.
    pub last_error: Option<String>,
    /// Internal name of the published template copy used (`<name>_rt` / `<name>_batch`).
    pub template: Option<String>,
    /// Internal name of the execution delivery it is attached to.
    pub delivery: Option<String>,
    /// Every status it went through.
    pub history: Vec<StatusChange>,
    /// Its delivery log, once routed (stored apart, in the delivery-log page).
    pub log: Option<DeliveryLog>,
    /// On the control: when archiving last copied it.
    pub archived: Option<i64>,
}

impl EventState {
    /// Changes the status, recording it in the history; a final status sets `@processed`.
    pub fn change_status(&mut self, status: EventStatus, now: i64, by: &str, note: Option<String>) {
        self.status = status;
        self.last_modified = now;
        if status.is_final() {
            self.processed = Some(now);
        }
        self.history.push(StatusChange { status, at: now, by: by.to_string(), note });
    }

    /// The status change in effect at `t` (None: the event did not exist yet).
    pub fn change_at(&self, t: i64) -> Option<&StatusChange> {
        if self.created > t {
            return None;
        }
        self.history.iter().rev().find(|c| c.at <= t)
    }

    /// The event as it stood at `t`, from its status history and its delivery log's lines: what
    /// happened after `t` is left out (None: it did not exist yet). The console's time slider
    /// shows it.
    pub fn as_of(&self, t: i64) -> Option<EventState> {
        let now = self.change_at(t)?.clone();
        let history: Vec<StatusChange> = self.history.iter().filter(|c| c.at <= t).cloned().collect();
        let routed = history.iter().any(|c| c.status == EventStatus::PendingDelivery);
        let errors = history.iter().skip(1).filter(|c| c.status == EventStatus::Pending).count() as u32;
        let log = self.log.as_ref().filter(|_| routed).map(|l| {
            let lines: Vec<LogLine> = l.log.iter().filter(|x| x.at <= t).cloned().collect();
            let last = lines.last();
            let failed =
                last.is_some_and(|x| matches!(x.status, BroadLogStatus::Failed | BroadLogStatus::Ignored | BroadLogStatus::Cancelled));
            DeliveryLog {
                status: last.map_or(BroadLogStatus::Pending, |x| x.status),
                tries: last.map_or(0, |x| x.tries),
                next_action: last.and_then(|x| x.next),
                sent_at: l.sent_at.filter(|s| *s <= t),
                bounce_at: None,
                failure_type: l.failure_type.filter(|_| failed),
                failure_reason: l.failure_reason.clone().filter(|_| failed),
                last_modified: last.map_or(l.created, |x| x.at),
                log: lines,
                ..l.clone()
            }
        });
        Some(EventState {
            status: now.status,
            processing: self.processing.filter(|p| *p <= t),
            processed: history.iter().find(|c| c.status.is_final()).map(|c| c.at),
            last_modified: now.at,
            errors: errors.min(self.errors),
            last_error: self.last_error.clone().filter(|_| errors > 0),
            template: self.template.clone().filter(|_| routed),
            delivery: self.delivery.clone().filter(|_| routed),
            history,
            log,
            archived: self.archived.filter(|a| *a <= t),
            ..self.clone()
        })
    }
}

/// What one line of a delivery log's story says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum LogKind {
    /// The message was prepared (rendered) by a processing workflow; `next` is the first attempt.
    #[serde(rename = "p")]
    Prepared,
    /// The MTA acted: an attempt, or an asynchronous bounce coming due.
    #[serde(rename = "a")]
    Action,
}

/// One line of a delivery log's story, kept structured (the text is written by `views.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LogLine {
    /// When.
    pub at: i64,
    /// Which run acted (`rtEventsProcessing#3`, `mta#12`).
    pub by: String,
    /// What happened.
    pub kind: LogKind,
    /// The delivery log's status after the action.
    pub status: BroadLogStatus,
    /// Tries made so far.
    pub tries: u32,
    /// The next action planned then (first attempt, retry, bounce).
    pub next: Option<i64>,
    /// The reason, for a failure or an ignored message.
    pub reason: Option<String>,
}

/// A delivery log (`NmsBroadLogRtEvent` / `NmsBroadLogBatchEvent`), one per routed event, same id.
/// Its template and delivery are the event's; its rendered message is in a message fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeliveryLog {
    /// `@status`.
    pub status: BroadLogStatus,
    /// Send attempts made.
    pub tries: u32,
    /// Next MTA action time, while one is planned.
    pub next_action: Option<i64>,
    /// When it was sent.
    pub sent_at: Option<i64>,
    /// An asynchronous bounce planned at this time (after "Sent").
    pub bounce_at: Option<i64>,
    /// Why it failed or was ignored.
    pub failure_type: Option<FailureType>,
    /// The failure reason, in words.
    pub failure_reason: Option<String>,
    /// Address used (email, phone number, push token).
    pub address: String,
    /// Channel used.
    pub channel: Channel,
    /// The event's expiration, copied so the MTA can cancel.
    pub expiration: Option<i64>,
    /// `@created`.
    pub created: i64,
    /// `@lastModified`.
    pub last_modified: i64,
    /// One line per action, for the event's story.
    pub log: Vec<LogLine>,
}

// The stored forms of the state and delivery-log lines. Times after the line's own creation time
// are stored as deltas from it (a few digits instead of thirteen): every step that touches a page
// rewrites its lines, and their size is what storage pays for. `archived` stays the last field of
// a state line (archiving compares lines by prefix).

fn is_none<T>(v: &Option<T>) -> bool {
    v.is_none()
}

fn rel(t: i64, base: i64) -> i64 {
    t.wrapping_sub(base)
}

fn abs(d: i64, base: i64) -> i64 {
    d.wrapping_add(base)
}

#[derive(Serialize)]
struct ChangeOut<'a> {
    #[serde(with = "code")]
    s: EventStatus,
    a: i64,
    b: &'a str,
    #[serde(skip_serializing_if = "is_none")]
    n: Option<&'a str>,
}

#[derive(Deserialize)]
struct ChangeIn {
    #[serde(with = "code")]
    s: EventStatus,
    a: i64,
    b: String,
    #[serde(default)]
    n: Option<String>,
}

#[derive(Serialize)]
struct StateOut<'a> {
    #[serde(with = "code")]
    q: Queue,
    t: &'a str,
    #[serde(with = "code")]
    c: Channel,
    d: i64,
    #[serde(with = "code")]
    s: EventStatus,
    p: i64,
    #[serde(skip_serializing_if = "is_none")]
    g: Option<i64>,
    #[serde(skip_serializing_if = "is_none")]
    z: Option<i64>,
    m: i64,
    #[serde(skip_serializing_if = "is_zero_u32")]
    e: u32,
    #[serde(skip_serializing_if = "is_none")]
    le: Option<&'a str>,
    #[serde(skip_serializing_if = "is_none")]
    tp: Option<&'a str>,
    #[serde(skip_serializing_if = "is_none")]
    dl: Option<&'a str>,
    h: Vec<ChangeOut<'a>>,
    #[serde(skip_serializing_if = "is_none")]
    a: Option<i64>,
}

#[derive(Deserialize)]
struct StateIn {
    #[serde(with = "code")]
    q: Queue,
    t: String,
    #[serde(with = "code")]
    c: Channel,
    d: i64,
    #[serde(with = "code")]
    s: EventStatus,
    p: i64,
    #[serde(default)]
    g: Option<i64>,
    #[serde(default)]
    z: Option<i64>,
    m: i64,
    #[serde(default)]
    e: u32,
    #[serde(default)]
    le: Option<String>,
    #[serde(default)]
    tp: Option<String>,
    #[serde(default)]
    dl: Option<String>,
    h: Vec<ChangeIn>,
    #[serde(default)]
    a: Option<i64>,
}

impl Serialize for EventState {
    fn serialize<S: Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        let d = self.created;
        StateOut {
            q: self.queue,
            t: &self.event_type,
            c: self.channel,
            d,
            s: self.status,
            p: rel(self.process_requested_on, d),
            g: self.processing.map(|t| rel(t, d)),
            z: self.processed.map(|t| rel(t, d)),
            m: rel(self.last_modified, d),
            e: self.errors,
            le: self.last_error.as_deref(),
            tp: self.template.as_deref(),
            dl: self.delivery.as_deref(),
            h: self.history.iter().map(|h| ChangeOut { s: h.status, a: rel(h.at, d), b: &h.by, n: h.note.as_deref() }).collect(),
            a: self.archived.map(|t| rel(t, d)),
        }
        .serialize(ser)
    }
}

impl<'de> Deserialize<'de> for EventState {
    fn deserialize<D: Deserializer<'de>>(de: D) -> std::result::Result<EventState, D::Error> {
        let w = StateIn::deserialize(de)?;
        let d = w.d;
        Ok(EventState {
            queue: w.q,
            event_type: w.t,
            channel: w.c,
            created: d,
            status: w.s,
            process_requested_on: abs(w.p, d),
            processing: w.g.map(|t| abs(t, d)),
            processed: w.z.map(|t| abs(t, d)),
            last_modified: abs(w.m, d),
            errors: w.e,
            last_error: w.le,
            template: w.tp,
            delivery: w.dl,
            history: w.h.into_iter().map(|h| StatusChange { status: h.s, at: abs(h.a, d), by: h.b, note: h.n }).collect(),
            log: None,
            archived: w.a.map(|t| abs(t, d)),
        })
    }
}

#[derive(Serialize)]
struct LineOut<'a> {
    a: i64,
    b: &'a str,
    k: LogKind,
    #[serde(with = "code")]
    s: BroadLogStatus,
    #[serde(skip_serializing_if = "is_zero_u32")]
    n: u32,
    #[serde(skip_serializing_if = "is_none")]
    x: Option<i64>,
    #[serde(skip_serializing_if = "is_none")]
    r: Option<&'a str>,
}

#[derive(Deserialize)]
struct LineIn {
    a: i64,
    b: String,
    k: LogKind,
    #[serde(with = "code")]
    s: BroadLogStatus,
    #[serde(default)]
    n: u32,
    #[serde(default)]
    x: Option<i64>,
    #[serde(default)]
    r: Option<String>,
}

#[derive(Serialize)]
struct LogOut<'a> {
    #[serde(with = "code")]
    s: BroadLogStatus,
    #[serde(skip_serializing_if = "is_zero_u32")]
    n: u32,
    #[serde(skip_serializing_if = "is_none")]
    x: Option<i64>,
    #[serde(skip_serializing_if = "is_none")]
    t: Option<i64>,
    #[serde(skip_serializing_if = "is_none")]
    o: Option<i64>,
    #[serde(skip_serializing_if = "is_none", with = "code_opt")]
    f: Option<FailureType>,
    #[serde(skip_serializing_if = "is_none")]
    r: Option<&'a str>,
    a: &'a str,
    #[serde(with = "code")]
    c: Channel,
    #[serde(skip_serializing_if = "is_none")]
    e: Option<i64>,
    d: i64,
    m: i64,
    l: Vec<LineOut<'a>>,
}

/// What `updateEventsStatus` reads of a delivery-log line: its status and failure reason (the
/// rest is skipped, not decoded).
#[derive(Deserialize)]
pub(crate) struct LogHead<'a> {
    /// Status.
    #[serde(with = "code")]
    pub s: BroadLogStatus,
    /// Failure reason.
    #[serde(default, borrow)]
    pub r: Option<std::borrow::Cow<'a, str>>,
}

#[derive(Deserialize)]
struct LogIn {
    #[serde(with = "code")]
    s: BroadLogStatus,
    #[serde(default)]
    n: u32,
    #[serde(default)]
    x: Option<i64>,
    #[serde(default)]
    t: Option<i64>,
    #[serde(default)]
    o: Option<i64>,
    #[serde(default, with = "code_opt")]
    f: Option<FailureType>,
    #[serde(default)]
    r: Option<String>,
    a: String,
    #[serde(with = "code")]
    c: Channel,
    #[serde(default)]
    e: Option<i64>,
    d: i64,
    m: i64,
    l: Vec<LineIn>,
}

impl Serialize for DeliveryLog {
    fn serialize<S: Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        let d = self.created;
        LogOut {
            s: self.status,
            n: self.tries,
            x: self.next_action.map(|t| rel(t, d)),
            t: self.sent_at.map(|t| rel(t, d)),
            o: self.bounce_at.map(|t| rel(t, d)),
            f: self.failure_type,
            r: self.failure_reason.as_deref(),
            a: &self.address,
            c: self.channel,
            e: self.expiration,
            d,
            m: rel(self.last_modified, d),
            l: self
                .log
                .iter()
                .map(|l| LineOut {
                    a: rel(l.at, d),
                    b: &l.by,
                    k: l.kind,
                    s: l.status,
                    n: l.tries,
                    x: l.next.map(|t| rel(t, d)),
                    r: l.reason.as_deref(),
                })
                .collect(),
        }
        .serialize(ser)
    }
}

impl<'de> Deserialize<'de> for DeliveryLog {
    fn deserialize<D: Deserializer<'de>>(de: D) -> std::result::Result<DeliveryLog, D::Error> {
        let w = LogIn::deserialize(de)?;
        let d = w.d;
        Ok(DeliveryLog {
            status: w.s,
            tries: w.n,
            next_action: w.x.map(|t| abs(t, d)),
            sent_at: w.t.map(|t| abs(t, d)),
            bounce_at: w.o.map(|t| abs(t, d)),
            failure_type: w.f,
            failure_reason: w.r,
            address: w.a,
            channel: w.c,
            expiration: w.e,
            created: d,
            last_modified: abs(w.m, d),
            log: w
                .l
                .into_iter()
                .map(|l| LogLine {
                    at: abs(l.a, d),
                    by: l.b,
                    kind: l.k,
                    status: l.s,
                    tries: l.n,
                    next: l.x.map(|t| abs(t, d)),
                    reason: l.r,
                })
                .collect(),
        })
    }
}

/// A rendered message (a line of a message fragment: `[slot, subject, html, text]`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct Rendered {
    /// Rendered subject (email) or empty.
    pub subject: String,
    /// Rendered HTML body.
    pub html: String,
    /// Rendered text body (or SMS/push text).
    pub text: String,
}

/// A message line: the slot of its event in the page, then the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct MessageLine(pub u8, pub String, pub String, pub String);

/// What kind of entry keeps an address out of deliveries on an execution instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum QuarantineKind {
    /// Quarantined after a hard or asynchronous bounce.
    Quarantine,
    /// Added to the denylist.
    Denylist,
}

/// A quarantine or denylist entry (`q/<ii>/<address>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct QuarantineEntry {
    /// The address as written.
    pub address: String,
    /// Quarantine or denylist.
    pub kind: QuarantineKind,
    /// Why the delivery ignores it.
    pub reason: String,
    /// Since when.
    pub since: i64,
}

/// Serializes one of our records. A record that does not serialize is an `INTERNAL` error
/// (nothing is written), never an empty value stored in its place.
pub(crate) fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(not_serialized)
}

/// Appends the JSON of one of our records to `out` (serde_json only writes UTF-8).
pub(crate) fn write_json<T: Serialize>(out: &mut Vec<u8>, v: &T) -> Result<()> {
    serde_json::to_writer(out, v).map_err(not_serialized)
}

// Not generic: one copy in the wasm, whatever the record.
fn not_serialized(e: serde_json::Error) -> Error {
    Error::new(ErrorCode::Internal, format!("a record does not serialize: {e}"))
}

/// Decodes a stored record; garbage is `STORAGE_CORRUPT` naming the key.
pub(crate) fn from_json<'a, T: Deserialize<'a>>(key: &dyn std::fmt::Display, v: &'a str) -> Result<T> {
    serde_json::from_str(v).map_err(|e| Error::new(ErrorCode::StorageCorrupt, format!("stored record {key} does not decode: {e}")))
}

/// A list of event sequences (the low 56 bits of ids of one instance), stored as decimal runs
/// `first-last` and singles separated by commas, in the list's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct IdList(pub Vec<u64>);

impl IdList {
    /// The stored form.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        let mut i = 0;
        let v = &self.0;
        while i < v.len() {
            let start = v[i];
            let mut j = i;
            while j + 1 < v.len() && v[j + 1] == v[j].wrapping_add(1) {
                j += 1;
            }
            if !out.is_empty() {
                out.push(',');
            }
            out.push_str(itoa::Buffer::new().format(start));
            if j > i {
                out.push('-');
                out.push_str(itoa::Buffer::new().format(v[j]));
            }
            i = j + 1;
        }
        out
    }

    /// Reads the stored form back; `key` names the record in errors.
    pub fn decode(key: &dyn std::fmt::Display, s: &str) -> Result<IdList> {
        let bad = || Error::new(ErrorCode::StorageCorrupt, format!("stored record {key} is not a list of ids"));
        let mut out = Vec::new();
        if s.is_empty() {
            return Ok(IdList(out));
        }
        for part in s.split(',') {
            match part.split_once('-') {
                Some((a, b)) => {
                    let a: u64 = a.parse().map_err(|_| bad())?;
                    let b: u64 = b.parse().map_err(|_| bad())?;
                    if b < a || b - a > 10_000_000 {
                        return Err(bad());
                    }
                    out.extend(a..=b);
                }
                None => out.push(part.parse().map_err(|_| bad())?),
            }
        }
        Ok(IdList(out))
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_record_that_does_not_serialize_is_an_error_never_an_empty_value() {
        struct Refuses;
        impl Serialize for Refuses {
            fn serialize<S: serde::Serializer>(&self, _: S) -> std::result::Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("refused"))
            }
        }
        let e = to_json(&Refuses).unwrap_err();
        assert_eq!(e.code, ErrorCode::Internal);
        assert_eq!(e.message, "a record does not serialize: refused");
        let mut out = Vec::new();
        assert_eq!(write_json(&mut out, &Refuses).unwrap_err().code, ErrorCode::Internal);
    }

    use super::*;

    #[test]
    fn id_lists_round_trip() {
        for v in [vec![], vec![5], vec![1, 2, 3, 7, 9, 10], vec![10, 11, 3, 4, 4]] {
            let l = IdList(v.clone());
            let s = l.encode();
            assert_eq!(IdList::decode(&"k", &s).unwrap().0, v, "{s}");
        }
        assert_eq!(IdList(vec![1, 2, 3, 7, 9, 10]).encode(), "1-3,7,9-10");
        for bad in ["x", "1-", "5-3", ",", "1,,2", "0-99999999999"] {
            assert_eq!(IdList::decode(&"k", bad).unwrap_err().code, ErrorCode::StorageCorrupt, "{bad}");
        }
    }

    #[test]
    fn state_lines_are_compact_and_round_trip() {
        let st = EventState {
            queue: Queue::Rt,
            event_type: "order".into(),
            channel: Channel::Email,
            created: 1,
            status: EventStatus::Sent,
            process_requested_on: 1,
            processing: Some(2),
            processed: Some(3),
            last_modified: 3,
            errors: 0,
            last_error: None,
            template: Some("t_rt".into()),
            delivery: Some("t_rt_2026-03".into()),
            history: vec![StatusChange { status: EventStatus::Pending, at: 1, by: "PushEvent".into(), note: None }],
            log: Some(DeliveryLog {
                status: BroadLogStatus::Sent,
                tries: 1,
                next_action: None,
                sent_at: Some(3),
                bounce_at: None,
                failure_type: Some(FailureType::Hard),
                failure_reason: None,
                address: "a@b.co".into(),
                channel: Channel::Email,
                expiration: None,
                created: 2,
                last_modified: 3,
                log: vec![LogLine {
                    at: 2,
                    by: "mta#1".into(),
                    kind: LogKind::Action,
                    status: BroadLogStatus::Sent,
                    tries: 1,
                    next: None,
                    reason: None,
                }],
            }),
            archived: None,
        };
        let s = to_json(&st).unwrap();
        assert!(!s.contains('\n'));
        let mut without_log = st.clone();
        without_log.log = None;
        assert_eq!(from_json::<EventState>(&"k", &s).unwrap(), without_log, "the delivery log is stored apart");
        let l = to_json(st.log.as_ref().unwrap()).unwrap();
        assert!(l.starts_with(r#"{"s":1,"#), "{l}");
        assert_eq!(from_json::<DeliveryLog>(&"k", &l).unwrap(), st.log.clone().unwrap());
        assert!(s.starts_with(r#"{"q":0,"t":"order","c":0,"d":1,"s":2"#), "{s}");
        let bad = s.replace(r#""s":2"#, r#""s":99"#);
        let e = from_json::<EventState>(&"e/01/x/s", &bad).unwrap_err();
        assert_eq!(e.code, ErrorCode::StorageCorrupt);
        assert!(e.message.contains("e/01/x/s") && e.message.contains("event status code 99"), "{}", e.message);
    }
}
