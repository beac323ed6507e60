//! Workflow steps. A run of a workflow is one or more steps; each step takes a bounded batch
//! (events and pages) from its queue, reads the pages it needs, decides, and writes everything
//! (pages, summaries, counters, queue records, the journal) as one transaction. A step that fails
//! leaves nothing; a run cut between two steps resumes from its `current` record. One module per
//! workflow, each with its own step-state enum.

pub(crate) mod cleanup;
pub(crate) mod mta;
pub(crate) mod processing;
pub(crate) mod synch;
pub(crate) mod update_status;

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{err, Error, ErrorCode, Result};
use crate::io::{RangeId, Reads, Results};
use crate::keys::{self, PageId, Scope, PAGE};
use crate::ops::admin::advance_clock;
use crate::ops::schedule::{exec_id_of, find_workflow_key, CONTROL};
use crate::pages::Page;
use crate::records::IdList;
use crate::state::{RunCount, RunCounts, RunLog, WorkflowKind, WorkflowState};
use crate::txn::Txn;

/// Queue records a step reads at most.
pub(crate) const RECORDS_PER_STEP: u32 = 256;

/// Records of a timed queue (due events, MTA waves) read per step: all of those due, as a rule, so
/// that the read is known whole to the engine's cache and the steps after it, which take the rest,
/// read them from there (a read that fills its limit is never known whole: with 256, each step
/// of a long queue read its remainder again from storage, 38,399 due records and 30,206 waves
/// read for 100k events).
const QUEUE_RECORDS: u32 = 4096;

/// What every step knows about itself.
#[derive(Debug, Clone)]
pub(crate) struct StepCtx {
    /// `<instance>/<name>`.
    pub key: String,
    /// What the workflow does.
    pub kind: WorkflowKind,
    /// The execution instance it works on (none for the control's cleanup).
    pub ii: Option<u8>,
    /// The step's time.
    pub now: i64,
    /// `<workflow>#<run>`, written in histories and logs.
    pub by: String,
    /// Events the step takes at most.
    pub batch: usize,
    /// Pages the step touches at most.
    pub pages: usize,
}

/// A step between its reads.
#[derive(Debug)]
pub(crate) enum Step {
    /// `rtEventsProcessing` / `batchEventsProcessing`.
    Processing(StepCtx, processing::Phase),
    /// The MTA.
    Mta(StepCtx, mta::Phase),
    /// `updateEventsStatus`.
    Update(StepCtx, update_status::Phase),
    /// `mcSynch_<account>`.
    Synch(StepCtx, synch::Phase),
    /// `cleanup`.
    Cleanup(StepCtx, cleanup::Phase),
}

/// What a step does next.
#[derive(Debug)]
pub(crate) enum StepNext {
    /// Needs reads.
    Read(Step, Reads),
    /// Done.
    Done(StepOutcome),
}

/// What a step did, with its run's totals.
#[derive(Debug, Clone)]
pub(crate) struct StepOutcome {
    /// `control` or the account name.
    pub instance: String,
    /// Workflow internal name.
    pub workflow: String,
    /// Run number.
    pub run: u32,
    /// Whether the run goes on (another step has work now).
    pub more: bool,
    /// Steps of the run so far.
    pub steps: u32,
    /// Counts of the run so far.
    pub counts: RunCounts,
}

/// Starts a step of a workflow (at `at`, moving the clock there first).
pub(crate) fn start(txn: &mut Txn<'_>, instance: &str, name: &str, at: Option<i64>) -> Result<StepNext> {
    let key = find_workflow_key(txn.st(), instance, name)?;
    let wf = &txn.st().workflows[&key];
    if wf.state != WorkflowState::Started {
        return err(ErrorCode::WorkflowState, format!("'{}' on '{}' is {}: start it first", wf.name, wf.instance, wf.state.label()));
    }
    let kind = wf.kind;
    let ii = exec_id_of(txn.st(), wf);
    if ii.is_none() && !(kind == WorkflowKind::Cleanup && wf.instance == CONTROL) {
        return err(ErrorCode::UnknownInstance, format!("the account of '{}' no longer exists", wf.name));
    }
    if let Some(at) = at {
        advance_clock(txn, at)?;
    }
    let now = txn.now();
    let batch = txn.config().batch_size as usize;
    let pages = txn.config().pages_per_step as usize;
    let wf = txn.workflow_mut(&key).ok_or_else(|| Error::new(ErrorCode::UnknownWorkflow, key.clone()))?;
    if wf.current.is_none() {
        wf.runs += 1;
        wf.current =
            Some(RunLog { run: wf.runs, workflow: wf.name.clone(), instance: wf.instance.clone(), start: now, ..RunLog::default() });
    }
    let run = wf.current.as_ref().map_or(wf.runs, |c| c.run);
    let ctx = StepCtx { by: format!("{}#{run}", wf.name), key, kind, ii, now, batch, pages };
    match kind {
        WorkflowKind::RtEventsProcessing | WorkflowKind::BatchEventsProcessing => processing::begin(ctx),
        WorkflowKind::Mta => mta::begin(ctx),
        WorkflowKind::UpdateEventsStatus => update_status::begin(ctx),
        WorkflowKind::McSynch => synch::begin(ctx),
        WorkflowKind::Cleanup => cleanup::begin(txn, ctx),
    }
}

