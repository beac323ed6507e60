//! Commands of several transactions: `runWorkflow` (every step of a run), `advance` (every step
//! due until a time), `waitForStatus` (steps until an event has a status). Each call runs one
//! step, one transaction, and its result says what to send next; the shell only sends it.

use crate::error::{err, Error, ErrorCode, Result};
use crate::io::Results;
use crate::model::EventStatus;
use crate::ops::admin::{advance_clock, backwards};
use crate::ops::read;
use crate::ops::schedule::{self, blocked, StillToCome};
use crate::ops::workflows::{self, StepNext};
use crate::ops::{Continuation, Next, OpState, TimeInput};
use crate::txn::Txn;
use crate::views::{AdvanceResult, OpResult, RunResult};

/// What a command does once its workflow step is done.
#[derive(Debug, Clone)]
pub(crate) enum After {
    /// `runWorkflow`: the next step of the run, if it goes on.
    Run,
    /// `advance`: the next step due before `to`.
    Advance {
        /// The target.
        to: i64,
        /// Steps so far.
        steps: u64,
    },
    /// A generator: its progress, and on.
    Generate {
        /// What it generates.
        spec: Box<crate::ops::generate::GenerateSpec>,
        /// Where it is.
        state: crate::ops::generate::GenerateState,
    },
    /// `waitForStatus`: look at the event again.
    Wait {
        /// Decimal id.
        id: String,
        /// The wanted status, as given.
        status: String,
        /// The deadline.
        deadline: i64,
    },
}

/// A command in a workflow step, between reads.
#[derive(Debug)]
pub(crate) struct StepOp {
    step: workflows::Step,
    after: After,
}

fn step_next(txn: &mut Txn<'_>, s: StepNext, after: After) -> Result<Next> {
    match s {
        StepNext::Read(step, reads) => Ok(Next::Read(OpState::Step(StepOp { step, after }), reads)),
        StepNext::Done(out) => Ok(match after {
            After::Run => {
                let next = out.more.then(|| Continuation::RunWorkflow { instance: out.instance.clone(), name: out.workflow.clone() });
                Next::Done(
                    OpResult::Run(RunResult {
                        instance: out.instance,
                        workflow: out.workflow,
                        run: out.run,
                        steps: out.steps,
                        counts: out.counts,
                    }),
                    next,
                )
            }
            After::Advance { to, steps } => Next::Done(
                OpResult::Advance(AdvanceResult { steps: steps + 1, now: crate::dates::format_iso(txn.now()) }),
                Some(Continuation::Advance { to, steps: steps + 1 }),
            ),
            After::Generate { spec, state } => return crate::ops::generate::after_step(txn, *spec, state),
            After::Wait { id, status, deadline } => {
                Next::Done(OpResult::Wait(None), Some(Continuation::WaitForStatus { id, status, deadline }))
            }
        }),
    }
}

/// Continues a command's workflow step.
pub(crate) fn step_resume(txn: &mut Txn<'_>, op: StepOp, r: Results) -> Result<Next> {
    let s = workflows::resume(txn, op.step, r)?;
    step_next(txn, s, op.after)
}

/// `runWorkflow`: one step of a run (at `at`, or now).
pub(crate) fn run_workflow(txn: &mut Txn<'_>, instance: &str, name: &str, at: Option<i64>) -> Result<Next> {
    if txn.st().accounts.get(instance).is_some_and(|a| a.remote) {
        return Err(crate::error::Error::new(
            crate::error::ErrorCode::WorkflowState,
            format!("'{instance}' runs in another process: its workflows run there"),
        ));
    }
    let s = workflows::start(txn, instance, name, at)?;
    step_next(txn, s, After::Run)
}

/// Runs the next workflow step due at or before `until`, for another command (None: nothing is
/// due).
pub(crate) fn step_due(txn: &mut Txn<'_>, until: i64, after: After) -> Result<Option<Next>> {
    next_step(txn, until, after)
}

/// Runs the next workflow step due at or before `until` (None: nothing is due).
fn next_step(txn: &mut Txn<'_>, until: i64, after: After) -> Result<Option<Next>> {
    let Some((at, key)) = schedule::next_due(txn.st(), until) else { return Ok(None) };
    let wf = txn.st().workflows.get(&key).ok_or_else(|| Error::new(ErrorCode::Internal, "a due workflow vanished"))?;
    let (instance, name) = (wf.instance.clone(), wf.name.clone());
    let s = workflows::start(txn, &instance, &name, Some(at))?;
    step_next(txn, s, after).map(Some)
}

