//! Reading: the status list (page by page from storage, newest first, paged by key, pages
//! skipped from their summaries), one event's story, a workflow's journal, counts per status
//! (from counters, never a scan).
//!
//! The control's history holds the events of every execution instance: its list merges one
//! stream per instance, newest first; a page token holds each stream's position.

use std::collections::VecDeque;

use serde::Deserialize;
use serde_json::Value;
use ts_rs::TS;

use crate::error::{err, Error, ErrorCode, Result};
use crate::io::{GetId, RangeId, Reads, Results};
use crate::keys::{self, PageId, Scope, PAGE};
use crate::model::{BroadLogStatus, Channel, EventStatus, Queue};
use crate::ops::explain::{self, Facts};
use crate::ops::schedule::{find_workflow_key, CONTROL};
use crate::ops::workflows as wf;
use crate::ops::{Next, OpState, TimeInput};
use crate::pages::{Page, Summary};
use crate::records::{EventData, EventState, QuarantineEntry};
use crate::search::{self, Set};
use crate::state::State;
use crate::txn::Txn;
use crate::views::{BroadLogView, Counts, EventStory, EventView, Journal, ListPage, OpResult, RunLogView, TemplateRef};

/// Filter and page of the status list.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListFilter {
    /// An execution instance's account name, or `control` for the archived history.
    #[ts(type = "InstanceName")]
    pub instance: String,
    /// Queue.
    #[serde(default)]
    #[ts(optional, type = "Queue | null")]
    pub queue: Option<String>,
    /// Status (our name, console label or REST name).
    #[serde(default)]
    #[ts(optional, type = "EventStatusInput | null")]
    pub status: Option<String>,
    /// Event type.
    #[serde(default, rename = "type")]
    #[ts(optional, type = "string | null")]
    pub event_type: Option<String>,
    /// Wished channel.
    #[serde(default)]
    #[ts(optional, type = "ChannelInput | null")]
    pub channel: Option<Value>,
    /// Created at or after.
    #[serde(default)]
    #[ts(optional, type = "TimeArg | null")]
    pub from: Option<TimeInput>,
    /// Created at or before.
    #[serde(default)]
    #[ts(optional, type = "TimeArg | null")]
    pub to: Option<TimeInput>,
    /// Email or mobile phone (case-insensitive, exact).
    #[serde(default)]
    #[ts(optional, type = "string | null")]
    pub address: Option<String>,
    /// Page size, 1–500 (default 50).
    #[serde(default)]
    #[ts(optional, type = "number | null")]
    pub limit: Option<u32>,
    /// The `next` of the previous page, with the same filter.
    #[serde(default)]
    #[ts(optional, type = "string | null")]
    pub after: Option<String>,
    /// The search syntax (`status:sent type:order -status:pending after:08:00`, see docs/api.md),
    /// combined with the other fields (all must hold).
    #[serde(default)]
    #[ts(optional, type = "string | null")]
    pub query: Option<String>,
    /// Matching events to skip first, newest first (a virtual list's position); with `after`,
    /// counted from there.
    #[serde(default)]
    #[ts(optional, type = "number | null")]
    pub offset: Option<u32>,
    /// The list as it stood at this moment: the events created by then, each with its status
    /// then (from its status history), the status filters applied to it. Events purged since
    /// are not in it (the control's history keeps them longer). `total` is then unknown.
    #[serde(default)]
    #[ts(optional, type = "TimeArg | null")]
    pub as_of: Option<TimeInput>,
}

/// Filter of `countEvents`.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CountFilter {
    /// An execution instance's account name, or `control`.
    #[ts(type = "InstanceName")]
    pub instance: String,
    /// Queue.
    #[serde(default)]
    #[ts(optional, type = "Queue | null")]
    pub queue: Option<String>,
    /// Event type.
    #[serde(default, rename = "type")]
    #[ts(optional, type = "string | null")]
    pub event_type: Option<String>,
    /// Wished channel.
    #[serde(default)]
    #[ts(optional, type = "ChannelInput | null")]
    pub channel: Option<Value>,
    /// The search syntax, as the status list takes it; its status terms are ignored (the counts
    /// are the breakdown by status), and its date and address terms too (counters cannot answer
    /// them: `exact` is then false).
    #[serde(default)]
    #[ts(optional, type = "string | null")]
    pub query: Option<String>,
    /// Created at or after: ignored by the counts, which then say `exact: false`.
    #[serde(default)]
    #[ts(optional, type = "TimeArg | null")]
    pub from: Option<TimeInput>,
    /// Created at or before: as `from`.
    #[serde(default)]
    #[ts(optional, type = "TimeArg | null")]
    pub to: Option<TimeInput>,
    /// An address: as `from`.
    #[serde(default)]
    #[ts(optional, type = "string | null")]
    pub address: Option<String>,
}

