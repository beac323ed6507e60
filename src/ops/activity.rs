//! The activity feed: what the workflows did across the instances, newest first, one line per run
//! in the product's words ("rtEventsProcessing on mcExec1 took 3 events from the real-time queue
//! and routed 3 to orderConfirmation_rt"), each with links to what it touched; and what each
//! workflow does, for the clock's "next step". Read from the workflows' journals (the runs kept,
//! `journalRunsKept`): nothing is written for the feed.
//!
//! A *mark* says how far a reader has seen: every workflow's run count (and, for a run still in
//! progress, its steps). An answer carries the mark of its moment; asked again with it, the feed
//! answers only what ran since (the console says what a "Next step" or an "Advance" did).

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use crate::dates::format_iso;
use crate::error::{err, Error, ErrorCode, Result};
use crate::io::{RangeId, Reads};
use crate::keys;
use crate::model::{EventStatus, Queue};
use crate::ops::schedule::CONTROL;
use crate::ops::{Next, OpState};
use crate::state::{RunCount, RunLog, State, Workflow, WorkflowKind};
use crate::views::{DueStep, OpResult};

/// Lines answered when the caller names no limit.
pub const DEFAULT_LINES: u32 = 50;
/// Most lines one answer holds.
pub const MAX_LINES: u32 = 500;
/// Longest mark accepted (a few dozen workflows' counts).
const MAX_MARK: usize = 16 * 1024;

/// The feed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    /// The runs, newest first.
    pub lines: Vec<ActivityLine>,
    /// How far this answer goes: pass it as `since` to have only what runs after.
    pub mark: String,
    /// The next workflow step due, if any.
    pub next: Option<DueStep>,
    /// Asked `since` a mark: how far the clock moved since, in words ("The clock moved 1 h, from
    /// 00:00:00 to 01:00:00 UTC", "The clock stayed at 00:00:10 UTC").
    pub moved: Option<String>,
}

/// One run of a workflow, told.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActivityLine {
    /// When it ended (when it started, while in progress), ISO 8601.
    pub at: String,
    /// `control` or the account name.
    pub instance: String,
    /// Workflow internal name.
    pub workflow: String,
    /// Run number.
    pub run: u32,
    /// What it did, in the product's words.
    pub text: String,
    /// Whether the run is still in progress (it goes on at the next step).
    pub ongoing: bool,
    /// Errors it met.
    pub errors: u32,
    /// What it touched.
    pub links: Vec<ActivityLink>,
}

/// Something a run touched, for the console to link to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActivityLink {
    /// What the link says.
    pub label: String,
    /// What it leads to.
    pub kind: LinkKind,
    /// `control` or the account name.
    pub instance: String,
    /// The workflow's or the published copy's internal name; the status of a status list (none: all).
    pub name: Option<String>,
}

/// Where a link leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum LinkKind {
    /// The workflow's journal.
    Workflow,
    /// A published template copy of an execution instance (`orderConfirmation_rt`).
    Published,
    /// The execution deliveries of an execution instance.
    Deliveries,
    /// The status list of an instance (`name`: a status, or none for all).
    Events,
}

/// What a workflow does, in a few words (the clock's "next step" says it).
pub fn what_it_does(kind: WorkflowKind) -> &'static str {
    match kind {
        WorkflowKind::RtEventsProcessing => "routes the real-time queue's events to their published templates",
        WorkflowKind::BatchEventsProcessing => "routes the batch queue's events to their published templates",
        WorkflowKind::Mta => "the MTA sends the messages due",
        WorkflowKind::UpdateEventsStatus => "gives each event the status of its message",
        WorkflowKind::McSynch => "archives the execution instance's events and delivery logs on the control",
        WorkflowKind::Cleanup => "deletes what is past its retention",
    }
}

