//! `rtEventsProcessing` / `batchEventsProcessing`: takes the Pending events due now from the due
//! queue, and routes each to the most recently published template of its type and channel
//! (rendering the message, creating its delivery log, planning the first MTA attempt), or makes it
//! "Event not taken into account", "Event expired", or retried after a processing error.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, ErrorCode, Result};
use crate::io::{GetId, RangeId, Reads, Results};
use crate::keys::{self, PageId, Scope};
use crate::model::{BroadLogStatus, Channel, EventStatus, FailureType, Queue};
use crate::mta::{self, Directive};
use crate::ops::schedule::mta_tick;
use crate::ops::workflows::{self as wf, bump, QueuedId, Step, StepCtx, StepNext};
use crate::pages::Page;
use crate::records::{DeliveryLog, IdList, LogKind, LogLine, StatusChange};
use crate::render::{EventRef, RenderEnv};
use crate::state::{Delivery, RunCount, RunCounts};
use crate::txn::Txn;

/// Where a processing step is.
#[derive(Debug)]
pub(crate) enum Phase {
    /// Reading the due queue.
    Queue(wf::QueueRead),
    /// Reading the pages of the events taken.
    Pages {
        /// The events taken, in queue order.
        ids: Vec<QueuedId>,
        /// Their pages.
        pages: BTreeSet<u64>,
        /// Whether the queue holds more work due now.
        more: bool,
        /// The first due time after now.
        next_at: Option<i64>,
        /// The reads: the page runs, the summaries.
        ranges: Vec<RangeId>,
        summaries: GetId,
    },
}

fn queue_of(ctx: &StepCtx) -> Queue {
    ctx.kind.queue().unwrap_or(Queue::Rt)
}

fn ii(ctx: &StepCtx) -> Result<u8> {
    ctx.ii.ok_or_else(|| Error::new(ErrorCode::Internal, "a processing workflow works on an execution instance"))
}

/// Reads the due queue.
pub(crate) fn begin(ctx: StepCtx) -> Result<StepNext> {
    let mut reads = Reads::new();
    let queue = wf::queue_read(&mut reads, &keys::due_prefix(ii(&ctx)?, queue_of(&ctx)), ctx.now);
    Ok(StepNext::Read(Step::Processing(ctx, Phase::Queue(queue)), reads))
}

/// Continues the step.
pub(crate) fn resume(txn: &mut Txn<'_>, ctx: StepCtx, phase: Phase, mut r: Results) -> Result<StepNext> {
    let ii = ii(&ctx)?;
    match phase {
        Phase::Queue(queue) => {
            let (records, next_at, unread) = wf::due_records(&mut r, queue, ctx.now)?;
            let taken = wf::take(txn, &ctx, records, true, unread)?;
            if taken.ids.is_empty() {
                return route(txn, ctx, Vec::new(), BTreeMap::new(), taken.more, next_at);
            }
            let mut reads = Reads::new();
            let ranges = wf::page_reads(&mut reads, Scope::Exec, ii, &taken.pages);
            let summaries = reads.get(wf::summary_keys(Scope::Exec, ii, &taken.pages));
            let phase = Phase::Pages { ids: taken.ids, pages: taken.pages, more: taken.more, next_at, ranges, summaries };
            Ok(StepNext::Read(Step::Processing(ctx, phase), reads))
        }
        Phase::Pages { ids, pages: set, more, next_at, ranges, summaries } => {
            let mut pages = wf::load_pages(Scope::Exec, ii, &set, r.take_all_entries(&ranges)?)?;
            wf::load_summaries(&mut pages, r.take_values(summaries)?)?;
            route(txn, ctx, ids, pages, more, next_at)
        }
    }
}

fn delivery_for(txn: &mut Txn<'_>, ii: u8, copy: &str, now: i64) -> String {
    let month = crate::dates::month_key(now);
    let name = format!("{copy}_{month}");
    let d = txn.deliveries_mut(ii).entry(name.clone()).or_insert_with(|| Delivery {
        name: name.clone(),
        template: copy.to_string(),
        month,
        created: now,
        messages: 0,
    });
    d.messages += 1;
    name
}