/// A read-only operation between reads.
#[derive(Debug)]
pub(crate) enum ReadOp {
    /// Status list.
    List(Box<ListOp>),
    /// One event.
    Get(u64, StoryReads),
    /// One event as it stood at a moment (no quarantine entry: its "Why?" tells the moment).
    GetAsOf(u64, i64, StoryReads),
    /// One event, its pages read, waiting for the quarantine or denylist entry of its address
    /// (its key, and the read of it).
    GetQuarantine(u64, StoryPages, String, GetId),
    /// Journal.
    Journal(RangeId),
    /// The activity feed.
    Activity(Box<crate::ops::activity::ActivityOp>),
    /// Counts per status over a period.
    OverTime(Box<crate::ops::over_time::OverTimeOp>),
    /// A report of the control.
    Report(Box<crate::ops::report::ReportOp>),
    /// A SOAP ExecuteQuery.
    Soap(Box<crate::ops::soap::QueryOp>),
}

/// The filter of a status list, parsed: the fields and the query's terms, all of which must hold.
#[derive(Debug, Clone)]
pub(crate) struct Filter {
    queue: Set<Queue>,
    pub(crate) status: Set<EventStatus>,
    event_type: Set<String>,
    channel: Set<Channel>,
    pub(crate) from: Option<i64>,
    pub(crate) to: Option<i64>,
    address: Set<String>,
    /// `id:` terms: the events' 64-bit ids.
    ids: Set<u64>,
    /// The moment the list stood at (None: now).
    as_of: Option<i64>,
}

/// Both sets must accept.
fn both<T: PartialEq + Clone>(a: Set<T>, b: Set<T>) -> Set<T> {
    let mut none_of = a.none_of;
    for v in b.none_of {
        if !none_of.contains(&v) {
            none_of.push(v);
        }
    }
    let any_of = match (a.any_of.is_empty(), b.any_of.is_empty()) {
        (true, _) => b.any_of,
        (_, true) => a.any_of,
        _ => {
            let common: Vec<T> = a.any_of.iter().filter(|v| b.any_of.contains(v)).cloned().collect();
            if common.is_empty() {
                // Nothing is in both: a set that accepts nothing.
                none_of.extend(a.any_of.iter().cloned());
                a.any_of
            } else {
                common
            }
        }
    };
    Set { any_of, none_of }
}

fn one<T: PartialEq>(v: Option<T>) -> Set<T> {
    Set { any_of: v.into_iter().collect(), none_of: Vec::new() }
}

impl Filter {
    /// Whether it needs the events' data (an address term).
    pub(crate) fn has_data_terms(&self) -> bool {
        !self.address.is_any()
    }

    /// Whether the counters answer it exactly (no date, address or id term).
    fn exact(&self) -> bool {
        self.from.is_none() && self.to.is_none() && self.address.is_any() && self.ids.is_any() && self.as_of.is_none()
    }

    /// The pages of an instance that `id:` terms point to (None: no `id:` term to follow).
    fn id_pages(&self, ii: u8) -> Option<Vec<u64>> {
        (!self.ids.any_of.is_empty())
            .then(|| self.ids.any_of.iter().map(|id| keys::locate(*id)).filter(|l| l.ii == ii).map(|l| l.pg).collect())
    }

    /// Whether the keys of an event match (as of a moment, its status now says nothing).
    fn keys_match(&self, q: Queue, t: &str, c: Channel, st: EventStatus) -> bool {
        self.queue.accepts(&q)
            && (self.as_of.is_some() || self.status.accepts(&st))
            && (self.event_type.is_any() || self.event_type.accepts(&t.to_string()))
            && self.channel.accepts(&c)
    }

    /// Events the counters hold under keys this filter accepts: an upper bound of what it can
    /// find (exact without a date or address term).
    fn counted(&self, counters: &crate::state::Counters) -> i64 {
        counters.0.iter().filter(|(k, _)| self.keys_match(k.queue, &k.event_type, k.channel, k.status)).map(|(_, n)| *n).sum()
    }

    fn page_may_match(&self, s: &Summary) -> bool {
        if s.live() == 0 {
            return false;
        }
        let (lo, hi) = s.created();
        if self.from.is_some_and(|f| hi < f) || self.to.is_some_and(|t| lo > t) {
            return false;
        }
        if !self.address.any_of.is_empty() && !self.address.any_of.iter().any(|a| s.may_have_address(a)) {
            return false;
        }
        s.count_where(|q, t, c, st| self.keys_match(q, t, c, st)) > 0
    }

    /// How many events of the page match, when its summary says so exactly: no address term,
    /// and the page's events all inside the date range.
    fn page_exact_count(&self, s: &Summary) -> Option<u32> {
        if !self.address.is_any() || !self.ids.is_any() || self.as_of.is_some() {
            return None;
        }
        let (lo, hi) = s.created();
        if s.live() > 0 && (self.from.is_some_and(|f| lo < f) || self.to.is_some_and(|t| hi > t)) {
            return None;
        }
        Some(s.count_where(|q, t, c, st| self.keys_match(q, t, c, st)))
    }

