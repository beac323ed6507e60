//! Workflow steps. A run of a workflow is one or more steps; each step reads a bounded batch,
//! decides, and writes everything (records, indexes, counters, queue entries, the journal) as one
//! transaction. A step that fails leaves nothing; a run cut between two steps resumes from its
//! `current` record.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use crate::engine::{Engine, ReadReq, ReadResult};
use crate::error::{err, Error, ErrorCode, Result};
use crate::input::Queue;
use crate::keys;
use crate::model::{BroadLogRecord, BroadLogStatus, EventRecord, EventStatus, StatusChange, StatusChangeLine};
use crate::mta::{self, Attempt, Directive};
use crate::ops::admin::advance_clock;
use crate::ops::records::{self, from_json, lower, meta, put_broadlog, put_event};
use crate::ops::schedule::{exec_id_of, find_workflow_key};
use crate::ops::{Next, OpState};
use crate::render::EventRef;
use crate::state::{Delivery, RunLog, WorkflowKind, WorkflowState};

/// A step between reads.
#[derive(Debug)]
pub struct StepState {
    key: String,
    kind: WorkflowKind,
    exec_id: u8,
    phase: u8,
    queue_keys: Vec<(String, i64, u64)>,
    next_at: Option<i64>,
    full: bool,
    broadlogs: Vec<Option<BroadLogRecord>>,
    qkeys: Vec<String>,
    control: bool,
}

fn read(st: StepState, reads: Vec<ReadReq>) -> Result<Next> {
    Ok(Next::Read(OpState::Step(st), reads))
}

fn batch(eng: &Engine) -> u32 {
    eng.st.config.batch_size
}

/// Reads a bounded batch of queue entries due at or before `now`, and the first one after.
fn due_reads(prefix: &str, now: i64, limit: u32) -> Vec<ReadReq> {
    let split = format!("{prefix}{}", keys::time_hex(now.saturating_add(1)));
    vec![
        ReadReq::Range { gte: prefix.to_string(), lt: split.clone(), limit },
        ReadReq::Range { gte: split, lt: keys::prefix_end(prefix), limit: 1 },
    ]
}

fn entries(r: &mut [ReadResult], i: usize) -> Vec<(String, String)> {
    match r.get_mut(i) {
        Some(ReadResult::Entries(e)) => std::mem::take(e),
        _ => Vec::new(),
    }
}

fn values(r: &mut [ReadResult], i: usize) -> Vec<Option<String>> {
    match r.get_mut(i) {
        Some(ReadResult::Values(v)) => std::mem::take(v),
        _ => Vec::new(),
    }
}

/// `(key, time, id)` of a `<prefix><time>/<id>` queue key.
fn parse_timed(key: &str) -> Option<(i64, u64)> {
    let mut it = key.rsplit('/');
    let id = u64::from_str_radix(it.next()?, 16).ok()?;
    let t = i64::from_str_radix(it.next()?, 16).ok()?;
    Some((t, id))
}

fn decode<T: serde::de::DeserializeOwned>(key: &str, v: Option<String>) -> Result<Option<T>> {
    v.map(|s| from_json(key, &s)).transpose()
}