/// "rtEventsProcessing on mcExec1", "The MTA of mcExec1", "mcSynch_mcExec1 on the control".
fn who(instance: &str, workflow: &str, kind: Option<WorkflowKind>) -> String {
    match (kind, instance) {
        (Some(WorkflowKind::Mta), i) => format!("The MTA of {i}"),
        (_, CONTROL) => format!("{workflow} on the control"),
        (_, i) => format!("{workflow} on {i}"),
    }
}

/// The next step due, told.
pub fn due_step(st: &State, at: i64, key: &str) -> DueStep {
    let wf = &st.workflows[key];
    let who = who(&wf.instance, &wf.name, Some(wf.kind));
    let text = format!("{who} at {}: {}", time_of(at, st.clock), what_it_does(wf.kind));
    DueStep { at, instance: wf.instance.clone(), name: wf.name.clone(), who, text }
}

/// `08:04:10`, with the date when it is not the clock's day (UTC).
fn time_of(t: i64, now: i64) -> String {
    let iso = format_iso(t);
    if format_iso(now)[..10] == iso[..10] {
        iso[11..19].to_string()
    } else {
        format!("{} {}", &iso[..10], &iso[11..19])
    }
}

/// A count with its noun: "1 event", "3 events".
fn n(count: u64, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

/// A list in words: "a", "a and b", "a, b and c".
fn and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// What a run did, in words, and what it touched.
pub fn tell(run: &RunLog, kind: Option<WorkflowKind>) -> (String, Vec<ActivityLink>) {
    let c = |k: RunCount| run.counts.get(&k).copied().unwrap_or(0);
    let inst = run.instance.as_str();
    let mut links = vec![ActivityLink {
        label: format!("{} run #{}", run.workflow, run.run),
        kind: LinkKind::Workflow,
        instance: inst.to_string(),
        name: Some(run.workflow.clone()),
    }];
    let status_link = |s: EventStatus, count: u64| ActivityLink {
        label: format!("{} {}", count, s.label()),
        kind: LinkKind::Events,
        instance: inst.to_string(),
        name: Some(s.name().to_string()),
    };
    let subject = who(inst, &run.workflow, kind);
    let mut text = match kind {
        Some(k @ (WorkflowKind::RtEventsProcessing | WorkflowKind::BatchEventsProcessing)) => {
            let queue = if k.queue() == Some(Queue::Batch) { "batch" } else { "real-time" };
            let mut did = Vec::new();
            if !run.routed_to.is_empty() {
                let to: Vec<String> = run.routed_to.iter().map(|(d, m)| format!("{m} to {d}")).collect();
                did.push(format!("routed {} (now \"Pending delivery\")", and(&to)));
                for d in run.routed_to.keys() {
                    links.push(ActivityLink {
                        label: d.clone(),
                        kind: LinkKind::Published,
                        instance: inst.to_string(),
                        name: Some(d.clone()),
                    });
                }
            } else if c(RunCount::Routed) > 0 {
                did.push(format!("routed {}", n(c(RunCount::Routed), "event", "events")));
            }
            for (count, status) in
                [(c(RunCount::NotTakenIntoAccount), EventStatus::NotTakenIntoAccount), (c(RunCount::Expired), EventStatus::Expired)]
            {
                if count > 0 {
                    did.push(format!("{count} became \"{}\"", status.label()));
                    links.push(status_link(status, count));
                }
            }
            if c(RunCount::PersonalizationErrors) > 0 {
                did.push(format!(
                    "{} could not be built (personalization error: \"Delivery failed\" once updateEventsStatus copies it)",
                    n(c(RunCount::PersonalizationErrors), "message", "messages")
                ));
            }
            if c(RunCount::ProcessingErrors) > 0 {
                did.push(format!("{} met a processing error and will be retried", n(c(RunCount::ProcessingErrors), "event", "events")));
            }
            if c(RunCount::Stale) > 0 {
                did.push(format!("{} had moved on already", n(c(RunCount::Stale), "queue entry", "queue entries")));
            }
            let took = format!("{subject} took {} from the {queue} queue", n(c(RunCount::Processed), "event", "events"));
            if did.is_empty() {
                took
            } else {
                format!("{took}: {}", did.join("; "))
            }
        }
        Some(WorkflowKind::Mta) => {
            let mut did = Vec::new();
            for (k, one, many) in [
                (RunCount::Sent, "sent", "sent"),
                (RunCount::SoftBounces, "soft bounce (retried later)", "soft bounces (retried later)"),
                (RunCount::HardBounces, "hard bounce", "hard bounces"),
                (RunCount::AsyncBounces, "asynchronous bounce", "asynchronous bounces"),
                (RunCount::Ignored, "ignored (address on quarantine or denylist)", "ignored (address on quarantine or denylist)"),
                (RunCount::Cancelled, "cancelled (its event expired)", "cancelled (their events expired)"),
            ] {
                if c(k) > 0 {
                    did.push(n(c(k), one, many));
                }
            }
            links.push(ActivityLink {
                label: "Deliveries".to_string(),
                kind: LinkKind::Deliveries,
                instance: inst.to_string(),
                name: None,
            });
            let tried = format!("{subject} made {}", n(c(RunCount::Attempts), "send attempt", "send attempts"));
            if did.is_empty() {
                tried
            } else {
                format!("{tried}: {}", and(&did))
            }
        }
        Some(WorkflowKind::UpdateEventsStatus) => {
            let mut did = Vec::new();
            let mut total = 0;
            for s in [
                EventStatus::Sent,
                EventStatus::DeliveryFailed,
                EventStatus::Ignored,
                EventStatus::Expired,
                EventStatus::NotTakenIntoAccount,
            ] {
                let count = c(RunCount::of_status(s));
                if count > 0 {
                    total += count;
                    did.push(format!("{count} \"{}\"", s.label()));
                    links.push(status_link(s, count));
                }
            }
            if did.is_empty() {
                format!("{subject} found no message outcome to copy")
            } else {
                let whose = if total == 1 { "its" } else { "their" };
                format!("{subject} gave {} the status of {whose} message: {}", n(total, "event", "events"), and(&did))
            }
        }
        Some(WorkflowKind::McSynch) => {
            let from = run.workflow.strip_prefix("mcSynch_").unwrap_or(&run.workflow);
            links.push(ActivityLink {
                label: "Event history".to_string(),
                kind: LinkKind::Events,
                instance: CONTROL.to_string(),
                name: None,
            });
            format!(
                "{subject} archived {} and {} from {from}",
                n(c(RunCount::Events), "event", "events"),
                n(c(RunCount::DeliveryLogs), "delivery log", "delivery logs")
            )
        }
        Some(WorkflowKind::Cleanup) if inst == CONTROL => {
            format!("{subject} purged {} from the history", n(c(RunCount::ArchivedEventsPurged), "archived event", "archived events"))
        }
        Some(WorkflowKind::Cleanup) => format!(
            "{subject} purged {} and {}",
            n(c(RunCount::EventsPurged), "event", "events"),
            n(c(RunCount::DeliveryLogsPurged), "delivery log", "delivery logs")
        ),
        None => format!("{subject} ran"),
    };
    if !run.errors.is_empty() {
        text.push_str(&format!("; {} (the first: {})", n(run.errors.len() as u64, "error", "errors"), run.errors[0]));
    }
    if run.end.is_none() {
        text.push_str(&format!(" — in progress, {} so far", n(u64::from(run.steps), "step", "steps")));
    }
    (text, links)
}

/// Where a reader is: the clock then, and a workflow key's run count and, for a run in progress,
/// its steps.
#[derive(Debug, Default)]
struct Mark {
    clock: Option<i64>,
    runs: BTreeMap<String, (u32, Option<u32>)>,
}

/// The mark of the state now.
fn mark_of(st: &State) -> Mark {
    Mark {
        clock: Some(st.clock),
        runs: st.workflows.iter().map(|(k, w)| (k.clone(), (w.runs, w.current.as_ref().map(|c| c.steps)))).collect(),
    }
}

/// `@=clock` then `instance/name=runs` or `=runs.steps`, comma-separated.
fn encode_mark(m: &Mark) -> String {
    m.clock
        .map(|c| format!("@={c}"))
        .into_iter()
        .chain(m.runs.iter().filter(|(_, (runs, _))| *runs > 0).map(|(k, (runs, steps))| match steps {
            Some(s) => format!("{k}={runs}.{s}"),
            None => format!("{k}={runs}"),
        }))
        .collect::<Vec<_>>()
        .join(",")
}

/// A duration in words, its two largest units: "10 s", "59 min 50 s", "2 h", "1 day 3 h".
pub(crate) fn span(ms: i64) -> String {
    let mut rest = (ms.max(0) + 500) / 1000;
    let mut parts = Vec::new();
    for (unit, s) in [("day", 86_400), ("h", 3_600), ("min", 60), ("s", 1)] {
        let k = rest / s;
        rest -= k * s;
        if k > 0 {
            parts.push(match unit {
                "day" => n(k as u64, "day", "days"),
                _ => format!("{k} {unit}"),
            });
        }
    }
    parts.truncate(2);
    if parts.is_empty() {
        "0 s".into()
    } else {
        parts.join(" ")
    }
}

/// How far the clock moved, in words (times of day when both are on one day, UTC).
pub(crate) fn moved(from: i64, to: i64) -> String {
    let (a, b) = (format_iso(from), format_iso(to));
    let t = |iso: &str| if a[..10] == b[..10] { iso[11..19].to_string() } else { format!("{} {}", &iso[..10], &iso[11..19]) };
    if to > from {
        format!("The clock moved {}, from {} to {} UTC", span(to - from), t(&a), t(&b))
    } else {
        format!("The clock stayed at {} UTC", t(&b))
    }
}

fn bad_mark(why: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, format!("since: not a mark of the activity feed ({why})"))
}

