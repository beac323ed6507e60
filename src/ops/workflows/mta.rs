//! The simulated MTA: in one-second waves, one attempt per message due (or an asynchronous bounce
//! coming due), against the instance's quarantine and denylist. A message whose status changes is
//! queued for `updateEventsStatus`.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, ErrorCode, Result};
use crate::io::{GetId, RangeId, Reads, Results};
use crate::keys::{self, PageId, Scope};
use crate::model::{BroadLogStatus, FailureType};
use crate::mta::{self, Attempt};
use crate::ops::schedule::mta_tick;
use crate::ops::workflows::{self as wf, bump, QueuedId, Step, StepCtx, StepNext};
use crate::pages::Page;
use crate::records::{LogKind, LogLine, QuarantineEntry, QuarantineKind};
use crate::state::{RunCount, RunCounts};
use crate::txn::Txn;

/// Where an MTA step is.
#[derive(Debug)]
pub(crate) enum Phase {
    /// Reading the waves due.
    Queue(wf::QueueRead),
    /// Reading the state pages of the messages taken.
    Pages {
        /// The messages taken.
        ids: Vec<QueuedId>,
        /// Their pages.
        pages: BTreeSet<u64>,
        /// Whether more messages are due now.
        more: bool,
        /// The first wave after now.
        next_at: Option<i64>,
        /// The read of their delivery-log lines.
        logs: GetId,
    },
    /// Reading the quarantine entries of their addresses.
    Quarantine {
        /// The messages taken.
        ids: Vec<QueuedId>,
        /// Their pages.
        pages: BTreeMap<PageId, Page>,
        /// The quarantine keys asked for.
        qkeys: Vec<String>,
        /// Whether more messages are due now.
        more: bool,
        /// The first wave after now.
        next_at: Option<i64>,
        /// How they are read.
        read: QuarantineRead,
    },
}

/// How the quarantine is read: whole (small), or the keys asked for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum QuarantineRead {
    /// The whole quarantine, in one range.
    Whole(RangeId),
    /// The keys asked for.
    Keys(GetId),
}

/// Quarantines smaller than this are read whole.
const QUARANTINE_RANGE: u64 = 4096;

fn ii(ctx: &StepCtx) -> Result<u8> {
    ctx.ii.ok_or_else(|| Error::new(ErrorCode::Internal, "the MTA works on an execution instance"))
}

/// Reads the waves due.
pub(crate) fn begin(ctx: StepCtx) -> Result<StepNext> {
    let mut reads = Reads::new();
    let queue = wf::queue_read(&mut reads, &keys::wave_prefix(ii(&ctx)?), ctx.now);
    Ok(StepNext::Read(Step::Mta(ctx, Phase::Queue(queue)), reads))
}

