//! Guided exercises that check themselves (issue 16, item 2). An exercise is a versioned JSON file a
//! trainer writes without code: a title, where it starts, steps in words, each with a hint and a
//! check the engine evaluates against the sandbox's state ("mcSynch_mcExec1 exists and is
//! started", "an event of type order_confirmation reached Sent", "a published template renders the
//! order lines of its seed address"). The format is in `docs/exercises.md`; a file that is not one
//! is `INVALID_EXERCISE`, with the line and column, or the step and what is wrong.
//!
//! Checks read the small state only (accounts, workflows, the catalogue, the counters of events
//! per status), so the console evaluates them live, at every change, without reading storage.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, ErrorCode, Result};
use crate::model::{Channel, EventStatus, Queue};
use crate::ops::schedule::CONTROL;
use crate::state::{wf_key, State, WorkflowState};

/// The exercises that ship with the engine (`exercises/` in the repository), in their order.
pub const BUILTIN: [&str; 6] = [
    include_str!("../exercises/technical-workflows.json"),
    include_str!("../exercises/event-statuses.json"),
    include_str!("../exercises/personalization.json"),
    include_str!("../exercises/publication.json"),
    include_str!("../exercises/archiving.json"),
    include_str!("../exercises/load-balancer.json"),
];

/// An exercise of the catalogue, for a list.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExerciseInfo {
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: u32,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// The page of Adobe's documentation it follows.
    pub source: Option<String>,
    /// Where it starts.
    pub start: Start,
    /// Its steps.
    pub steps: u32,
    /// The file, to evaluate it (`exercise { text }`) or save it.
    pub text: String,
}

/// The exercises that ship, parsed.
pub fn builtin() -> Result<Vec<ExerciseInfo>> {
    BUILTIN
        .iter()
        .map(|text| {
            let e = parse(text)?;
            Ok(ExerciseInfo {
                id: e.id,
                version: e.version,
                title: e.title,
                summary: e.summary,
                source: e.source,
                start: e.start,
                steps: e.steps.len() as u32,
                text: text.to_string(),
            })
        })
        .collect()
}

/// The format an exercise file names.
pub const FORMAT: &str = "message-center-exercise/1";
/// Longest exercise file.
pub const MAX_BYTES: usize = 256 * 1024;
/// Most steps of an exercise.
pub const MAX_STEPS: usize = 100;
/// Most checks nested in one step (`all`).
const MAX_CHECKS: usize = 50;

/// An exercise, as its file holds it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Exercise {
    /// `message-center-exercise/1`.
    pub format: String,
    /// Its name: letters, digits, `-` and `_`.
    pub id: String,
    /// Its version (1, 2, …): a completion names the version it was made against.
    pub version: u32,
    /// Title.
    pub title: String,
    /// What it teaches, in a sentence or two.
    #[serde(default)]
    pub summary: String,
    /// The page of Adobe's documentation it follows.
    #[serde(default)]
    pub source: Option<String>,
    /// Where it starts.
    #[serde(default)]
    pub start: Start,
    /// The steps, in order.
    pub steps: Vec<StepDef>,
}

/// Where an exercise starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Start {
    /// A new, empty sandbox (the console offers to create one).
    #[default]
    NewSandbox,
    /// The sandbox open now, as it is.
    CurrentSandbox,
}

/// One step: what to do, a hint shown after a wrong attempt, and its check.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StepDef {
    /// What to do, in words.
    pub text: String,
    /// Where to look, shown after a check that fails.
    #[serde(default)]
    pub hint: Option<String>,
    /// What must hold.
    pub check: Check,
}