fn decode_mark(s: &str) -> Result<Mark> {
    if s.len() > MAX_MARK {
        return Err(bad_mark("too long"));
    }
    let mut m = Mark::default();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        let (key, at) = part.split_once('=').ok_or_else(|| bad_mark("a part without '='"))?;
        if key == "@" {
            let c = at.parse::<i64>().map_err(|_| bad_mark("a clock that is not a number"))?;
            if !(0..=keys::MAX_TIME).contains(&c) {
                return Err(bad_mark("a clock out of range"));
            }
            m.clock = Some(c);
            continue;
        }
        if key.split('/').count() != 2
            || !key.split('/').all(|x| !x.is_empty() && x.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        {
            return Err(bad_mark("a workflow that is not instance/name"));
        }
        let num = |x: &str| x.parse::<u32>().map_err(|_| bad_mark("a count that is not a number"));
        let v = match at.split_once('.') {
            Some((r, st)) => (num(r)?, Some(num(st)?)),
            None => (num(at)?, None),
        };
        m.runs.insert(key.to_string(), v);
    }
    Ok(m)
}

/// The read-only operation between its reads: the workflows read, in order, and what to keep.
#[derive(Debug)]
pub(crate) struct ActivityOp {
    limit: u32,
    since: Option<Mark>,
    /// Each workflow read, with the read of its journal.
    read: Vec<(String, RangeId)>,
}