/// `advance`: the next step due before the target, or the clock set to it.
pub(crate) fn advance(txn: &mut Txn<'_>, by: Option<f64>, to: Option<TimeInput>, steps: u64) -> Result<Next> {
    let now = txn.now();
    let target = match (by, to) {
        (Some(ms), None) => {
            if !ms.is_finite() || ms < 0.0 {
                return err(ErrorCode::InvalidArgument, "advance(ms) takes a non-negative number of ms");
            }
            now.saturating_add(ms.min(9.0e15).trunc() as i64)
        }
        (None, Some(t)) => t.raw_ms("time")?,
        _ => return err(ErrorCode::InvalidArgument, "advance takes either a duration (by) or a time (to)"),
    };
    if target > crate::keys::MAX_TIME {
        return err(ErrorCode::InvalidArgument, "the target time is out of range (up to year 10889)");
    }
    if target < now {
        return Err(backwards(now, target));
    }
    if let Some(next) = next_step(txn, target, After::Advance { to: target, steps })? {
        return Ok(next);
    }
    advance_clock(txn, target)?;
    Ok(Next::Done(OpResult::Advance(AdvanceResult { steps, now: crate::dates::format_iso(txn.now()) }), None))
}

/// `waitForStatus` reading the event.
#[derive(Debug)]
pub(crate) struct WaitOp {
    id: u64,
    id_text: String,
    wanted: EventStatus,
    status: String,
    deadline: i64,
    read: read::StoryReads,
}

/// Starts `waitForStatus` (or one more turn of it).
pub(crate) fn wait_begin(txn: &mut Txn<'_>, id: &str, status: &str, max_ms: Option<i64>, deadline: Option<i64>) -> Result<Next> {
    let wanted = EventStatus::parse(status)
        .ok_or_else(|| Error::new(ErrorCode::InvalidArgument, format!("'{}' is not an event status", crate::tree::excerpt(status))))?;
    let n = read::parse_id(id)?;
    let deadline = match deadline {
        Some(d) => d,
        None => {
            let limit = max_ms.unwrap_or(txn.config().wait_limit_ms);
            if limit < 0 {
                return err(ErrorCode::InvalidArgument, "maxMs must not be negative");
            }
            txn.now().saturating_add(limit).min(crate::keys::MAX_TIME)
        }
    };
    let mut reads = crate::io::Reads::new();
    let read = read::story_reads(n, &mut reads);
    Ok(Next::Read(
        OpState::Wait(WaitOp { id: n, id_text: id.trim().to_string(), wanted, status: status.to_string(), deadline, read }),
        reads,
    ))
}

/// The event read: reached, blocked, timed out, or one more step.
pub(crate) fn wait_resume(txn: &mut Txn<'_>, w: WaitOp, mut r: Results) -> Result<Next> {
    let story = read::story(txn.st(), w.id, w.read.take(&mut r)?)?;
    let ev = story.event;
    if ev.status == w.wanted {
        return Ok(Next::Done(OpResult::Wait(Some(Box::new(ev))), None));
    }
    // A bounce still to come, or one come and not yet copied to the event, can still fail it.
    let to_come = if story.bounce_pending {
        StillToCome::Bounce
    } else if ev.status == EventStatus::Sent
        && story.broad_log.as_ref().is_some_and(|b| b.status_code == crate::model::BroadLogStatus::Failed.code())
    {
        StillToCome::Copy
    } else {
        StillToCome::Nothing
    };
    if let Some(reason) = blocked(txn.st(), w.wanted, ev.status, to_come, ev.queue, &ev.instance) {
        return err(ErrorCode::WaitBlocked, format!("gave up waiting for event {} to become '{}': {reason}", ev.id, w.status));
    }
    let after = After::Wait { id: w.id_text.clone(), status: w.status.clone(), deadline: w.deadline };
    match next_step(txn, w.deadline, after)? {
        Some(next) => Ok(next),
        None => err(
            ErrorCode::WaitTimeout,
            format!(
                "gave up waiting for event {} to become '{}': it is still '{}' and no workflow step is due before {}",
                ev.id,
                w.status,
                ev.status_label,
                crate::dates::format_iso(w.deadline)
            ),
        ),
    }
}
