//! `cleanup` ("Database cleanup"): purges, by creation date whatever their status, the events of
//! an execution instance older than `NmsCleanup_EventPurgeDelay` (with their delivery logs and
//! the queue records of that age), or on the control the archived events older than
//! `NmsCleanup_EventHistoPurgeDelay`. Ids grow with creation time, so what is purged is every
//! event below a boundary sequence: whole pages are deleted from their summaries alone, and only
//! the page at the boundary is read and rewritten.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, ErrorCode, Result};
use crate::io::{GetId, RangeId, Reads, Results};
use crate::keys::{self, PageId, Scope, PAGE};
use crate::model::{EventStatus, Queue};
use crate::ops::workflows::{self as wf, Step, StepCtx, StepNext, RECORDS_PER_STEP};
use crate::pages::{Page, Summary};
use crate::records::IdList;
use crate::state::{RunCount, RunCounts};
use crate::txn::Txn;

/// What one cleanup step purges in: an instance's events, or its archived events.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    scope: Scope,
    ii: u8,
    /// Every event below this sequence is purged already.
    boundary: u64,
    /// The highest sequence there.
    top: u64,
    /// Events created before this are purged.
    cutoff: i64,
    /// The pages read, from the boundary's.
    pages: Vec<u64>,
}

/// Where a cleanup step is.
#[derive(Debug)]
pub(crate) enum Phase {
    /// Reading the summaries of the pages at each boundary (and old queue records).
    Summaries {
        /// What is purged in.
        targets: Vec<Target>,
        /// The read of the pages' summaries.
        summaries: GetId,
        /// The reads of the old queue records (execution instances; none on the control).
        queues: Vec<RangeId>,
    },
    /// Reading the pages at a boundary, purged in part.
    Partial {
        /// What is purged in.
        targets: Vec<Target>,
        /// The pages decided from their summaries.
        plan: Plan,
        /// The reads of the pages purged in part, in the order of `plan.partial`.
        ranges: Vec<RangeId>,
    },
}

/// What a cleanup step does.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Pages purged whole, with their summaries.
    whole: Vec<(PageId, Summary)>,
    /// Pages purged below a slot (read whole in the second phase).
    partial: Vec<(PageId, u8, Summary)>,
    /// New boundaries.
    boundaries: Vec<(Scope, u8, u64)>,
    /// Whether pages remain beyond what this step read.
    more: bool,
    /// The queue records of the instance (execution cleanup).
    queue_records: Vec<(String, String)>,
}

/// Queue records of each kind a cleanup step reads, to drop the ids of the events it purges (so
/// that no queue record points to a purged event); beyond, they are dropped as stale when their
/// workflow takes them.
const QUEUE_RECORDS: u32 = 4 * RECORDS_PER_STEP;

fn queue_prefixes(ii: u8) -> Vec<String> {
    vec![
        keys::due_prefix(ii, Queue::Rt),
        keys::due_prefix(ii, Queue::Batch),
        keys::wave_prefix(ii),
        keys::update_prefix(ii),
        keys::change_prefix(ii),
    ]
}

