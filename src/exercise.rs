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

/// Reads an exercise file: JSON in the format above, its names and checks valid.
pub fn parse(text: &str) -> Result<Exercise> {
    if text.len() > MAX_BYTES {
        return Err(bad(format!("the file is {} bytes: an exercise is at most {MAX_BYTES}", text.len())));
    }
    let ex: Exercise = serde_json::from_str(text)
        .map_err(|e| bad(format!("line {}, column {}: {}", e.line(), e.column(), crate::ctx::excerpt(&e.to_string()))))?;
    if ex.format != FORMAT {
        return Err(bad(format!("format '{}' is not {FORMAT}", crate::ctx::excerpt(&ex.format))));
    }
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
            Err(format!("workflow state '{}' is not started, paused or stopped", crate::ctx::excerpt(s)))
        }
        Check::Template { channel: Some(ch), .. } | Check::Events { channel: Some(ch), .. } if Channel::parse(ch).is_none() => {
            Err(format!("channel '{}' is not a channel", crate::ctx::excerpt(ch)))
        }
        Check::Events { status, queue, .. } => {
            if EventStatus::parse(status).is_none() {
                return Err(format!("status '{}' is not an event status", crate::ctx::excerpt(status)));
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
                                Some(x) => last = format!("the preview of {n} with {seed} does not contain \"{}\"", crate::ctx::excerpt(x)),
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