/// Starts a step of a workflow.
pub fn begin(eng: &mut Engine, instance: &str, name: &str, at: Option<i64>) -> Result<Next> {
    let key = find_workflow_key(eng, instance, name)?;
    let wf = &eng.st.workflows[&key];
    if wf.state != WorkflowState::Started {
        return err(ErrorCode::WorkflowState, format!("'{}' on '{}' is {}: start it first", wf.name, wf.instance, wf.state.label()));
    }
    let kind = wf.kind;
    let exec_id = exec_id_of(eng, wf);
    if let Some(at) = at {
        advance_clock(eng, at)?;
    }
    let now = eng.st.clock;
    let wf = eng.st.workflows.get_mut(&key).ok_or_else(|| Error::new(ErrorCode::UnknownWorkflow, key.clone()))?;
    if wf.current.is_none() {
        wf.runs += 1;
        wf.current = Some(RunLog { run: wf.runs, workflow: wf.name.clone(), instance: wf.instance.clone(), start: now, ..RunLog::default() });
    }
    eng.touch(format!("m/wf/{key}"));
    let exec_id = match (kind, exec_id) {
        (_, Some(i)) => i,
        (WorkflowKind::Cleanup, None) => 255,
        (_, None) => return err(ErrorCode::UnknownInstance, format!("the account of '{name}' no longer exists")),
    };
    let n = batch(eng);
    let control_cleanup = kind == WorkflowKind::Cleanup && instance == crate::ops::schedule::CONTROL;
    let st = StepState {
        key,
        kind,
        exec_id,
        phase: 0,
        queue_keys: Vec::new(),
        next_at: None,
        full: false,
        broadlogs: Vec::new(),
        qkeys: Vec::new(),
        control: control_cleanup,
    };
    let reads = match kind {
        WorkflowKind::RtEventsProcessing => due_reads(&keys::due_prefix(exec_id, Queue::Rt), now, n),
        WorkflowKind::BatchEventsProcessing => due_reads(&keys::due_prefix(exec_id, Queue::Batch), now, n),
        WorkflowKind::Mta => due_reads(&keys::mta_prefix(exec_id), now, n),
        WorkflowKind::UpdateEventsStatus => {
            let p = keys::upd_prefix(exec_id);
            vec![ReadReq::Range { lt: keys::prefix_end(&p), gte: p, limit: n }]
        }
        WorkflowKind::McSynch => {
            let p = keys::chg_prefix(exec_id);
            vec![ReadReq::Range { lt: keys::prefix_end(&p), gte: p, limit: n }]
        }
        WorkflowKind::Cleanup => {
            let (scope, delay) = if control_cleanup {
                (keys::SCOPE_HISTO.to_string(), eng.st.config.event_histo_purge_delay_ms)
            } else {
                (keys::scope_exec(exec_id), eng.st.config.event_purge_delay_ms)
            };
            let p = keys::index_prefix(&scope, keys::IndexKind::All, "");
            let cutoff = now - delay;
            let gte = format!("{p}{}", keys::time_hex(keys::MAX_TIME - cutoff + 1));
            vec![ReadReq::Range { gte, lt: keys::prefix_end(&p), limit: n }]
        }
    };
    read(st, reads)
}

/// Continues a step.
pub fn resume(eng: &mut Engine, mut s: StepState, mut r: Vec<ReadResult>) -> Result<Next> {
    let n = batch(eng) as usize;
    match (s.kind, s.phase) {
        (WorkflowKind::RtEventsProcessing | WorkflowKind::BatchEventsProcessing | WorkflowKind::Mta, 0) => {
            let due = entries(&mut r, 0);
            s.full = due.len() >= n;
            s.next_at = entries(&mut r, 1).first().and_then(|(k, _)| parse_timed(k)).map(|(t, _)| t);
            s.queue_keys = due.into_iter().filter_map(|(k, _)| parse_timed(&k).map(|(t, id)| (k, t, id))).collect();
            s.phase = 1;
            let ks = s
                .queue_keys
                .iter()
                .map(|(_, _, id)| if s.kind == WorkflowKind::Mta { keys::broadlog(*id) } else { keys::event(*id) })
                .collect();
            read(s, vec![ReadReq::Get { keys: ks }])
        }
        (WorkflowKind::RtEventsProcessing | WorkflowKind::BatchEventsProcessing, 1) => process(eng, s, values(&mut r, 0)),
        (WorkflowKind::Mta, 1) => {
            let vals = values(&mut r, 0);
            let mut addrs = BTreeSet::new();
            for ((_, _, id), v) in s.queue_keys.iter().zip(vals) {
                let bl: Option<BroadLogRecord> = decode(&keys::broadlog(*id), v)?;
                if let Some(b) = &bl {
                    // Pending: an attempt checks the quarantine; a bounce coming due must not
                    // overwrite an existing entry (a denylist entry, an earlier quarantine).
                    if b.status == BroadLogStatus::Pending || b.bounce_at.is_some() {
                        addrs.insert(keys::quarantine(s.exec_id, &b.address));
                    }
                }
                s.broadlogs.push(bl);
            }
            s.phase = 2;
            s.qkeys = addrs.into_iter().collect();
            let ks = s.qkeys.clone();
            read(s, vec![ReadReq::Get { keys: ks }])
        }
        (WorkflowKind::Mta, 2) => {
            let mut quarantined = BTreeMap::new();
            for (k, v) in s.qkeys.iter().zip(values(&mut r, 0)) {
                if let Some(v) = v {
                    let rec: serde_json::Value = from_json(k, &v)?;
                    let reason = rec.get("reason").and_then(|x| x.as_str()).unwrap_or("Address on quarantine").to_string();
                    quarantined.insert(k.clone(), reason);
                }
            }
            mta_step(eng, s, quarantined)
        }
        (WorkflowKind::UpdateEventsStatus | WorkflowKind::McSynch | WorkflowKind::Cleanup, 0) => {
            let es = entries(&mut r, 0);
            s.full = es.len() >= n;
            s.queue_keys = es
                .into_iter()
                .filter_map(|(k, v)| {
                    let id = match s.kind {
                        WorkflowKind::McSynch => u64::from_str_radix(&v, 16).ok()?,
                        WorkflowKind::Cleanup => keys::id_from_index_key(&k)?,
                        _ => keys::id_from_tail(&k)?,
                    };
                    Some((k, 0, id))
                })
                .collect();
            s.phase = 1;
            let ids: BTreeSet<u64> = s.queue_keys.iter().map(|(_, _, id)| *id).collect();
            let mut ks = Vec::new();
            for id in ids {
                if s.control {
                    ks.push(keys::histo_event(id));
                } else {
                    ks.push(keys::event(id));
                    ks.push(keys::broadlog(id));
                    if s.kind == WorkflowKind::McSynch {
                        ks.push(keys::histo_event(id));
                        ks.push(keys::histo_broadlog(id));
                    }
                }
            }
            read(s, vec![ReadReq::Get { keys: ks }])
        }
        (WorkflowKind::UpdateEventsStatus, 1) => update_status(eng, s, values(&mut r, 0)),
        (WorkflowKind::McSynch, 1) => archive(eng, s, values(&mut r, 0)),
        (WorkflowKind::Cleanup, 1) => cleanup(eng, s, values(&mut r, 0)),
        _ => err(ErrorCode::InvalidArgument, "unexpected step phase"),
    }
}

