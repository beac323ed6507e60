//! An event's story in plain words: its timeline (time in the queue, routing, time at the MTA,
//! time to the status copy, archiving, each with the workflow run behind it, in virtual time) and
//! "Why?" for every status. While something is still to come, what the event waits for
//! ("rtEventsProcessing is stopped on mcExec1", "scheduled for 10:00", "retry after a processing
//! error at 08:04, 2 of 5 tries", "the MTA retries a soft bounce at 08:30"); once final, its cause
//! in the product's words, from what the core kept: the delivery log (tries, failure type and
//! reason, the run that acted), the status history's notes (routing, expiry), the quarantine or
//! denylist entry of the address (which, and since when), and the control's catalogue (an event
//! type unknown there). The page only shows them.

use crate::dates::format_iso;
use crate::model::{BroadLogStatus, EventStatus, FailureType, Queue};
use crate::records::{DeliveryLog, EventState, LogKind, LogLine, QuarantineEntry, QuarantineKind};
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

/// What "Why?" may use beyond the event's state: facts kept elsewhere.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Facts<'a> {
    /// The event's `@expiration` (from its data).
    pub expiration: Option<i64>,
    /// The quarantine or denylist entry of its address on its execution instance, when read (the
    /// status list does not read it; the event's detail does).
    pub quarantine: Option<&'a QuarantineEntry>,
}

/// A date as the console writes it: `2026-01-02 08:32:20 UTC`.
fn date(t: i64) -> String {
    let iso = format_iso(t);
    format!("{} {} UTC", &iso[..10], &iso[11..19])
}

fn tries(n: u32) -> String {
    if n == 1 {
        "1 try".to_string()
    } else {
        format!("{n} tries")
    }
}

/// The last MTA action that set the delivery log to one of these statuses.
fn last_action<'a>(log: &'a DeliveryLog, statuses: &[BroadLogStatus]) -> Option<&'a LogLine> {
    log.log.iter().rev().find(|x| x.kind == LogKind::Action && statuses.contains(&x.status))
}

/// "at 2026-… UTC (mta#3)", or nothing when the log has no such line.
fn when_by(line: Option<&LogLine>) -> String {
    line.map(|l| format!(" at {} ({})", date(l.at), l.by)).unwrap_or_default()
}

/// The quarantine entry, when it already held at `t` (an entry added later is not the cause).
fn entry_at<'a>(facts: &Facts<'a>, t: Option<i64>) -> Option<&'a QuarantineEntry> {
    facts.quarantine.filter(|e| t.is_none_or(|t| e.since <= t))
}

/// Where the address stands now, after a bounce that quarantines it.
fn quarantined_after(log: &DeliveryLog, facts: &Facts<'_>) -> String {
    match facts.quarantine {
        Some(e) if e.kind == QuarantineKind::Quarantine => format!("; {} is on quarantine since {}", log.address, date(e.since)),
        Some(e) => format!("; {} is on the denylist since {}", log.address, date(e.since)),
        None => format!("; {} was put on quarantine", log.address),
    }
}

fn sent(s: &EventState, log: &DeliveryLog) -> String {
    let line = last_action(log, &[BroadLogStatus::Sent]);
    let at = log.sent_at.or(line.map(|l| l.at)).map(|t| format!(" at {}", date(t))).unwrap_or_default();
    let by = line.map(|l| format!(" ({})", l.by)).unwrap_or_default();
    let copy = s
        .history
        .iter()
        .rev()
        .find(|c| c.status == EventStatus::Sent)
        .map(|c| format!("; {} copied the status to the event at {}", c.by, date(c.at)))
        .unwrap_or_default();
    format!("Sent: delivered by the MTA{at}{by}, after {}{copy}", tries(log.tries.max(1)))
}

fn failed(log: &DeliveryLog, facts: &Facts<'_>) -> String {
    let line = last_action(log, &[BroadLogStatus::Failed, BroadLogStatus::Cancelled]);
    let reason = log.failure_reason.clone().unwrap_or_else(|| "no reason was recorded".to_string());
    match log.failure_type {
        Some(FailureType::Hard) => {
            format!("Delivery failed: hard bounce{}: {reason}{}", when_by(line), quarantined_after(log, facts))
        }
        Some(FailureType::Soft) => {
            format!("Delivery failed: soft bounce retries exhausted after {}, the last{}: {reason}", tries(log.tries), when_by(line))
        }
        Some(FailureType::Async) => format!(
            "Delivery failed: sent{}, then an asynchronous bounce{}: {reason}{}",
            log.sent_at.map(|t| format!(" at {}", date(t))).unwrap_or_default(),
            when_by(line),
            quarantined_after(log, facts)
        ),
        Some(FailureType::Expired) => format!(
            "Delivery failed: the event's expiration date{} passed before the MTA could send the message; it was cancelled{}",
            log.expiration.or(facts.expiration).map(|t| format!(" ({})", date(t))).unwrap_or_default(),
            when_by(line)
        ),
        Some(FailureType::Personalization) => {
            format!("Delivery failed: the message could not be built for this event (personalization error): {reason}")
        }
        Some(FailureType::Ignored) | None => format!("Delivery failed{}: {reason}", when_by(line)),
    }
}

