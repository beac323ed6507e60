//! PushEvent / PushEvents: parse, validate every event, then write them all (or none). An event is
//! durable once the transaction that carries it commits, which is before its id is returned.

use serde::Deserialize;
use serde_json::json;

use crate::engine::Engine;
use crate::error::{err, Error, ErrorCode, Result};
use crate::events::{validate, ValidEvent};
use crate::input::{self, Queue};
use crate::keys;
use crate::model::{EventRecord, EventStatus, StatusChange};
use crate::ops::records::{lower, meta, put_event};
use crate::ops::Next;

/// The target that spreads calls over the enabled execution instances (round robin, one call to
/// one instance, as a load balancer in front of the execution cluster does with HTTP requests).
pub const LOAD_BALANCER: &str = "loadBalancer";

/// A push.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PushRequest {
    /// Account name of an execution instance, or `loadBalancer`.
    pub target: String,
    /// `xml` or `json`.
    pub format: String,
    /// The document.
    pub text: String,
    /// Queue for JSON events that do not say (`rt` default).
    #[serde(default)]
    pub queue: Option<String>,
    /// Exactly one event expected (PushEvent).
    #[serde(default)]
    pub single: bool,
}

fn pick_instance(eng: &mut Engine, target: &str) -> Result<u8> {
    if target == LOAD_BALANCER {
        let enabled: Vec<u8> = eng.st.accounts.values().filter(|a| a.enabled).map(|a| a.execution_instance_id).collect();
        if enabled.is_empty() {
            return err(ErrorCode::NoInstanceAvailable, "the load balancer has no enabled execution instance");
        }
        let mut sorted = enabled;
        sorted.sort_unstable();
        let i = (eng.st.control.lb_counter % sorted.len() as u64) as usize;
        eng.st.control.lb_counter += 1;
        eng.touch("m/control");
        return Ok(sorted[i]);
    }
    eng.st
        .accounts
        .get(target)
        .map(|a| a.execution_instance_id)
        .ok_or_else(|| Error::new(ErrorCode::UnknownInstance, format!("no execution instance named '{target}'")))
}

/// Pushes the events of one document.
pub fn push(eng: &mut Engine, p: PushRequest) -> Result<Next> {
    let limits = eng.st.config.limits();
    if p.text.len() > limits.max_document_bytes {
        return err(
            ErrorCode::InputTooLarge,
            format!("the document is {} bytes, over the limit of {} bytes", p.text.len(), limits.max_document_bytes),
        );
    }
    let default_queue = match p.queue.as_deref() {
        None | Some("rt") => Queue::Rt,
        Some("batch") => Queue::Batch,
        Some(q) => return err(ErrorCode::InvalidArgument, format!("queue '{q}' is neither 'rt' nor 'batch'")),
    };
    let raws = match p.format.as_str() {
        "xml" => input::xml::parse_events(&p.text, &limits)?,
        "json" => input::json::parse_events(&p.text, &limits)?,
        f => return err(ErrorCode::InvalidArgument, format!("format '{f}' is neither 'xml' nor 'json'")),
    };
    if p.single && raws.len() != 1 {
        return err(ErrorCode::InvalidEvent, format!("PushEvent takes one event, the document holds {}", raws.len()));
    }
    if p.target != LOAD_BALANCER && !eng.st.accounts.contains_key(&p.target) {
        return err(ErrorCode::UnknownInstance, format!("no execution instance named '{}'", p.target));
    }
    let total = raws.len();
    let mut valid: Vec<ValidEvent> = Vec::with_capacity(total);
    for (i, raw) in raws.into_iter().enumerate() {
        let v = validate(&eng.st, raw, default_queue).map_err(|e| {
            if p.single {
                e
            } else {
                Error::new(e.code, format!("event {} of {total}: {}", i + 1, e.message))
            }
        })?;
        valid.push(v);
    }
    let by = if p.single { "PushEvent" } else { "PushEvents" };
    let now = eng.st.clock;
    let mut ids = Vec::with_capacity(valid.len());
    // One call is one HTTP request: behind a load balancer it lands on one execution instance.
    let exec_id = pick_instance(eng, &p.target)?;
    for v in valid {
        let account = eng.st.account_by_id(exec_id).map(|a| a.name.clone()).unwrap_or_default();
        let m = meta(eng, exec_id);
        m.seq += 1;
        let id = (u64::from(exec_id) << 56) | (m.seq & 0x00FF_FFFF_FFFF_FFFF);
        let due = v.scheduled.map_or(now, |s| s.max(now));
        match v.queue {
            Queue::Rt => lower(&mut m.rt_due, due),
            Queue::Batch => lower(&mut m.batch_due, due),
        }
        let mut ev = EventRecord {
            id,
            instance: account.clone(),
            queue: v.queue,
            event_type: v.event_type,
            email: v.email,
            mobile_phone: v.mobile_phone,
            external_id: v.external_id,
            origin: v.origin,
            wished_channel: v.wished_channel,
            email_format: v.email_format,
            language: v.language,
            country: v.country,
            scheduled: v.scheduled,
            expiration: v.expiration,
            registration_token: v.registration_token,
            mobile_app: v.mobile_app,
            ctx: v.ctx,
            created: now,
            last_modified: now,
            status: EventStatus::Pending,
            process_requested_on: due,
            processing: None,
            processed: None,
            errors: 0,
            last_error: None,
            template: None,
            delivery: None,
            history: vec![StatusChange { status: EventStatus::Pending, at: now, by: by.to_string(), note: None }],
            chg_seq: 0,
            archived: None,
        };
        eng.tx.put(keys::due(exec_id, ev.queue, due, id), String::new());
        put_event(eng, None, &mut ev);
        ids.push(json!({ "id": id.to_string(), "instance": account, "queue": ev.queue }));
    }
    Ok(Next::Done(json!({ "events": ids })))
}