/// What must hold for a step to be done.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Check {
    /// An execution instance is registered (an external account of type "Execution instance").
    #[serde(rename_all = "camelCase")]
    ExecutionInstance {
        /// Its internal name (any when absent).
        #[serde(default)]
        name: Option<String>,
        /// Its execution instance id.
        #[serde(default)]
        id: Option<u8>,
    },
    /// A workflow exists (on `control` or an execution instance) and, if given, is in this state
    /// (`started`, `paused`, `stopped`).
    #[serde(rename_all = "camelCase")]
    Workflow {
        /// `control` or an account name.
        instance: String,
        /// Internal name (`rtEventsProcessing`, `mcSynch_mcExec1`).
        name: String,
        /// The state it must be in.
        #[serde(default)]
        state: Option<String>,
    },
    /// A value of the `eventType` enumeration exists.
    #[serde(rename_all = "camelCase")]
    EventType {
        /// Its internal name.
        name: String,
    },
    /// A transactional message template exists with these properties.
    #[serde(rename_all = "camelCase")]
    Template {
        /// Internal name (any when absent).
        #[serde(default)]
        name: Option<String>,
        /// Its event type.
        #[serde(default)]
        event_type: Option<String>,
        /// Its channel (`email`, `sms`…).
        #[serde(default)]
        channel: Option<String>,
        /// Published (true), or not (false).
        #[serde(default)]
        published: Option<bool>,
        /// Published and not modified since (true), or published and modified since (false).
        #[serde(default)]
        up_to_date: Option<bool>,
        /// At least this many seed addresses.
        #[serde(default)]
        seeds: Option<u32>,
    },
    /// A template's preview with one of its seed addresses contains every text (in its subject,
    /// HTML or text).
    #[serde(rename_all = "camelCase")]
    Renders {
        /// Template internal name (any template of `eventType` when absent).
        #[serde(default)]
        template: Option<String>,
        /// Or any template of this event type.
        #[serde(default)]
        event_type: Option<String>,
        /// The texts it must contain.
        contains: Vec<String>,
    },
    /// At least `atLeast` (default 1) events have the status, counted on an execution instance
    /// (or all of them) or in the control's history (`control`).
    #[serde(rename_all = "camelCase")]
    Events {
        /// `control`, an account name, or none for every execution instance.
        #[serde(default)]
        instance: Option<String>,
        /// Event type.
        #[serde(default, rename = "type")]
        event_type: Option<String>,
        /// Channel.
        #[serde(default)]
        channel: Option<String>,
        /// Queue (`rt`, `batch`).
        #[serde(default)]
        queue: Option<String>,
        /// The status (our name or console label).
        status: String,
        /// How many (default 1).
        #[serde(default)]
        at_least: Option<u64>,
    },
    /// Events ended in at least this many different final statuses.
    #[serde(rename_all = "camelCase")]
    DistinctFinalStatuses {
        /// How many.
        at_least: u32,
        /// `control`, an account name, or none for every execution instance.
        #[serde(default)]
        instance: Option<String>,
    },
    /// Every check of the list.
    All(Vec<Check>),
}

/// An exercise evaluated against a sandbox.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ExerciseProgress")]
pub struct Progress {
    /// The exercise's id.
    pub id: String,
    /// Its version.
    pub version: u32,
    /// Its title.
    pub title: String,
    /// Each step, in order.
    pub steps: Vec<StepProgress>,
    /// Steps done.
    pub done: u32,
    /// Whether every step is done.
    pub complete: bool,
    /// The first step not done (none once complete).
    pub current: Option<u32>,
    /// The steps done (0-based): pass them back as `reached`, so that a step stays done once its
    /// check held (publishing again ends "modified since publication", which was a step).
    pub reached: Vec<u32>,
}

/// One step, evaluated.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StepProgress {
    /// What to do.
    pub text: String,
    /// The hint.
    pub hint: Option<String>,
    /// Whether its check holds.
    pub done: bool,
    /// When not done: what is missing, in words.
    pub missing: Option<String>,
}

fn bad(why: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidExercise, why.into())
}

/// Reads a versioned JSON file of `what` (at most `max` bytes, naming `format`): where a JSON
/// error is (line and column) or what is wrong, through `bad`.
fn read_versioned<T: serde::de::DeserializeOwned>(
    text: &str,
    max: usize,
    what: &str,
    format: impl Fn(&T) -> &str,
    want: &str,
    bad: impl Fn(String) -> Error,
) -> Result<T> {
    if text.len() > max {
        return Err(bad(format!("the file is {} bytes: {what} is at most {max}", text.len())));
    }
    let v: T = serde_json::from_str(text)
        .map_err(|e| bad(format!("line {}, column {}: {}", e.line(), e.column(), crate::tree::excerpt(&e.to_string()))))?;
    if format(&v) != want {
        return Err(bad(format!("format '{}' is not {want}", crate::tree::excerpt(format(&v)))));
    }
    Ok(v)
}