/// Starts `activity`: one range of journal records per workflow that ran.
pub(crate) fn begin(st: &State, limit: Option<u32>, since: Option<&str>) -> Result<Next> {
    let limit = limit.unwrap_or(DEFAULT_LINES);
    if limit > MAX_LINES {
        return err(ErrorCode::InvalidArgument, format!("limit: at most {MAX_LINES} lines"));
    }
    let since = since.map(decode_mark).transpose()?;
    let mut reads = Reads::new();
    let mut read = Vec::new();
    if limit > 0 {
        for (key, w) in &st.workflows {
            if w.runs == 0 {
                continue;
            }
            let mut first = w.runs.saturating_sub(limit - 1).max(1);
            if let Some(m) = &since {
                match m.runs.get(key) {
                    // The run in progress then: from it (its later steps).
                    Some((r, Some(_))) => first = first.max(*r),
                    Some((r, None)) => first = first.max(r.saturating_add(1)),
                    None => {}
                }
                if first > w.runs {
                    continue;
                }
            }
            let prefix = keys::journal_prefix(&w.instance, &w.name);
            read.push((key.clone(), reads.range(keys::journal_key(&w.instance, &w.name, first), keys::prefix_end(&prefix), limit)));
        }
    }
    let op = ActivityOp { limit, since, read };
    if reads.is_empty() {
        return Ok(Next::Done(OpResult::Activity(Box::new(answer(st, &op, Vec::new()))), None));
    }
    Ok(Next::Read(OpState::Read(crate::ops::read::ReadOp::Activity(Box::new(op))), reads))
}

