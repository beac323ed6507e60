//! Which workflow is due, and when. Idle ticks are skipped without running: each instance keeps a
//! lower bound of when work may exist (its "hints"), so a workflow's next effective run is its
//! first tick at or after that bound. Ties are broken by a fixed order (processing, MTA, status
//! update, archiving, cleanup; then by instance), so the same inputs give the same timeline.

use crate::error::{err, ErrorCode, Result};
use crate::model::{EventStatus, Queue};
use crate::state::{wf_key, State, Workflow, WorkflowKind, WorkflowState};

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
pub fn new_workflow(st: &State, instance: &str, kind: WorkflowKind, account: Option<&str>, state: WorkflowState) -> Workflow {
    let (name, label) = names(kind, account);
    let s = &st.config.schedules;
    let schedule = match kind {
        WorkflowKind::RtEventsProcessing => s.rt_events_processing,
        WorkflowKind::BatchEventsProcessing => s.batch_events_processing,
        WorkflowKind::UpdateEventsStatus => s.update_events_status,
        WorkflowKind::McSynch => s.mc_synch,
        WorkflowKind::Cleanup => s.cleanup,
        WorkflowKind::Mta => crate::config::Schedule::every(MTA_TICK),
    };
    Workflow {
        name,
        label,
        instance: instance.to_string(),
        kind,
        state,
        schedule,
        last_run: None,
        next_tick: schedule.first_at_or_after(st.clock),
        runs: 0,
        current: None,
        watermark: 0,
    }
}

/// The MTA works in waves of this period: every message due within it goes in one step.
pub const MTA_TICK: i64 = 1000;

/// The MTA tick at which a message due at `t` is attempted.
pub fn mta_tick(t: i64) -> i64 {
    crate::config::Schedule::every(MTA_TICK).first_at_or_after(t)
}

/// The key of a workflow, accepting the seed page's spelling `updateEventStatus`.
pub fn find_workflow_key(st: &State, instance: &str, name: &str) -> Result<String> {
    if instance != CONTROL && !st.accounts.contains_key(instance) {
        return err(
            ErrorCode::UnknownInstance,
            format!("no instance named '{}' (use 'control' or an execution instance's account name)", crate::tree::excerpt(instance)),
        );
    }
    let name = if name == "updateEventStatus" { "updateEventsStatus" } else { name };
    let key = wf_key(instance, name);
    if st.workflows.contains_key(&key) {
        Ok(key)
    } else {
        err(ErrorCode::UnknownWorkflow, format!("no workflow '{}' on '{instance}'", crate::tree::excerpt(name)))
    }
}

/// The account a workflow works on (the archived one for mcSynch; None for the control's cleanup).
pub fn account_of(wf: &Workflow) -> Option<&str> {
    if wf.kind == WorkflowKind::McSynch {
        wf.name.strip_prefix("mcSynch_")
    } else if wf.instance == CONTROL {
        None
    } else {
        Some(&wf.instance)
    }
}

/// The execution instance id a workflow works on (None for the control's cleanup).
pub fn exec_id_of(st: &State, wf: &Workflow) -> Option<u8> {
    st.exec_id(account_of(wf)?)
}

/// When the workflow would next do work, None if it has nothing to do.
pub fn next_effective(st: &State, wf: &Workflow) -> Option<i64> {
    if wf.state != WorkflowState::Started {
        return None;
    }
    let clock = st.clock;
    if let Some(cur) = &wf.current {
        return Some(cur.start.max(clock));
    }
    let meta = exec_id_of(st, wf).and_then(|i| st.inst.get(&i));
    let hint = match wf.kind {
        WorkflowKind::RtEventsProcessing => meta?.rt_due?,
        WorkflowKind::BatchEventsProcessing => meta?.batch_due?,
        WorkflowKind::UpdateEventsStatus => meta?.upd_since?,
        WorkflowKind::McSynch => {
            let account = st.accounts.get(account_of(wf)?)?;
            if !account.enabled {
                return None;
            }
            // The changes of a remote instance are made in its own process: poll at every tick.
            if account.remote {
                i64::MIN
            } else {
                meta?.chg_since?
            }
        }
        // The MTA works in one-second waves: every message due within a second goes in one step
        // (one storage transaction), as a real MTA sends in waves.
        WorkflowKind::Mta => meta?.mta_next?,
        WorkflowKind::Cleanup => i64::MIN,
    };
    let from = hint.max(wf.next_tick).max(clock);
    Some(wf.schedule.first_at_or_after(from))
}

/// The next (time, workflow key) due at or before `until`.
pub fn next_due(st: &State, until: i64) -> Option<(i64, String)> {
    let mut best: Option<(i64, WorkflowKind, u8, &String)> = None;
    for (key, wf) in &st.workflows {
        let Some(t) = next_effective(st, wf) else { continue };
        if t > until {
            continue;
        }
        let inst = exec_id_of(st, wf).unwrap_or(255);
        let cand = (t, wf.kind, inst, key);
        if best.as_ref().is_none_or(|b| cand < *b) {
            best = Some(cand);
        }
    }
    best.map(|(t, _, _, k)| (t, k.clone()))
}

fn started(st: &State, instance: &str, name: &str) -> bool {
    st.workflows.get(&wf_key(instance, name)).is_some_and(|w| w.state == WorkflowState::Started)
}

/// What may still change a Sent event: an asynchronous bounce to come (through the MTA), or one
/// come and not yet copied to the event (by `updateEventsStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StillToCome {
    /// Nothing.
    Nothing,
    /// A bounce, from the MTA.
    Bounce,
    /// The copy of a bounce, by `updateEventsStatus`.
    Copy,
}

/// Why an event cannot reach `wanted` from where it is (None: it still can).
pub fn blocked(
    st: &State,
    wanted: EventStatus,
    current: EventStatus,
    to_come: StillToCome,
    queue: Queue,
    instance: &str,
) -> Option<String> {
    let processing = names(WorkflowKind::processing(queue), None).0;
    match current {
        EventStatus::Sent if to_come != StillToCome::Nothing && wanted == EventStatus::DeliveryFailed => {
            if to_come == StillToCome::Bounce && !started(st, instance, "mta") {
                Some(format!("the event is Sent with a bounce pending, but the MTA of '{instance}' is stopped"))
            } else {
                (!started(st, instance, "updateEventsStatus"))
                    .then(|| "the event is Sent with a bounce pending, but updateEventsStatus is not started".to_string())
            }
        }
        s if s.is_final() => Some(format!("the event is '{}', a final status: it will never become '{}'", s.label(), wanted.label())),
        EventStatus::Pending => (!started(st, instance, &processing)).then(|| {
            format!(
                "the event is Pending and {processing} on '{instance}' is not started (start it: execution workflows start out stopped)"
            )
        }),
        EventStatus::PendingDelivery => {
            if wanted == EventStatus::Pending {
                Some("the event is Pending delivery: it never goes back to Pending".to_string())
            } else if !started(st, instance, "mta") {
                Some(format!("the event is Pending delivery and the MTA of '{instance}' is stopped"))
            } else if !started(st, instance, "updateEventsStatus") {
                Some(format!("the event is Pending delivery and updateEventsStatus on '{instance}' is not started"))
            } else {
                None
            }
        }
        _ => None,
    }
}