/// Reads an exercise file: JSON in the format above, its names and checks valid.
pub fn parse(text: &str) -> Result<Exercise> {
    let ex: Exercise = read_versioned(text, MAX_BYTES, "an exercise", |e: &Exercise| &e.format, FORMAT, bad)?;
    if ex.id.is_empty() || ex.id.len() > 64 || !ex.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(bad("id: 1 to 64 letters, digits, '-' or '_'"));
    }
    if ex.version == 0 {
        return Err(bad("version: 1 or more"));
    }
    if ex.title.trim().is_empty() || ex.title.chars().count() > 200 {
        return Err(bad("title: 1 to 200 characters"));
    }
    if ex.steps.is_empty() || ex.steps.len() > MAX_STEPS {
        return Err(bad(format!("steps: 1 to {MAX_STEPS}")));
    }
    for (i, s) in ex.steps.iter().enumerate() {
        let at = |why: String| bad(format!("step {}: {why}", i + 1));
        if s.text.trim().is_empty() {
            return Err(at("text is empty".into()));
        }
        let mut n = 0;
        validate(&s.check, &mut n).map_err(at)?;
    }
    Ok(ex)
}

fn validate(c: &Check, n: &mut usize) -> std::result::Result<(), String> {
    *n += 1;
    if *n > MAX_CHECKS {
        return Err(format!("more than {MAX_CHECKS} checks"));
    }
    match c {
        Check::Workflow { state: Some(s), .. } if WorkflowState::parse(s).is_none() => {
            Err(format!("workflow state '{}' is not started, paused or stopped", crate::tree::excerpt(s)))
        }
        Check::Template { channel: Some(ch), .. } | Check::Events { channel: Some(ch), .. } if Channel::parse(ch).is_none() => {
            Err(format!("channel '{}' is not a channel", crate::tree::excerpt(ch)))
        }
        Check::Events { status, queue, .. } => {
            if EventStatus::parse(status).is_none() {
                return Err(format!("status '{}' is not an event status", crate::tree::excerpt(status)));
            }
            if queue.as_deref().is_some_and(|q| Queue::parse(q).is_none()) {
                return Err("queue is neither 'rt' nor 'batch'".into());
            }
            Ok(())
        }
        Check::Renders { template: None, event_type: None, .. } => Err("renders needs a template or an eventType".into()),
        Check::Renders { contains, .. } if contains.is_empty() => Err("renders needs at least one text in contains".into()),
        Check::DistinctFinalStatuses { at_least, .. } if *at_least == 0 || *at_least > 5 => {
            Err("distinctFinalStatuses: atLeast is 1 to 5 (there are five final statuses)".into())
        }
        Check::All(list) if list.is_empty() => Err("all needs at least one check".into()),
        Check::All(list) => list.iter().try_for_each(|c| validate(c, n)),
        _ => Ok(()),
    }
}

/// Evaluates the steps in order against the sandbox's state: a step is done when it was reached
/// at an earlier evaluation (`reached`), or when every step before it is done and its check
/// holds. So the steps are taken in order, and one that held once stays done.
pub fn evaluate(st: &State, ex: &Exercise, reached: &[u32]) -> Progress {
    let mut before_done = true;
    let steps: Vec<StepProgress> = ex
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let missing = if reached.contains(&(i as u32)) {
                None
            } else {
                match holds(st, &s.check) {
                    Ok(()) if before_done => None,
                    Ok(()) => Some("an earlier step is not done yet".to_string()),
                    Err(m) => Some(m),
                }
            };
            before_done &= missing.is_none();
            StepProgress { text: s.text.clone(), hint: s.hint.clone(), done: missing.is_none(), missing }
        })
        .collect();
    let done = steps.iter().filter(|s| s.done).count() as u32;
    let current = steps.iter().position(|s| !s.done).map(|i| i as u32);
    let reached = steps.iter().enumerate().filter(|(_, s)| s.done).map(|(i, _)| i as u32).collect();
    Progress { id: ex.id.clone(), version: ex.version, title: ex.title.clone(), complete: current.is_none(), current, done, reached, steps }
}

