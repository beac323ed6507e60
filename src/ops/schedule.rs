//! Which workflow is due, and when. Idle ticks are skipped without running: each instance keeps a
//! lower bound of when work may exist (its "hints"), so a workflow's next effective run is its
//! first tick at or after that bound. Ties are broken by a fixed order (processing, MTA, status
//! update, archiving, cleanup; then by instance), so the same inputs give the same timeline.

use serde_json::{json, Value};

use crate::engine::Engine;
use crate::error::{err, Error, ErrorCode, Result};
use crate::model::EventStatus;
use crate::state::{wf_key, Workflow, WorkflowKind, WorkflowState};

/// The instance name of the control.
pub const CONTROL: &str = "control";

/// Internal name and label of a workflow kind (`account` for mcSynch).
pub fn names(kind: WorkflowKind, account: Option<&str>) -> (String, String) {
    match kind {
        WorkflowKind::RtEventsProcessing => ("rtEventsProcessing".into(), "Processing real time events".into()),
        WorkflowKind::BatchEventsProcessing => ("batchEventsProcessing".into(), "Processing batch events".into()),
        WorkflowKind::UpdateEventsStatus => ("updateEventsStatus".into(), "Update event status".into()),
        WorkflowKind::Mta => ("mta".into(), "Delivery (MTA)".into()),
        WorkflowKind::Cleanup => ("cleanup".into(), "Database cleanup".into()),
        WorkflowKind::McSynch => {
            let a = account.unwrap_or("");
            (format!("mcSynch_{a}"), format!("Message Center {a}"))
        }
    }
}

/// A new workflow of that kind on `instance`.
pub fn new_workflow(eng: &Engine, instance: &str, kind: WorkflowKind, account: Option<&str>, state: WorkflowState) -> Workflow {
    let (name, label) = names(kind, account);
    let s = &eng.st.config.schedules;
    let schedule = match kind {
        WorkflowKind::RtEventsProcessing => s.rt_events_processing,
        WorkflowKind::BatchEventsProcessing => s.batch_events_processing,
        WorkflowKind::UpdateEventsStatus => s.update_events_status,
        WorkflowKind::McSynch => s.mc_synch,
        WorkflowKind::Cleanup => s.cleanup,
        WorkflowKind::Mta => crate::config::Schedule::every(1000),
    };
    Workflow {
        name,
        label,
        instance: instance.to_string(),
        kind,
        state,
        schedule,
        last_run: None,
        next_tick: schedule.first_at_or_after(eng.st.clock),
        runs: 0,
        current: None,
        watermark: 0,
    }
}

/// The key of a workflow, accepting the seed page's spelling `updateEventStatus`.
pub fn find_workflow_key(eng: &Engine, instance: &str, name: &str) -> Result<String> {
    if instance != CONTROL && !eng.st.accounts.contains_key(instance) {
        return err(ErrorCode::UnknownInstance, format!("no instance named '{instance}' (use 'control' or an execution instance's account name)"));
    }
    let name = if name == "updateEventStatus" { "updateEventsStatus" } else { name };
    let key = wf_key(instance, name);
    if eng.st.workflows.contains_key(&key) {
        Ok(key)
    } else {
        err(ErrorCode::UnknownWorkflow, format!("no workflow '{name}' on '{instance}'"))
    }
}

/// The execution instance id a workflow works on (None for the control's cleanup).
pub fn exec_id_of(eng: &Engine, wf: &Workflow) -> Option<u8> {
    let account = if wf.kind == WorkflowKind::McSynch { wf.name.strip_prefix("mcSynch_")? } else { wf.instance.as_str() };
    eng.st.accounts.get(account).map(|a| a.execution_instance_id)
}

