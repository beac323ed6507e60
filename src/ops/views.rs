//! What the API shows: records turned into JSON with the product's labels and ISO dates.

use serde_json::{json, Value};

use crate::dates::{format_campaign, format_iso};
use crate::engine::Engine;
use crate::error::{Error, ErrorCode, Result};
use crate::input::Queue;
use crate::model::{BroadLogRecord, EventRecord, EventStatus};
use crate::ops::schedule::{next_effective, CONTROL};
use crate::state::{wf_key, RunLog, WorkflowKind, WorkflowState};

fn iso(t: Option<i64>) -> Value {
    t.map_or(Value::Null, |t| Value::String(format_iso(t)))
}

fn queue_name(q: Queue) -> &'static str {
    match q {
        Queue::Rt => "rt",
        Queue::Batch => "batch",
    }
}

/// An event, as the API shows it.
pub fn event(ev: &EventRecord) -> Value {
    json!({
        "id": ev.id.to_string(),
        "instance": ev.instance,
        "executionInstanceId": ev.exec_id(),
        "queue": queue_name(ev.queue),
        "type": ev.event_type,
        "email": ev.email,
        "mobilePhone": ev.mobile_phone,
        "externalId": ev.external_id,
        "origin": ev.origin,
        "wishedChannel": ev.wished_channel.name(),
        "wishedChannelCode": ev.wished_channel.code(),
        "emailFormat": ev.email_format,
        "language": ev.language,
        "country": ev.country,
        "scheduled": iso(ev.scheduled),
        "expiration": iso(ev.expiration),
        "registrationToken": ev.registration_token,
        "mobileApp": ev.mobile_app,
        "ctx": ev.ctx,
        "created": format_iso(ev.created),
        "lastModified": format_iso(ev.last_modified),
        "status": ev.status.name(),
        "statusLabel": ev.status.label(),
        "statusCode": ev.status.code(),
        "restStatus": ev.status.rest_name(),
        "processRequestedOn": format_iso(ev.process_requested_on),
        "processing": iso(ev.processing),
        "processed": iso(ev.processed),
        "errors": ev.errors,
        "lastError": ev.last_error,
        "template": ev.template,
        "delivery": ev.delivery,
        "history": ev.history.iter().map(|h| json!({
            "status": h.status.name(),
            "statusLabel": h.status.label(),
            "at": format_iso(h.at),
            "by": h.by,
            "note": h.note,
        })).collect::<Vec<_>>(),
        "archived": iso(ev.archived),
    })
}

/// A delivery log, as the API shows it.
pub fn broadlog(b: &BroadLogRecord) -> Value {
    json!({
        "id": b.id.to_string(),
        "instance": b.instance,
        "delivery": b.delivery,
        "template": b.template,
        "channel": b.channel.name(),
        "address": b.address,
        "status": b.status.label(),
        "statusCode": b.status.code(),
        "tries": b.tries,
        "nextAction": iso(b.next_action),
        "sentAt": iso(b.sent_at),
        "bounceAt": iso(b.bounce_at),
        "failureType": b.failure_type,
        "failureReason": b.failure_reason,
        "subject": b.rendered.subject,
        "html": b.rendered.html,
        "text": b.rendered.text,
        "created": format_iso(b.created),
        "lastModified": format_iso(b.last_modified),
        "log": b.log.iter().map(|l| json!({ "at": format_iso(l.at), "text": l.text })).collect::<Vec<_>>(),
    })
}

/// Clock, seed and configuration.
pub fn settings(eng: &Engine) -> Value {
    json!({
        "now": format_iso(eng.st.clock),
        "nowMs": eng.st.clock,
        "seed": eng.st.seed.to_string(),
        "config": eng.st.config,
    })
}

/// The warning Campaign shows on an account without archiving workflow.
pub const NO_ARCHIVING_WARNING: &str = "The archiving workflow does not seem to exist for this execution instance.";

/// One external account.
pub fn account(eng: &Engine, name: &str) -> Value {
    let Some(a) = eng.st.accounts.get(name) else { return Value::Null };
    let wf = format!("mcSynch_{name}");
    let has = eng.st.workflows.contains_key(&wf_key(CONTROL, &wf));
    json!({
        "name": a.name,
        "label": a.label,
        "type": "Message Center execution instance",
        "url": a.url,
        "enabled": a.enabled,
        "executionInstanceId": a.execution_instance_id,
        "archivingWorkflow": if has { Value::String(wf) } else { Value::Null },
        "warning": if has { Value::Null } else { Value::String(NO_ARCHIVING_WARNING.into()) },
    })
}

/// Every external account.
pub fn accounts(eng: &Engine) -> Value {
    Value::Array(eng.st.accounts.keys().map(|k| account(eng, k)).collect())
}

/// The `eventType` enumeration.
pub fn event_types(eng: &Engine) -> Value {
    Value::Array(eng.st.event_types.values().map(|t| json!({ "name": t.name, "label": t.label })).collect())
}

