//! Counts per status over a period, from the events' status histories: the status list's chart
//! over the period shown, and its counts as they stood at any moment (the console's time
//! slider). Nothing is kept per step: every event's history says which status it had when, so a
//! scan of the state pages answers for any moment.
//!
//! The events are those of the status list's filter (its status terms aside: the answer is the
//! breakdown by status); an event counts at a point once created, with the status it had then.
//! Events purged since (`cleanup`) are not counted: the control's history keeps them longer.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::dates::format_iso;
use crate::error::{err, Error, ErrorCode, Result};
use crate::io::{GetId, RangeId, Reads, Results};
use crate::keys::{self, PageId, Scope, PAGE};
use crate::model::EventStatus;
use crate::ops::read::{parse_filter, Filter, ListFilter};
use crate::ops::schedule::CONTROL;
use crate::ops::{Next, OpState};
use crate::pages::Page;
use crate::search::Set;
use crate::state::State;
use crate::views::{OpResult, StatusCounts};

/// Points of an answer when the caller names none.
pub const DEFAULT_POINTS: u32 = 120;
/// Most points of an answer.
pub const MAX_POINTS: u32 = 1_000;
/// State pages read per phase.
const PAGES_PER_READ: usize = 64;

/// What `statusOverTime` takes.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OverTimeRequest {
    /// The status list's filter: its instance, queue, type, channel, address and query (status
    /// terms aside); its `from` and `to` (creation dates) bound the period too.
    pub filter: ListFilter,
    /// Start of the period (default: the filter's `from`, else the oldest event's creation).
    #[serde(default)]
    #[ts(optional, type = "TimeArg | null")]
    pub start: Option<crate::ops::TimeInput>,
    /// End of the period (default: the filter's `to`, else the clock).
    #[serde(default)]
    #[ts(optional, type = "TimeArg | null")]
    pub end: Option<crate::ops::TimeInput>,
    /// Points, evenly spread from the start to the end (both included): 1 to 1,000, default 120.
    #[serde(default)]
    #[ts(optional, type = "number | null")]
    pub points: Option<u32>,
}

/// Counts per status at points of a period.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OverTime {
    /// The period's start, ISO 8601 (null: no event, no start given).
    pub start: Option<String>,
    /// The period's end, ISO 8601.
    pub end: String,
    /// The points, oldest first.
    pub points: Vec<OverTimePoint>,
    /// Events of the filter, whenever created.
    pub events: u64,
}

/// The counts at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OverTimePoint {
    /// When, ISO 8601.
    pub at: String,
    /// When, ms since the epoch.
    pub ms: i64,
    /// Events by the status they had then (created by then).
    pub by_status: StatusCounts,
}

/// What the scan reads: whole pages when an address term needs the events' data, else the
/// state records only.
#[derive(Debug, Default)]
pub(crate) enum Reading {
    /// Nothing read.
    #[default]
    Nothing,
    /// Whole pages, one range each.
    Pages(Vec<(u64, RangeId)>),
    /// The state records of these pages, in one get.
    States(Vec<u64>, GetId),
}

/// The scan between its reads. Without a start, a first pass finds the oldest matching event
/// (each instance's pages are in creation order: the first match from page 0 up); the second
/// pass counts every event into a difference array of the points, so that memory stays the
/// size of the answer whatever the number of events.
#[derive(Debug)]
pub(crate) struct OverTimeOp {
    filter: Filter,
    scope: Scope,
    /// Instances to scan, with their newest sequence.
    streams: Vec<(u8, u64)>,
    /// The instance being scanned.
    cursor: usize,
    /// The next page to read of it (pages are read from 0 up).
    next_pg: u64,
    /// Whether the first pass (finding the start) is under way.
    finding: bool,
    /// Whether whole pages are read (an address term needs the events' data).
    whole: bool,
    /// The pending read: its pages.
    reading: Reading,
    /// Per point (and one past the last), per status code: the change of the count there.
    diff: Vec<[i64; 7]>,
    start: Option<i64>,
    end: i64,
    points: u32,
    events: u64,
}

