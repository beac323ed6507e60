//! `updateEventsStatus`: copies the status of the delivery logs the MTA changed to their events
//! (Sent, Ignored by the delivery, Delivery failed; Sent then Delivery failed after an
//! asynchronous bounce).

use std::collections::BTreeSet;

use crate::error::{Error, ErrorCode, Result};
use crate::io::{GetId, RangeId, Reads, Results};
use crate::keys::{self, Scope};
use crate::model::EventStatus;
use crate::ops::workflows::{self as wf, bump, QueuedId, Step, StepCtx, StepNext};
use crate::state::{RunCount, RunCounts};
use crate::txn::Txn;

/// Where an update step is.
#[derive(Debug)]
pub(crate) enum Phase {
    /// Reading the status-update queue.
    Queue(RangeId),
    /// Reading the state pages and summaries of the events taken.
    Pages {
        /// The events taken.
        ids: Vec<QueuedId>,
        /// Their pages.
        pages: BTreeSet<u64>,
        /// Whether more is queued.
        more: bool,
        /// The reads: state lines, delivery-log lines, summaries.
        states: GetId,
        logs: GetId,
        summaries: GetId,
    },
}

fn ii(ctx: &StepCtx) -> Result<u8> {
    ctx.ii.ok_or_else(|| Error::new(ErrorCode::Internal, "updateEventsStatus works on an execution instance"))
}

/// Status-update records read per step. A record holds the ids of one page that one MTA step
/// changed, and a step takes at most `pagesPerStep` pages (32 by default) and `batchSize` ids: a
/// few dozen records. Reading more read the rest of the queue again at every step (46,580 records
/// read for 2,700 written at 100k events), and a read that fills its limit is never known whole
/// to the engine's cache.
const UPDATE_RECORDS: u32 = 64;

/// Reads the status-update queue.
pub(crate) fn begin(ctx: StepCtx) -> Result<StepNext> {
    let p = keys::update_prefix(ii(&ctx)?);
    let mut reads = Reads::new();
    let queue = reads.range(p.clone(), keys::prefix_end(&p), UPDATE_RECORDS);
    Ok(StepNext::Read(Step::Update(ctx, Phase::Queue(queue)), reads))
}

/// Continues the step.
pub(crate) fn resume(txn: &mut Txn<'_>, ctx: StepCtx, phase: Phase, mut r: Results) -> Result<StepNext> {
    let ii = ii(&ctx)?;
    match phase {
        Phase::Queue(queue) => {
            let records = r.take_entries(queue)?;
            let unread = records.len() >= UPDATE_RECORDS as usize;
            // Records are keyed by page: taken in key order, a step's events share pages.
            let taken = wf::take(txn, &ctx, records, false, unread)?;
            if taken.ids.is_empty() {
                return update(txn, ctx, Vec::new(), Default::default(), taken.more);
            }
            let mut reads = Reads::new();
            let states = reads.get(wf::state_keys(Scope::Exec, ii, &taken.pages));
            let logs = reads.get(wf::log_keys(Scope::Exec, ii, &taken.pages));
            let summaries = reads.get(wf::summary_keys(Scope::Exec, ii, &taken.pages));
            let phase = Phase::Pages { ids: taken.ids, pages: taken.pages, more: taken.more, states, logs, summaries };
            Ok(StepNext::Read(Step::Update(ctx, phase), reads))
        }
        Phase::Pages { ids, pages: set, more, states, logs, summaries } => {
            let mut pages = wf::load_states(Scope::Exec, ii, &set, r.take_values(states)?)?;
            wf::load_logs(Scope::Exec, ii, &mut pages, &set, r.take_values(logs)?)?;
            wf::load_summaries(&mut pages, r.take_values(summaries)?)?;
            update(txn, ctx, ids, pages, more)
        }
    }
}

fn update(
    txn: &mut Txn<'_>,
    ctx: StepCtx,
    ids: Vec<QueuedId>,
    mut pages: std::collections::BTreeMap<keys::PageId, crate::pages::Page>,
    more: bool,
) -> Result<StepNext> {
    let ii = ii(&ctx)?;
    let now = ctx.now;
    let mut counts = RunCounts::new();
    let seqs: BTreeSet<u64> = ids.iter().map(|q| q.seq).collect();
    for seq in seqs {
        let (pid, slot) = wf::at(Scope::Exec, ii, seq);
        let page = pages.get_mut(&pid).ok_or_else(|| Error::new(ErrorCode::Internal, "a page of the step was not read"))?;
        let Some(mut st) = page.take_bare_state(slot)? else {
            bump(&mut counts, RunCount::Stale);
            continue;
        };
        let Some((log_status, reason)) = page.log_head(slot)? else {
            bump(&mut counts, RunCount::Stale);
            continue;
        };
        let Some(derived) = log_status.event_status() else { continue };
        let movable =
            st.status == EventStatus::PendingDelivery || (st.status == EventStatus::Sent && derived == EventStatus::DeliveryFailed);
        if derived == st.status || !movable {
            continue;
        }
        st.change_status(derived, now, &ctx.by, reason);
        page.put_state(slot, st)?;
        bump(&mut counts, RunCount::of_status(derived));
    }
    txn.finish_pages(pages)?;
    let m = txn.inst_mut(ii);
    m.upd_since = if more { Some(now) } else { None };
    wf::finish(txn, &ctx, more, counts, Vec::new())
}