/// The delivery log routing prepares: Pending until the MTA's first wave at `Ok(first)`, or
/// Failed at once with the personalization error `Err(reason)`.
fn prepared(
    outcome: std::result::Result<i64, String>,
    address: String,
    channel: Channel,
    expiration: Option<i64>,
    now: i64,
    by: &str,
) -> DeliveryLog {
    let (status, next, reason) = match outcome {
        Ok(first) => (BroadLogStatus::Pending, Some(first), None),
        Err(reason) => (BroadLogStatus::Failed, None, Some(reason)),
    };
    DeliveryLog {
        status,
        tries: 0,
        next_action: next,
        sent_at: None,
        bounce_at: None,
        failure_type: reason.is_some().then_some(FailureType::Personalization),
        failure_reason: reason.clone(),
        address,
        channel,
        expiration,
        created: now,
        last_modified: now,
        log: vec![LogLine { at: now, by: by.to_owned(), kind: LogKind::Prepared, status, tries: 0, next, reason }],
    }
}

fn route(
    txn: &mut Txn<'_>,
    ctx: StepCtx,
    ids: Vec<QueuedId>,
    mut pages: BTreeMap<PageId, Page>,
    more: bool,
    next_at: Option<i64>,
) -> Result<StepNext> {
    let ii = ii(&ctx)?;
    let queue = queue_of(&ctx);
    let now = ctx.now;
    let by = ctx.by.clone();
    let cfg = txn.config().clone();
    let seed = txn.seed();
    let mut counts = RunCounts::new();
    let mut routed_to: BTreeMap<String, u64> = BTreeMap::new();
    let mut errors: Vec<String> = Vec::new();
    let mut retries: BTreeMap<i64, Vec<u64>> = BTreeMap::new();
    let mut waves: BTreeMap<i64, Vec<u64>> = BTreeMap::new();
    // Messages that failed as they were built: their status is for updateEventsStatus to copy.
    let mut failed: Vec<u64> = Vec::new();
    for q in ids {
        let (pid, slot) = wf::at(Scope::Exec, ii, q.seq);
        let page = pages.get_mut(&pid).ok_or_else(|| Error::new(ErrorCode::Internal, "a page of the step was not read"))?;
        let Some(mut st) = page.take_state(slot)? else {
            bump(&mut counts, RunCount::Stale);
            continue;
        };
        if st.status != EventStatus::Pending || st.process_requested_on != q.at || st.queue != queue {
            bump(&mut counts, RunCount::Stale);
            continue;
        }
        let data = match page.data(slot)? {
            Some(d) => d,
            None => {
                let home = page.data_home(slot);
                return Err(Error::new(
                    ErrorCode::StorageCorrupt,
                    format!("event {} has a state and no data: stored record {home} does not hold its line", keys::id_of(ii, q.seq)),
                ));
            }
        };
        let id = keys::id_of(ii, q.seq);
        #[cfg(feature = "fault-injection")]
        crate::faults::check_late(&data.event_type);
        st.processing = Some(now);
        st.last_modified = now;
        bump(&mut counts, RunCount::Processed);
        if data.expiration.is_some_and(|x| x < now) {
            st.change_status(EventStatus::Expired, now, &by, Some("expiration date passed before processing".into()));
            bump(&mut counts, RunCount::Expired);
            page.put_state(slot, st)?;
            continue;
        }
        let copy = txn
            .st()
            .published
            .get(&ii)
            .and_then(|m| {
                m.values()
                    .filter(|c| c.queue == queue && c.event_type == data.event_type && c.channel == data.wished_channel)
                    .max_by_key(|c| (c.published_at, c.publish_seq))
            })
            .map(|c| (c.name.clone(), c.publish_seq));
        let Some((copy_name, copy_seq)) = copy else {
            let note = format!(
                "no published template for event type '{}' and channel '{}' in the {} queue",
                data.event_type,
                data.wished_channel.name(),
                queue.words()
            );
            st.change_status(EventStatus::NotTakenIntoAccount, now, &by, Some(note));
            bump(&mut counts, RunCount::NotTakenIntoAccount);
            page.put_state(slot, st)?;
            continue;
        };
        let address = data.address().unwrap_or("").to_string();
        let directive = mta::directive(&address).ok().flatten();
        if let Some(Directive::ProcessingError(limit)) = directive {
            if limit.is_none_or(|n| st.errors < n) {
                st.errors += 1;
                let message = format!("simulated processing error {} ({address})", st.errors);
                errors.push(format!("event {id}: {message}"));
                st.last_error = Some(message);
                bump(&mut counts, RunCount::ProcessingErrors);
                if st.errors >= cfg.max_processing_errors {
                    let note = format!("{} processing errors: the maximum number of tries is reached", st.errors);
                    st.change_status(EventStatus::Expired, now, &by, Some(note));
                    bump(&mut counts, RunCount::Expired);
                } else {
                    let delay = cfg.processing_retry_ms.saturating_mul(1i64 << (st.errors - 1).min(20));
                    st.process_requested_on = now.saturating_add(delay).min(keys::MAX_TIME);
                    retries.entry(st.process_requested_on).or_default().push(q.seq);
                    let note = format!(
                        "processing error {}/{}: retry at {}",
                        st.errors,
                        cfg.max_processing_errors,
                        crate::dates::format_iso(st.process_requested_on)
                    );
                    st.history.push(StatusChange { status: EventStatus::Pending, at: now, by: by.clone(), note: Some(note) });
                }
                page.put_state(slot, st)?;
                continue;
            }
        }
        let parsed = match txn.templates.lookup(copy_seq) {
            Some(p) => p,
            None => {
                let c = txn
                    .st()
                    .published
                    .get(&ii)
                    .and_then(|m| m.get(&copy_name))
                    .ok_or_else(|| Error::new(ErrorCode::Internal, "the published copy vanished"))?;
                let (subject, html, text) = (c.subject.clone(), c.html.clone(), c.text.clone());
                let includes = crate::ops::blocks::of_published(&c.includes);
                txn.templates.get(copy_seq, &subject, &html, &text, &includes)
            }
        };
        let rendered = parsed.render(&EventRef::new(id, &data), &RenderEnv::new(&cfg, seed, now), id);
        let delivery = delivery_for(txn, ii, &copy_name, now);
        let rendered = match rendered {
            Ok(r) => r,
            Err(failure) => {
                // The message cannot be built for this event: its delivery log fails at once
                // (Campaign's JST-310000 personalization error), and updateEventsStatus copies
                // the failure to the event (Delivery failed) as it copies the MTA's.
                let reason = failure.delivery_text();
                errors.push(format!("event {id}: {reason}"));
                st.log = Some(prepared(Err(reason), address, data.wished_channel, data.expiration, now, &by));
                *routed_to.entry(copy_name.clone()).or_insert(0) += 1;
                st.template = Some(copy_name);
                st.delivery = Some(delivery);
                st.change_status(EventStatus::PendingDelivery, now, &by, None);
                failed.push(q.seq);
                page.put_state(slot, st)?;
                bump(&mut counts, RunCount::Routed);
                bump(&mut counts, RunCount::PersonalizationErrors);
                continue;
            }
        };
        let rates = cfg.rates(data.wished_channel);
        let delay = match directive {
            Some(Directive::Delay(ms)) => ms,
            _ => rates.send_delay_ms + mta::draw_range(seed, id, mta::PURPOSE_DELAY, rates.send_jitter_ms),
        };
        let first = now.saturating_add(delay).min(keys::MAX_TIME);
        waves.entry(mta_tick(first)).or_default().push(q.seq);
        st.log = Some(prepared(Ok(first), address, data.wished_channel, data.expiration, now, &by));
        *routed_to.entry(copy_name.clone()).or_insert(0) += 1;
        st.template = Some(copy_name);
        st.delivery = Some(delivery);
        st.change_status(EventStatus::PendingDelivery, now, &by, None);
        page.add_message(slot, &rendered)?;
        page.put_state(slot, st)?;
        bump(&mut counts, RunCount::Routed);
    }
    txn.finish_pages(pages)?;
    let mut retry_hint: Option<i64> = None;
    for (at, seqs) in retries {
        let n = txn.inst_mut(ii).next_qseq();
        retry_hint = Some(retry_hint.map_or(at, |h| h.min(at)));
        txn.put(keys::due_key(ii, queue, at, n), IdList(seqs).encode());
    }
    let mta_hint = wf::put_waves(txn, ii, waves);
    wf::put_updates(txn, ii, now, failed);
    let m = txn.inst_mut(ii);
    let slot = m.due_mut(queue);
    *slot = if more { Some(now) } else { next_at };
    if let Some(t) = retry_hint {
        *slot = Some(slot.map_or(t, |h| h.min(t)));
    }
    if let Some(t) = mta_hint {
        m.mta_next = Some(m.mta_next.map_or(t, |h| h.min(t)));
    }
    if !routed_to.is_empty() {
        if let Some(run) = txn.workflow_mut(&ctx.key).and_then(|w| w.current.as_mut()) {
            for (d, n) in routed_to {
                *run.routed_to.entry(d).or_insert(0) += n;
            }
        }
    }
    wf::finish(txn, &ctx, more, counts, errors)
}