/// When the workflow would next do work, None if it has nothing to do.
pub fn next_effective(eng: &Engine, wf: &Workflow) -> Option<i64> {
    if wf.state != WorkflowState::Started {
        return None;
    }
    let clock = eng.st.clock;
    if let Some(cur) = &wf.current {
        return Some(cur.start.max(clock));
    }
    let meta = exec_id_of(eng, wf).and_then(|i| eng.st.inst.get(&i));
    let hint = match wf.kind {
        WorkflowKind::RtEventsProcessing => meta?.rt_due?,
        WorkflowKind::BatchEventsProcessing => meta?.batch_due?,
        WorkflowKind::UpdateEventsStatus => meta?.upd_since?,
        WorkflowKind::McSynch => {
            let acc = wf.name.strip_prefix("mcSynch_")?;
            if !eng.st.accounts.get(acc)?.enabled {
                return None;
            }
            meta?.chg_since?
        }
        // The MTA works in one-second ticks: every message due within a second goes in one step
        // (one storage transaction), as a real MTA sends in waves.
        WorkflowKind::Mta => meta?.mta_next?,
        WorkflowKind::Cleanup => i64::MIN,
    };
    let from = hint.max(wf.next_tick).max(clock);
    Some(wf.schedule.first_at_or_after(from))
}

/// The next (time, workflow key) due at or before `until`.
pub fn next_due(eng: &Engine, until: i64) -> Option<(i64, String)> {
    let mut best: Option<(i64, WorkflowKind, u8, String)> = None;
    for (key, wf) in &eng.st.workflows {
        let Some(t) = next_effective(eng, wf) else { continue };
        if t > until {
            continue;
        }
        let inst = exec_id_of(eng, wf).unwrap_or(255);
        let cand = (t, wf.kind, inst, key.clone());
        if best.as_ref().is_none_or(|b| (cand.0, cand.1, cand.2, &cand.3) < (b.0, b.1, b.2, &b.3)) {
            best = Some(cand);
        }
    }
    best.map(|(t, _, _, k)| (t, k))
}

/// `nextDue` as JSON: `{at, instance, name}` or null.
pub fn next_due_json(eng: &Engine, until: i64) -> Value {
    match next_due(eng, until) {
        None => Value::Null,
        Some((t, key)) => {
            let wf = &eng.st.workflows[&key];
            json!({ "at": t, "instance": wf.instance, "name": wf.name })
        }
    }
}

fn started(eng: &Engine, instance: &str, name: &str) -> bool {
    eng.st.workflows.get(&wf_key(instance, name)).is_some_and(|w| w.state == WorkflowState::Started)
}

/// Why an event cannot reach `wanted` from where it is, or null if it still can.
pub fn wait_check(
    eng: &Engine,
    wanted: &str,
    current: &str,
    bounce_pending: bool,
    queue: &str,
    instance: &str,
) -> Result<Value> {
    let wanted = EventStatus::parse(wanted).ok_or_else(|| Error::new(ErrorCode::InvalidArgument, format!("'{wanted}' is not an event status")))?;
    let current = EventStatus::parse(current).ok_or_else(|| Error::new(ErrorCode::InvalidArgument, format!("'{current}' is not an event status")))?;
    if wanted == current {
        return Ok(json!({ "reached": true }));
    }
    let processing = if queue == "batch" { "batchEventsProcessing" } else { "rtEventsProcessing" };
    let reason: Option<String> = match current {
        EventStatus::Sent if bounce_pending && wanted == EventStatus::DeliveryFailed => {
            if !started(eng, instance, "mta") {
                Some(format!("the event is Sent with a bounce pending, but the MTA of '{instance}' is stopped"))
            } else {
                (!started(eng, instance, "updateEventsStatus")).then(|| "the event is Sent with a bounce pending, but updateEventsStatus is not started".to_string())
            }
        }
        s if s.is_final() => Some(format!("the event is '{}', a final status: it will never become '{}'", s.label(), wanted.label())),
        EventStatus::Pending => {
            if wanted == EventStatus::Pending {
                None
            } else if !started(eng, instance, processing) {
                Some(format!("the event is Pending and {processing} on '{instance}' is not started (start it: execution workflows start out stopped)"))
            } else {
                None
            }
        }
        EventStatus::PendingDelivery => {
            if wanted == EventStatus::Pending {
                Some("the event is Pending delivery: it never goes back to Pending".to_string())
            } else if !started(eng, instance, "mta") {
                Some(format!("the event is Pending delivery and the MTA of '{instance}' is stopped"))
            } else if !started(eng, instance, "updateEventsStatus") {
                Some(format!("the event is Pending delivery and updateEventsStatus on '{instance}' is not started"))
            } else {
                None
            }
        }
        _ => None,
    };
    Ok(match reason {
        Some(r) => json!({ "reached": false, "blocked": r }),
        None => json!({ "reached": false }),
    })
}