/// Ends a step: journal, hints, result.
fn finish(eng: &mut Engine, s: &StepState, counts: BTreeMap<&'static str, u64>, errors: Vec<String>) -> Result<Next> {
    let now = eng.st.clock;
    let kept = eng.st.config.journal_runs_kept;
    let more = s.full;
    let wf = eng.st.workflows.get_mut(&s.key).ok_or_else(|| Error::new(ErrorCode::UnknownWorkflow, s.key.clone()))?;
    let mut cur = wf.current.take().unwrap_or_default();
    cur.steps += 1;
    for (k, v) in &counts {
        *cur.counts.entry((*k).to_string()).or_insert(0) += v;
    }
    cur.errors.extend(errors);
    let scope = wf.instance.clone();
    let name = wf.name.clone();
    let run = cur.run;
    if !more {
        cur.end = Some(now);
        wf.last_run = Some(cur.start);
        wf.next_tick = wf.schedule.first_after(cur.start);
    }
    let journal = records::to_json(&cur);
    if more {
        wf.current = Some(cur);
    }
    eng.touch(format!("m/wf/{}", s.key));
    eng.tx.put(keys::journal(&scope, &name, run), journal);
    if run > kept {
        eng.tx.del(keys::journal(&scope, &name, run - kept));
    }
    Ok(Next::Done(json!({ "instance": scope, "workflow": name, "run": run, "more": more, "counts": counts, "at": now })))
}

fn status_change(ev: &mut EventRecord, status: EventStatus, now: i64, by: &str, note: Option<String>) {
    ev.status = status;
    ev.last_modified = now;
    if status.is_final() {
        ev.processed = Some(now);
    }
    ev.history.push(StatusChange { status, at: now, by: by.to_string(), note });
}

fn run_label(eng: &Engine, key: &str) -> String {
    let wf = &eng.st.workflows[key];
    format!("{}#{}", wf.name, wf.current.as_ref().map_or(wf.runs, |c| c.run))
}