    pub(crate) fn state_matches(&self, s: &EventState) -> bool {
        let status_then = match self.as_of {
            None => true,
            Some(t) => s.change_at(t).is_some_and(|c| self.status.accepts(&c.status)),
        };
        status_then
            && self.keys_match(s.queue, &s.event_type, s.channel, s.status)
            && self.from.is_none_or(|f| s.created >= f)
            && self.to.is_none_or(|t| s.created <= t)
    }

    pub(crate) fn data_matches(&self, d: &EventData) -> bool {
        let addresses = [d.email.as_deref(), d.mobile_phone.as_deref()];
        let has = |a: &String| addresses.iter().flatten().any(|x| x.eq_ignore_ascii_case(a));
        (self.address.any_of.is_empty() || self.address.any_of.iter().any(has)) && !self.address.none_of.iter().any(has)
    }
}

/// One instance's events, newest first.
#[derive(Debug)]
struct Stream {
    ii: u8,
    instance: String,
    /// Events of this sequence and above are behind the cursor.
    bound: u64,
    /// The newest sequence of the instance when the call began.
    top: u64,
    /// The next page whose summary is to be looked at (None: done).
    next_pg: Option<u64>,
    /// Matching events read and not yet emitted, newest first: (created, id, view).
    buffer: VecDeque<(i64, u64, EventView)>,
    /// Summaries asked for by the last read (the first read asks for few: the newest pages are
    /// what a first screen shows).
    asked: u32,
}

impl Stream {
    fn exhausted(&self) -> bool {
        self.next_pg.is_none() && self.buffer.is_empty()
    }
}

/// A status list in progress.
#[derive(Debug)]
pub(crate) struct ListOp {
    scope: Scope,
    filter: Filter,
    limit: usize,
    streams: Vec<Stream>,
    out: Vec<EventView>,
    scanned: u32,
    summaries_seen: u32,
    pages_read: u32,
    fingerprint: String,
    /// Matching events still to skip (`offset`).
    skip: u64,
    /// Exact number of matches, when the counters know it.
    total: Option<u64>,
    /// What the pending reads are for: (stream index, page) of each page read, or the streams
    /// whose summaries are read.
    waiting: Waiting,
}

#[derive(Debug, Default)]
enum Waiting {
    #[default]
    Nothing,
    /// The summaries of these streams (by index), each by its read.
    Summaries(Vec<(usize, RangeId)>),
    /// These pages of these streams, each by its read.
    Pages(Vec<(usize, u64, RangeId)>),
}

/// Summaries read per stream and read (after its first).
const SUMMARIES_PER_READ: u32 = 256;
/// Summaries of a stream's first read.
const FIRST_SUMMARIES_PER_READ: u32 = 8;
/// Most summaries looked at in one call before it returns a partial page with a token.
const MAX_SUMMARIES: u32 = 8192;
/// Most pages read in one call.
const MAX_PAGES: u32 = 64;
/// Most pages of one stream read in one phase (one round of reads).
const PAGES_PER_PHASE: usize = 16;

fn parse_queue(q: &Option<String>) -> Result<Option<Queue>> {
    match q.as_deref() {
        None => Ok(None),
        Some(x) => Queue::parse(x).map(Some).ok_or_else(|| {
            Error::new(ErrorCode::InvalidArgument, format!("queue '{}' is neither 'rt' nor 'batch'", crate::tree::excerpt(x)))
        }),
    }
}

pub(crate) fn parse_channel(c: &Option<Value>) -> Result<Option<Channel>> {
    match c {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Channel::parse(&n.to_string())
            .map(Some)
            .ok_or_else(|| Error::new(ErrorCode::UnknownChannel, format!("channel {n} is not a known channel"))),
        Some(Value::String(s)) => Channel::parse(s)
            .map(Some)
            .ok_or_else(|| Error::new(ErrorCode::UnknownChannel, format!("channel '{}' is not a known channel", crate::tree::excerpt(s)))),
        Some(_) => err(ErrorCode::UnknownChannel, "channel must be a number or a name"),
    }
}

fn fingerprint(parts: &str) -> String {
    let h = parts.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("{:016x}", crate::mta::mix(crate::mta::mix(h)))
}

/// Starts a page of the status list.
/// The filter of a status list (`statusOverTime` takes it too), checked and parsed.
pub(crate) fn parse_filter(st: &State, f: &ListFilter) -> Result<Filter> {
    let status = match &f.status {
        None => None,
        Some(s) => Some(
            EventStatus::parse(s)
                .ok_or_else(|| Error::new(ErrorCode::InvalidArgument, format!("'{}' is not an event status", crate::tree::excerpt(s))))?,
        ),
    };
    let address = f.address.as_ref().map(|a| a.trim().to_ascii_lowercase()).filter(|a| !a.is_empty());
    let from = f.from.as_ref().map(|t| t.ms("from")).transpose()?;
    let to = f.to.as_ref().map(|t| t.ms("to")).transpose()?;
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            return err(ErrorCode::InvalidArgument, "from is after to");
        }
    }
    let q = search::parse(f.query.as_deref().unwrap_or(""), st.clock)?;
    let as_of = f.as_of.as_ref().map(|t| t.ms("asOf")).transpose()?;
    let from = [from, q.from].into_iter().flatten().max();
    // As of a moment, only the events created by then.
    let to = [to, q.to, as_of].into_iter().flatten().min();
    Ok(Filter {
        queue: both(one(parse_queue(&f.queue)?), q.queue),
        status: both(one(status), q.status),
        event_type: both(one(f.event_type.clone()), q.event_type),
        channel: both(one(parse_channel(&f.channel)?), q.channel),
        from,
        to,
        address: both(one(address), q.address),
        ids: q.ids,
        as_of,
    })
}