/// Continues a step with its reads.
pub(crate) fn resume(txn: &mut Txn<'_>, step: Step, r: Results) -> Result<StepNext> {
    match step {
        Step::Processing(ctx, p) => processing::resume(txn, ctx, p, r),
        Step::Mta(ctx, p) => mta::resume(txn, ctx, p, r),
        Step::Update(ctx, p) => update_status::resume(txn, ctx, p, r),
        Step::Synch(ctx, p) => synch::resume(txn, ctx, p, r),
        Step::Cleanup(ctx, p) => cleanup::resume(txn, ctx, p, r),
    }
}

/// Queues messages for the MTA, one record per one-second wave; the earliest wave.
pub(crate) fn put_waves(txn: &mut Txn<'_>, ii: u8, waves: BTreeMap<i64, Vec<u64>>) -> Option<i64> {
    let mut first: Option<i64> = None;
    for (tick, seqs) in waves {
        let n = txn.inst_mut(ii).next_qseq();
        first = Some(first.map_or(tick, |h| h.min(tick)));
        txn.put(keys::wave_key(ii, tick, n), IdList(seqs).encode());
    }
    first
}

/// Queues status changes for updateEventsStatus to copy to the events: one record per page, and
/// the instance marked as having updates since `now`.
pub(crate) fn put_updates(txn: &mut Txn<'_>, ii: u8, now: i64, seqs: Vec<u64>) {
    if seqs.is_empty() {
        return;
    }
    let m = txn.inst_mut(ii);
    m.upd_since = Some(m.upd_since.map_or(now, |t| t.min(now)));
    let mut by_page: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    for seq in seqs {
        by_page.entry(seq / PAGE).or_default().push(seq);
    }
    for (pg, seqs) in by_page {
        let n = txn.inst_mut(ii).next_qseq();
        txn.put(keys::update_key(ii, pg, n), IdList(seqs).encode());
    }
}

/// Ends a step: the journal, the workflow's run and next tick.
pub(crate) fn finish(txn: &mut Txn<'_>, ctx: &StepCtx, more: bool, counts: RunCounts, errors: Vec<String>) -> Result<StepNext> {
    let now = txn.now();
    let kept = txn.config().journal_runs_kept;
    let wf = txn.workflow_mut(&ctx.key).ok_or_else(|| Error::new(ErrorCode::UnknownWorkflow, ctx.key.clone()))?;
    let mut cur = wf.current.take().unwrap_or_default();
    cur.steps += 1;
    for (k, v) in &counts {
        *cur.counts.entry(*k).or_insert(0) += v;
    }
    cur.errors.extend(errors);
    if cur.errors.len() > 100 {
        let extra = cur.errors.len() - 100;
        cur.errors.drain(..extra);
    }
    let outcome = StepOutcome {
        instance: wf.instance.clone(),
        workflow: wf.name.clone(),
        run: cur.run,
        more,
        steps: cur.steps,
        counts: cur.counts.clone(),
    };
    if !more {
        cur.end = Some(now);
        wf.last_run = Some(cur.start);
        wf.next_tick = wf.schedule.first_after(cur.start);
    }
    let journal = crate::records::to_json(&cur)?;
    let run = cur.run;
    if more {
        wf.current = Some(cur);
    }
    txn.put(keys::journal_key(&outcome.instance, &outcome.workflow, run), journal);
    if run > kept {
        txn.del(keys::journal_key(&outcome.instance, &outcome.workflow, run - kept));
    }
    Ok(StepNext::Done(outcome))
}

