//! PushEvent / PushEvents: parse, validate every event, then write them all (or none). The events
//! of one call take consecutive ids on one execution instance, so they fill one or two pages: the
//! call writes one data fragment and the state page per page, and one due record. An event is
//! durable once that transaction commits, which is before its id is returned.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::{err, Error, ErrorCode, Result};
use crate::events::validate;
use crate::input;
use crate::io::{GetId, Reads, Results};
use crate::keys::{self, PageId, Scope, PAGE};
use crate::model::{EventStatus, Queue};
use crate::ops::{Continuation, Next, OpState};
use crate::pages::Page;
use crate::records::{EventData, EventState, IdList, StatusChange};
use crate::soap;
use crate::txn::Txn;
use crate::views::{OpResult, PushResult, PushedEvent, SoapReply};

/// The target that spreads calls over the enabled execution instances (round robin, one call to
/// one instance, as a load balancer in front of the execution cluster does with HTTP requests).
pub const LOAD_BALANCER: &str = "loadBalancer";

/// A push.
#[derive(Debug, Clone, PartialEq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PushRequest {
    /// Account name of an execution instance, or `loadBalancer` (the default).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub target: Option<String>,
    /// `xml` or `json`.
    pub format: String,
    /// The document (the binding layer may pass it aside, as bytes).
    #[serde(default)]
    #[ts(optional, as = "Option<String>")]
    pub text: String,
    /// Queue for JSON events that do not say (`rt` default).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub queue: Option<String>,
    /// Exactly one event expected (PushEvent).
    #[serde(default)]
    #[ts(optional, as = "Option<bool>")]
    pub single: bool,
}

/// A push waiting for the page it appends to: the push, and the read of the page's state and
/// summary.
#[derive(Debug)]
pub struct PushRead {
    op: PushOp,
    read: GetId,
}

/// A push: its events validated, its ids given.
#[derive(Debug)]
pub struct PushOp {
    /// Answer as SOAP, for this service.
    soap: Option<soap::Service>,
    /// Answer this instead, and go on there (a generator's step).
    then: Option<Box<(OpResult, Continuation)>>,
    events: Vec<EventData>,
    ii: u8,
    account: String,
    first: u64,
    single: bool,
    /// Whether the first page holds earlier events.
    appends: bool,
}

fn pick_instance(txn: &mut Txn<'_>, target: &str) -> Result<u8> {
    if target == LOAD_BALANCER {
        // An instance of another process takes its pushes there (behind its own load balancer).
        let mut enabled: Vec<u8> = txn.st().accounts.values().filter(|a| a.enabled && !a.remote).map(|a| a.execution_instance_id).collect();
        if enabled.is_empty() {
            return err(ErrorCode::NoInstanceAvailable, "the load balancer has no enabled execution instance");
        }
        enabled.sort_unstable();
        let c = txn.control_mut();
        let i = (c.lb_counter % enabled.len() as u64) as usize;
        c.lb_counter += 1;
        return Ok(enabled[i]);
    }
    txn.st()
        .exec_id(target)
        .ok_or_else(|| Error::new(ErrorCode::UnknownInstance, format!("no execution instance named '{}'", crate::tree::excerpt(target))))
}

/// Parses and validates the document, then asks for the page the events are appended to (if it
/// holds events already).
pub fn begin(txn: &mut Txn<'_>, p: PushRequest) -> Result<Next> {
    let limits = txn.config().limits();
    if p.text.len() > limits.max_document_bytes {
        return err(
            ErrorCode::InputTooLarge,
            format!("the document is {} bytes, over the limit of {} bytes", p.text.len(), limits.max_document_bytes),
        );
    }
    let default_queue = match p.queue.as_deref() {
        None => Queue::Rt,
        Some(q) => Queue::parse(q).ok_or_else(|| {
            Error::new(ErrorCode::InvalidArgument, format!("queue '{}' is neither 'rt' nor 'batch'", crate::tree::excerpt(q)))
        })?,
    };
    let raws = match p.format.as_str() {
        "xml" => input::xml::parse_events(&p.text, &limits)?,
        "json" => input::json::parse_events(&p.text, &limits)?,
        f => return err(ErrorCode::InvalidArgument, format!("format '{}' is neither 'xml' nor 'json'", crate::tree::excerpt(f))),
    };
    push_events(txn, raws, p.target.as_deref(), p.single, default_queue, None, None)
}