pub(crate) fn list_begin(txn: &mut Txn<'_>, f: ListFilter) -> Result<Next> {
    let st = txn.st();
    let limit = f.limit.unwrap_or(50) as usize;
    if limit == 0 || limit > 500 {
        return err(ErrorCode::InvalidArgument, "limit must be between 1 and 500");
    }
    let filter = parse_filter(st, &f)?;
    let (scope, streams): (Scope, Vec<(u8, String, u64)>) = if f.instance == CONTROL {
        (
            Scope::Histo,
            st.control
                .histo_top
                .iter()
                .map(|(ii, top)| (*ii, st.account_by_id(*ii).map(|a| a.name.clone()).unwrap_or_default(), *top))
                .collect(),
        )
    } else {
        let ii = st.exec_id(&f.instance).ok_or_else(|| {
            Error::new(
                ErrorCode::UnknownInstance,
                format!(
                    "no instance named '{}' (use 'control' or an execution instance's account name)",
                    crate::tree::excerpt(&f.instance)
                ),
            )
        })?;
        (Scope::Exec, vec![(ii, f.instance.clone(), st.inst.get(&ii).map_or(0, |m| m.seq))])
    };
    let fp = fingerprint(&format!(
        "{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        f.instance,
        filter.queue,
        filter.status,
        filter.event_type,
        filter.channel,
        filter.address,
        filter.from,
        filter.to,
        filter.ids,
        filter.as_of
    ));
    let mut skip = u64::from(f.offset.unwrap_or(0));
    let mut bounds: Vec<(u8, u64)> = streams.iter().map(|(ii, _, top)| (*ii, top + 1)).collect();
    if let Some(token) = &f.after {
        let bad = || {
            Error::new(
                ErrorCode::InvalidArgument,
                "the page token does not belong to this filter (pass the same filter with the 'next' it returned)",
            )
        };
        let (body, tfp) = token.rsplit_once('#').ok_or_else(bad)?;
        if tfp != fp {
            return Err(bad());
        }
        // Events still to skip when the previous call stopped while skipping: `<streams>+<n>`.
        let body = match body.rsplit_once('+') {
            Some((b, n)) => {
                skip = skip.checked_add(n.parse::<u64>().map_err(|_| bad())?).ok_or_else(bad)?;
                b
            }
            None => body,
        };
        for part in body.split(',').filter(|p| !p.is_empty()) {
            let (a, b) = part.split_once(':').ok_or_else(bad)?;
            let ii = u8::from_str_radix(a, 16).map_err(|_| bad())?;
            let bound: u64 = b.parse().map_err(|_| bad())?;
            match bounds.iter_mut().find(|(x, _)| *x == ii) {
                Some(slot) => slot.1 = slot.1.min(bound),
                None => return Err(bad()),
            }
        }
    }
    // Nothing counted under the filter's keys: nothing to find, and no page to read.
    let counters = if scope == Scope::Histo {
        Some(&st.control.counters)
    } else {
        streams.first().and_then(|(ii, _, _)| st.inst.get(ii)).map(|m| &m.counters)
    };
    let counted = counters.map_or(0, |c| filter.counted(c)).max(0);
    let total = filter.exact().then_some(counted as u64);
    if counted == 0 {
        return Ok(Next::Done(OpResult::List(ListPage { events: Vec::new(), next: None, scanned: 0, total }), None));
    }
    let streams = streams
        .into_iter()
        .zip(bounds)
        .map(|((ii, instance, top), (_, bound))| {
            // `id:` terms: start at the newest page they point to; none on this instance, nothing.
            let mut next_pg = (bound > 1).then(|| (bound - 1) / PAGE);
            if let Some(pages) = filter.id_pages(ii) {
                next_pg = next_pg.zip(pages.iter().max()).map(|(a, b)| a.min(*b));
            }
            Stream { ii, instance, bound, top, next_pg, buffer: VecDeque::new(), asked: 0 }
        })
        .collect();
    let op = ListOp {
        scope,
        filter,
        limit,
        streams,
        out: Vec::new(),
        scanned: 0,
        summaries_seen: 0,
        pages_read: 0,
        fingerprint: fp,
        skip,
        total,
        waiting: Waiting::Nothing,
    };
    list_step(op)
}