fn ignored(log: &DeliveryLog, facts: &Facts<'_>, instance: &str) -> String {
    let line = last_action(log, &[BroadLogStatus::Ignored]);
    let reason = log.failure_reason.as_deref().unwrap_or("");
    let addr = &log.address;
    let cause = match entry_at(facts, line.map(|l| l.at)) {
        Some(e) if e.kind == QuarantineKind::Denylist => {
            format!("{addr} is on the denylist of {instance} since {} ({})", date(e.since), e.reason)
        }
        Some(e) => format!("{addr} is on quarantine on {instance} since {} ({})", date(e.since), e.reason),
        None => match reason {
            "Denylisted" => format!("{addr} is on the denylist of {instance} ({reason})"),
            "Address on quarantine" => format!("{addr} is on quarantine on {instance} ({reason})"),
            "simulator test address" => format!("{addr} is the simulator's test address of a message the delivery ignores"),
            "" => format!("the delivery did not send to {addr}"),
            other => other.to_string(),
        },
    };
    let by = line.map(|l| format!("; the MTA set the delivery log to Ignored at {} ({})", date(l.at), l.by)).unwrap_or_default();
    format!("Ignored by the delivery: {cause}{by}")
}

fn not_taken(st: &State, s: &EventState, instance: &str) -> String {
    let change = s.history.iter().rev().find(|c| c.status == EventStatus::NotTakenIntoAccount);
    let what = change.and_then(|c| c.note.clone()).unwrap_or_else(|| "no published template for it".to_string());
    let (at, by) = change.map(|c| (date(c.at), c.by.clone())).unwrap_or_default();
    let mut out = format!("Event not taken into account: at {at}, {by} found {what} on {instance}");
    if !st.event_types.contains_key(&s.event_type) {
        out.push_str(&format!("; the event type '{}' is unknown on the control (not a value of the eventType enumeration)", s.event_type));
    } else {
        let templates: Vec<&crate::state::Template> =
            st.templates.values().filter(|t| t.event_type.as_deref() == Some(s.event_type.as_str()) && t.channel == s.channel).collect();
        match templates.iter().find(|t| t.published_at.is_none()) {
            _ if templates.is_empty() => out.push_str(&format!(
                "; the control has no template of event type '{}' and channel '{}': create one and publish it",
                s.event_type,
                s.channel.name()
            )),
            Some(t) if templates.iter().all(|t| t.published_at.is_none()) => {
                out.push_str(&format!("; the control's template '{}' has this event type and channel but is not published", t.name))
            }
            _ => out.push_str("; a template of this event type and channel is published now: a new event would be routed"),
        }
    }
    out
}

fn expired(s: &EventState, facts: &Facts<'_>) -> String {
    let change = s.history.iter().rev().find(|c| c.status == EventStatus::Expired);
    let note = change.and_then(|c| c.note.clone()).unwrap_or_default();
    let by_at = change.map(|c| format!("{} at {}", c.by, date(c.at))).unwrap_or_default();
    if note.starts_with("expiration date passed") {
        let exp = facts.expiration.map(|t| format!(" ({})", date(t))).unwrap_or_default();
        return format!("Event expired: its expiration date{exp} passed before processing: {by_at} found it too old to send");
    }
    if note.contains("processing errors") {
        let last = s.last_error.as_ref().map(|e| format!("; the last error: {e}")).unwrap_or_default();
        return format!("Event expired: {note} ({by_at}){last}");
    }
    if note.is_empty() {
        format!("Event expired ({by_at})")
    } else {
        format!("Event expired: {note} ({by_at})")
    }
}

/// "Why?" of an event in any status, in plain words: what it waits for while something is still
/// to come, else the cause of its final status.
pub(crate) fn why(st: &State, s: &EventState, instance: &str, max_errors: u32, facts: &Facts<'_>) -> Option<String> {
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
            let Some(log) = s.log.as_ref() else { return Some("Sent: delivered by the MTA".to_string()) };
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
            Some(sent(s, log))
        }
        EventStatus::DeliveryFailed => Some(s.log.as_ref().map_or_else(|| "Delivery failed".to_string(), |l| failed(l, facts))),
        EventStatus::Ignored => Some(s.log.as_ref().map_or_else(|| "Ignored by the delivery".to_string(), |l| ignored(l, facts, instance))),
        EventStatus::NotTakenIntoAccount => Some(not_taken(st, s, instance)),
        EventStatus::Expired => Some(expired(s, facts)),
    }
}

/// "Why?" of an event as it stood at `t` (the time slider): its status then, since when and by
/// what (what followed is not told).
pub(crate) fn as_of(then: &EventState, t: i64) -> String {
    let last = then.history.last();
    let since = last.map_or(String::new(), |c| format!(" since {} ({})", format_iso_text(c.at), c.by));
    let note = last.and_then(|c| c.note.as_deref()).map_or(String::new(), |n| format!(": {n}"));
    format!("As it stood at {}: {}{since}{note}.", format_iso_text(t), then.status.label())
}

/// `2026-01-01 08:04:10 UTC`.
fn format_iso_text(t: i64) -> String {
    let iso = format_iso(t);
    format!("{} {} UTC", &iso[..10], &iso[11..19])
}