/// Whether a check holds: Ok, or what is missing in words.
fn holds(st: &State, c: &Check) -> std::result::Result<(), String> {
    match c {
        Check::ExecutionInstance { name, id } => {
            let found =
                st.accounts.values().any(|a| name.as_ref().is_none_or(|n| &a.name == n) && id.is_none_or(|i| a.execution_instance_id == i));
            if found {
                Ok(())
            } else {
                Err(match (name, id) {
                    (Some(n), Some(i)) => format!("no execution instance {n} with id {i} yet"),
                    (Some(n), None) => format!("no execution instance named {n} yet"),
                    (None, Some(i)) => format!("no execution instance with id {i} yet"),
                    (None, None) => "no execution instance yet".to_string(),
                })
            }
        }
        Check::Workflow { instance, name, state } => {
            let where_ = if instance == CONTROL { "the control".to_string() } else { instance.clone() };
            match st.workflows.get(&wf_key(instance, name)) {
                None => Err(format!("{name} does not exist on {where_} yet")),
                Some(w) => match state.as_deref().and_then(WorkflowState::parse) {
                    Some(want) if w.state != want => Err(format!("{name} on {where_} is {}", w.state.label().to_lowercase())),
                    _ => Ok(()),
                },
            }
        }
        Check::EventType { name } => {
            if st.event_types.contains_key(name) {
                Ok(())
            } else {
                Err(format!("the eventType enumeration has no value {name} yet"))
            }
        }
        Check::Template { name, event_type, channel, published, up_to_date, seeds } => {
            let channel = channel.as_deref().and_then(Channel::parse);
            let mut candidates = st
                .templates
                .values()
                .filter(|t| name.as_ref().is_none_or(|n| &t.name == n))
                .filter(|t| event_type.as_ref().is_none_or(|e| t.event_type.as_ref() == Some(e)))
                .filter(|t| channel.is_none_or(|c| t.channel == c))
                .peekable();
            let what = name.clone().map_or_else(|| "a template".to_string(), |n| format!("the template {n}"));
            if candidates.peek().is_none() {
                return Err(match event_type {
                    Some(e) => format!("no template for the event type {e} yet"),
                    None => format!("{what} does not exist yet"),
                });
            }
            let mut last = String::new();
            for t in candidates {
                let is_published = t.publication == crate::state::Publication::Published;
                if published.is_some_and(|p| p != is_published) {
                    last = if is_published { format!("{} is published", t.name) } else { format!("{} is not published yet", t.name) };
                    continue;
                }
                let modified = is_published && crate::views::modified_since_publication(st, t);
                if up_to_date == &Some(true) && (!is_published || modified) {
                    last = if is_published {
                        format!("{} was modified since its publication: publish it again", t.name)
                    } else {
                        format!("{} is not published yet", t.name)
                    };
                    continue;
                }
                if up_to_date == &Some(false) && !modified {
                    last = if is_published {
                        format!("{} is published as it is: change its content and save it", t.name)
                    } else {
                        format!("{} is not published yet", t.name)
                    };
                    continue;
                }
                if seeds.is_some_and(|n| (t.seeds.len() as u32) < n) {
                    last = format!("{} has {} seed address(es), {} wanted", t.name, t.seeds.len(), seeds.unwrap_or(0));
                    continue;
                }
                return Ok(());
            }
            Err(last)
        }
        Check::Renders { template, event_type, contains } => {
            let names: Vec<&String> = st
                .templates
                .values()
                .filter(|t| template.as_ref().is_none_or(|n| &t.name == n))
                .filter(|t| event_type.as_ref().is_none_or(|e| t.event_type.as_ref() == Some(e)))
                .map(|t| &t.name)
                .collect();
            if names.is_empty() {
                return Err("no such template yet".to_string());
            }
            let mut last = String::new();
            for n in names {
                let seeds: Vec<String> = st.templates[n].seeds.iter().map(|s| s.name.clone()).collect();
                if seeds.is_empty() {
                    last = format!("{n} has no seed address to preview with");
                }
                for seed in seeds {
                    match crate::ops::catalogue::preview(st, n, Some(&seed)) {
                        Ok(p) => {
                            let all = format!("{}\n{}\n{}", p.subject, p.html, p.text);
                            match contains.iter().find(|x| !all.contains(x.as_str())) {
                                None => return Ok(()),
                                Some(x) => {
                                    last = format!("the preview of {n} with {seed} does not contain \"{}\"", crate::tree::excerpt(x))
                                }
                            }
                        }
                        Err(e) => last = format!("the preview of {n} with {seed} fails: {}", e.message),
                    }
                }
            }
            Err(last)
        }
        Check::Events { instance, event_type, channel, queue, status, at_least } => {
            let status = EventStatus::parse(status).unwrap_or(EventStatus::Pending);
            let channel = channel.as_deref().and_then(Channel::parse);
            let queue = queue.as_deref().and_then(Queue::parse);
            let want = at_least.unwrap_or(1);
            let n: i64 = counters(st, instance.as_deref())
                .flat_map(|c| c.0.iter())
                .filter(|(k, _)| {
                    k.status == status
                        && event_type.as_ref().is_none_or(|t| &k.event_type == t)
                        && channel.is_none_or(|c| k.channel == c)
                        && queue.is_none_or(|q| k.queue == q)
                })
                .map(|(_, n)| *n)
                .sum();
            if n.max(0) as u64 >= want {
                Ok(())
            } else {
                let of = event_type.as_ref().map_or(String::new(), |t| format!(" of type {t}"));
                Err(format!("{n} event(s){of} \"{}\" so far, {want} wanted", status.label()))
            }
        }
        Check::DistinctFinalStatuses { at_least, instance } => {
            let mut seen: Vec<EventStatus> = Vec::new();
            for c in counters(st, instance.as_deref()) {
                for (k, n) in &c.0 {
                    if *n > 0 && k.status.is_final() && !seen.contains(&k.status) {
                        seen.push(k.status);
                    }
                }
            }
            if seen.len() as u32 >= *at_least {
                Ok(())
            } else {
                let labels: Vec<&str> = seen.iter().map(|s| s.label()).collect();
                Err(format!(
                    "{} final status(es) so far{}, {at_least} wanted",
                    seen.len(),
                    if labels.is_empty() { String::new() } else { format!(" ({})", labels.join(", ")) }
                ))
            }
        }
        Check::All(list) => list.iter().try_for_each(|c| holds(st, c)),
    }
}

