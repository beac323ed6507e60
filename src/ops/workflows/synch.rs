//! `mcSynch_<account>`: the archiving workflow of an execution instance on the control. It reads
//! the instance's change log (one record per step, naming the pages whose events it changed), and
//! copies every event of those pages that changed since it was last archived, with its delivery
//! log, to the control's history (`nms:eventHisto`, `nms:broadLogEventHisto`) with the same id:
//! the state line, and the data and message fragments the history does not hold yet (they never
//! change). An event changed several times between two runs is copied once.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, ErrorCode, Result};
use crate::io::{GetId, RangeId, Reads, Results};
use crate::keys::{self, PageId, PageRecord, Scope};
use crate::ops::workflows::{self as wf, bump, Step, StepCtx, StepNext, RECORDS_PER_STEP};
use crate::pages::Page;
use crate::records::IdList;
use crate::state::{RunCount, RunCounts};
use crate::txn::Txn;

/// Where an archiving step is.
#[derive(Debug)]
pub(crate) enum Phase {
    /// Reading the change log.
    Queue(RangeId),
    /// Reading the execution pages and the history pages changed.
    Pages {
        /// The pages.
        pages: BTreeSet<u64>,
        /// Whether more changes wait.
        more: bool,
        /// The last change record taken from.
        last_n: Option<u64>,
        /// The reads: the execution page runs; the history's state lines, delivery-log lines and
        /// summaries.
        ranges: Vec<RangeId>,
        states: GetId,
        logs: GetId,
        summaries: GetId,
    },
}

fn ii(ctx: &StepCtx) -> Result<u8> {
    ctx.ii.ok_or_else(|| Error::new(ErrorCode::Internal, "mcSynch archives an execution instance"))
}

/// Reads the change log.
pub(crate) fn begin(ctx: StepCtx) -> Result<StepNext> {
    let p = keys::change_prefix(ii(&ctx)?);
    let mut reads = Reads::new();
    let queue = reads.range(p.clone(), keys::prefix_end(&p), RECORDS_PER_STEP);
    Ok(StepNext::Read(Step::Synch(ctx, Phase::Queue(queue)), reads))
}

/// Takes up to `ctx.pages` distinct pages from the change records read: a page named by several
/// records is taken once, and removed from all of them.
fn take_pages(txn: &mut Txn<'_>, ctx: &StepCtx, records: Vec<(String, String)>) -> Result<(BTreeSet<u64>, bool, Option<u64>)> {
    let full_read = records.len() >= RECORDS_PER_STEP as usize;
    let mut taken: BTreeSet<u64> = BTreeSet::new();
    let mut more = false;
    let mut last_n = None;
    for (key, value) in records {
        let (_, n) = keys::parse_timed(&key)
            .ok_or_else(|| Error::new(ErrorCode::StorageCorrupt, format!("stored key {key} is not a change record")))?;
        let list = IdList::decode(&key, &value)?;
        let mut left = Vec::new();
        for pg in list.0 {
            if taken.contains(&pg) {
                continue;
            }
            if taken.len() < ctx.pages {
                taken.insert(pg);
            } else {
                left.push(pg);
            }
        }
        if left.is_empty() {
            txn.del(key);
            last_n = Some(n);
        } else {
            more = true;
            txn.put(key, IdList(left).encode());
        }
    }
    Ok((taken, more || full_read, last_n))
}

/// Continues the step.
pub(crate) fn resume(txn: &mut Txn<'_>, ctx: StepCtx, phase: Phase, mut r: Results) -> Result<StepNext> {
    let ii = ii(&ctx)?;
    match phase {
        Phase::Queue(queue) => {
            let (pages, more, last_n) = take_pages(txn, &ctx, r.take_entries(queue)?)?;
            if pages.is_empty() {
                return archive(txn, ctx, BTreeMap::new(), BTreeMap::new(), more, last_n);
            }
            let mut reads = Reads::new();
            let ranges = wf::page_reads(&mut reads, Scope::Exec, ii, &pages);
            let states = reads.get(wf::state_keys(Scope::Histo, ii, &pages));
            let logs = reads.get(wf::log_keys(Scope::Histo, ii, &pages));
            let summaries = reads.get(wf::summary_keys(Scope::Histo, ii, &pages));
            let phase = Phase::Pages { pages, more, last_n, ranges, states, logs, summaries };
            Ok(StepNext::Read(Step::Synch(ctx, phase), reads))
        }
        Phase::Pages { pages: set, more, last_n, ranges, states, logs, summaries } => {
            let exec = wf::load_pages(Scope::Exec, ii, &set, r.take_all_entries(&ranges)?)?;
            let mut histo = wf::load_states(Scope::Histo, ii, &set, r.take_values(states)?)?;
            wf::load_logs(Scope::Histo, ii, &mut histo, &set, r.take_values(logs)?)?;
            wf::load_summaries(&mut histo, r.take_values(summaries)?)?;
            archive(txn, ctx, exec, histo, more, last_n)
        }
    }
}