impl OverTimeOp {
    /// The time of point `k`.
    fn at(&self, k: usize) -> i64 {
        let (start, n) = (self.start.unwrap_or(self.end), self.points as usize);
        if n == 1 {
            self.end
        } else {
            start + ((self.end - start) as i128 * k as i128 / (n as i128 - 1)) as i64
        }
    }

    /// The first point at or after `t` (the number of points: none).
    fn first_at_or_after(&self, t: i64) -> usize {
        let (mut lo, mut hi) = (0usize, self.points as usize);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.at(mid) >= t {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    }

    /// Counts a status held from `from` until `until` (None: still).
    fn count(&mut self, status: EventStatus, from: i64, until: Option<i64>) {
        let a = self.first_at_or_after(from);
        let b = until.map_or(self.points as usize, |u| self.first_at_or_after(u));
        if a < b {
            self.diff[a][status.code() as usize] += 1;
            self.diff[b][status.code() as usize] -= 1;
        }
    }
}

/// Starts `statusOverTime`.
pub(crate) fn begin(st: &State, r: OverTimeRequest) -> Result<Next> {
    let points = r.points.unwrap_or(DEFAULT_POINTS);
    if !(1..=MAX_POINTS).contains(&points) {
        return err(ErrorCode::InvalidArgument, format!("points must be between 1 and {MAX_POINTS}"));
    }
    if r.filter.as_of.is_some() || r.filter.after.is_some() || r.filter.offset.is_some() {
        return err(ErrorCode::InvalidArgument, "statusOverTime: the filter takes no asOf, after or offset (the points are the moments)");
    }
    let mut filter = parse_filter(st, &r.filter)?;
    // The breakdown by status: every status counts.
    filter.status = Set::default();
    let start = r.start.as_ref().map(|t| t.ms("start")).transpose()?.or(filter.from);
    let end = r.end.as_ref().map(|t| t.ms("end")).transpose()?.or(filter.to).unwrap_or(st.clock);
    if start.is_some_and(|s| s > end) {
        return err(ErrorCode::InvalidArgument, "the period's start is after its end");
    }
    let (scope, streams): (Scope, Vec<(u8, u64)>) = if r.filter.instance == CONTROL {
        (Scope::Histo, st.control.histo_top.iter().map(|(ii, top)| (*ii, *top)).collect())
    } else {
        let ii = st.exec_id(&r.filter.instance).ok_or_else(|| {
            Error::new(ErrorCode::UnknownInstance, format!("no instance named '{}'", crate::tree::excerpt(&r.filter.instance)))
        })?;
        (Scope::Exec, vec![(ii, st.inst.get(&ii).map_or(0, |m| m.seq))])
    };
    let whole = filter.has_data_terms();
    let op = OverTimeOp {
        filter,
        scope,
        streams: streams.into_iter().filter(|(_, top)| *top > 0).collect(),
        cursor: 0,
        next_pg: 0,
        finding: start.is_none(),
        whole,
        reading: Reading::Nothing,
        diff: vec![[0; 7]; points as usize + 1],
        start,
        end,
        points,
        events: 0,
    };
    step(op)
}

/// The next read, or the answer.
fn step(mut op: OverTimeOp) -> Result<Next> {
    loop {
        let Some(&(ii, top)) = op.streams.get(op.cursor) else {
            if op.finding {
                // The first pass is over: the second counts, from the oldest match found.
                op.finding = false;
                op.cursor = 0;
                op.next_pg = 0;
                match op.start {
                    Some(s) => op.start = Some(s.min(op.end)),
                    None => break,
                }
                continue;
            }
            break;
        };
        let last_pg = top / PAGE;
        if op.next_pg > last_pg {
            op.cursor += 1;
            op.next_pg = 0;
            continue;
        }
        let pages: Vec<u64> = (op.next_pg..=last_pg).take(PAGES_PER_READ).collect();
        op.next_pg += pages.len() as u64;
        let mut reads = Reads::new();
        op.reading = if op.whole {
            Reading::Pages(
                pages
                    .into_iter()
                    .map(|pg| {
                        let id = PageId { scope: op.scope, ii, pg };
                        (pg, reads.range(keys::page_prefix(id), keys::page_run_end(id), (2 * PAGE + 1) as u32))
                    })
                    .collect(),
            )
        } else {
            let read = reads.get(pages.iter().map(|pg| keys::state_key(PageId { scope: op.scope, ii, pg: *pg })).collect());
            Reading::States(pages, read)
        };
        return Ok(Next::Read(OpState::Read(crate::ops::read::ReadOp::OverTime(Box::new(op))), reads));
    }
    Ok(Next::Done(OpResult::OverTime(Box::new(answer(&op))), None))
}

/// Continues with the pages read.
pub(crate) fn resume(mut op: OverTimeOp, mut res: Results) -> Result<Next> {
    let Some(&(ii, _)) = op.streams.get(op.cursor) else { return err(ErrorCode::Internal, "statusOverTime: no instance was read") };
    let loaded: Vec<(u64, Page)> = match std::mem::take(&mut op.reading) {
        Reading::Nothing => return err(ErrorCode::Internal, "statusOverTime: nothing was read"),
        Reading::Pages(pages) => {
            let mut out = Vec::new();
            for (pg, read) in pages {
                out.push((pg, crate::ops::read::one_page(op.scope, ii, pg, res.take_entries(read)?)?));
            }
            out
        }
        Reading::States(pages, read) => {
            let values = res.take_values(read)?;
            let mut out = Vec::new();
            for (pg, v) in pages.iter().zip(values) {
                let mut page = Page::new(PageId { scope: op.scope, ii, pg: *pg });
                page.load_state(v)?;
                page.load_logs(None)?;
                out.push((*pg, page));
            }
            out
        }
    };
    for (_, page) in loaded {
        for slot in page.live_slots()? {
            let Some(state) = page.state(slot)? else { continue };
            if !op.filter.state_matches(&state) {
                continue;
            }
            if op.whole {
                match page.data(slot)? {
                    Some(d) if op.filter.data_matches(&d) => {}
                    _ => continue,
                }
            }
            if op.finding {
                // The oldest match of this instance: the next instance.
                op.start = Some(op.start.map_or(state.created, |s| s.min(state.created)));
                op.cursor += 1;
                op.next_pg = 0;
                return step(op);
            }
            op.events += 1;
            let changes = &state.history;
            for (i, c) in changes.iter().enumerate() {
                let until = changes.get(i + 1).map(|n| n.at);
                op.count(c.status, c.at.max(state.created), until);
            }
            if changes.is_empty() {
                op.count(state.status, state.created, None);
            }
        }
    }
    step(op)
}

/// The counts at each point, from the difference array.
fn answer(op: &OverTimeOp) -> OverTime {
    let Some(start) = op.start else {
        return OverTime { start: None, end: format_iso(op.end), points: Vec::new(), events: op.events };
    };
    let mut run = [0i64; 7];
    let mut points = Vec::with_capacity(op.points as usize);
    for (k, d) in op.diff.iter().take(op.points as usize).enumerate() {
        let mut by_status = StatusCounts::default();
        for s in EventStatus::ALL {
            run[s.code() as usize] += d[s.code() as usize];
            *by_status.of_mut(s) = run[s.code() as usize];
        }
        let ms = op.at(k);
        points.push(OverTimePoint { at: format_iso(ms), ms, by_status });
    }
    OverTime { start: Some(format_iso(start)), end: format_iso(op.end), points, events: op.events }
}