fn delivery_for(eng: &mut Engine, exec_id: u8, copy: &str, now: i64) -> String {
    let month = crate::dates::month_key(now);
    let name = format!("{copy}_{month}");
    let dl = eng.st.deliveries.entry(exec_id).or_default();
    let d = dl.entry(name.clone()).or_insert_with(|| Delivery { name: name.clone(), template: copy.to_string(), month, created: now, messages: 0 });
    d.messages += 1;
    eng.touch(format!("m/dlv/{exec_id:02x}"));
    name
}

fn process(eng: &mut Engine, s: StepState, vals: Vec<Option<String>>) -> Result<Next> {
    let now = eng.st.clock;
    let queue = if s.kind == WorkflowKind::RtEventsProcessing { Queue::Rt } else { Queue::Batch };
    let by = run_label(eng, &s.key);
    let cfg = eng.st.config.clone();
    let seed = eng.st.seed;
    let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut retry_hint: Option<i64> = None;
    let mut mta_hint: Option<i64> = None;
    let mut errors: Vec<String> = Vec::new();
    for ((due_key, _, id), v) in s.queue_keys.iter().zip(vals) {
        eng.tx.del(due_key.clone());
        let Some(old) = decode::<EventRecord>(&keys::event(*id), v)? else {
            *counts.entry("stale").or_default() += 1;
            continue;
        };
        if old.status != EventStatus::Pending || keys::due(s.exec_id, queue, old.process_requested_on, old.id) != *due_key {
            *counts.entry("stale").or_default() += 1;
            continue;
        }
        let mut ev = old.clone();
        ev.processing = Some(now);
        ev.last_modified = now;
        *counts.entry("processed").or_default() += 1;
        if ev.expiration.is_some_and(|x| x < now) {
            status_change(&mut ev, EventStatus::Expired, now, &by, Some("expiration date passed before processing".into()));
            *counts.entry("expired").or_default() += 1;
            put_event(eng, Some(&old), &mut ev);
            continue;
        }
        let copy = eng
            .st
            .published
            .get(&s.exec_id)
            .and_then(|m| {
                m.values()
                    .filter(|c| c.queue == queue && c.event_type == ev.event_type && c.channel == ev.wished_channel)
                    .max_by_key(|c| (c.published_at, c.publish_seq))
            })
            .map(|c| (c.name.clone(), c.publish_seq));
        let Some((copy_name, copy_seq)) = copy else {
            let note = format!(
                "no published template for event type '{}' and channel '{}' in the {} queue",
                ev.event_type,
                ev.wished_channel.name(),
                if queue == Queue::Rt { "real-time" } else { "batch" }
            );
            status_change(&mut ev, EventStatus::NotTakenIntoAccount, now, &by, Some(note));
            *counts.entry("notTakenIntoAccount").or_default() += 1;
            put_event(eng, Some(&old), &mut ev);
            continue;
        };
        let address = ev.address().unwrap_or("").to_string();
        let directive = mta::directive(&address).ok().flatten();
        if let Some(Directive::ProcessingError(limit)) = directive {
            if limit.is_none_or(|n| ev.errors < n) {
                ev.errors += 1;
                let message = format!("simulated processing error {} ({address})", ev.errors);
                errors.push(format!("event {}: {message}", ev.id));
                ev.last_error = Some(message);
                *counts.entry("processingErrors").or_default() += 1;
                if ev.errors >= cfg.max_processing_errors {
                    let note = format!("{} processing errors: the maximum number of tries is reached", ev.errors);
                    status_change(&mut ev, EventStatus::Expired, now, &by, Some(note));
                    *counts.entry("expired").or_default() += 1;
                } else {
                    let delay = cfg.processing_retry_ms.saturating_mul(1i64 << (ev.errors - 1).min(20));
                    ev.process_requested_on = now.saturating_add(delay);
                    eng.tx.put(keys::due(s.exec_id, queue, ev.process_requested_on, ev.id), String::new());
                    lower(&mut retry_hint, ev.process_requested_on);
                    let note = format!("processing error {}/{}: retry at {}", ev.errors, cfg.max_processing_errors, crate::dates::format_iso(ev.process_requested_on));
                    ev.history.push(StatusChange { status: EventStatus::Pending, at: now, by: by.clone(), note: Some(note) });
                }
                put_event(eng, Some(&old), &mut ev);
                continue;
            }
        }
        let parsed = match eng.cache.lookup(copy_seq) {
            Some(p) => p,
            None => {
                let c = &eng.st.published[&s.exec_id][&copy_name];
                let (subject, html, text) = (c.subject.clone(), c.html.clone(), c.text.clone());
                eng.cache.get(copy_seq, &subject, &html, &text)?
            }
        };
        let rendered = parsed.render(&EventRef::new(&ev));
        let delivery = delivery_for(eng, s.exec_id, &copy_name, now);
        let rates = cfg.rates(ev.wished_channel);
        let delay = match directive {
            Some(Directive::Delay(ms)) => ms,
            _ => rates.send_delay_ms + mta::draw_range(seed, ev.id, mta::PURPOSE_DELAY, rates.send_jitter_ms),
        };
        let at = now.saturating_add(delay);
        let mut bl = BroadLogRecord {
            id: ev.id,
            instance: ev.instance.clone(),
            queue,
            delivery: delivery.clone(),
            template: copy_name.clone(),
            channel: ev.wished_channel,
            address,
            status: BroadLogStatus::Pending,
            tries: 0,
            next_action: Some(at),
            sent_at: None,
            bounce_at: None,
            failure_type: None,
            failure_reason: None,
            expiration: ev.expiration,
            rendered,
            created: now,
            last_modified: now,
            log: vec![StatusChangeLine { at: now, text: format!("Message prepared by {by} with '{copy_name}', first attempt at {}", crate::dates::format_iso(at)) }],
            chg_seq: 0,
        };
        eng.tx.put(keys::mta(s.exec_id, at, bl.id), String::new());
        lower(&mut mta_hint, at);
        put_broadlog(eng, 0, &mut bl);
        ev.template = Some(copy_name.clone());
        ev.delivery = Some(delivery);
        status_change(&mut ev, EventStatus::PendingDelivery, now, &by, Some(format!("routed to '{copy_name}'")));
        *counts.entry("routed").or_default() += 1;
        put_event(eng, Some(&old), &mut ev);
    }
    let m = meta(eng, s.exec_id);
    let hint = if s.full { Some(now) } else { s.next_at };
    let slot = if queue == Queue::Rt { &mut m.rt_due } else { &mut m.batch_due };
    *slot = hint;
    if let Some(t) = retry_hint {
        lower(slot, t);
    }
    if let Some(t) = mta_hint {
        lower(&mut m.mta_next, t);
    }
    finish(eng, &s, counts, errors)
}