fn token(op: &ListOp) -> Option<String> {
    if op.streams.iter().all(Stream::exhausted) {
        return None;
    }
    let body: Vec<String> = op.streams.iter().map(|s| format!("{:02x}:{}", s.ii, if s.exhausted() { 0 } else { s.bound })).collect();
    let skip = if op.skip > 0 { format!("+{}", op.skip) } else { String::new() };
    Some(format!("{}{skip}#{}", body.join(","), op.fingerprint))
}

fn done(op: ListOp) -> Result<Next> {
    let next = token(&op);
    Ok(Next::Done(OpResult::List(ListPage { events: op.out, next, scanned: op.scanned, total: op.total }), None))
}

/// Emits what can be emitted, then asks for what the merge needs next.
fn list_step(mut op: ListOp) -> Result<Next> {
    loop {
        if op.out.len() >= op.limit {
            return done(op);
        }
        // A stream with nothing buffered and pages left must be read before anything is emitted.
        let needy: Vec<usize> =
            op.streams.iter().enumerate().filter(|(_, s)| s.buffer.is_empty() && s.next_pg.is_some()).map(|(i, _)| i).collect();
        if !needy.is_empty() {
            if op.summaries_seen >= MAX_SUMMARIES || op.pages_read >= MAX_PAGES {
                // Budget spent: a partial page, and a token to go on.
                return done(op);
            }
            let mut reads = Reads::new();
            let needy = needy
                .into_iter()
                .map(|i| {
                    let s = &mut op.streams[i];
                    let prefix = keys::summary_prefix(op.scope, s.ii);
                    s.asked = if s.asked == 0 { FIRST_SUMMARIES_PER_READ } else { SUMMARIES_PER_READ };
                    let from = keys::summary_from(op.scope, s.ii, s.next_pg.unwrap_or(0));
                    (i, reads.range(from, keys::prefix_end(&prefix), s.asked))
                })
                .collect();
            op.waiting = Waiting::Summaries(needy);
            return Ok(Next::Read(OpState::Read(ReadOp::List(Box::new(op))), reads));
        }
        // Every stream has a head (or is done): emit the newest.
        let best = op.streams.iter().enumerate().filter_map(|(i, s)| s.buffer.front().map(|(c, id, _)| (*c, *id, i))).max();
        let Some((_, id, i)) = best else { return done(op) };
        let s = &mut op.streams[i];
        if let Some((_, _, view)) = s.buffer.pop_front() {
            s.bound = keys::locate(id).seq;
            if op.skip > 0 {
                op.skip -= 1;
            } else {
                op.out.push(view);
            }
        }
    }
}

