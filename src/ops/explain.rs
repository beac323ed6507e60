//! An event's story in plain words: its timeline (time in the queue, routing, time at the MTA,
//! time to the status copy, archiving, each with the workflow run behind it, in virtual time) and
//! "Why?", what an event not in a final status waits for ("rtEventsProcessing is stopped on
//! mcExec1", "scheduled for 10:00", "retry after a processing error at 08:04, 2 of 5 tries", "the
//! MTA retries a soft bounce at 08:30"). The page only shows them.

use crate::dates::format_iso;
use crate::model::{BroadLogStatus, EventStatus, Queue};
use crate::records::{EventState, LogKind};
use crate::state::{wf_key, State, WorkflowKind, WorkflowState};
use crate::views::TimelineStep;

/// The console's time of day (`08:04:10`, UTC) and, when it is not the clock's day, the date.
fn at(t: i64, now: i64) -> String {
    let iso = format_iso(t);
    let (day, time) = (&iso[..10], &iso[11..19]);
    if format_iso(now)[..10] == *day {
        time.to_string()
    } else {
        format!("{day} {time}")
    }
}

fn step(label: &str, from: i64, to: Option<i64>, now: i64, by: Option<&str>) -> TimelineStep {
    TimelineStep {
        label: label.to_string(),
        from: format_iso(from),
        to: to.map(format_iso),
        duration_ms: to.unwrap_or(now).saturating_sub(from).max(0),
        ongoing: to.is_none(),
        by: by.map(str::to_string),
    }
}

/// The timeline of an event (`s`: its execution state, or the control's copy once purged there).
/// `archived`: when the control's copy was last written, and by which run, if it exists.
pub(crate) fn timeline(s: &EventState, archived: Option<(i64, Option<&str>)>, now: i64) -> Vec<TimelineStep> {
    let mut out = Vec::new();
    // The change that took it out of the queue: routed (Pending delivery), or a final status set by
    // processing (not taken into account, expired).
    let routed = s.history.iter().skip(1).find(|c| c.status != EventStatus::Pending);
    let errors = s.history.iter().skip(1).filter(|c| c.status == EventStatus::Pending).count();
    let queue_label =
        if errors > 0 { format!("Time in the queue ({errors} processing error(s))") } else { "Time in the queue".to_string() };
    out.push(step(
        &queue_label,
        s.created,
        routed.map(|c| c.at).or(s.processed.filter(|_| routed.is_none() && s.status.is_final())),
        now,
        routed.map(|c| c.by.as_str()),
    ));
    let Some(routed) = routed else { return out };
    if routed.status != EventStatus::PendingDelivery {
        // Not taken into account, or expired at processing: no message.
        return out;
    }
    out.push(step("Routing", s.processing.unwrap_or(routed.at).min(routed.at), Some(routed.at), now, Some(&routed.by)));
    let log = s.log.as_ref();
    // At the MTA: from routing to the delivery log's last outcome (sent, failed, ignored).
    let outcome = log.and_then(|l| {
        l.log.iter().rev().find(|x| {
            x.kind == LogKind::Action
                && matches!(x.status, BroadLogStatus::Sent | BroadLogStatus::Failed | BroadLogStatus::Ignored | BroadLogStatus::Cancelled)
        })
    });
    let first_outcome = log.and_then(|l| {
        l.log.iter().find(|x| {
            x.kind == LogKind::Action
                && matches!(x.status, BroadLogStatus::Sent | BroadLogStatus::Failed | BroadLogStatus::Ignored | BroadLogStatus::Cancelled)
        })
    });
    let mta_label = match log.map(|l| l.tries) {
        Some(n) if n > 1 => format!("Time at the MTA ({n} tries)"),
        _ => "Time at the MTA".to_string(),
    };
    out.push(step(&mta_label, routed.at, first_outcome.map(|x| x.at), now, first_outcome.map(|x| x.by.as_str())));
    let Some(first_outcome) = first_outcome else { return out };
    // The status copy: the change updateEventsStatus made after the MTA's outcome.
    let copied = s
        .history
        .iter()
        .find(|c| c.at >= first_outcome.at && c.status != EventStatus::PendingDelivery && c.by.starts_with("updateEventsStatus"));
    out.push(step("Time to the status copy", first_outcome.at, copied.map(|c| c.at), now, copied.map(|c| c.by.as_str())));
    // A later asynchronous bounce, and its copy.
    if let (Some(o), Some(_)) = (outcome, copied) {
        if o.at > first_outcome.at {
            let again = s.history.iter().rev().find(|c| c.at >= o.at && c.by.starts_with("updateEventsStatus"));
            out.push(step("Asynchronous bounce, to its status copy", o.at, again.map(|c| c.at), now, again.map(|c| c.by.as_str())));
        }
    }
    if let Some((t, by)) = archived {
        let last = s.last_modified.min(t);
        out.push(step("Archiving (to the control's event history)", last, Some(t), now, by));
    }
    out
}