/// A generator's events (one PushEvents call): answered with the generator's progress.
pub(crate) fn push_generated(
    txn: &mut Txn<'_>,
    raws: Vec<input::RawEvent>,
    target: Option<&str>,
    queue: Queue,
    then: Continuation,
    result: OpResult,
) -> Result<Next> {
    push_events(txn, raws, target, false, queue, None, Some(Box::new((result, then))))
}

/// The events of a SOAP PushEvent / PushEvents: pushed (a fault if the engine refuses one, and
/// nothing is pushed), answered as Campaign does.
pub fn soap_push(txn: &mut Txn<'_>, call: soap::Call, target: Option<&str>) -> Result<Next> {
    let limits = txn.config().limits();
    let fault = |f: &soap::Fault| Ok(Next::Done(OpResult::Soap(SoapReply::fault(f)), None));
    let (single, doc) = match (&call.method, call.document) {
        (soap::Method::PushEvent, Some(d)) => (true, d),
        (soap::Method::PushEvents, Some(d)) => (false, d),
        // A method name other than PushEvent/PushEvents: plId 0 (reference §3.5).
        _ => return Ok(Next::Done(OpResult::Soap(SoapReply::ok(soap::push_event_reply(call.service, 0), Vec::new())), None)),
    };
    let method = call.method.name().to_string();
    let queue = call.service.queue().unwrap_or(Queue::Rt);
    // Every error of reading and validating the events comes before anything is changed (the
    // instance is picked and ids taken last), so answering it as a fault writes nothing.
    let pushed =
        input::xml::events_from_node(doc, &limits).and_then(|raws| push_events(txn, raws, target, single, queue, Some(call.service), None));
    match pushed {
        Ok(next) => Ok(next),
        Err(e) => fault(&soap::refused_fault(call.service, &method, &e)),
    }
}

/// Validates the events, then asks for the page they are appended to (if it holds events).
fn push_events(
    txn: &mut Txn<'_>,
    raws: Vec<input::RawEvent>,
    target: Option<&str>,
    single: bool,
    default_queue: Queue,
    soap: Option<soap::Service>,
    then: Option<Box<(OpResult, Continuation)>>,
) -> Result<Next> {
    if single && raws.len() != 1 {
        return err(ErrorCode::InvalidEvent, format!("PushEvent takes one event, the document holds {}", raws.len()));
    }
    let target = target.unwrap_or(LOAD_BALANCER);
    if target != LOAD_BALANCER {
        match txn.st().accounts.get(target) {
            None => return err(ErrorCode::UnknownInstance, format!("no execution instance named '{}'", crate::tree::excerpt(target))),
            Some(a) if a.remote => {
                return err(
                    ErrorCode::NoInstanceAvailable,
                    format!("'{}' runs in another process: push to it at {}", a.name, crate::tree::excerpt(&a.url)),
                )
            }
            Some(_) => {}
        }
    }
    let total = raws.len();
    let mut events: Vec<EventData> = Vec::with_capacity(total);
    for (i, raw) in raws.into_iter().enumerate() {
        let v = validate(txn.st(), raw, default_queue).map_err(|e| {
            if single {
                e
            } else {
                Error::new(e.code, format!("event {} of {total}: {}", i + 1, e.message))
            }
        })?;
        events.push(v);
    }
    // One call is one HTTP request: behind a load balancer it lands on one execution instance.
    let ii = pick_instance(txn, target)?;
    let account = txn.st().account_by_id(ii).map(|a| a.name.clone()).unwrap_or_default();
    let m = txn.inst_mut(ii);
    let first = m.seq + 1;
    let purged_below = m.purged_below;
    m.seq += total as u64;
    let pg = first / PAGE;
    let page = PageId { scope: Scope::Exec, ii, pg };
    // The first page holds earlier events unless this call starts it (or they were all purged).
    let earlier = first > purged_below.max(pg * PAGE).max(1);
    let op = PushOp { soap, then, events, ii, account, first, single, appends: earlier };
    if earlier {
        let mut reads = Reads::new();
        let read = reads.get(vec![keys::state_key(page), keys::summary_key(page)]);
        Ok(Next::Read(OpState::Push(PushRead { op, read }), reads))
    } else {
        finish(txn, op, None, None)
    }
}