/// Reads the summaries of the pages at each boundary.
pub(crate) fn begin(txn: &mut Txn<'_>, ctx: StepCtx) -> Result<StepNext> {
    let now = ctx.now;
    let st = txn.st();
    let mut targets = Vec::new();
    match ctx.ii {
        Some(ii) => {
            let m = st.inst.get(&ii).cloned().unwrap_or_default();
            targets.push(Target {
                scope: Scope::Exec,
                ii,
                boundary: m.purged_below,
                top: m.seq,
                cutoff: now.saturating_sub(st.config.event_purge_delay_ms),
                pages: Vec::new(),
            });
        }
        None => {
            for (ii, top) in &st.control.histo_top {
                let boundary = st.control.histo_purged_below.get(ii).copied().unwrap_or(0);
                targets.push(Target {
                    scope: Scope::Histo,
                    ii: *ii,
                    boundary,
                    top: *top,
                    cutoff: now.saturating_sub(st.config.event_histo_purge_delay_ms),
                    pages: Vec::new(),
                });
            }
        }
    }
    // The page budget is shared by the instances that have pages (at least one each): given
    // whole to the first, whose archive always holds more pages than a step reads, it left the
    // others' archives unpurged forever.
    let with_pages = targets.iter().filter(|t| t.boundary <= t.top).count().max(1);
    let share = (ctx.pages / with_pages).max(1);
    let mut keys_ = Vec::new();
    for t in &mut targets {
        if t.boundary > t.top {
            continue;
        }
        let (from, to) = (t.boundary / PAGE, t.top / PAGE);
        let mut pg = from;
        while pg <= to && t.pages.len() < share {
            t.pages.push(pg);
            keys_.push(keys::summary_key(PageId { scope: t.scope, ii: t.ii, pg }));
            pg += 1;
        }
    }
    let mut reads = Reads::new();
    let summaries = reads.get(keys_);
    let mut queues = Vec::new();
    if let (true, Some(t)) = (ctx.ii.is_some(), targets.first()) {
        for p in queue_prefixes(t.ii) {
            queues.push(reads.range(p.clone(), keys::prefix_end(&p), QUEUE_RECORDS));
        }
    }
    Ok(StepNext::Read(Step::Cleanup(ctx, Phase::Summaries { targets, summaries, queues }), reads))
}

/// Continues the step.
pub(crate) fn resume(txn: &mut Txn<'_>, ctx: StepCtx, phase: Phase, mut r: Results) -> Result<StepNext> {
    match phase {
        Phase::Summaries { targets, summaries, queues } => {
            let summaries = r.take_values(summaries)?;
            let queue_records: Vec<(String, String)> = r.take_all_entries(&queues)?.into_iter().flatten().collect();
            let mut plan = Plan { queue_records, ..Plan::default() };
            let mut it = summaries.into_iter();
            for t in &targets {
                let mut boundary = t.boundary;
                let mut stopped = false;
                for pg in &t.pages {
                    let v = it.next().flatten();
                    if stopped {
                        continue;
                    }
                    let id = PageId { scope: t.scope, ii: t.ii, pg: *pg };
                    let page_end = ((pg + 1) * PAGE).min(t.top + 1);
                    let Some(v) = v else {
                        // No event left on the page.
                        boundary = boundary.max(page_end);
                        continue;
                    };
                    let s: Summary = crate::records::from_json(&keys::summary_key(id), &v)?;
                    let (lo, hi) = s.created();
                    if s.live() == 0 || hi < t.cutoff {
                        boundary = boundary.max(page_end);
                        plan.whole.push((id, s));
                    } else if lo < t.cutoff {
                        plan.partial.push((id, 0, s));
                        stopped = true;
                    } else {
                        stopped = true;
                    }
                }
                if !stopped && t.pages.last().is_some_and(|last| *last < t.top / PAGE) {
                    plan.more = true;
                }
                plan.boundaries.push((t.scope, t.ii, boundary));
            }
            if plan.partial.is_empty() {
                return apply(txn, ctx, targets, plan, BTreeMap::new());
            }
            let mut reads = Reads::new();
            let ranges = plan
                .partial
                .iter()
                .map(|(id, _, _)| reads.range(keys::page_prefix(*id), keys::page_run_end(*id), (2 * PAGE + 1) as u32))
                .collect();
            Ok(StepNext::Read(Step::Cleanup(ctx, Phase::Partial { targets, plan, ranges }), reads))
        }
        Phase::Partial { targets, plan, ranges } => {
            let mut pages = BTreeMap::new();
            for ((id, _, s), es) in plan.partial.iter().zip(r.take_all_entries(&ranges)?) {
                let set: BTreeSet<u64> = [id.pg].into();
                let mut loaded = wf::load_pages(id.scope, id.ii, &set, vec![es])?;
                if let Some(mut p) = loaded.remove(id) {
                    p.load_summary(Some(&crate::records::to_json(s)?))?;
                    pages.insert(*id, p);
                }
            }
            apply(txn, ctx, targets, plan, pages)
        }
    }
}

