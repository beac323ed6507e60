//! The small state: everything that is not an event or a delivery log (clock, configuration,
//! topology, catalogue, workflows, per-instance counters and hints). It is held in memory, kept in
//! `m/…` records, and changed only inside an operation: the keys an operation touches are marked
//! dirty, written with the operation's other records, and restored from their last committed form
//! if the storage transaction fails.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::config::{Config, Schedule};
use crate::error::{Error, ErrorCode, Result};
use crate::input::Queue;
use crate::model::{Channel, EventStatus};

/// An external account of type "Message Center execution instance", and the execution instance it
/// points to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// Internal name (`mcExec1`).
    pub name: String,
    /// Label.
    pub label: String,
    /// URL of the execution instance.
    pub url: String,
    /// "Enabled".
    pub enabled: bool,
    /// Execution instance id, 0–255 (top byte of its event ids).
    pub execution_instance_id: u8,
    /// When it was registered.
    pub created: i64,
}

/// A value of the `eventType` enumeration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventType {
    /// Internal name (`purchase_order`): what events carry in `@type`.
    pub name: String,
    /// Label.
    pub label: String,
}

/// A seed address of a template, with its own test ctx.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seed {
    /// Internal name, unique in the template.
    pub name: String,
    /// Label.
    #[serde(default)]
    pub label: String,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Mobile phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
    /// External identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Test data: a `<ctx>…</ctx>` document (canonical XML).
    #[serde(default)]
    pub ctx: String,
}

/// Publication status of a template on the control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Publication {
    /// "Being edited".
    BeingEdited,
    /// "Published".
    Published,
}

impl Publication {
    /// The console label.
    pub fn label(self) -> &'static str {
        match self {
            Publication::BeingEdited => "Being edited",
            Publication::Published => "Published",
        }
    }
}

/// A transactional message template on the control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    /// Internal name.
    pub name: String,
    /// Label.
    pub label: String,
    /// Event type (None = "(None specified)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// Channel.
    pub channel: Channel,
    /// Subject.
    #[serde(default)]
    pub subject: String,
    /// HTML body.
    #[serde(default)]
    pub html: String,
    /// Text body.
    #[serde(default)]
    pub text: String,
    /// Seed addresses.
    #[serde(default)]
    pub seeds: Vec<Seed>,
    /// Publication status.
    pub publication: Publication,
    /// Last publication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<i64>,
    /// Created.
    pub created: i64,
    /// Last modified.
    pub last_modified: i64,
}

/// A published copy (`<name>_rt` / `<name>_batch`) on an execution instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishedCopy {
    /// Internal name of the copy.
    pub name: String,
    /// Internal name of the control template.
    pub template: String,
    /// Label.
    pub label: String,
    /// Queue it serves.
    pub queue: Queue,
    /// Event type.
    pub event_type: String,
    /// Channel.
    pub channel: Channel,
    /// Subject.
    pub subject: String,
    /// HTML body.
    pub html: String,
    /// Text body.
    pub text: String,
    /// Publication time.
    pub published_at: i64,
    /// Global publication sequence: breaks ties between copies published at the same ms.
    pub publish_seq: u64,
}

/// An execution delivery: one per published copy and month, created on demand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// Internal name: `<copy>_<YYYY-MM>`.
    pub name: String,
    /// The published copy.
    pub template: String,
    /// Month, `YYYY-MM`.
    pub month: String,
    /// Created.
    pub created: i64,
    /// Messages attached.
    pub messages: u64,
}

/// State of a workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum WorkflowState {
    /// Being edited (never started).
    BeingEdited,
    /// Started.
    Started,
    /// Paused.
    Paused,
    /// Stopped.
    Stopped,
}

impl WorkflowState {
    /// The console label.
    pub fn label(self) -> &'static str {
        match self {
            WorkflowState::BeingEdited => "Being edited",
            WorkflowState::Started => "Started",
            WorkflowState::Paused => "Paused",
            WorkflowState::Stopped => "Stopped",
        }
    }
}

/// What a workflow does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum WorkflowKind {
    /// `rtEventsProcessing`.
    RtEventsProcessing,
    /// `batchEventsProcessing`.
    BatchEventsProcessing,
    /// The simulated MTA of an execution instance (a process, not a technical workflow).
    Mta,
    /// `updateEventsStatus`.
    UpdateEventsStatus,
    /// `mcSynch_<account>` (control).
    McSynch,
    /// `cleanup`.
    Cleanup,
}

/// One run of a workflow: what it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RunLog {
    /// Run number (1, 2, …) within the workflow.
    pub run: u32,
    /// Workflow internal name.
    pub workflow: String,
    /// `control` or the execution instance's account name.
    pub instance: String,
    /// Start (virtual clock).
    pub start: i64,
    /// End, once finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<i64>,
    /// Storage transactions it took.
    pub steps: u32,
    /// What it did, counted.
    pub counts: BTreeMap<String, u64>,
    /// Errors met.
    #[serde(default)]
    pub errors: Vec<String>,
}

