//! A page of events as a step holds it between its reads and its writes: the state page (one
//! line per slot), the data and message fragments, and the page's summary. A step takes the
//! states it changes, puts them back, and `finish` writes the records that changed: untouched
//! lines are copied as they were read, never parsed or serialized again. The summary's counts and
//! the instance's counters move together, from one place (`finish` returns the deltas).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, ErrorCode, Result};
use crate::keys::{self, PageId, PageRecord, PAGE};
use crate::model::{BroadLogStatus, Channel, EventStatus, Queue};
use crate::records::{code, from_json, write_json, DeliveryLog, EventData, EventState, MessageLine, Rendered};
use crate::state::CounterKey;

/// A key, shown in error messages.
struct KeyOf(PageId, PageRecord);

impl fmt::Display for KeyOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let k = match self.1 {
            PageRecord::State => keys::state_key(self.0),
            PageRecord::Logs => keys::log_key(self.0),
            PageRecord::Data(s) => keys::data_key(self.0, s),
            PageRecord::Message(s) => keys::message_key(self.0, s),
        };
        f.write_str(&k)
    }
}

/// A stored text split into lines, kept as read (lines are borrowed, not copied).
#[derive(Debug, Default, Clone)]
struct Lines {
    text: String,
    ranges: Vec<(u32, u32)>,
    /// The packed text as stored (None: it was not packed), whose first lines a rewrite of the
    /// record copies up to its first changed line.
    packed: Option<String>,
}

impl Lines {
    fn new(text: String) -> Lines {
        let mut ranges = Vec::with_capacity(PAGE as usize);
        let mut start = 0usize;
        let bytes = text.as_bytes();
        for i in memchr::memchr_iter(b'\n', bytes) {
            ranges.push((start as u32, i as u32));
            start = i + 1;
        }
        if !text.is_empty() {
            ranges.push((start as u32, bytes.len() as u32));
        }
        Lines { text, ranges, packed: None }
    }

    /// A stored record's lines (packed text unpacked, see `packed`).
    fn stored(key: KeyOf, text: String) -> Result<Lines> {
        if !crate::packed::is_packed(&text) {
            return Ok(Lines::new(text));
        }
        let mut lines = Lines::new(crate::packed::unpack(&key, text.clone())?);
        lines.packed = Some(text);
        Ok(lines)
    }

    fn get(&self, i: usize) -> Option<&str> {
        let (a, b) = *self.ranges.get(i)?;
        let s = self.text.get(a as usize..b as usize)?;
        (!s.is_empty()).then_some(s)
    }

    fn len(&self) -> usize {
        self.ranges.len()
    }
}

/// One count of a page summary: events of that queue, type, channel and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct SummaryCount(#[serde(with = "code")] Queue, String, #[serde(with = "code")] Channel, #[serde(with = "code")] EventStatus, u32);

/// A 2048-bit Bloom filter of the (lower-cased) addresses of a page's events: the status list
/// skips pages that cannot hold an address it looks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Bloom([u64; 32]);

impl Bloom {
    fn bits(address: &str) -> [usize; 3] {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in address.bytes() {
            h = (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3);
        }
        let h2 = crate::mta::mix(h) | 1;
        [0u64, 1, 2].map(|i| (h.wrapping_add(i.wrapping_mul(h2)) % 2048) as usize)
    }

    /// Adds an address.
    pub fn add(&mut self, address: &str) {
        for b in Bloom::bits(address) {
            self.0[b / 64] |= 1 << (b % 64);
        }
    }

    /// Whether the address may have been added (false: it never was).
    pub fn may_contain(&self, address: &str) -> bool {
        Bloom::bits(address).iter().all(|b| self.0[b / 64] & (1 << (b % 64)) != 0)
    }
}

impl Serialize for Bloom {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut out = String::with_capacity(512);
        for w in self.0 {
            for i in (0..16).rev() {
                out.push(char::from(b"0123456789abcdef"[((w >> (i * 4)) & 0xf) as usize]));
            }
        }
        s.serialize_str(&out)
    }
}

impl<'de> Deserialize<'de> for Bloom {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Bloom, D::Error> {
        let s = <&str>::deserialize(d)?;
        if s.len() != 512 {
            return Err(serde::de::Error::custom("an address filter is 512 hex digits"));
        }
        let mut out = [0u64; 32];
        for (i, w) in out.iter_mut().enumerate() {
            let part = s.get(i * 16..i * 16 + 16).ok_or_else(|| serde::de::Error::custom("bad address filter"))?;
            *w = u64::from_str_radix(part, 16).map_err(|_| serde::de::Error::custom("bad address filter"))?;
        }
        Ok(Bloom(out))
    }
}

/// The summary of a page (`x/<scope>/<ii>/<~pg>`): what the status list and cleanup need without
/// reading the page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Summary {
    /// Live events.
    n: u32,
    /// Created, first live event.
    lo: i64,
    /// Created, last live event.
    hi: i64,
    /// Events by queue, type, channel and status (sorted by key).
    k: Vec<SummaryCount>,
    /// Address filter.
    b: Bloom,
    /// First slots of the data fragments.
    d: Vec<u8>,
    /// First slots of the message fragments.
    m: Vec<u8>,
}