/// The counters a check reads: the control's history, one instance's, or every instance's.
fn counters<'a>(st: &'a State, instance: Option<&str>) -> Box<dyn Iterator<Item = &'a crate::state::Counters> + 'a> {
    match instance {
        Some(CONTROL) => Box::new(std::iter::once(&st.control.counters)),
        Some(name) => Box::new(st.exec_id(name).and_then(|ii| st.inst.get(&ii)).map(|m| &m.counters).into_iter()),
        None => Box::new(st.inst.values().map(|m| &m.counters)),
    }
}

/// The format of a completion record.
pub const RECORD_FORMAT: &str = "message-center-exercise-record/1";
/// Longest completion record read.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;

/// What a trainee exports when an exercise is done, for a trainer to verify: the exercise (its
/// id, version and the digest of its file), the sandbox (its seed, its virtual clock, the digest of
/// its state), each step and whether it was done, and a seal over the rest.
///
/// The seal shows a record edited by hand or damaged on the way; it is no signature (a local
/// tool holds no secret: anyone with this engine can seal a record). What proves the work is the
/// sandbox: the trainer imports the trainee's sandbox export and verifies the record against it
/// (`verifyExerciseRecord`), which checks that it is the sandbox the record was made in, in the
/// same state, and that the exercise's outcome holds there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "ExerciseRecord")]
pub struct CompletionRecord {
    /// `message-center-exercise-record/1`.
    pub format: String,
    /// The exercise.
    pub exercise: RecordedExercise,
    /// The sandbox's seed, as a decimal string (64-bit).
    pub seed: String,
    /// The sandbox's virtual time when the record was made, ISO 8601.
    pub clock: String,
    /// `sha256:<hex>` of the sandbox's state (`state_digest`).
    pub state_digest: String,
    /// Each step, in order.
    pub steps: Vec<RecordedStep>,
    /// Whether every step was done.
    pub complete: bool,
    /// `sha256:<hex>` of the record without its seal.
    pub seal: String,
}