/// Ends `activity` with the journal records read.
pub(crate) fn resume(st: &State, op: ActivityOp, mut res: crate::io::Results) -> Result<Next> {
    let mut runs = Vec::new();
    for (key, read) in &op.read {
        for (k, v) in res.take_entries(*read)? {
            let run: RunLog = crate::records::from_json(&k, &v)?;
            let seen = op.since.as_ref().and_then(|m| m.runs.get(key));
            if let Some((r, Some(steps))) = seen {
                if run.run == *r && run.steps <= *steps {
                    continue;
                }
            }
            runs.push((st.workflows.get(key).map(|w| w.kind), run));
        }
    }
    Ok(Next::Done(OpResult::Activity(Box::new(answer(st, &op, runs))), None))
}

fn order(st: &State, w: Option<&Workflow>) -> (u8, u8) {
    let inst = w.and_then(|w| crate::ops::schedule::exec_id_of(st, w)).unwrap_or(255);
    (inst, w.map_or(0, |w| w.kind as u8))
}

fn answer(st: &State, op: &ActivityOp, mut runs: Vec<(Option<WorkflowKind>, RunLog)>) -> Activity {
    // Newest first; at the same instant, the order the steps ran in, reversed.
    runs.sort_by_key(|(_, r)| {
        let w = st.workflows.get(&crate::state::wf_key(&r.instance, &r.workflow));
        let (inst, kind) = order(st, w);
        std::cmp::Reverse((r.end.unwrap_or(r.start), r.start, kind, inst, r.run))
    });
    runs.truncate(op.limit as usize);
    let lines = runs
        .into_iter()
        .map(|(kind, r)| {
            let (text, links) = tell(&r, kind);
            ActivityLine {
                at: format_iso(r.end.unwrap_or(r.start)),
                instance: r.instance.clone(),
                workflow: r.workflow.clone(),
                run: r.run,
                text,
                ongoing: r.end.is_none(),
                errors: r.errors.len() as u32,
                links,
            }
        })
        .collect();
    let next = crate::ops::schedule::next_due(st, keys::MAX_TIME).map(|(at, key)| due_step(st, at, &key));
    let moved = op.since.as_ref().and_then(|m| m.clock).map(|from| moved(from, st.clock));
    Activity { lines, mark: encode_mark(&mark_of(st)), next, moved }
}

#[cfg(test)]
mod tests {
    use super::{moved, span};

    #[test]
    fn durations_and_clock_moves_are_told_in_two_units() {
        for (ms, want) in [
            (0, "0 s"),
            (400, "0 s"),
            (1_000, "1 s"),
            (3_590_000, "59 min 50 s"),
            (7_200_000, "2 h"),
            (86_400_000, "1 day"),
            (97_200_000 + 61_000, "1 day 3 h"),
            (2 * 86_400_000 + 5_000, "2 days 5 s"),
        ] {
            assert_eq!(span(ms), want, "{ms}");
        }
        let day = 86_400_000;
        assert_eq!(moved(day - 10_000, day + 50_000), "The clock moved 1 min, from 1970-01-01 23:59:50 to 1970-01-02 00:00:50 UTC");
        assert_eq!(moved(day, day), "The clock stayed at 00:00:00 UTC");
    }
}