impl Summary {
    /// Live events.
    pub fn live(&self) -> u32 {
        self.n
    }

    /// Created range of the live events.
    pub fn created(&self) -> (i64, i64) {
        (self.lo, self.hi)
    }

    /// Whether some event of the page may have this address.
    pub fn may_have_address(&self, address: &str) -> bool {
        self.b.may_contain(address)
    }

    /// Whether a data fragment from that slot is in the page.
    pub fn has_data_fragment(&self, first: u8) -> bool {
        self.d.contains(&first)
    }

    /// Whether a message fragment from that slot is in the page.
    pub fn has_message_fragment(&self, first: u8) -> bool {
        self.m.contains(&first)
    }

    /// Events counted under keys that `keep` accepts.
    pub fn count_where(&self, mut keep: impl FnMut(Queue, &str, Channel, EventStatus) -> bool) -> u32 {
        self.k.iter().filter(|c| keep(c.0, &c.1, c.2, c.3)).map(|c| c.4).sum()
    }

    fn bump(&mut self, key: &CounterKey, by: i64) {
        let pos =
            self.k.binary_search_by(|c| (c.0, c.1.as_str(), c.2, c.3).cmp(&(key.queue, key.event_type.as_str(), key.channel, key.status)));
        match pos {
            Ok(i) => {
                let n = i64::from(self.k[i].4) + by;
                if n <= 0 {
                    self.k.remove(i);
                } else {
                    self.k[i].4 = n as u32;
                }
            }
            Err(i) if by > 0 => self.k.insert(i, SummaryCount(key.queue, key.event_type.clone(), key.channel, key.status, by as u32)),
            Err(_) => {}
        }
    }
}

/// A change of one event's counter key: from `old` to `new` (None: no event).
pub(crate) type CounterDelta = (Option<CounterKey>, Option<CounterKey>);

/// The counter key of a state.
pub(crate) fn counter_key(st: &EventState) -> CounterKey {
    CounterKey { queue: st.queue, event_type: st.event_type.clone(), channel: st.channel, status: st.status }
}

/// A message fragment as read: its lines and the slot of each.
#[derive(Debug, Clone)]
struct MessageFragment {
    lines: Lines,
    slots: Vec<u8>,
}

/// Raw fragment records of a page by first slot.
pub(crate) type Fragments<'a> = Vec<(u8, &'a str)>;

/// One page, as a step holds it.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    /// Which page.
    pub id: PageId,
    state: Option<Lines>,
    /// Slots changed by the step (None: removed).
    edits: BTreeMap<u8, Option<EventState>>,
    /// Counter key of each changed slot before the step.
    orig: BTreeMap<u8, Option<CounterKey>>,
    data: BTreeMap<u8, Lines>,
    messages: BTreeMap<u8, MessageFragment>,
    new_data: Option<(u8, u8, Vec<u8>)>,
    new_messages: Option<(u8, Vec<u8>)>,
    rewritten: BTreeMap<String, Option<String>>,
    summary: Option<Summary>,
    summary_changed: bool,
    purge_all: bool,
    /// The delivery-log page as read.
    logs: Option<Lines>,
    /// Delivery logs changed by the step.
    log_edits: BTreeMap<u8, Option<DeliveryLog>>,
}

impl Page {
    /// A page nothing was read of yet.
    pub fn new(id: PageId) -> Page {
        Page {
            id,
            state: None,
            edits: BTreeMap::new(),
            orig: BTreeMap::new(),
            data: BTreeMap::new(),
            messages: BTreeMap::new(),
            new_data: None,
            new_messages: None,
            rewritten: BTreeMap::new(),
            summary: None,
            summary_changed: false,
            purge_all: false,
            logs: None,
            log_edits: BTreeMap::new(),
        }
    }

    /// The delivery-log page as read (None: absent).
    pub fn load_logs(&mut self, v: Option<String>) -> Result<()> {
        let lines = Lines::stored(KeyOf(self.id, PageRecord::Logs), v.unwrap_or_default())?;
        check_lines(&lines, PAGE as usize, "{\"s\":", KeyOf(self.id, PageRecord::Logs))?;
        self.logs = Some(lines);
        Ok(())
    }

    /// Whether the delivery-log page was read (or is known to be absent).
    pub fn has_logs(&self) -> bool {
        self.logs.is_some()
    }

    /// The delivery log of a slot.
    pub fn log(&self, slot: u8) -> Result<Option<DeliveryLog>> {
        if let Some(l) = self.log_edits.get(&slot) {
            return Ok(l.clone());
        }
        let lines = self.logs.as_ref().ok_or_else(|| internal(self.id, "the delivery-log page was not read"))?;
        match lines.get(usize::from(slot)) {
            None => Ok(None),
            Some(line) => from_json(&KeyOf(self.id, PageRecord::Logs), line).map(Some),
        }
    }