/// The exercise a record is of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecordedExercise {
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: u32,
    /// Its title.
    pub title: String,
    /// `sha256:<hex>` of its file.
    pub digest: String,
}

/// A step of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecordedStep {
    /// What it asked.
    pub text: String,
    /// Whether it was done.
    pub done: bool,
}

/// A record verified against the sandbox open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ExerciseVerification")]
pub struct Verification {
    /// Whether every finding holds.
    pub verified: bool,
    /// The exercise's title, as the record names it.
    pub title: String,
    /// What was checked, in order.
    pub findings: Vec<Finding>,
    /// Each step's check evaluated on the sandbox as it is (steps that held only on the way, such
    /// as "modified since publication" before a republication, need not hold at the end).
    pub steps_holding_now: Vec<bool>,
}

/// One thing a verification checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// What was checked.
    pub what: String,
    /// Whether it holds.
    pub ok: bool,
    /// Why not, or what was found.
    pub detail: String,
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut s = String::from("sha256:");
    for b in Sha256::digest(bytes) {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn json_bytes<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(v).map_err(|e| Error::new(ErrorCode::Internal, format!("exercise record: {e}")))
}

/// The digest of a sandbox's state: what an export carries and an import gives back (the clock,
/// the seed, the configuration without secrets, the accounts, the catalogue, the publications,
/// the workflows and their runs, the counters). Logon sessions are left out, as the export leaves
/// them out. Events are summarized by the counters and sequences the state keeps.
pub fn state_digest(st: &State) -> Result<String> {
    #[derive(Serialize)]
    struct Digested<'a> {
        clock: i64,
        seed: u64,
        config: crate::config::Config,
        accounts: &'a std::collections::BTreeMap<String, crate::state::Account>,
        event_types: &'a std::collections::BTreeMap<String, crate::state::EventType>,
        templates: &'a std::collections::BTreeMap<String, crate::state::Template>,
        blocks: &'a std::collections::BTreeMap<String, crate::state::PersonalizationBlock>,
        options: &'a std::collections::BTreeMap<String, String>,
        published: &'a std::collections::BTreeMap<u8, std::collections::BTreeMap<String, crate::state::PublishedCopy>>,
        deliveries: &'a std::collections::BTreeMap<u8, std::collections::BTreeMap<String, crate::state::Delivery>>,
        workflows: &'a std::collections::BTreeMap<String, crate::state::Workflow>,
        inst: &'a std::collections::BTreeMap<u8, crate::state::InstMeta>,
        control: &'a crate::state::Control,
    }
    Ok(sha256(&json_bytes(&Digested {
        clock: st.clock,
        seed: st.seed,
        config: st.config.without_secrets(),
        accounts: &st.accounts,
        event_types: &st.event_types,
        templates: &st.templates,
        blocks: &st.blocks,
        options: &st.options,
        published: &st.published,
        deliveries: &st.deliveries,
        workflows: &st.workflows,
        inst: &st.inst,
        control: &st.control,
    })?))
}

fn seal_of(r: &CompletionRecord) -> Result<String> {
    Ok(sha256(&json_bytes(&CompletionRecord { seal: String::new(), ..r.clone() })?))
}

/// The completion record of an exercise (its file `text`) in this sandbox, its steps evaluated as
/// `exercise` evaluates them.
pub fn record(st: &State, text: &str, reached: &[u32]) -> Result<CompletionRecord> {
    let ex = parse(text)?;
    let p = evaluate(st, &ex, reached);
    let mut r = CompletionRecord {
        format: RECORD_FORMAT.into(),
        exercise: RecordedExercise { id: ex.id, version: ex.version, title: ex.title, digest: sha256(text.as_bytes()) },
        seed: st.seed.to_string(),
        clock: crate::dates::format_iso(st.clock),
        state_digest: state_digest(st)?,
        steps: p.steps.iter().map(|s| RecordedStep { text: s.text.clone(), done: s.done }).collect(),
        complete: p.complete,
        seal: String::new(),
    };
    r.seal = seal_of(&r)?;
    Ok(r)
}