/// A technical workflow (or the MTA process).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Workflow {
    /// Internal name.
    pub name: String,
    /// Label.
    pub label: String,
    /// `control` or the execution instance's account name.
    pub instance: String,
    /// What it does.
    pub kind: WorkflowKind,
    /// State.
    pub state: WorkflowState,
    /// Schedule.
    pub schedule: Schedule,
    /// Last run start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_run: Option<i64>,
    /// Earliest tick not yet considered: ticks before it are done (run, or idle and skipped).
    pub next_tick: i64,
    /// Runs so far.
    pub runs: u32,
    /// The run in progress (a run can take several steps; a crash between two resumes it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<RunLog>,
    /// mcSynch: the change-log sequence archived so far (`MC_LastEventsBatchSynch_<cellId>`).
    #[serde(default)]
    pub watermark: u64,
}

/// Per execution instance: sequences, work hints and status counters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct InstMeta {
    /// Last event sequence (low 56 bits of ids).
    pub seq: u64,
    /// Last change-log sequence.
    pub chg_seq: u64,
    /// Earliest "process requested on" among Pending real-time events (a lower bound).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rt_due: Option<i64>,
    /// Same for batch events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_due: Option<i64>,
    /// Earliest MTA action (a lower bound).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mta_next: Option<i64>,
    /// Since when delivery-log changes wait for `updateEventsStatus`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upd_since: Option<i64>,
    /// Since when changes wait for archiving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chg_since: Option<i64>,
    /// Events per `queue|type|channel|status`.
    pub counters: BTreeMap<String, i64>,
}

/// Control-wide state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Control {
    /// Archived events per `queue|type|channel|status`.
    pub counters: BTreeMap<String, i64>,
    /// Publication sequence.
    pub publish_seq: u64,
    /// Round-robin position of the load balancer.
    pub lb_counter: u64,
}

/// Seed and configuration, fixed at creation (config can be changed later).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// The seed of every random draw, as a decimal string (64-bit).
    pub seed: String,
    /// The configuration.
    pub config: Config,
}

/// The whole small state.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Virtual clock.
    pub clock: i64,
    /// Seed.
    pub seed: u64,
    /// Configuration.
    pub config: Config,
    /// External accounts by name.
    pub accounts: BTreeMap<String, Account>,
    /// `eventType` enumeration by internal name.
    pub event_types: BTreeMap<String, EventType>,
    /// Templates by internal name.
    pub templates: BTreeMap<String, Template>,
    /// Published copies per execution instance id, by copy name.
    pub published: BTreeMap<u8, BTreeMap<String, PublishedCopy>>,
    /// Execution deliveries per execution instance id, by name.
    pub deliveries: BTreeMap<u8, BTreeMap<String, Delivery>>,
    /// Workflows by `<instance>/<name>`.
    pub workflows: BTreeMap<String, Workflow>,
    /// Per execution instance id.
    pub inst: BTreeMap<u8, InstMeta>,
    /// Control.
    pub control: Control,
}

/// Key of a workflow in `State::workflows` and under `m/wf/`.
pub fn wf_key(instance: &str, name: &str) -> String {
    format!("{instance}/{name}")
}

/// The counter key of an event.
pub fn counter_key(queue: Queue, event_type: &str, channel: Channel, status: EventStatus) -> String {
    let q = match queue {
        Queue::Rt => "rt",
        Queue::Batch => "batch",
    };
    format!("{q}|{event_type}|{}|{}", channel.name(), status.name())
}

fn ser<T: Serialize>(v: &T) -> String {
    // Serializing our own plain structs cannot fail.
    serde_json::to_string(v).unwrap_or_default()
}

fn de<T: DeserializeOwned>(key: &str, v: &str) -> Result<T> {
    serde_json::from_str(v)
        .map_err(|e| Error::new(ErrorCode::StorageCorrupt, format!("stored record {key} does not decode: {e}")))
}

fn hex_u8(s: &str) -> Option<u8> {
    u8::from_str_radix(s, 16).ok()
}

impl State {
    /// The serialized form of one `m/…` record, None if it no longer exists.
    pub fn record(&self, key: &str) -> Option<String> {
        let parts: Vec<&str> = key.splitn(3, '/').collect();
        match parts.as_slice() {
            ["m", "clock"] => Some(self.clock.to_string()),
            ["m", "settings"] => Some(ser(&Settings { seed: self.seed.to_string(), config: self.config.clone() })),
            ["m", "accounts"] => Some(ser(&self.accounts)),
            ["m", "types"] => Some(ser(&self.event_types)),
            ["m", "control"] => Some(ser(&self.control)),
            ["m", "tpl", name] => self.templates.get(*name).map(ser),
            ["m", "pub", id] => hex_u8(id).and_then(|i| self.published.get(&i)).map(ser),
            ["m", "dlv", id] => hex_u8(id).and_then(|i| self.deliveries.get(&i)).map(ser),
            ["m", "inst", id] => hex_u8(id).and_then(|i| self.inst.get(&i)).map(ser),
            ["m", "wf", k] => self.workflows.get(*k).map(ser),
            _ => None,
        }
    }