    /// The status and failure reason of a slot's delivery log (None: no delivery log), without
    /// decoding the rest of it.
    pub fn log_head(&self, slot: u8) -> Result<Option<(BroadLogStatus, Option<String>)>> {
        if let Some(l) = self.log_edits.get(&slot) {
            return Ok(l.as_ref().map(|l| (l.status, l.failure_reason.clone())));
        }
        let lines = self.logs.as_ref().ok_or_else(|| internal(self.id, "the delivery-log page was not read"))?;
        match lines.get(usize::from(slot)) {
            None => Ok(None),
            Some(line) => {
                let h: crate::records::LogHead<'_> = from_json(&KeyOf(self.id, PageRecord::Logs), line)?;
                Ok(Some((h.s, h.r.map(std::borrow::Cow::into_owned))))
            }
        }
    }

    /// The delivery-log line of a slot as read (None: none, or changed by the step).
    pub fn raw_log_line(&self, slot: u8) -> Option<&str> {
        if self.log_edits.contains_key(&slot) {
            return None;
        }
        self.logs.as_ref()?.get(usize::from(slot))
    }

    /// Replaces the delivery log of a slot (the MTA: the event's state is not touched).
    pub fn put_log(&mut self, slot: u8, log: DeliveryLog) {
        self.log_edits.insert(slot, Some(log));
    }

    /// The state page as read (None: absent). A record that is not a state page is
    /// `STORAGE_CORRUPT` naming its key (its lines are parsed only when used, but their shape is
    /// checked here, so that a garbled record is never read as empty slots).
    pub fn load_state(&mut self, v: Option<String>) -> Result<()> {
        let lines = Lines::stored(KeyOf(self.id, PageRecord::State), v.unwrap_or_default())?;
        check_lines(&lines, PAGE as usize, "{\"q\":", KeyOf(self.id, PageRecord::State))?;
        self.state = Some(lines);
        Ok(())
    }

    /// The summary as read (None: absent, a page without events).
    pub fn load_summary(&mut self, v: Option<&str>) -> Result<()> {
        self.summary = Some(match v {
            Some(v) => from_json(&keys::summary_key(self.id), v)?,
            None => Summary::default(),
        });
        Ok(())
    }

    /// One record of the page read by a range over it.
    pub fn load_record(&mut self, rec: PageRecord, v: String) -> Result<()> {
        match rec {
            PageRecord::State => self.load_state(Some(v))?,
            PageRecord::Logs => self.load_logs(Some(v))?,
            PageRecord::Data(first) => {
                let lines = Lines::stored(KeyOf(self.id, rec), v)?;
                check_lines(&lines, PAGE as usize - usize::from(first).min(PAGE as usize), "{\"q\":", KeyOf(self.id, rec))?;
                self.data.insert(first, lines);
            }
            PageRecord::Message(first) => {
                let lines = Lines::stored(KeyOf(self.id, rec), v)?;
                let mut slots = Vec::with_capacity(lines.len());
                for i in 0..lines.len() {
                    let slot =
                        lines.get(i).and_then(message_slot).ok_or_else(|| corrupt(KeyOf(self.id, rec), "a message line has no slot"))?;
                    slots.push(slot);
                }
                self.messages.insert(first, MessageFragment { lines, slots });
            }
        }
        Ok(())
    }

    /// Whether the state page was read (or is known to be absent).
    pub fn has_state(&self) -> bool {
        self.state.is_some()
    }

    /// The summary, if read.
    pub fn summary(&self) -> Option<&Summary> {
        self.summary.as_ref()
    }

    /// The state line of a slot, without its delivery log.
    fn raw_state(&self, slot: u8) -> Result<Option<EventState>> {
        let lines = self.state.as_ref().ok_or_else(|| internal(self.id, "the state page was not read"))?;
        match lines.get(usize::from(slot)) {
            None => Ok(None),
            Some(line) => from_json(&KeyOf(self.id, PageRecord::State), line).map(Some),
        }
    }

    /// A state with its delivery log attached (from the delivery-log page, when it was read).
    fn with_log(&self, slot: u8, st: Option<EventState>) -> Result<Option<EventState>> {
        match st {
            Some(mut st) => {
                if self.logs.is_some() || self.log_edits.contains_key(&slot) {
                    st.log = self.log(slot)?;
                }
                Ok(Some(st))
            }
            None => Ok(None),
        }
    }

    /// The state line of a slot as read (None: no event there, or changed by the step).
    pub fn raw_line(&self, slot: u8) -> Option<&str> {
        if self.edits.contains_key(&slot) {
            return None;
        }
        self.state.as_ref()?.get(usize::from(slot))
    }

    /// The state of a slot (None: no event there), with its delivery log, to read.
    pub fn state(&self, slot: u8) -> Result<Option<EventState>> {
        let st = match self.edits.get(&slot) {
            Some(s) => s.clone(),
            None => self.raw_state(slot)?,
        };
        self.with_log(slot, st)
    }