/// Whether a history line is the archived copy of an execution line (the same, with `archived`
/// added: it is the last field of a state line).
fn is_copy_of(histo: &str, exec: &str) -> bool {
    let Some(body) = exec.strip_suffix('}') else { return false };
    histo.len() > body.len() && histo.starts_with(body) && histo[body.len()..].starts_with(",\"a\":")
}

fn archive(
    txn: &mut Txn<'_>,
    ctx: StepCtx,
    exec: BTreeMap<PageId, Page>,
    mut histo: BTreeMap<PageId, Page>,
    more: bool,
    last_n: Option<u64>,
) -> Result<StepNext> {
    let ii = ii(&ctx)?;
    let now = ctx.now;
    let mut counts = RunCounts::new();
    let purged = txn.st().control.histo_purged_below.get(&ii).copied().unwrap_or(0);
    let mut top = txn.st().control.histo_top.get(&ii).copied().unwrap_or(0);
    for (eid, e) in &exec {
        let hid = PageId { scope: Scope::Histo, ..*eid };
        let h = histo.get_mut(&hid).ok_or_else(|| Error::new(ErrorCode::Internal, "a history page of the step was not read"))?;
        let (data, messages) = e.fragments();
        let spans = e.data_spans();
        let msg_slots = e.message_slots();
        for slot in e.live_slots()? {
            let seq = keys::seq_of(eid.pg, slot);
            // An event already purged from the history is not archived again.
            if seq < purged {
                continue;
            }
            let (Some(line), hline) = (e.raw_line(slot), h.raw_line(slot)) else { continue };
            if hline.is_some_and(|hl| is_copy_of(hl, line)) && e.raw_log_line(slot) == h.raw_log_line(slot) {
                continue;
            }
            let Some(mut st) = e.state(slot)? else { continue };
            if hline.is_none() {
                if let Some(data) = e.data(slot)? {
                    h.note_archived(&data)?;
                }
            }
            let has = |h: &Page, rec: PageRecord| {
                h.summary().is_some_and(|s| match rec {
                    PageRecord::Data(f) => s.has_data_fragment(f),
                    PageRecord::Message(f) => s.has_message_fragment(f),
                    PageRecord::State | PageRecord::Logs => true,
                })
            };
            if let Some((first, _)) = spans.iter().find(|(a, b)| *a <= slot && slot <= *b) {
                if !has(h, PageRecord::Data(*first)) {
                    if let Some((_, text)) = data.iter().find(|(f, _)| f == first) {
                        h.copy_fragment(PageRecord::Data(*first), text)?;
                    }
                }
            }
            if st.log.is_some() {
                if let Some((first, _)) = msg_slots.iter().find(|(_, slots)| slots.contains(&slot)) {
                    if !has(h, PageRecord::Message(*first)) {
                        if let Some((_, text)) = messages.iter().find(|(f, _)| f == first) {
                            h.copy_fragment(PageRecord::Message(*first), text)?;
                        }
                    }
                }
                bump(&mut counts, RunCount::DeliveryLogs);
            }
            st.archived = Some(now);
            h.put_state(slot, st)?;
            bump(&mut counts, RunCount::Events);
            top = top.max(seq);
        }
    }
    txn.finish_pages(histo)?;
    if top > 0 {
        txn.control_mut().histo_top.insert(ii, top);
    }
    let m = txn.inst_mut(ii);
    m.chg_since = if more { Some(now) } else { None };
    if let (Some(n), Some(w)) = (last_n, txn.workflow_mut(&ctx.key)) {
        w.watermark = w.watermark.max(n);
    }
    wf::finish(txn, &ctx, more, counts, Vec::new())
}