fn list_resume(st: &State, mut op: ListOp, mut r: Results) -> Result<Next> {
    match std::mem::take(&mut op.waiting) {
        Waiting::Nothing => err(ErrorCode::Internal, "list: nothing was read"),
        Waiting::Summaries(idx) => {
            let single = op.streams.len() == 1;
            let mut page_reads = Reads::new();
            let mut waiting_pages = Vec::new();
            for (i, read) in idx {
                let es = r.take_entries(read)?;
                let s = &mut op.streams[i];
                let full = es.len() >= s.asked as usize;
                // Pages to read in this phase: enough for the rows still wanted, by what their
                // summaries count (an upper bound), and at most PAGES_PER_PHASE.
                let want = (op.limit.saturating_sub(op.out.len()) as u64).saturating_add(op.skip);
                let mut expected = 0u64;
                let mut found: Vec<u64> = Vec::new();
                let mut last_pg = None;
                for (k, v) in &es {
                    op.summaries_seen += 1;
                    let pg = keys::summary_page(k)
                        .ok_or_else(|| Error::new(ErrorCode::StorageCorrupt, format!("stored key {k} is not a page summary")))?;
                    last_pg = Some(pg);
                    let sum: Summary = crate::records::from_json(k, v)?;
                    if op.filter.from.is_some_and(|f| sum.live() > 0 && sum.created().1 < f) {
                        // Older pages only hold older events.
                        last_pg = None;
                        break;
                    }
                    // Skipping a single stream: a page whose matches the summary counts exactly,
                    // and all of which are to be skipped, is passed without being read.
                    if op.skip > 0 && single && s.buffer.is_empty() && found.is_empty() && ((pg + 1) * PAGE <= s.bound || s.bound > s.top) {
                        if let Some(n) = op.filter.page_exact_count(&sum) {
                            if u64::from(n) <= op.skip {
                                op.skip -= u64::from(n);
                                s.bound = pg * PAGE;
                                continue;
                            }
                        }
                    }
                    let id_pages = op.filter.id_pages(s.ii);
                    if id_pages.as_ref().is_some_and(|p| p.iter().all(|x| *x > pg)) {
                        // Below every page an `id:` term points to: nothing more to find.
                        last_pg = None;
                        break;
                    }
                    if op.filter.page_may_match(&sum) && id_pages.is_none_or(|p| p.contains(&pg)) {
                        found.push(pg);
                        expected += u64::from(sum.count_where(|q, t, c, st| op.filter.keys_match(q, t, c, st)));
                        if expected >= want || found.len() >= PAGES_PER_PHASE || op.pages_read as usize + found.len() >= MAX_PAGES as usize
                        {
                            break;
                        }
                        continue;
                    }
                    if !found.is_empty() {
                        // Below a page to read: stop here, this one is looked at again next time.
                        last_pg = Some(pg + 1);
                        break;
                    }
                    // Passed: the cursor moves below it (its buffer is empty, since it was read), so
                    // that a call stopped by its budget goes on from here, not from the same place.
                    s.bound = s.bound.min(pg * PAGE);
                }
                match found.last() {
                    Some(&lowest) => {
                        s.next_pg = lowest.checked_sub(1);
                        for pg in found {
                            let id = PageId { scope: op.scope, ii: s.ii, pg };
                            waiting_pages.push((
                                i,
                                pg,
                                page_reads.range(keys::page_prefix(id), keys::page_run_end(id), (2 * PAGE + 1) as u32),
                            ));
                        }
                    }
                    None => s.next_pg = if full { last_pg.and_then(|p| p.checked_sub(1)) } else { None },
                }
            }
            if page_reads.is_empty() {
                return list_step(op);
            }
            op.pages_read += waiting_pages.len() as u32;
            op.waiting = Waiting::Pages(waiting_pages);
            Ok(Next::Read(OpState::Read(ReadOp::List(Box::new(op))), page_reads))
        }
        Waiting::Pages(pages) => {
            for (i, pg, read) in pages {
                let es = r.take_entries(read)?;
                let s = &mut op.streams[i];
                let set = [pg].into();
                let mut loaded = wf::load_pages(op.scope, s.ii, &set, vec![es])?;
                let Some(page) = loaded.remove(&PageId { scope: op.scope, ii: s.ii, pg }) else { continue };
                for slot in page.live_slots()?.into_iter().rev() {
                    let seq = keys::seq_of(pg, slot);
                    if seq >= s.bound {
                        continue;
                    }
                    op.scanned += 1;
                    if !op.filter.ids.accepts(&keys::id_of(s.ii, seq)) {
                        continue;
                    }
                    let Some(state) = page.state(slot)? else { continue };
                    if !op.filter.state_matches(&state) {
                        continue;
                    }
                    let Some(data) = page.data(slot)? else { continue };
                    if !op.filter.data_matches(&data) {
                        continue;
                    }
                    let id = keys::id_of(s.ii, seq);
                    let view = match op.filter.as_of.and_then(|t| state.as_of(t).map(|then| (t, then))) {
                        Some((t, then)) => {
                            let mut view = EventView::of(id, &s.instance, &data, &then);
                            view.why = Some(explain::as_of(&then, t));
                            view
                        }
                        None => {
                            let mut view = EventView::of(id, &s.instance, &data, &state);
                            let facts = Facts { expiration: data.expiration, quarantine: None };
                            view.why = explain::why(st, &state, &s.instance, st.config.max_processing_errors, &facts);
                            view
                        }
                    };
                    s.buffer.push_back((state.created, id, view));
                }
                if s.buffer.is_empty() {
                    // Nothing below the cursor on this page: the cursor moves past it.
                    s.bound = s.bound.min(pg * PAGE);
                }
            }
            list_step(op)
        }
    }
}

/// Parses a decimal 64-bit event id.
pub fn parse_id(id: &str) -> Result<u64> {
    let t = id.trim();
    if t.is_empty() || t.len() > 20 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return err(
            ErrorCode::InvalidEventId,
            format!("'{}' is not an event id (a decimal 64-bit unsigned integer)", crate::tree::excerpt(id)),
        );
    }
    t.parse::<u64>().map_err(|_| Error::new(ErrorCode::InvalidEventId, format!("'{t}' is larger than a 64-bit id")))
}

/// The reads of one event's story: its execution page and its history page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StoryReads {
    exec: RangeId,
    histo: RangeId,
}

/// One event's two pages as read: on its execution instance and in the control's history.
#[derive(Debug, Clone)]
pub(crate) struct StoryPages {
    exec: Vec<(String, String)>,
    histo: Vec<(String, String)>,
}

impl StoryReads {
    /// The pages read.
    pub(crate) fn take(self, r: &mut Results) -> Result<StoryPages> {
        Ok(StoryPages { exec: r.take_entries(self.exec)?, histo: r.take_entries(self.histo)? })
    }
}

/// Asks for one event's execution page and history page.
pub(crate) fn story_reads(id: u64, reads: &mut Reads) -> StoryReads {
    let s = keys::locate(id);
    let mut page = |scope| {
        let p = PageId { scope, ii: s.ii, pg: s.pg };
        reads.range(keys::page_prefix(p), keys::page_run_end(p), (2 * PAGE + 1) as u32)
    };
    StoryReads { exec: page(Scope::Exec), histo: page(Scope::Histo) }
}