    /// The state of a slot, to change and put back: parsed once, its counter key noted.
    pub fn take_state(&mut self, slot: u8) -> Result<Option<EventState>> {
        let st = match self.edits.get(&slot) {
            Some(s) => s.clone(),
            None => {
                let st = self.raw_state(slot)?;
                self.orig.entry(slot).or_insert_with(|| st.as_ref().map(counter_key));
                st
            }
        };
        self.with_log(slot, st)
    }

    /// The state of a slot without its delivery log, to change and put back (the log stays as it
    /// is): parsed once, its counter key noted.
    pub fn take_bare_state(&mut self, slot: u8) -> Result<Option<EventState>> {
        match self.edits.get(&slot) {
            Some(s) => Ok(s.clone().map(|mut s| {
                s.log = None;
                s
            })),
            None => {
                let st = self.raw_state(slot)?;
                self.orig.entry(slot).or_insert_with(|| st.as_ref().map(counter_key));
                Ok(st)
            }
        }
    }

    /// Slots holding an event, ascending.
    pub fn live_slots(&self) -> Result<Vec<u8>> {
        let lines = self.state.as_ref().ok_or_else(|| internal(self.id, "the state page was not read"))?;
        let mut out: Vec<u8> = (0..lines.len()).filter(|i| lines.get(*i).is_some()).map(|i| i as u8).collect();
        for (slot, st) in &self.edits {
            match (st.is_some(), out.binary_search(slot)) {
                (true, Err(i)) => out.insert(i, *slot),
                (false, Ok(i)) => {
                    out.remove(i);
                }
                _ => {}
            }
        }
        Ok(out)
    }

    fn note_orig(&mut self, slot: u8) -> Result<()> {
        if !self.orig.contains_key(&slot) {
            let k = self.raw_state(slot)?.as_ref().map(counter_key);
            self.orig.insert(slot, k);
        }
        Ok(())
    }

    /// Replaces the state of a slot; its delivery log is written too when it changed.
    pub fn put_state(&mut self, slot: u8, mut st: EventState) -> Result<()> {
        self.note_orig(slot)?;
        if let Some(log) = st.log.take() {
            let same = (self.logs.is_some() || self.log_edits.contains_key(&slot)) && self.log(slot)?.as_ref() == Some(&log);
            if !same {
                self.log_edits.insert(slot, Some(log));
            }
        }
        self.edits.insert(slot, Some(st));
        Ok(())
    }

    /// A new event in a free slot, with its data line (push).
    pub fn insert(&mut self, slot: u8, data: &EventData, st: EventState) -> Result<()> {
        self.note_orig(slot)?;
        if self.orig.get(&slot).is_some_and(Option::is_some) || self.edits.get(&slot).is_some_and(Option::is_some) {
            // Sequences only grow: a new id on a taken slot is an instance record behind its pages.
            return Err(Error::new(
                ErrorCode::StorageCorrupt,
                format!(
                    "stored record {} (the instance's last sequence) is behind {}: slot {slot} is taken",
                    keys::Rec::Inst(self.id.ii).key(),
                    KeyOf(self.id, PageRecord::State)
                ),
            ));
        }
        let summary = self.summary.as_mut().ok_or_else(|| internal(self.id, "the summary was not read"))?;
        for a in [&data.email, &data.mobile_phone].into_iter().flatten() {
            summary.b.add(a);
        }
        match &mut self.new_data {
            None => {
                let mut buf = Vec::with_capacity(512);
                write_json(&mut buf, data)?;
                self.new_data = Some((slot, slot, buf));
            }
            Some((_, last, buf)) => {
                if slot != last.wrapping_add(1) {
                    return Err(internal(self.id, "the events of one push fill consecutive slots"));
                }
                *last = slot;
                buf.push(b'\n');
                write_json(buf, data)?;
            }
        }
        self.edits.insert(slot, Some(st));
        Ok(())
    }

    /// The data line of a slot.
    pub fn data(&self, slot: u8) -> Result<Option<EventData>> {
        let Some((first, lines)) = self.data.range(..=slot).next_back() else { return Ok(None) };
        match lines.get(usize::from(slot - first)) {
            None => Ok(None),
            Some(line) => from_json(&KeyOf(self.id, PageRecord::Data(*first)), line).map(Some),
        }
    }

    /// The record that should hold a slot's data line (for an error naming it): the data fragment
    /// read that starts at or before it, or, with none, the state page.
    pub fn data_home(&self, slot: u8) -> String {
        match self.data.range(..=slot).next_back() {
            Some((first, _)) => KeyOf(self.id, PageRecord::Data(*first)).to_string(),
            None => keys::state_key(self.id),
        }
    }