/// Continues the step.
pub(crate) fn resume(txn: &mut Txn<'_>, ctx: StepCtx, phase: Phase, mut r: Results) -> Result<StepNext> {
    let ii = ii(&ctx)?;
    match phase {
        Phase::Queue(queue) => {
            let (records, next_at, unread) = wf::due_records(&mut r, queue, ctx.now)?;
            let taken = wf::take(txn, &ctx, records, true, unread)?;
            if taken.ids.is_empty() {
                return attempt(txn, ctx, Vec::new(), BTreeMap::new(), BTreeMap::new(), taken.more, next_at);
            }
            let mut reads = Reads::new();
            let logs = reads.get(wf::log_keys(Scope::Exec, ii, &taken.pages));
            let phase = Phase::Pages { ids: taken.ids, pages: taken.pages, more: taken.more, next_at, logs };
            Ok(StepNext::Read(Step::Mta(ctx, phase), reads))
        }
        Phase::Pages { ids, pages: set, more, next_at, logs } => {
            let mut pages = BTreeMap::new();
            wf::load_logs(Scope::Exec, ii, &mut pages, &set, r.take_values(logs)?)?;
            // Messages still pending check the quarantine; a bounce coming due must not overwrite
            // an existing entry (a denylist entry, an earlier quarantine).
            let mut addrs = BTreeSet::new();
            for q in &ids {
                let (pid, slot) = wf::at(Scope::Exec, ii, q.seq);
                if let Some(b) = pages.get(&pid).map(|p| p.log(slot)).transpose()?.flatten() {
                    if b.status == BroadLogStatus::Pending || b.bounce_at.is_some() {
                        addrs.insert(keys::quarantine_key(ii, &b.address));
                    }
                }
            }
            let qkeys: Vec<String> = addrs.into_iter().collect();
            // A small quarantine is read whole (one range: the engine's cache then answers the
            // next steps); a large one key by key.
            let small = txn.st().inst.get(&ii).is_none_or(|m| m.quarantined < QUARANTINE_RANGE);
            let p = keys::quarantine_prefix(ii);
            let mut reads = Reads::new();
            let read = if small && !qkeys.is_empty() {
                QuarantineRead::Whole(reads.range(p.clone(), keys::prefix_end(&p), QUARANTINE_RANGE as u32))
            } else {
                QuarantineRead::Keys(reads.get(qkeys.clone()))
            };
            Ok(StepNext::Read(Step::Mta(ctx, Phase::Quarantine { ids, pages, qkeys, more, next_at, read }), reads))
        }
        Phase::Quarantine { ids, pages, qkeys, more, next_at, read } => {
            let mut quarantined = BTreeMap::new();
            let values: Vec<Option<String>> = match read {
                QuarantineRead::Keys(id) => r.take_values(id)?,
                QuarantineRead::Whole(id) => {
                    let es = r.take_entries(id)?;
                    if es.len() >= QUARANTINE_RANGE as usize {
                        // More than expected: key by key after all.
                        let mut reads = Reads::new();
                        let read = QuarantineRead::Keys(reads.get(qkeys.clone()));
                        return Ok(StepNext::Read(Step::Mta(ctx, Phase::Quarantine { ids, pages, qkeys, more, next_at, read }), reads));
                    }
                    let all: BTreeMap<String, String> = es.into_iter().collect();
                    qkeys.iter().map(|k| all.get(k).cloned()).collect()
                }
            };
            for (k, v) in qkeys.into_iter().zip(values) {
                if let Some(v) = v {
                    let e: QuarantineEntry = crate::records::from_json(&k, &v)?;
                    quarantined.insert(k, e.reason);
                }
            }
            attempt(txn, ctx, ids, pages, quarantined, more, next_at)
        }
    }
}