fn bad_record(why: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidExercise, format!("not a completion record: {}", why.into()))
}

/// Verifies a completion record against the sandbox open (the trainee's, imported): the record
/// unaltered, its exercise known (a shipped one, or the trainer's file `text`), the sandbox the
/// one it was made in (its seed) and in the same state (its digest), every step done, and the
/// exercise's last step holding in it now. A file that is not a record is `INVALID_EXERCISE`.
pub fn verify(st: &State, record_text: &str, text: Option<&str>) -> Result<Verification> {
    let r: CompletionRecord =
        read_versioned(record_text, MAX_RECORD_BYTES, "a record", |r: &CompletionRecord| &r.format, RECORD_FORMAT, bad_record)?;
    let mut findings = Vec::new();
    let mut find = |what: &str, ok: bool, detail: String| findings.push(Finding { what: what.into(), ok, detail });

    let seal = seal_of(&r)?;
    find(
        "The record is as it was made",
        seal == r.seal,
        if seal == r.seal {
            "its seal matches its content".into()
        } else {
            "its seal does not match its content: it was edited or damaged".into()
        },
    );

    // The exercise: the trainer's file, or the shipped one the record names.
    let file = match text {
        Some(t) => {
            parse(t)?; // a trainer's file that is no exercise is an error, not a finding
            Some(t.to_string())
        }
        None => BUILTIN.iter().find(|t| sha256(t.as_bytes()) == r.exercise.digest).map(|t| t.to_string()),
    };
    let ex = match &file {
        Some(t) if sha256(t.as_bytes()) == r.exercise.digest => {
            let ex = parse(t)?;
            find("The exercise is known", true, format!("{} (version {})", ex.title, ex.version));
            Some(ex)
        }
        Some(_) => {
            find("The exercise is known", false, "the exercise file given is not the one the record was made with".into());
            None
        }
        None => {
            find(
                "The exercise is known",
                false,
                format!(
                    "{} (version {}) is not an exercise shipped with this engine: load the trainer's file to verify against it",
                    crate::tree::excerpt(&r.exercise.id),
                    r.exercise.version
                ),
            );
            None
        }
    };

    let seed = st.seed.to_string();
    find(
        "The sandbox is the one the record was made in",
        seed == r.seed,
        if seed == r.seed {
            format!("seed {seed}")
        } else {
            format!("this sandbox's seed is {seed}; the record's is {}", crate::tree::excerpt(&r.seed))
        },
    );
    let digest = state_digest(st)?;
    let now = crate::dates::format_iso(st.clock);
    find(
        "The sandbox is in the state the record was made in",
        digest == r.state_digest,
        if digest == r.state_digest {
            format!("its state digest matches, at {now}")
        } else {
            format!("its state changed since the record (the sandbox's clock is {now}; the record's {}): export the record again, or import the sandbox exported with it", crate::tree::excerpt(&r.clock))
        },
    );
    let done = r.steps.iter().filter(|s| s.done).count();
    find("Every step was done", r.complete && done == r.steps.len() && !r.steps.is_empty(), format!("{done} of {} steps", r.steps.len()));

    let mut steps_holding_now = Vec::new();
    if let Some(ex) = &ex {
        steps_holding_now = ex.steps.iter().map(|s| holds(st, &s.check).is_ok()).collect();
        let last = ex.steps.len() - 1;
        let outcome = holds(st, &ex.steps[last].check);
        find(
            "The exercise's outcome holds in this sandbox",
            outcome.is_ok(),
            match outcome {
                Ok(()) => format!("step {}: {}", last + 1, ex.steps[last].text),
                Err(m) => format!("step {}: {m}", last + 1),
            },
        );
    }
    let verified = findings.iter().all(|f| f.ok);
    Ok(Verification { verified, title: r.exercise.title, findings, steps_holding_now })
}