    /// The rendered message of a slot.
    pub fn message(&self, slot: u8) -> Result<Option<Rendered>> {
        for (first, f) in &self.messages {
            if let Some(i) = f.slots.iter().position(|s| *s == slot) {
                let Some(line) = f.lines.get(i) else { continue };
                let m: MessageLine = from_json(&KeyOf(self.id, PageRecord::Message(*first)), line)?;
                return Ok(Some(Rendered { subject: m.1, html: m.2, text: m.3 }));
            }
        }
        if let Some((_, buf)) = &self.new_messages {
            for line in buf.split(|b| *b == b'\n') {
                let text = std::str::from_utf8(line).unwrap_or_default();
                if message_slot(text) == Some(slot) {
                    let m: MessageLine = from_json(&KeyOf(self.id, PageRecord::Message(slot)), text)?;
                    return Ok(Some(Rendered { subject: m.1, html: m.2, text: m.3 }));
                }
            }
        }
        Ok(None)
    }

    /// Adds the rendered message of a slot (routing: each event is routed once).
    pub fn add_message(&mut self, slot: u8, m: &Rendered) -> Result<()> {
        let line = MessageLine(slot, m.subject.clone(), m.html.clone(), m.text.clone());
        match &mut self.new_messages {
            None => {
                let mut buf = Vec::with_capacity(1024);
                write_json(&mut buf, &line)?;
                self.new_messages = Some((slot, buf));
            }
            Some((_, buf)) => {
                buf.push(b'\n');
                write_json(buf, &line)?;
            }
        }
        Ok(())
    }

    /// Raw records of the page as read, for copying it elsewhere (archiving): the data and
    /// message fragments by first slot.
    pub fn fragments(&self) -> (Fragments<'_>, Fragments<'_>) {
        (
            self.data.iter().map(|(k, l)| (*k, l.text.as_str())).collect(),
            self.messages.iter().map(|(k, f)| (*k, f.lines.text.as_str())).collect(),
        )
    }

    /// The slots of each data fragment as read: (first, last).
    pub fn data_spans(&self) -> Vec<(u8, u8)> {
        self.data.iter().map(|(k, l)| (*k, k.saturating_add(l.len().saturating_sub(1) as u8))).collect()
    }

    /// The slots of each message fragment as read.
    pub fn message_slots(&self) -> Vec<(u8, Vec<u8>)> {
        self.messages.iter().map(|(k, f)| (*k, f.slots.clone())).collect()
    }

    /// Copies a fragment read from another page (archiving copies execution fragments to the
    /// history as they are).
    pub fn copy_fragment(&mut self, rec: PageRecord, text: &str) -> Result<()> {
        let summary = self.summary.as_mut().ok_or_else(|| internal(self.id, "the summary was not read"))?;
        match rec {
            PageRecord::Data(first) => {
                if let Err(i) = summary.d.binary_search(&first) {
                    summary.d.insert(i, first);
                }
                self.rewritten.insert(keys::data_key(self.id, first), Some(text.to_string()));
                self.data.insert(first, Lines::new(text.to_string()));
            }
            PageRecord::Message(first) => {
                if let Err(i) = summary.m.binary_search(&first) {
                    summary.m.insert(i, first);
                }
                self.rewritten.insert(keys::message_key(self.id, first), Some(text.to_string()));
                self.load_record(rec, text.to_string())?;
            }
            PageRecord::State | PageRecord::Logs => return Err(internal(self.id, "a state page is not copied whole")),
        }
        self.summary_changed = true;
        Ok(())
    }

    /// Adds archived events' addresses and created times to this (history) page's summary.
    pub fn note_archived(&mut self, data: &EventData) -> Result<()> {
        let summary = self.summary.as_mut().ok_or_else(|| internal(self.id, "the summary was not read"))?;
        for a in [&data.email, &data.mobile_phone].into_iter().flatten() {
            summary.b.add(a);
        }
        self.summary_changed = true;
        Ok(())
    }

    /// Removes every event of the page (cleanup), from its summary alone.
    pub fn purge_all(&mut self) -> Result<()> {
        if self.summary.is_none() {
            return Err(internal(self.id, "the summary was not read"));
        }
        self.purge_all = true;
        Ok(())
    }

    /// Removes the events of slots below `limit` (cleanup of the page at the purge boundary); the
    /// whole page must have been read.
    pub fn purge_below(&mut self, limit: u8) -> Result<()> {
        for slot in self.live_slots()? {
            if slot < limit {
                self.note_orig(slot)?;
                self.edits.insert(slot, None);
                self.log_edits.insert(slot, None);
            }
        }
        let id = self.id;
        for (first, lines) in &self.data {
            let last = first.saturating_add(lines.len().saturating_sub(1) as u8);
            if last < limit {
                self.rewritten.insert(keys::data_key(id, *first), None);
            } else if *first < limit {
                let kept: Vec<&str> =
                    (0..lines.len()).map(|i| if *first as usize + i < limit as usize { "" } else { lines.get(i).unwrap_or("") }).collect();
                self.rewritten.insert(keys::data_key(id, *first), Some(kept.join("\n")));
            }
        }
        for (first, f) in &self.messages {
            let kept: Vec<&str> = f.slots.iter().enumerate().filter(|(_, s)| **s >= limit).filter_map(|(i, _)| f.lines.get(i)).collect();
            if kept.len() == f.slots.len() {
                continue;
            }
            self.rewritten.insert(keys::message_key(id, *first), if kept.is_empty() { None } else { Some(kept.join("\n")) });
        }
        Ok(())
    }