/// The MTA: one attempt per due delivery log, or an asynchronous bounce coming due.
pub fn mta_step(eng: &mut Engine, s: StepState, quarantined: BTreeMap<String, String>) -> Result<Next> {
    let now = eng.st.clock;
    let cfg = eng.st.config.clone();
    let seed = eng.st.seed;
    let by = run_label(eng, &s.key);
    let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut new_quarantine: BTreeSet<String> = BTreeSet::new();
    let mut hint: Option<i64> = if s.full { Some(now) } else { s.next_at };
    let mut upd = false;
    for ((mkey, at, _), bl) in s.queue_keys.iter().zip(s.broadlogs.iter()) {
        eng.tx.del(mkey.clone());
        let Some(old) = bl else {
            *counts.entry("stale").or_default() += 1;
            continue;
        };
        if old.next_action != Some(*at) {
            *counts.entry("stale").or_default() += 1;
            continue;
        }
        let mut b = old.clone();
        b.next_action = None;
        b.last_modified = now;
        let qkey = keys::quarantine(s.exec_id, &b.address);
        match b.status {
            BroadLogStatus::Pending => {
                *counts.entry("attempts").or_default() += 1;
                if b.expiration.is_some_and(|x| x < now) {
                    b.status = BroadLogStatus::Cancelled;
                    b.failure_type = Some("expired".into());
                    b.failure_reason = Some("the event expired before the message could be sent".into());
                    *counts.entry("cancelled").or_default() += 1;
                } else if let Some(reason) = quarantined.get(&qkey).cloned().or_else(|| new_quarantine.contains(&qkey).then(|| "Address on quarantine".to_string())) {
                    b.status = BroadLogStatus::Ignored;
                    b.failure_type = Some("ignored".into());
                    b.failure_reason = Some(reason);
                    *counts.entry("ignored").or_default() += 1;
                } else {
                    let directive = mta::directive(&b.address).ok().flatten();
                    let outcome = mta::attempt(&cfg, seed, b.id, b.tries, cfg.rates(b.channel), directive);
                    b.tries += 1;
                    match outcome {
                        Attempt::Sent => {
                            b.status = BroadLogStatus::Sent;
                            b.sent_at = Some(now);
                            *counts.entry("sent").or_default() += 1;
                        }
                        Attempt::SentThenBounce(d) => {
                            b.status = BroadLogStatus::Sent;
                            b.sent_at = Some(now);
                            let t = now.saturating_add(d.max(1));
                            b.bounce_at = Some(t);
                            b.next_action = Some(t);
                            *counts.entry("sent").or_default() += 1;
                        }
                        Attempt::Ignored => {
                            b.status = BroadLogStatus::Ignored;
                            b.failure_type = Some("ignored".into());
                            b.failure_reason = Some("simulator test address".into());
                            *counts.entry("ignored").or_default() += 1;
                        }
                        Attempt::Hard => {
                            b.status = BroadLogStatus::Failed;
                            b.failure_type = Some("hard".into());
                            b.failure_reason = Some("Hard bounce: user unknown".into());
                            new_quarantine.insert(qkey.clone());
                            *counts.entry("hardBounces").or_default() += 1;
                        }
                        Attempt::Soft => {
                            *counts.entry("softBounces").or_default() += 1;
                            if b.tries >= cfg.mta_max_tries {
                                b.status = BroadLogStatus::Failed;
                                b.failure_type = Some("soft".into());
                                b.failure_reason = Some(format!("Soft bounce: mailbox full, {} tries made", b.tries));
                            } else {
                                let delay = cfg.mta_retry_ms.saturating_mul(1i64 << (b.tries - 1).min(20));
                                b.next_action = Some(now.saturating_add(delay));
                            }
                        }
                    }
                }
            }
            BroadLogStatus::Sent if b.bounce_at.is_some_and(|t| t <= now) => {
                b.status = BroadLogStatus::Failed;
                b.failure_type = Some("async".into());
                b.failure_reason = Some("Asynchronous bounce after sending: mailbox unavailable".into());
                b.bounce_at = None;
                new_quarantine.insert(qkey.clone());
                *counts.entry("asyncBounces").or_default() += 1;
            }
            _ => {
                *counts.entry("stale").or_default() += 1;
            }
        }
        let text = match (b.status, b.next_action) {
            (BroadLogStatus::Pending, Some(t)) => format!("Soft bounce (try {}), next try at {}", b.tries, crate::dates::format_iso(t)),
            (BroadLogStatus::Sent, Some(t)) => format!("Sent; an asynchronous bounce will arrive at {}", crate::dates::format_iso(t)),
            (st, _) => match &b.failure_reason {
                Some(r) => format!("{} ({r})", st.label()),
                None => st.label().to_string(),
            },
        };
        b.log.push(StatusChangeLine { at: now, text: format!("{text} [{by}]") });
        if let Some(t) = b.next_action {
            eng.tx.put(keys::mta(s.exec_id, t, b.id), String::new());
            lower(&mut hint, t);
        }
        if b.status != old.status {
            eng.tx.put(keys::upd(s.exec_id, b.id), String::new());
            upd = true;
        }
        put_broadlog(eng, old.chg_seq, &mut b);
    }
    for q in &new_quarantine {
        if !quarantined.contains_key(q) {
            let addr = q.rsplit('/').next().unwrap_or("");
            eng.tx.put(q.clone(), json!({ "address": addr, "kind": "quarantine", "reason": "Address on quarantine", "since": now }).to_string());
        }
    }
    let m = meta(eng, s.exec_id);
    m.mta_next = hint;
    if upd {
        lower(&mut m.upd_since, now);
    }
    finish(eng, &s, counts, Vec::new())
}