/// Adds one to a count.
pub(crate) fn bump(c: &mut RunCounts, k: RunCount) {
    *c.entry(k).or_insert(0) += 1;
}

/// Reads a timed queue (bounded): the first records, in time order. The whole queue in one range,
/// so that the engine's cache can answer it the next time.
pub(crate) fn queue_read(reads: &mut Reads, prefix: &str, now: i64) -> QueueRead {
    // The records due, and the first one after them (for the time of the next step): never the
    // records of later times, which a queue of waves holds many of (reading them at every step
    // read the queue again and again, and a range over its limit is never known whole to the
    // engine's cache).
    let after = keys::timed_after(prefix, now);
    QueueRead { due: reads.range(prefix.to_string(), after.clone(), QUEUE_RECORDS), next: reads.range(after, keys::prefix_end(prefix), 1) }
}

/// The reads of a timed queue: its records due, and the first one after.
#[derive(Debug, Clone, Copy)]
pub(crate) struct QueueRead {
    due: RangeId,
    next: RangeId,
}

/// Records as read: key and value.
pub(crate) type Records = Vec<(String, String)>;

/// The records of a timed queue read with `queue_read` that are due at or before `now`; the time
/// of the first one after; whether due records may remain unread.
pub(crate) fn due_records(r: &mut Results, q: QueueRead, now: i64) -> Result<(Records, Option<i64>, bool)> {
    let time = |k: &str| {
        keys::parse_timed(k)
            .map(|(t, _)| t)
            .ok_or_else(|| Error::new(ErrorCode::StorageCorrupt, format!("stored key {k} is not a queue record")))
    };
    let records = r.take_entries(q.due)?;
    for (k, _) in &records {
        if time(k)? > now {
            return Err(Error::new(ErrorCode::Internal, format!("a queue read for {now} returned {k}")));
        }
    }
    let next_at = r.take_entries(q.next)?.first().map(|(k, _)| time(k)).transpose()?;
    let full = records.len() >= QUEUE_RECORDS as usize;
    Ok((records, next_at, full))
}

/// One id taken from a queue record, with the record's time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct QueuedId {
    /// Sequence.
    pub seq: u64,
    /// The record's time (due time, MTA tick…).
    pub at: i64,
}

/// What a step takes from its queue.
#[derive(Debug, Default)]
pub(crate) struct Taken {
    /// The ids, in queue order.
    pub ids: Vec<QueuedId>,
    /// The pages they are on.
    pub pages: BTreeSet<u64>,
    /// Whether work is left in the queue now (a record only partly taken, or unread records).
    pub more: bool,
    /// The sequence (`<n>`) of the last record ids were taken from.
    pub last_n: Option<u64>,
}

/// Takes ids from queue records, in key order, while the step's bounds allow (events and pages);
/// writes the consumed records away (a record partly taken is rewritten with what is left).
pub(crate) fn take(txn: &mut Txn<'_>, ctx: &StepCtx, records: Vec<(String, String)>, timed: bool, unread: bool) -> Result<Taken> {
    let mut t = Taken::default();
    let full_read = unread;
    let mut stopped = false;
    for (key, value) in records {
        if stopped {
            t.more = true;
            break;
        }
        let not_queue = || Error::new(ErrorCode::StorageCorrupt, format!("stored key {key} is not a queue record"));
        let (at, n) =
            if timed { keys::parse_timed(&key).ok_or_else(not_queue)? } else { (0, keys::parse_queue_seq(&key).ok_or_else(not_queue)?) };
        let list = IdList::decode(&key, &value)?;
        let mut used = 0;
        for seq in &list.0 {
            let pg = seq / PAGE;
            let new_page = !t.pages.contains(&pg);
            if t.ids.len() >= ctx.batch || (new_page && t.pages.len() >= ctx.pages) {
                stopped = true;
                break;
            }
            t.pages.insert(pg);
            t.ids.push(QueuedId { seq: *seq, at });
            used += 1;
        }
        if used > 0 {
            t.last_n = Some(n);
        }
        if used == list.0.len() {
            txn.del(key);
        } else {
            t.more = true;
            txn.put(key, IdList(list.0[used..].to_vec()).encode());
        }
    }
    if full_read && !stopped {
        t.more = true;
    }
    Ok(t)
}