/// One template.
pub fn template(eng: &Engine, name: &str) -> Result<Value> {
    let t = eng
        .st
        .templates
        .get(name)
        .ok_or_else(|| Error::new(ErrorCode::UnknownTemplate, format!("no transactional message template named '{name}'")))?;
    Ok(json!({
        "name": t.name,
        "label": t.label,
        "eventType": t.event_type,
        "channel": t.channel.name(),
        "subject": t.subject,
        "html": t.html,
        "text": t.text,
        "seeds": t.seeds,
        "publication": t.publication.label(),
        "publishedAt": iso(t.published_at),
        "created": format_iso(t.created),
        "lastModified": format_iso(t.last_modified),
    }))
}

/// Every template.
pub fn templates(eng: &Engine) -> Value {
    Value::Array(eng.st.templates.keys().filter_map(|k| template(eng, k).ok()).collect())
}

fn exec_id(eng: &Engine, instance: &str) -> Result<u8> {
    eng.st
        .accounts
        .get(instance)
        .map(|a| a.execution_instance_id)
        .ok_or_else(|| Error::new(ErrorCode::UnknownInstance, format!("no execution instance named '{instance}'")))
}

/// Published copies on an execution instance.
pub fn published(eng: &Engine, instance: &str) -> Result<Value> {
    let id = exec_id(eng, instance)?;
    let copies = eng.st.published.get(&id).map(|m| m.values().collect::<Vec<_>>()).unwrap_or_default();
    Ok(Value::Array(
        copies
            .into_iter()
            .map(|c| json!({
                "name": c.name, "template": c.template, "label": c.label, "queue": queue_name(c.queue),
                "eventType": c.event_type, "channel": c.channel.name(), "publicationStatus": "In production",
                "mode": "Bulk delivery", "publishedAt": format_iso(c.published_at),
            }))
            .collect(),
    ))
}

/// Execution deliveries of an execution instance.
pub fn deliveries(eng: &Engine, instance: &str) -> Result<Value> {
    let id = exec_id(eng, instance)?;
    let ds = eng.st.deliveries.get(&id).map(|m| m.values().collect::<Vec<_>>()).unwrap_or_default();
    Ok(Value::Array(
        ds.into_iter()
            .map(|d| json!({ "name": d.name, "template": d.template, "month": d.month, "created": format_iso(d.created), "messages": d.messages }))
            .collect(),
    ))
}

/// One workflow.
pub fn workflow(eng: &Engine, key: &str) -> Value {
    let Some(w) = eng.st.workflows.get(key) else { return Value::Null };
    let next = if w.state == WorkflowState::Started {
        match w.kind {
            WorkflowKind::Mta => next_effective(eng, w),
            _ => Some(w.schedule.first_at_or_after(w.next_tick.max(eng.st.clock))),
        }
    } else {
        None
    };
    json!({
        "name": w.name,
        "label": w.label,
        "instance": w.instance,
        "folder": if w.kind == WorkflowKind::Mta { "Administration > Production > Processes" } else { "Administration > Production > Message Center" },
        "state": w.state,
        "stateLabel": w.state.label(),
        "schedule": w.schedule,
        "lastRun": iso(w.last_run),
        "nextRun": iso(next),
        "runs": w.runs,
        "inProgress": w.current.is_some(),
        "watermark": if w.kind == WorkflowKind::McSynch { Value::from(w.watermark) } else { Value::Null },
    })
}

/// Workflows of one instance, or all.
pub fn workflows(eng: &Engine, instance: Option<&str>) -> Result<Value> {
    if let Some(i) = instance {
        if i != CONTROL && !eng.st.accounts.contains_key(i) {
            return Err(Error::new(ErrorCode::UnknownInstance, format!("no instance named '{i}'")));
        }
    }
    Ok(Value::Array(
        eng.st
            .workflows
            .iter()
            .filter(|(_, w)| instance.is_none_or(|i| w.instance == i))
            .map(|(k, _)| workflow(eng, k))
            .collect(),
    ))
}

/// One journal run.
pub fn run(r: &RunLog) -> Value {
    json!({
        "run": r.run, "workflow": r.workflow, "instance": r.instance, "start": format_iso(r.start),
        "end": iso(r.end), "steps": r.steps, "counts": r.counts, "errors": r.errors,
    })
}

/// mcPing: Ok or Error, time, pending real-time events / threshold.
pub fn mc_ping(eng: &Engine, instance: &str) -> Result<Value> {
    let id = exec_id(eng, instance)?;
    let pending: i64 = eng
        .st
        .inst
        .get(&id)
        .map(|m| m.counters.iter().filter(|(k, _)| k.starts_with("rt|") && k.ends_with(&format!("|{}", EventStatus::Pending.name()))).map(|(_, n)| *n).sum())
        .unwrap_or(0);
    let threshold = eng.st.config.rt_queue_alert;
    let ok = (pending as u64) <= threshold;
    let time = format_campaign(eng.st.clock);
    let text = if ok {
        format!("Ok\n{time}\n{pending}/{threshold} pending events")
    } else {
        format!("Error\nThe queue is full ({pending}/{threshold})")
    };
    Ok(json!({ "status": if ok { "Ok" } else { "Error" }, "time": time, "pending": pending, "threshold": threshold, "text": text }))
}