/// Drops from queue records the ids of purged events (sequences below `below`) and, from change
/// records, the pages whose every event is purged (`top`: the instance's last sequence).
fn drop_purged(txn: &mut Txn<'_>, records: Vec<(String, String)>, below: u64, top: u64) -> Result<()> {
    for (key, value) in records {
        let list = IdList::decode(&key, &value)?;
        let pages = key.starts_with("c/");
        let kept: Vec<u64> =
            list.0.iter().copied().filter(|x| if pages { (x * PAGE + PAGE - 1).min(top) >= below } else { *x >= below }).collect();
        if kept.is_empty() {
            txn.del(key);
        } else if kept.len() != list.0.len() {
            txn.put(key, IdList(kept).encode());
        }
    }
    Ok(())
}

fn has_log(s: EventStatus) -> bool {
    matches!(s, EventStatus::PendingDelivery | EventStatus::Sent | EventStatus::Ignored | EventStatus::DeliveryFailed)
}

fn apply(
    txn: &mut Txn<'_>,
    ctx: StepCtx,
    targets: Vec<Target>,
    mut plan: Plan,
    mut partial_pages: BTreeMap<PageId, Page>,
) -> Result<StepNext> {
    let mut counts = RunCounts::new();
    let (events_count, logs_count) = if ctx.ii.is_some() {
        (RunCount::EventsPurged, Some(RunCount::DeliveryLogsPurged))
    } else {
        (RunCount::ArchivedEventsPurged, None)
    };
    let add = |c: &mut RunCounts, k: RunCount, n: u64| {
        if n > 0 {
            *c.entry(k).or_insert(0) += n;
        }
    };
    for (id, s) in std::mem::take(&mut plan.whole) {
        add(&mut counts, events_count, u64::from(s.live()));
        if let Some(k) = logs_count {
            add(&mut counts, k, u64::from(s.count_where(|_, _, _, st| has_log(st))));
        }
        let mut p = Page::new(id);
        p.load_summary(Some(&crate::records::to_json(&s)?))?;
        p.purge_all()?;
        txn.finish_page(p)?;
    }
    for (id, _, _) in std::mem::take(&mut plan.partial) {
        let Some(mut p) = partial_pages.remove(&id) else { continue };
        let t = targets
            .iter()
            .find(|t| t.scope == id.scope && t.ii == id.ii)
            .ok_or_else(|| Error::new(ErrorCode::Internal, "cleanup: a page without target"))?;
        // The first slot created at or after the cutoff: the purge boundary.
        let mut limit = PAGE as u8;
        let mut purged = 0u64;
        let mut logs = 0u64;
        for slot in p.live_slots()? {
            let Some(st) = p.state(slot)? else { continue };
            if st.created >= t.cutoff {
                limit = slot;
                break;
            }
            purged += 1;
            logs += u64::from(st.log.is_some());
        }
        add(&mut counts, events_count, purged);
        if let Some(k) = logs_count {
            add(&mut counts, k, logs);
        }
        p.purge_below(limit)?;
        let boundary = keys::seq_of(id.pg, limit);
        if let Some(b) = plan.boundaries.iter_mut().find(|(s, ii, _)| *s == id.scope && *ii == id.ii) {
            b.2 = b.2.max(boundary);
        }
        txn.finish_page(p)?;
    }
    for (scope, ii, boundary) in &plan.boundaries {
        match scope {
            Scope::Exec => {
                let m = txn.inst_mut(*ii);
                m.purged_below = m.purged_below.max(*boundary);
                let (below, top) = (m.purged_below, m.seq);
                drop_purged(txn, std::mem::take(&mut plan.queue_records), below, top)?;
            }
            Scope::Histo => {
                let c = txn.control_mut();
                let b = c.histo_purged_below.entry(*ii).or_insert(0);
                *b = (*b).max(*boundary);
            }
        }
    }
    wf::finish(txn, &ctx, plan.more, counts, Vec::new())
}