fn update_status(eng: &mut Engine, s: StepState, vals: Vec<Option<String>>) -> Result<Next> {
    let now = eng.st.clock;
    let by = run_label(eng, &s.key);
    let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut it = vals.into_iter();
    let ids: BTreeSet<u64> = s.queue_keys.iter().map(|(_, _, id)| *id).collect();
    for id in ids {
        let ev: Option<EventRecord> = decode(&keys::event(id), it.next().flatten())?;
        let bl: Option<BroadLogRecord> = decode(&keys::broadlog(id), it.next().flatten())?;
        eng.tx.del(keys::upd(s.exec_id, id));
        let (Some(old), Some(bl)) = (ev, bl) else {
            *counts.entry("stale").or_default() += 1;
            continue;
        };
        let derived = match bl.status {
            BroadLogStatus::Sent => EventStatus::Sent,
            BroadLogStatus::Ignored => EventStatus::Ignored,
            BroadLogStatus::Failed | BroadLogStatus::Cancelled => EventStatus::DeliveryFailed,
            BroadLogStatus::Pending => continue,
        };
        let movable = matches!(old.status, EventStatus::PendingDelivery) || (old.status == EventStatus::Sent && derived == EventStatus::DeliveryFailed);
        if derived == old.status || !movable {
            continue;
        }
        let mut ev = old.clone();
        status_change(&mut ev, derived, now, &by, bl.failure_reason.clone());
        put_event(eng, Some(&old), &mut ev);
        *counts.entry(derived.name()).or_default() += 1;
    }
    let m = meta(eng, s.exec_id);
    m.upd_since = if s.full { Some(now) } else { None };
    finish(eng, &s, counts, Vec::new())
}