fn state_of(st: &State, instance: &str, name: &str) -> Option<WorkflowState> {
    st.workflows.get(&wf_key(instance, name)).map(|w| w.state)
}

fn not_running(st: &State, instance: &str, name: &str) -> Option<String> {
    match state_of(st, instance, name) {
        Some(WorkflowState::Started) => None,
        Some(WorkflowState::Paused) => Some(format!("{name} is paused on {instance}")),
        Some(_) => Some(format!("{name} is stopped on {instance}")),
        None => Some(format!("{name} does not exist on {instance}")),
    }
}

fn next_run(st: &State, instance: &str, name: &str, now: i64) -> String {
    let next = st.workflows.get(&wf_key(instance, name)).map(|w| match w.kind {
        WorkflowKind::Mta => crate::ops::schedule::next_effective(st, w),
        _ => Some(w.schedule.first_at_or_after(w.next_tick.max(st.clock))),
    });
    match next.flatten() {
        Some(t) => format!("its next run is at {}", at(t, now)),
        None => "at its next run".to_string(),
    }
}

/// What an event not in a final status waits for, in plain words; None when it is final and
/// nothing more is to come.
pub(crate) fn why(st: &State, s: &EventState, instance: &str, max_errors: u32) -> Option<String> {
    let now = st.clock;
    let processing = match s.queue {
        Queue::Rt => "rtEventsProcessing",
        Queue::Batch => "batchEventsProcessing",
    };
    match s.status {
        EventStatus::Pending => {
            if s.process_requested_on > now {
                if s.errors > 0 {
                    let last = s.processing.unwrap_or(s.created);
                    return Some(format!(
                        "retry after a processing error at {}, {} of {max_errors} tries: it is processed again at {}{}",
                        at(last, now),
                        s.errors,
                        at(s.process_requested_on, now),
                        s.last_error.as_ref().map(|e| format!(" (the error: {e})")).unwrap_or_default()
                    ));
                }
                let blocked =
                    not_running(st, instance, processing).map(|b| format!("; {b}: start it, or it waits past that")).unwrap_or_default();
                return Some(format!("scheduled for {}: it is not processed before then{blocked}", at(s.process_requested_on, now)));
            }
            if let Some(b) = not_running(st, instance, processing) {
                return Some(format!("{b}: the event waits in the queue until it runs"));
            }
            Some(format!("waiting in the queue for {processing} on {instance}: {}", next_run(st, instance, processing, now)))
        }
        EventStatus::PendingDelivery => {
            let Some(log) = &s.log else {
                return Some("routed, its delivery log is being prepared".to_string());
            };
            match log.status {
                BroadLogStatus::Pending => {
                    if let Some(b) = not_running(st, instance, "mta") {
                        return Some(format!("the MTA is stopped on {instance}: the message waits to be sent ({b})"));
                    }
                    let next = log.next_action.map(|t| at(t, now)).unwrap_or_else(|| "its next wave".to_string());
                    if log.tries > 0 {
                        let reason = log.failure_reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default();
                        Some(format!("the MTA retries a soft bounce at {next}, after {} tries{reason}", log.tries))
                    } else {
                        Some(format!("the MTA sends the message at {next}"))
                    }
                }
                _ => {
                    let outcome = log.status.label();
                    if let Some(b) = not_running(st, instance, "updateEventsStatus") {
                        return Some(format!(
                            "the delivery log is {outcome}, and {b}: the event keeps Pending delivery until it copies the status"
                        ));
                    }
                    Some(format!(
                        "the delivery log is {outcome}: updateEventsStatus copies it to the event, {}",
                        next_run(st, instance, "updateEventsStatus", now)
                    ))
                }
            }
        }
        EventStatus::Sent => {
            let log = s.log.as_ref()?;
            if let Some(t) = log.bounce_at {
                let blocked = not_running(st, instance, "mta").map(|b| format!(" ({b})")).unwrap_or_default();
                return Some(format!(
                    "Sent, but an asynchronous bounce arrives at {}: it will then become Delivery failed{blocked}",
                    at(t, now)
                ));
            }
            if log.status == BroadLogStatus::Failed {
                return Some(format!(
                    "Sent, but its delivery log failed since (an asynchronous bounce): updateEventsStatus makes it Delivery failed, {}",
                    next_run(st, instance, "updateEventsStatus", now)
                ));
            }
            None
        }
        _ => None,
    }
}
