//! `updateEventsStatus`: copies the status of the delivery logs the MTA changed to their events
//! (Sent, Ignored by the delivery, Delivery failed; Sent then Delivery failed after an
//! asynchronous bounce).

use std::collections::BTreeSet;

use crate::engine::{ReadReq, ReadResult};
use crate::error::{Error, ErrorCode, Result};
use crate::keys::{self, Scope};
use crate::model::EventStatus;
use crate::ops::workflows::{self as wf, bump, QueuedId, Step, StepCtx, StepNext, RECORDS_PER_STEP};
use crate::state::{RunCount, RunCounts};
use crate::txn::Txn;

/// Where an update step is.
#[derive(Debug)]
pub(crate) enum Phase {
    /// Reading the status-update queue.
    Queue,
    /// Reading the state pages and summaries of the events taken.
    Pages {
        /// The events taken.
        ids: Vec<QueuedId>,
        /// Their pages.
        pages: BTreeSet<u64>,
        /// Whether more is queued.
        more: bool,
    },
}

fn ii(ctx: &StepCtx) -> Result<u8> {
    ctx.ii.ok_or_else(|| Error::new(ErrorCode::Internal, "updateEventsStatus works on an execution instance"))
}

/// Reads the status-update queue.
pub(crate) fn begin(ctx: StepCtx) -> Result<StepNext> {
    let p = keys::update_prefix(ii(&ctx)?);
    let reads = vec![ReadReq::Range { lt: keys::prefix_end(&p), gte: p, limit: RECORDS_PER_STEP }];
    Ok(StepNext::Read(Step::Update(ctx, Phase::Queue), reads))
}

/// Continues the step.
pub(crate) fn resume(txn: &mut Txn<'_>, ctx: StepCtx, phase: Phase, mut r: Vec<ReadResult>) -> Result<StepNext> {
    let ii = ii(&ctx)?;
    match phase {
        Phase::Queue => {
            let records = wf::entries(&mut r, 0);
            let unread = records.len() >= RECORDS_PER_STEP as usize;
            // Records are keyed by page: taken in key order, a step's events share pages.
            let taken = wf::take(txn, &ctx, records, false, unread)?;
            if taken.ids.is_empty() {
                return update(txn, ctx, Vec::new(), Default::default(), taken.more);
            }
            let reads = vec![
                ReadReq::Get { keys: wf::state_keys(Scope::Exec, ii, &taken.pages) },
                ReadReq::Get { keys: wf::log_keys(Scope::Exec, ii, &taken.pages) },
                ReadReq::Get { keys: wf::summary_keys(Scope::Exec, ii, &taken.pages) },
            ];
            Ok(StepNext::Read(Step::Update(ctx, Phase::Pages { ids: taken.ids, pages: taken.pages, more: taken.more }), reads))
        }
        Phase::Pages { ids, pages: set, more } => {
            let mut pages = wf::load_states(Scope::Exec, ii, &set, wf::values(&mut r, 0))?;
            wf::load_logs(Scope::Exec, ii, &mut pages, &set, wf::values(&mut r, 1))?;
            wf::load_summaries(&mut pages, wf::values(&mut r, 2))?;
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