fn archive(eng: &mut Engine, s: StepState, vals: Vec<Option<String>>) -> Result<Next> {
    let now = eng.st.clock;
    let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut it = vals.into_iter();
    let ids: BTreeSet<u64> = s.queue_keys.iter().map(|(_, _, id)| *id).collect();
    for id in ids {
        let ev: Option<EventRecord> = decode(&keys::event(id), it.next().flatten())?;
        let bl: Option<BroadLogRecord> = decode(&keys::broadlog(id), it.next().flatten())?;
        let old_h: Option<EventRecord> = decode(&keys::histo_event(id), it.next().flatten())?;
        let _old_hb = it.next();
        if let Some(mut ev) = ev {
            ev.archived = Some(now);
            ev.chg_seq = 0;
            records::put_histo_event(eng, old_h.as_ref(), &ev);
            *counts.entry("events").or_default() += 1;
        }
        if let Some(mut bl) = bl {
            bl.chg_seq = 0;
            eng.tx.put(keys::histo_broadlog(id), records::to_json(&bl));
            *counts.entry("deliveryLogs").or_default() += 1;
        }
    }
    let mut watermark = 0;
    for (k, _, _) in &s.queue_keys {
        eng.tx.del(k.clone());
        if let Some(seq) = k.rsplit('/').next().and_then(|x| u64::from_str_radix(x, 16).ok()) {
            watermark = watermark.max(seq);
        }
    }
    let m = meta(eng, s.exec_id);
    m.chg_since = if s.full { Some(now) } else { None };
    if let Some(wf) = eng.st.workflows.get_mut(&s.key) {
        wf.watermark = wf.watermark.max(watermark);
    }
    finish(eng, &s, counts, Vec::new())
}

fn cleanup(eng: &mut Engine, s: StepState, vals: Vec<Option<String>>) -> Result<Next> {
    let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut it = vals.into_iter();
    let ids: BTreeSet<u64> = s.queue_keys.iter().map(|(_, _, id)| *id).collect();
    for id in ids {
        if s.control {
            if let Some(h) = decode::<EventRecord>(&keys::histo_event(id), it.next().flatten())? {
                records::delete_histo_event(eng, &h);
                *counts.entry("archivedEventsPurged").or_default() += 1;
            }
        } else {
            let ev: Option<EventRecord> = decode(&keys::event(id), it.next().flatten())?;
            let bl: Option<BroadLogRecord> = decode(&keys::broadlog(id), it.next().flatten())?;
            if let Some(ev) = ev {
                records::delete_event(eng, &ev);
                *counts.entry("eventsPurged").or_default() += 1;
            }
            if let Some(bl) = bl {
                records::delete_broadlog(eng, &bl);
                *counts.entry("deliveryLogsPurged").or_default() += 1;
            }
        }
    }
    finish(eng, &s, counts, Vec::new())
}