    /// Slots whose event the step changed or added (not removed).
    pub fn changed_slots(&self) -> Vec<u8> {
        let mut v: Vec<u8> = self.edits.iter().filter(|(_, s)| s.is_some()).map(|(k, _)| *k).collect();
        v.extend(self.log_edits.iter().filter(|(_, l)| l.is_some()).map(|(k, _)| *k));
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Writes what changed; returns the counter deltas the caller applies to the instance (or
    /// control) counters.
    pub fn finish(mut self, writes: &mut crate::io::Writes) -> Result<Vec<CounterDelta>> {
        let id = self.id;
        let mut deltas = Vec::new();
        if self.purge_all {
            let summary = self.summary.take().unwrap_or_default();
            for c in &summary.k {
                let key = CounterKey { queue: c.0, event_type: c.1.clone(), channel: c.2, status: c.3 };
                for _ in 0..c.4 {
                    deltas.push((Some(key.clone()), None));
                }
            }
            writes.del(keys::state_key(id));
            writes.del(keys::log_key(id));
            writes.del(keys::summary_key(id));
            for first in &summary.d {
                writes.del(keys::data_key(id, *first));
            }
            for first in &summary.m {
                writes.del(keys::message_key(id, *first));
            }
            return Ok(deltas);
        }
        // Counters: every changed slot, from its key before the step to its key now.
        for (slot, st) in &self.edits {
            let old = self.orig.get(slot).cloned().flatten();
            let new = st.as_ref().map(counter_key);
            if old != new {
                let summary = self.summary.as_mut().ok_or_else(|| internal(id, "the summary was not read"))?;
                match (&old, st) {
                    (None, Some(st)) => {
                        if summary.n == 0 {
                            (summary.lo, summary.hi) = (st.created, st.created);
                        } else {
                            (summary.lo, summary.hi) = (summary.lo.min(st.created), summary.hi.max(st.created));
                        }
                        summary.n += 1;
                    }
                    (Some(_), None) => summary.n = summary.n.saturating_sub(1),
                    _ => {}
                }
                if let Some(k) = &old {
                    summary.bump(k, -1);
                }
                if let Some(k) = &new {
                    summary.bump(k, 1);
                }
                self.summary_changed = true;
                deltas.push((old, new));
            }
        }
        if let Some((first, _, buf)) = self.new_data.take() {
            let summary = self.summary.as_mut().ok_or_else(|| internal(id, "the summary was not read"))?;
            if let Err(i) = summary.d.binary_search(&first) {
                summary.d.insert(i, first);
            }
            self.summary_changed = true;
            writes.put(keys::data_key(id, first), pack(buf)?);
        }
        if let Some((first, buf)) = self.new_messages.take() {
            let summary = self.summary.as_mut().ok_or_else(|| internal(id, "the summary was not read"))?;
            if let Err(i) = summary.m.binary_search(&first) {
                summary.m.insert(i, first);
            }
            self.summary_changed = true;
            writes.put(keys::message_key(id, first), pack(buf)?);
        }
        for (k, v) in std::mem::take(&mut self.rewritten) {
            if v.is_none() {
                if let (Some(summary), Some((_, rec))) = (self.summary.as_mut(), keys::parse_page_key(&k)) {
                    match rec {
                        PageRecord::Data(f) => summary.d.retain(|x| *x != f),
                        PageRecord::Message(f) => summary.m.retain(|x| *x != f),
                        PageRecord::State | PageRecord::Logs => {}
                    }
                    self.summary_changed = true;
                }
            }
            match v {
                Some(v) => writes.put(k, crate::packed::pack(&v)),
                None => writes.del(k),
            }
        }
        if !self.edits.is_empty() {
            let lines = self.state.as_ref().ok_or_else(|| internal(id, "the state page was not read"))?;
            let top = self.edits.keys().next_back().map_or(0, |s| usize::from(*s) + 1).max(lines.len());
            let mut buf: Vec<u8> = Vec::with_capacity(lines.text.len() + 256 * self.edits.len());
            let mut last_live = 0usize;
            let mut lo: Option<i64> = None;
            let recompute_lo = self.edits.values().any(Option::is_none);
            for slot in 0..top {
                if slot > 0 {
                    buf.push(b'\n');
                }
                let s = slot as u8;
                match self.edits.get(&s) {
                    Some(Some(st)) => {
                        write_json(&mut buf, st)?;
                        last_live = buf.len();
                        if recompute_lo && lo.is_none() {
                            lo = Some(st.created);
                        }
                    }
                    Some(None) => {}
                    None => {
                        if let Some(line) = lines.get(slot) {
                            buf.extend_from_slice(line.as_bytes());
                            last_live = buf.len();
                            if recompute_lo && lo.is_none() {
                                lo = from_json::<EventState>(&KeyOf(id, PageRecord::State), line).map(|st| st.created).ok();
                            }
                        }
                    }
                }
            }
            buf.truncate(last_live);
            if buf.is_empty() {
                writes.del(keys::state_key(id));
            } else {
                let kept = self.edits.keys().next().map_or(0, |s| usize::from(*s));
                writes.put(keys::state_key(id), pack_after(buf, kept, lines)?);
            }
            if let (Some(lo), Some(summary)) = (lo, self.summary.as_mut()) {
                if summary.lo != lo {
                    summary.lo = lo;
                    self.summary_changed = true;
                }
            }
        }
        if !self.log_edits.is_empty() {
            let empty = Lines::default();
            let lines = self.logs.as_ref().unwrap_or(&empty);
            let top = self.log_edits.keys().next_back().map_or(0, |s| usize::from(*s) + 1).max(lines.len());
            let mut buf: Vec<u8> = Vec::with_capacity(lines.text.len() + 256 * self.log_edits.len());
            let mut last_live = 0usize;
            for slot in 0..top {
                if slot > 0 {
                    buf.push(b'\n');
                }
                match self.log_edits.get(&(slot as u8)) {
                    Some(Some(l)) => {
                        write_json(&mut buf, l)?;
                        last_live = buf.len();
                    }
                    Some(None) => {}
                    None => {
                        if let Some(line) = lines.get(slot) {
                            buf.extend_from_slice(line.as_bytes());
                            last_live = buf.len();
                        }
                    }
                }
            }
            buf.truncate(last_live);
            if buf.is_empty() {
                writes.del(keys::log_key(id));
            } else {
                let kept = self.log_edits.keys().next().map_or(0, |s| usize::from(*s));
                writes.put(keys::log_key(id), pack_after(buf, kept, lines)?);
            }
        }
        if self.summary_changed {
            if let Some(summary) = &self.summary {
                if summary.n == 0 && summary.d.is_empty() && summary.m.is_empty() {
                    writes.del(keys::summary_key(id));
                } else {
                    writes.put(keys::summary_key(id), crate::records::to_json(summary)?);
                }
            }
        }
        Ok(deltas)
    }
}

/// Every line of a state page, delivery-log page or data fragment is one of our JSON objects
/// (each kind starts with the same field), and there are at most `max`.
fn check_lines(lines: &Lines, max: usize, start: &str, key: KeyOf) -> Result<()> {
    if lines.len() > max {
        return Err(corrupt(key, &format!("{} lines, more than the {max} slots it can hold", lines.len())));
    }
    for i in 0..lines.len() {
        if let Some(l) = lines.get(i) {
            if !l.starts_with(start) || !l.ends_with('}') {
                return Err(corrupt(key, &format!("line {} is not an event record: {}", i + 1, crate::tree::excerpt(l))));
            }
        }
    }
    Ok(())
}

fn message_slot(line: &str) -> Option<u8> {
    let rest = line.strip_prefix('[')?;
    let end = rest.find(',')?;
    rest.get(..end)?.parse().ok()
}

/// The text of a page record to store: its lines, packed.
fn pack(buf: Vec<u8>) -> Result<String> {
    let text = String::from_utf8(buf).map_err(|_| Error::new(ErrorCode::Internal, "a record is not UTF-8"))?;
    Ok(crate::packed::pack(&text))
}

/// The text of a page record rewritten from `old`, whose lines before `kept` it holds unchanged:
/// their packed lines are copied.
fn pack_after(buf: Vec<u8>, kept: usize, old: &Lines) -> Result<String> {
    let text = String::from_utf8(buf).map_err(|_| Error::new(ErrorCode::Internal, "a record is not UTF-8"))?;
    let packed = match &old.packed {
        Some(p) => crate::packed::pack_after(&text, kept.min(old.len()), p),
        None => crate::packed::pack(&text),
    };
    // (The tests, the simulator and the fuzzers check every rewrite against a whole packing.)
    debug_assert_eq!(packed, crate::packed::pack(&text), "a rewrite from line {kept} packs as the whole text");
    Ok(packed)
}

fn corrupt(key: impl fmt::Display, what: &str) -> Error {
    Error::new(ErrorCode::StorageCorrupt, format!("stored record {key}: {what}"))
}

fn internal(id: PageId, what: &str) -> Error {
    Error::new(ErrorCode::Internal, format!("page {}: {what}", keys::page_prefix(id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::Writes;
    use crate::keys::Scope;
    use crate::records::StatusChange;

    fn data(created: i64, email: &str) -> EventData {
        EventData {
            queue: Queue::Rt,
            event_type: "order".into(),
            email: Some(email.into()),
            mobile_phone: None,
            external_id: None,
            origin: None,
            wished_channel: Channel::Email,
            email_format: 0,
            language: None,
            country: None,
            scheduled: None,
            expiration: None,
            registration_token: None,
            mobile_app: None,
            ctx: "<ctx/>".into(),
            created,
        }
    }

    fn state(created: i64, status: EventStatus) -> EventState {
        EventState {
            queue: Queue::Rt,
            event_type: "order".into(),
            channel: Channel::Email,
            created,
            status,
            process_requested_on: created,
            processing: None,
            processed: None,
            last_modified: created,
            errors: 0,
            last_error: None,
            template: None,
            delivery: None,
            history: vec![StatusChange { status, at: created, by: "PushEvents".into(), note: None }],
            log: None,
            archived: None,
        }
    }

    fn store(w: Writes) -> BTreeMap<String, String> {
        w.into_ops().into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect()
    }

    fn reload(id: PageId, s: &BTreeMap<String, String>) -> Page {
        let mut p = Page::new(id);
        p.load_summary(s.get(&keys::summary_key(id)).map(String::as_str)).unwrap();
        for (k, v) in s {
            if let Some((pid, rec)) = keys::parse_page_key(k) {
                if pid == id {
                    p.load_record(rec, v.clone()).unwrap();
                }
            }
        }
        if !p.has_state() {
            p.load_state(None).unwrap();
        }
        p
    }

    #[test]
    fn push_change_purge_keep_summary_and_counters_in_step() {
        let id = PageId { scope: Scope::Exec, ii: 1, pg: 0 };
        let mut p = Page::new(id);
        p.load_state(None).unwrap();
        p.load_summary(None).unwrap();
        for slot in 1..=3u8 {
            p.insert(slot, &data(i64::from(slot) * 10, &format!("a{slot}@b.co")), state(i64::from(slot) * 10, EventStatus::Pending))
                .unwrap();
        }
        let mut w = Writes::default();
        let d = p.finish(&mut w).unwrap();
        assert_eq!(d.len(), 3);
        let s = store(w);
        assert_eq!(s.len(), 3, "state, one data fragment, summary: {s:?}");
        let mut p = reload(id, &s);
        let sum = p.summary().unwrap().clone();
        assert_eq!((sum.live(), sum.created()), (3, (10, 30)));
        assert!(sum.may_have_address("A2@B.CO"));
        assert!(!sum.may_have_address("nobody@b.co"));
        assert_eq!(p.data(2).unwrap().unwrap().email.as_deref(), Some("a2@b.co"));
        // A status change moves one count.
        let mut st = p.state(2).unwrap().unwrap();
        st.change_status(EventStatus::PendingDelivery, 40, "rt#1", None);
        p.put_state(2, st).unwrap();
        p.add_message(2, &Rendered { subject: "s".into(), html: "<p>h</p>".into(), text: "t".into() }).unwrap();
        let mut w = Writes::default();
        let d = p.finish(&mut w).unwrap();
        assert_eq!(d.len(), 1);
        let mut s2 = s.clone();
        for (k, v) in w.into_ops() {
            match v {
                Some(v) => s2.insert(k, v),
                None => s2.remove(&k),
            };
        }
        let p = reload(id, &s2);
        assert_eq!(p.summary().unwrap().count_where(|_, _, _, st| st == EventStatus::PendingDelivery), 1);
        assert_eq!(p.message(2).unwrap().unwrap().html, "<p>h</p>");
        assert_eq!(p.message(1).unwrap(), None);
        // Untouched lines are copied byte for byte.
        let a = s[&keys::state_key(id)].split('\n').next().unwrap().to_string();
        let b = s2[&keys::state_key(id)].split('\n').next().unwrap().to_string();
        assert_eq!(a, b);
        // Purging below slot 3 leaves one event, its created time as the low bound.
        let mut p = reload(id, &s2);
        p.purge_below(3).unwrap();
        let mut w = Writes::default();
        let d = p.finish(&mut w).unwrap();
        assert_eq!(d.iter().filter(|x| x.1.is_none()).count(), 2);
        let mut s3 = s2.clone();
        for (k, v) in w.into_ops() {
            match v {
                Some(v) => s3.insert(k, v),
                None => s3.remove(&k),
            };
        }
        let p = reload(id, &s3);
        assert_eq!(p.live_slots().unwrap(), vec![3]);
        assert_eq!(p.summary().unwrap().created(), (30, 30));
        assert_eq!(p.data(2).unwrap(), None);
        assert_eq!(p.data(3).unwrap().unwrap().created, 30);
        assert!(!s3.contains_key(&keys::message_key(id, 2)), "the only message was purged");
        // Purging the whole page deletes every record.
        let mut p = reload(id, &s3);
        p.purge_all().unwrap();
        let mut w = Writes::default();
        let d = p.finish(&mut w).unwrap();
        assert_eq!(d.len(), 1);
        assert!(w.into_ops().values().all(Option::is_none));
    }

    #[test]
    fn bloom_has_no_false_negatives() {
        let mut b = Bloom::default();
        for i in 0..128 {
            b.add(&format!("person{i}@example.com"));
        }
        for i in 0..128 {
            assert!(b.may_contain(&format!("PERSON{i}@example.com")));
        }
        let fp = (0..10_000).filter(|i| b.may_contain(&format!("other{i}@example.com"))).count();
        assert!(fp < 300, "{fp} false positives in 10000");
        let s = serde_json::to_string(&b).unwrap();
        assert_eq!(serde_json::from_str::<Bloom>(&s).unwrap(), b);
    }
}