/// Contiguous runs of pages, as (first, last).
pub(crate) fn runs(pages: &BTreeSet<u64>) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = Vec::new();
    for &p in pages {
        match out.last_mut() {
            Some((_, last)) if *last + 1 == p => *last = p,
            _ => out.push((p, p)),
        }
    }
    out
}

/// Reads whole pages (state, data and message fragments): one range per run of pages.
pub(crate) fn page_reads(reads: &mut Reads, scope: Scope, ii: u8, pages: &BTreeSet<u64>) -> Vec<RangeId> {
    runs(pages)
        .into_iter()
        .map(|(a, b)| {
            reads.range(
                keys::page_prefix(PageId { scope, ii, pg: a }),
                keys::page_run_end(PageId { scope, ii, pg: b }),
                ((b - a + 1) * (2 * PAGE + 1)).min(u64::from(u32::MAX)) as u32,
            )
        })
        .collect()
}

/// Loads the entries of page range reads into pages (every page of `pages` gets one, read or
/// empty).
pub(crate) fn load_pages(
    scope: Scope,
    ii: u8,
    pages: &BTreeSet<u64>,
    results: Vec<Vec<(String, String)>>,
) -> Result<BTreeMap<PageId, Page>> {
    let mut out: BTreeMap<PageId, Page> =
        pages.iter().map(|pg| (PageId { scope, ii, pg: *pg }, Page::new(PageId { scope, ii, pg: *pg }))).collect();
    for es in results {
        for (k, v) in es {
            let (id, rec) = keys::parse_page_key(&k)
                .ok_or_else(|| Error::new(ErrorCode::StorageCorrupt, format!("stored key {k} is not a page record")))?;
            if let Some(p) = out.get_mut(&id) {
                p.load_record(rec, v)?;
            }
        }
    }
    for p in out.values_mut() {
        if !p.has_state() {
            p.load_state(None)?;
        }
        if !p.has_logs() {
            p.load_logs(None)?;
        }
    }
    Ok(out)
}

/// The summary keys of pages.
pub(crate) fn summary_keys(scope: Scope, ii: u8, pages: &BTreeSet<u64>) -> Vec<String> {
    pages.iter().map(|pg| keys::summary_key(PageId { scope, ii, pg: *pg })).collect()
}

/// Loads the summaries read with `summary_keys`.
pub(crate) fn load_summaries(pages: &mut BTreeMap<PageId, Page>, values: Vec<Option<String>>) -> Result<()> {
    for (p, v) in pages.values_mut().zip(values) {
        p.load_summary(v.as_deref())?;
    }
    Ok(())
}

/// The state keys of pages.
pub(crate) fn state_keys(scope: Scope, ii: u8, pages: &BTreeSet<u64>) -> Vec<String> {
    pages.iter().map(|pg| keys::state_key(PageId { scope, ii, pg: *pg })).collect()
}

/// Loads state pages read with `state_keys`.
pub(crate) fn load_states(scope: Scope, ii: u8, pages: &BTreeSet<u64>, values: Vec<Option<String>>) -> Result<BTreeMap<PageId, Page>> {
    pages
        .iter()
        .zip(values)
        .map(|(pg, v)| {
            let id = PageId { scope, ii, pg: *pg };
            let mut p = Page::new(id);
            p.load_state(v)?;
            Ok((id, p))
        })
        .collect()
}

/// The delivery-log page keys of pages.
pub(crate) fn log_keys(scope: Scope, ii: u8, pages: &BTreeSet<u64>) -> Vec<String> {
    pages.iter().map(|pg| keys::log_key(PageId { scope, ii, pg: *pg })).collect()
}

/// Loads delivery-log pages read with `log_keys` (into the pages, created when missing).
pub(crate) fn load_logs(
    scope: Scope,
    ii: u8,
    pages: &mut BTreeMap<PageId, Page>,
    set: &BTreeSet<u64>,
    values: Vec<Option<String>>,
) -> Result<()> {
    for (pg, v) in set.iter().zip(values) {
        let id = PageId { scope, ii, pg: *pg };
        pages.entry(id).or_insert_with(|| Page::new(id)).load_logs(v)?;
    }
    Ok(())
}

/// The page and slot of a sequence.
pub(crate) fn at(scope: Scope, ii: u8, seq: u64) -> (PageId, u8) {
    (PageId { scope, ii, pg: seq / PAGE }, (seq % PAGE) as u8)
}