/// The first page as read.
pub fn resume(txn: &mut Txn<'_>, PushRead { op, read }: PushRead, mut r: Results) -> Result<Next> {
    let [state, summary] = r.take_array(read)?;
    finish(txn, op, state, summary)
}

fn finish(txn: &mut Txn<'_>, op: PushOp, first_state: Option<String>, first_summary: Option<String>) -> Result<Next> {
    let now = txn.now();
    let by = if op.single { "PushEvent" } else { "PushEvents" };
    let mut pages: BTreeMap<u64, Page> = BTreeMap::new();
    let mut due: BTreeMap<(Queue, i64), Vec<u64>> = BTreeMap::new();
    let mut out = Vec::with_capacity(op.events.len());
    let first_pg = op.first / PAGE;
    for (i, v) in op.events.into_iter().enumerate() {
        let seq = op.first + i as u64;
        let id = keys::id_of(op.ii, seq);
        let (pg, slot) = (seq / PAGE, (seq % PAGE) as u8);
        let page = match pages.entry(pg) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => {
                let id = PageId { scope: Scope::Exec, ii: op.ii, pg };
                let mut p = Page::new(id);
                if pg == first_pg && op.appends {
                    p.load_state(first_state.clone())?;
                    p.load_summary(first_summary.as_deref())?;
                } else {
                    // A page no event was ever pushed into (or all of whose events are purged):
                    // it holds no record.
                    p.load_state(None)?;
                    p.load_summary(None)?;
                    txn.known_empty(keys::page_prefix(id), keys::page_run_end(id));
                }
                e.insert(p)
            }
        };
        let due_at = v.scheduled.map_or(now, |s| s.max(now));
        due.entry((v.queue, due_at)).or_default().push(seq);
        out.push(PushedEvent { id: id.to_string(), instance: op.account.clone(), queue: v.queue });
        let data = EventData { created: now, ..v };
        let state = EventState {
            queue: data.queue,
            event_type: data.event_type.clone(),
            channel: data.wished_channel,
            created: now,
            status: EventStatus::Pending,
            process_requested_on: due_at,
            processing: None,
            processed: None,
            last_modified: now,
            errors: 0,
            last_error: None,
            template: None,
            delivery: None,
            history: vec![StatusChange { status: EventStatus::Pending, at: now, by: by.to_string(), note: None }],
            log: None,
            archived: None,
        };
        page.insert(slot, &data, state)?;
    }
    for ((q, at), seqs) in due {
        let m = txn.inst_mut(op.ii);
        let n = m.next_qseq();
        let hint = m.due_mut(q);
        *hint = Some(hint.map_or(at, |h| h.min(at)));
        txn.put(keys::due_key(op.ii, q, at, n), IdList(seqs).encode());
    }
    for (_, p) in pages {
        txn.finish_page(p)?;
    }
    if let Some(then) = op.then {
        let (result, cont) = *then;
        return Ok(Next::Done(result, Some(cont)));
    }
    let result = match op.soap {
        None => OpResult::Push(PushResult { events: out }),
        Some(service) => {
            let ids: Vec<u64> = (0..out.len() as u64).map(|i| keys::id_of(op.ii, op.first + i)).collect();
            let reply = if op.single {
                soap::push_event_reply(service, ids[0])
            } else {
                soap::push_events_reply(service, &ids, txn.config().soap_push_events_ids)
            };
            OpResult::Soap(SoapReply::ok(reply, out))
        }
    };
    Ok(Next::Done(result, None))
}