/// Starts reading one event.
pub(crate) fn get_begin(id: &str, as_of: Option<&TimeInput>) -> Result<Next> {
    let id = parse_id(id)?;
    let mut reads = Reads::new();
    let story = story_reads(id, &mut reads);
    let op = match as_of {
        Some(t) => ReadOp::GetAsOf(id, t.ms("asOf")?, story),
        None => ReadOp::Get(id, story),
    };
    Ok(Next::Read(OpState::Read(op), reads))
}

/// One page from the entries of its range.
pub(crate) fn one_page(scope: Scope, ii: u8, pg: u64, es: Vec<(String, String)>) -> Result<Page> {
    let mut loaded = wf::load_pages(scope, ii, &[pg].into(), vec![es])?;
    loaded.remove(&PageId { scope, ii, pg }).ok_or_else(|| Error::new(ErrorCode::Internal, "a page was not loaded"))
}

/// The quarantine key of the address of an event whose delivery log was ignored or failed (its
/// "Why?" names the entry and since when), from the reads of `story_reads`; None otherwise.
fn quarantine_key_of(id: u64, pages: &StoryPages) -> Result<Option<String>> {
    let s = keys::locate(id);
    for (scope, es) in [(Scope::Exec, &pages.exec), (Scope::Histo, &pages.histo)] {
        let page = one_page(scope, s.ii, s.pg, es.clone())?;
        if let Some(state) = page.state(s.slot)? {
            return Ok(state
                .log
                .filter(|l| matches!(l.status, BroadLogStatus::Ignored | BroadLogStatus::Failed))
                .map(|l| keys::quarantine_key(s.ii, &l.address)));
        }
    }
    Ok(None)
}

/// One event's story from the reads of `story_reads`.
pub(crate) fn story(st: &State, id: u64, r: StoryPages) -> Result<EventStory> {
    story_with(st, id, r, None, None)
}

/// One event's story, with the quarantine or denylist entry of its address when it was read.
pub(crate) fn story_with(
    st: &State,
    id: u64,
    r: StoryPages,
    quarantine: Option<&QuarantineEntry>,
    as_of: Option<i64>,
) -> Result<EventStory> {
    let s = keys::locate(id);
    let exec = one_page(Scope::Exec, s.ii, s.pg, r.exec)?;
    let histo = one_page(Scope::Histo, s.ii, s.pg, r.histo)?;
    let instance = st.account_by_id(s.ii).map(|a| a.name.clone()).unwrap_or_default();
    let side = |p: &Page| -> Result<Option<(EventData, EventState)>> {
        match (p.state(s.slot)?, p.data(s.slot)?) {
            (Some(st), Some(d)) => Ok(Some((d, st))),
            _ => Ok(None),
        }
    };
    let mut e = side(&exec)?;
    let mut h = side(&histo)?;
    if e.is_none() && h.is_none() {
        return err(ErrorCode::UnknownEvent, format!("no event with id {id} on its execution instance or in the control's history"));
    }
    if let Some(t) = as_of {
        // As it stood then: the control's copy only if archived by then.
        e = e.and_then(|(d, s)| s.as_of(t).map(|s| (d, s)));
        h = h.and_then(|(d, s)| s.as_of(t).filter(|s| s.archived.is_some()).map(|s| (d, s)));
        if e.is_none() && h.is_none() {
            return err(
                ErrorCode::UnknownEvent,
                format!("event {id} did not exist yet at {} (or was not archived then)", crate::dates::format_iso(t)),
            );
        }
    }
    let Some((main_d, main_s)) = e.as_ref().or(h.as_ref()) else {
        return err(ErrorCode::Internal, "getEvent: no side of the event");
    };
    let log_of = |p: &Page, x: &Option<(EventData, EventState)>| -> Result<Option<BroadLogView>> {
        match x {
            Some((_, st)) => match &st.log {
                Some(b) => Ok(Some(BroadLogView::of(id, &instance, st, b, p.message(s.slot)?))),
                None => Ok(None),
            },
            None => Ok(None),
        }
    };
    let exec_log = log_of(&exec, &e)?;
    let histo_log = log_of(&histo, &h)?;
    let bounce_pending = e.as_ref().or(h.as_ref()).and_then(|(_, st)| st.log.as_ref()).is_some_and(|b| b.bounce_at.is_some());
    let template = main_s.template.as_ref().and_then(|t| {
        st.published.get(&s.ii).and_then(|m| m.get(t)).map(|c| TemplateRef {
            name: c.name.clone(),
            template: c.template.clone(),
            label: c.label.clone(),
            published_at: crate::dates::format_iso(c.published_at),
        })
    });
    let archived_at = h.as_ref().and_then(|(_, st)| st.archived).map(|t| (t, None));
    let timeline = crate::ops::explain::timeline(main_s, archived_at, as_of.unwrap_or(st.clock));
    // Once purged from the execution instance, only a final status is explained (what it waits
    // for is no longer known there).
    let why = if let Some(t) = as_of {
        Some(explain::as_of(main_s, t))
    } else if e.is_some() || main_s.status.is_final() {
        let facts = Facts { expiration: main_d.expiration, quarantine };
        explain::why(st, main_s, &instance, st.config.max_processing_errors, &facts)
    } else {
        None
    };
    Ok(EventStory {
        timeline,
        why,
        event: EventView::of(id, &instance, main_d, main_s),
        purged_from_execution: e.is_none(),
        broad_log: exec_log.or_else(|| histo_log.clone()),
        archived: h.as_ref().map(|(d, st)| EventView::of(id, &instance, d, st)),
        archived_broad_log: histo_log,
        template,
        bounce_pending,
    })
}