fn attempt(
    txn: &mut Txn<'_>,
    ctx: StepCtx,
    ids: Vec<QueuedId>,
    mut pages: BTreeMap<PageId, Page>,
    quarantined: BTreeMap<String, String>,
    more: bool,
    next_at: Option<i64>,
) -> Result<StepNext> {
    let ii = ii(&ctx)?;
    let now = ctx.now;
    let by = ctx.by.clone();
    let cfg = txn.config().clone();
    let seed = txn.seed();
    let mut counts = RunCounts::new();
    let mut new_quarantine: BTreeMap<String, String> = BTreeMap::new();
    let mut waves: BTreeMap<i64, Vec<u64>> = BTreeMap::new();
    let mut changed: Vec<u64> = Vec::new();
    for q in ids {
        let (pid, slot) = wf::at(Scope::Exec, ii, q.seq);
        let page = pages.get_mut(&pid).ok_or_else(|| Error::new(ErrorCode::Internal, "a page of the step was not read"))?;
        let Some(mut b) = page.log(slot)? else {
            bump(&mut counts, RunCount::Stale);
            continue;
        };
        if b.next_action.map(mta_tick) != Some(q.at) {
            bump(&mut counts, RunCount::Stale);
            continue;
        }
        let id = keys::id_of(ii, q.seq);
        let old_status = b.status;
        b.next_action = None;
        b.last_modified = now;
        let qkey = keys::quarantine_key(ii, &b.address);
        let mut reason_now: Option<String> = None;
        match b.status {
            BroadLogStatus::Pending => {
                bump(&mut counts, RunCount::Attempts);
                if b.expiration.is_some_and(|x| x < now) {
                    b.status = BroadLogStatus::Cancelled;
                    b.failure_type = Some(FailureType::Expired);
                    b.failure_reason = Some("the event expired before the message could be sent".into());
                    bump(&mut counts, RunCount::Cancelled);
                } else if let Some(reason) = quarantined
                    .get(&qkey)
                    .cloned()
                    .or_else(|| new_quarantine.contains_key(&qkey).then(|| "Address on quarantine".to_string()))
                {
                    b.status = BroadLogStatus::Ignored;
                    b.failure_type = Some(FailureType::Ignored);
                    b.failure_reason = Some(reason);
                    bump(&mut counts, RunCount::Ignored);
                } else {
                    let directive = mta::directive(&b.address).ok().flatten();
                    let outcome = mta::attempt(&cfg, seed, id, b.tries, cfg.rates(b.channel), directive);
                    b.tries += 1;
                    match outcome {
                        Attempt::Sent => {
                            b.status = BroadLogStatus::Sent;
                            b.sent_at = Some(now);
                            bump(&mut counts, RunCount::Sent);
                        }
                        Attempt::SentThenBounce(d) => {
                            b.status = BroadLogStatus::Sent;
                            b.sent_at = Some(now);
                            let t = now.saturating_add(d.max(1)).min(keys::MAX_TIME);
                            b.bounce_at = Some(t);
                            b.next_action = Some(t);
                            bump(&mut counts, RunCount::Sent);
                        }
                        Attempt::Ignored => {
                            b.status = BroadLogStatus::Ignored;
                            b.failure_type = Some(FailureType::Ignored);
                            b.failure_reason = Some("simulator test address".into());
                            bump(&mut counts, RunCount::Ignored);
                        }
                        Attempt::Hard => {
                            b.status = BroadLogStatus::Failed;
                            b.failure_type = Some(FailureType::Hard);
                            b.failure_reason = Some("Hard bounce: user unknown".into());
                            new_quarantine.insert(qkey.clone(), b.address.clone());
                            bump(&mut counts, RunCount::HardBounces);
                        }
                        Attempt::Soft => {
                            bump(&mut counts, RunCount::SoftBounces);
                            if b.tries >= cfg.mta_max_tries {
                                b.status = BroadLogStatus::Failed;
                                b.failure_type = Some(FailureType::Soft);
                                b.failure_reason = Some(format!("Soft bounce: mailbox full, {} tries made", b.tries));
                            } else {
                                let delay = cfg.mta_retry_ms.saturating_mul(1i64 << (b.tries - 1).min(20));
                                b.next_action = Some(now.saturating_add(delay).min(keys::MAX_TIME));
                            }
                        }
                    }
                }
                if b.status != BroadLogStatus::Pending {
                    reason_now = b.failure_reason.clone();
                }
            }
            BroadLogStatus::Sent if b.bounce_at.is_some_and(|t| t <= now) => {
                b.status = BroadLogStatus::Failed;
                b.failure_type = Some(FailureType::Async);
                b.failure_reason = Some("Asynchronous bounce after sending: mailbox unavailable".into());
                b.bounce_at = None;
                new_quarantine.insert(qkey.clone(), b.address.clone());
                reason_now = b.failure_reason.clone();
                bump(&mut counts, RunCount::AsyncBounces);
            }
            _ => {
                bump(&mut counts, RunCount::Stale);
                continue;
            }
        }
        b.log.push(LogLine {
            at: now,
            by: by.clone(),
            kind: LogKind::Action,
            status: b.status,
            tries: b.tries,
            next: b.next_action,
            reason: reason_now,
        });
        if let Some(t) = b.next_action {
            waves.entry(mta_tick(t)).or_default().push(q.seq);
        }
        if b.status != old_status {
            changed.push(q.seq);
        }
        page.put_log(slot, b);
    }
    for (k, address) in new_quarantine {
        if !quarantined.contains_key(&k) {
            let e = QuarantineEntry { address, kind: QuarantineKind::Quarantine, reason: "Address on quarantine".into(), since: now };
            txn.put(k, crate::records::to_json(&e)?);
            txn.inst_mut(ii).quarantined += 1;
        }
    }
    txn.finish_pages(pages)?;
    let hint: Option<i64> = if more { Some(now) } else { next_at };
    let hint = match (hint, wf::put_waves(txn, ii, waves)) {
        (Some(h), Some(w)) => Some(h.min(w)),
        (h, w) => h.or(w),
    };
    wf::put_updates(txn, ii, now, changed);
    txn.inst_mut(ii).mta_next = hint;
    wf::finish(txn, &ctx, more, counts, Vec::new())
}