    /// Loads (or removes, when `value` is None) one `m/…` record.
    pub fn load_record(&mut self, key: &str, value: Option<&str>) -> Result<()> {
        let parts: Vec<&str> = key.splitn(3, '/').collect();
        let bad_key = || Error::new(ErrorCode::StorageCorrupt, format!("unknown state record {key}"));
        match (parts.as_slice(), value) {
            (["m", "clock"], Some(v)) => {
                self.clock = v.parse().map_err(|_| Error::new(ErrorCode::StorageCorrupt, "bad clock"))?
            }
            (["m", "settings"], Some(v)) => {
                let s: Settings = de(key, v)?;
                self.seed = s.seed.parse().map_err(|_| Error::new(ErrorCode::StorageCorrupt, "bad seed"))?;
                self.config = s.config;
            }
            (["m", "accounts"], Some(v)) => self.accounts = de(key, v)?,
            (["m", "accounts"], None) => self.accounts.clear(),
            (["m", "types"], Some(v)) => self.event_types = de(key, v)?,
            (["m", "types"], None) => self.event_types.clear(),
            (["m", "control"], Some(v)) => self.control = de(key, v)?,
            (["m", "control"], None) => self.control = Control::default(),
            (["m", "tpl", name], v) => match v {
                Some(v) => {
                    self.templates.insert(name.to_string(), de(key, v)?);
                }
                None => {
                    self.templates.remove(*name);
                }
            },
            (["m", "pub", id], v) => {
                let i = hex_u8(id).ok_or_else(bad_key)?;
                match v {
                    Some(v) => {
                        self.published.insert(i, de(key, v)?);
                    }
                    None => {
                        self.published.remove(&i);
                    }
                }
            }
            (["m", "dlv", id], v) => {
                let i = hex_u8(id).ok_or_else(bad_key)?;
                match v {
                    Some(v) => {
                        self.deliveries.insert(i, de(key, v)?);
                    }
                    None => {
                        self.deliveries.remove(&i);
                    }
                }
            }
            (["m", "inst", id], v) => {
                let i = hex_u8(id).ok_or_else(bad_key)?;
                match v {
                    Some(v) => {
                        self.inst.insert(i, de(key, v)?);
                    }
                    None => {
                        self.inst.remove(&i);
                    }
                }
            }
            (["m", "wf", k], v) => match v {
                Some(v) => {
                    self.workflows.insert(k.to_string(), de(key, v)?);
                }
                None => {
                    self.workflows.remove(*k);
                }
            },
            (["m", "clock"], None) | (["m", "settings"], None) => {}
            _ => return Err(bad_key()),
        }
        Ok(())
    }

    /// The account of an execution instance id.
    pub fn account_by_id(&self, id: u8) -> Option<&Account> {
        self.accounts.values().find(|a| a.execution_instance_id == id)
    }
}

/// Tracks which `m/…` records an operation changed, and their last committed form.
#[derive(Debug, Default)]
pub struct Journal {
    committed: HashMap<String, String>,
    dirty: BTreeSet<String>,
}

impl Journal {
    /// Marks a record changed by the current operation.
    pub fn touch(&mut self, key: String) {
        self.dirty.insert(key);
    }

    /// The records to write (value None = delete) for the dirty keys.
    pub fn pending(&self, st: &State) -> Vec<(String, Option<String>)> {
        self.dirty.iter().map(|k| (k.clone(), st.record(k))).collect()
    }

    /// The operation's writes are durable: they become the committed form.
    pub fn commit(&mut self, st: &State) {
        for k in std::mem::take(&mut self.dirty) {
            match st.record(&k) {
                Some(v) => {
                    self.committed.insert(k, v);
                }
                None => {
                    self.committed.remove(&k);
                }
            }
        }
    }

    /// The operation failed: the dirty records go back to their committed form.
    pub fn rollback(&mut self, st: &mut State) -> Result<()> {
        for k in std::mem::take(&mut self.dirty) {
            let v = self.committed.get(&k).cloned();
            st.load_record(&k, v.as_deref())?;
        }
        Ok(())
    }

    /// Records loaded from storage at open are the committed form.
    pub fn set_committed(&mut self, key: String, value: String) {
        self.committed.insert(key, value);
    }

    /// Whether a record is durable (committed or loaded from storage).
    pub fn is_committed(&self, key: &str) -> bool {
        self.committed.contains_key(key)
    }
}