/// Starts reading a journal.
pub(crate) fn journal_begin(txn: &mut Txn<'_>, instance: &str, name: &str, limit: Option<u32>) -> Result<Next> {
    let key = find_workflow_key(txn.st(), instance, name)?;
    let wf = &txn.st().workflows[&key];
    let limit = limit.unwrap_or(20).clamp(1, 500);
    let first = wf.runs.saturating_sub(limit - 1).max(1);
    let prefix = keys::journal_prefix(&wf.instance, &wf.name);
    let mut reads = Reads::new();
    let read = reads.range(keys::journal_key(&wf.instance, &wf.name, first), keys::prefix_end(&prefix), limit);
    Ok(Next::Read(OpState::Read(ReadOp::Journal(read)), reads))
}

/// Continues a read-only operation.
pub(crate) fn resume(txn: &mut Txn<'_>, r: ReadOp, mut res: Results) -> Result<Next> {
    match r {
        ReadOp::List(op) => list_resume(txn.st(), *op, res),
        ReadOp::Report(op) => crate::ops::report::resume(*op, res),
        ReadOp::Soap(op) => crate::ops::soap::query_resume(txn, *op, res),
        ReadOp::Get(id, read) => {
            let pages = read.take(&mut res)?;
            match quarantine_key_of(id, &pages)? {
                Some(key) => {
                    let mut reads = Reads::new();
                    let entry = reads.get(vec![key.clone()]);
                    Ok(Next::Read(OpState::Read(ReadOp::GetQuarantine(id, pages, key, entry)), reads))
                }
                None => Ok(Next::Done(OpResult::Story(Box::new(story(txn.st(), id, pages)?)), None)),
            }
        }
        ReadOp::GetAsOf(id, t, read) => {
            Ok(Next::Done(OpResult::Story(Box::new(story_with(txn.st(), id, read.take(&mut res)?, None, Some(t))?)), None))
        }
        ReadOp::GetQuarantine(id, pages, key, read) => {
            let [entry] = res.take_array(read)?;
            let entry: Option<QuarantineEntry> = entry.map(|v| crate::records::from_json(&key, &v)).transpose()?;
            Ok(Next::Done(OpResult::Story(Box::new(story_with(txn.st(), id, pages, entry.as_ref(), None)?)), None))
        }
        ReadOp::Activity(op) => crate::ops::activity::resume(txn.st(), *op, res),
        ReadOp::OverTime(op) => crate::ops::over_time::resume(*op, res),
        ReadOp::Journal(read) => {
            let mut runs: Vec<RunLogView> = res
                .take_entries(read)?
                .into_iter()
                .map(|(k, v)| crate::records::from_json::<crate::state::RunLog>(&k, &v).map(|r| RunLogView::of(&r)))
                .collect::<Result<_>>()?;
            runs.reverse();
            Ok(Next::Done(OpResult::Journal(Journal { runs }), None))
        }
    }
}

/// Counts per status, from counters.
pub(crate) fn counts(st: &State, f: &CountFilter) -> Result<Counts> {
    let q = search::parse(f.query.as_deref().unwrap_or(""), st.clock)?;
    // The dates are read (a bad one is an error) even though the counts cannot apply them.
    let from = f.from.as_ref().map(|t| t.ms("from")).transpose()?;
    let to = f.to.as_ref().map(|t| t.ms("to")).transpose()?;
    let address = f.address.as_deref().is_some_and(|a| !a.trim().is_empty());
    let exact = !q.needs_scan() && from.is_none() && to.is_none() && !address;
    let queue = both(one(parse_queue(&f.queue)?), q.queue);
    let channel = both(one(parse_channel(&f.channel)?), q.channel);
    let event_type = both(one(f.event_type.clone()), q.event_type);
    let counters = if f.instance == CONTROL {
        &st.control.counters
    } else {
        let ii = crate::ops::admin::exec_id(st, &f.instance)?;
        match st.inst.get(&ii) {
            Some(m) => &m.counters,
            None => return Ok(Counts { exact, ..Counts::default() }),
        }
    };
    let mut out = Counts { exact, ..Counts::default() };
    for (k, n) in &counters.0 {
        if !queue.accepts(&k.queue) || !event_type.accepts(&k.event_type) || !channel.accepts(&k.channel) {
            continue;
        }
        *out.by_status.of_mut(k.status) += n;
        out.total += n;
    }
    Ok(out)
}
