//! The small state: everything that is not an event (clock, configuration, topology, catalogue,
//! workflows, per-instance counters and hints). It is held in memory and kept in `m/…` records,
//! one per `keys::Rec`; it changes only through `txn::Txn`, whose accessors mark what they change.

use std::collections::BTreeMap;

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use ts_rs::TS;

use crate::config::{Config, Schedule};
use crate::error::{Error, ErrorCode, Result};
use crate::keys::Rec;
use crate::model::{Channel, EventStatus, Queue};

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
    /// Whether the execution instance runs in another process (another service): its records are
    /// there, read and written by the host through the account's URL, and its archiving workflow
    /// polls at every tick (the steps that change its events run there, not here).
    #[serde(default)]
    pub remote: bool,
    /// "Account": the Message Center agent operator on the execution instance (`mc`).
    #[serde(default = "default_operator")]
    pub account: String,
    /// Whether a password was given. The password itself is kept nowhere: nothing in a sandbox
    /// logs on with it, and a sandbox export must hold no secret.
    #[serde(default)]
    pub password_set: bool,
    /// "Account connection method": how the control reads the execution instance's data.
    #[serde(default)]
    pub connection_method: ConnectionMethod,
}

fn default_operator() -> String {
    "mc".into()
}

/// "Account connection method > Method" of an execution instance's external account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ConnectionMethod {
    /// "Web service": the control calls the execution instance's SOAP methods.
    #[default]
    WebService,
    /// "Federated Data Access (FDA)": the control reads the execution instance's database.
    Fda,
}

impl ConnectionMethod {
    /// The console's label.
    pub fn label(self) -> &'static str {
        match self {
            ConnectionMethod::WebService => "Web service",
            ConnectionMethod::Fda => "Federated Data Access (FDA)",
        }
    }
}

/// A value of the `eventType` enumeration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EventType {
    /// Internal name (`purchase_order`): what events carry in `type`.
    pub name: String,
    /// Label.
    pub label: String,
}

/// A personalization block (`nms:includeView`) of the control: JSSP that templates include with
/// `<%@ include view='name' %>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PersonalizationBlock {
    /// Internal name (what `include view` names).
    pub name: String,
    /// Label.
    pub label: String,
    /// Its JSSP.
    pub source: String,
    /// Last change (virtual clock).
    #[ts(type = "number")]
    pub last_modified: i64,
}

/// What a published copy includes: the personalization blocks and options its fields use, as
/// they were when it was published (a change on the control needs a new publication).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PublishedIncludes {
    /// Blocks by name: their JSSP.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub blocks: BTreeMap<String, String>,
    /// Options by name: their value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
}

impl PublishedIncludes {
    /// Whether it holds nothing (the copies of stores written before blocks existed).
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty() && self.options.is_empty()
    }
}

/// A seed address of a template, with its own test ctx.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Seed {
    /// Internal name, unique in the template.
    pub name: String,
    /// Label.
    #[serde(default)]
    pub label: String,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub email: Option<String>,
    /// Mobile phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub mobile_phone: Option<String>,
    /// External identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
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
    /// Proofs sent ("Send a proof"), the newest last, at most `MAX_PROOFS` (the Audit tab).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proofs: Vec<Proof>,
}

/// Proofs a template keeps (the oldest go first).
pub const MAX_PROOFS: usize = 20;

/// A proof of a template: its content rendered with a seed address and sent to that address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Proof {
    /// Its number in the template ("Proof #3").
    pub n: u32,
    /// When it was sent, ms since the epoch.
    pub at: i64,
    /// The seed address's internal name.
    pub seed: String,
    /// Where it went: the seed's email or mobile phone.
    pub to: String,
    /// The rendered subject.
    pub subject: String,
    /// Bytes of the rendered HTML and text bodies.
    pub bytes: u32,
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
    /// The personalization blocks and options it uses, as published.
    #[serde(default, skip_serializing_if = "PublishedIncludes::is_empty")]
    pub includes: PublishedIncludes,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
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

    /// A state by its name (`started`, `paused`, `stopped`, `beingEdited`) or label, any case.
    pub fn parse(s: &str) -> Option<WorkflowState> {
        [WorkflowState::BeingEdited, WorkflowState::Started, WorkflowState::Paused, WorkflowState::Stopped]
            .into_iter()
            .find(|w| w.label().eq_ignore_ascii_case(s) || w.label().replace(' ', "").eq_ignore_ascii_case(s))
    }
}

/// What a workflow does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

impl WorkflowKind {
    /// The queue a processing workflow takes events from.
    pub fn queue(self) -> Option<Queue> {
        match self {
            WorkflowKind::RtEventsProcessing => Some(Queue::Rt),
            WorkflowKind::BatchEventsProcessing => Some(Queue::Batch),
            _ => None,
        }
    }

    /// The processing workflow of a queue.
    pub fn processing(q: Queue) -> WorkflowKind {
        match q {
            Queue::Rt => WorkflowKind::RtEventsProcessing,
            Queue::Batch => WorkflowKind::BatchEventsProcessing,
        }
    }
}

/// What one run of a workflow counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum RunCount {
    /// Events taken from the queue by a processing workflow.
    Processed,
    /// Queue entries whose event had moved on (or was purged) meanwhile.
    Stale,
    /// Events that became "Event expired".
    Expired,
    /// Events that became "Event not taken into account".
    NotTakenIntoAccount,
    /// Simulated processing errors.
    ProcessingErrors,
    /// Events routed to a template (now "Pending delivery").
    Routed,
    /// MTA send attempts.
    Attempts,
    /// Messages cancelled because their event expired.
    Cancelled,
    /// Messages ignored (MTA), or events that became "Ignored by the delivery" (updateEventsStatus).
    Ignored,
    /// Messages sent (MTA), or events that became "Sent" (updateEventsStatus).
    Sent,
    /// Hard bounces.
    HardBounces,
    /// Soft bounces.
    SoftBounces,
    /// Asynchronous bounces.
    AsyncBounces,
    /// Events that became "Delivery failed".
    DeliveryFailed,
    /// Events archived.
    Events,
    /// Delivery logs archived.
    DeliveryLogs,
    /// Execution events purged.
    EventsPurged,
    /// Execution delivery logs purged.
    DeliveryLogsPurged,
    /// Archived events purged.
    ArchivedEventsPurged,
    /// Messages that failed as they were built (the template's script failed for the event).
    PersonalizationErrors,
}

impl RunCount {
    /// The count of an event status reached by `updateEventsStatus`.
    pub fn of_status(s: EventStatus) -> RunCount {
        match s {
            EventStatus::Sent => RunCount::Sent,
            EventStatus::Ignored => RunCount::Ignored,
            EventStatus::Expired => RunCount::Expired,
            EventStatus::NotTakenIntoAccount => RunCount::NotTakenIntoAccount,
            _ => RunCount::DeliveryFailed,
        }
    }
}

/// Counts of one run (or step).
pub type RunCounts = BTreeMap<RunCount, u64>;

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
    pub counts: RunCounts,
    /// Errors met.
    #[serde(default)]
    pub errors: Vec<String>,
    /// Events routed, by execution delivery (`orderConfirmation_rt`), for a processing workflow.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub routed_to: BTreeMap<String, u64>,
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
    /// mcSynch: the change-record sequence archived so far (`MC_LastEventsBatchSynch_<cellId>`).
    #[serde(default)]
    pub watermark: u64,
}

/// The key of a workflow: `<instance>/<name>`.
pub fn wf_key(instance: &str, name: &str) -> String {
    format!("{instance}/{name}")
}

/// What events are counted by: queue, type, channel, status.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CounterKey {
    /// Queue.
    pub queue: Queue,
    /// Event type.
    pub event_type: String,
    /// Wished channel.
    pub channel: Channel,
    /// Status.
    pub status: EventStatus,
}

/// Event counts by queue, type, channel and status (so that counting never scans).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Counters(pub BTreeMap<CounterKey, i64>);

impl Counters {
    /// Applies one event's move between keys.
    pub fn apply(&mut self, old: Option<&CounterKey>, new: Option<&CounterKey>) {
        if old == new {
            return;
        }
        if let Some(k) = old {
            if let Some(n) = self.0.get_mut(k) {
                *n -= 1;
                if *n <= 0 {
                    self.0.remove(k);
                }
            }
        }
        if let Some(k) = new {
            *self.0.entry(k.clone()).or_insert(0) += 1;
        }
    }

    /// The sum of the counts whose key `keep` accepts.
    pub fn sum_where(&self, mut keep: impl FnMut(&CounterKey) -> bool) -> i64 {
        self.0.iter().filter(|(k, _)| keep(k)).map(|(_, n)| *n).sum()
    }
}

impl Serialize for Counters {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|(k, n)| (k.queue, &k.event_type, k.channel, k.status, n)))
    }
}

impl<'de> Deserialize<'de> for Counters {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Counters, D::Error> {
        let v: Vec<(Queue, String, Channel, EventStatus, i64)> = Vec::deserialize(d)?;
        Ok(Counters(
            v.into_iter().map(|(queue, event_type, channel, status, n)| (CounterKey { queue, event_type, channel, status }, n)).collect(),
        ))
    }
}

/// Per execution instance: sequences, work hints, status counters, purge boundary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct InstMeta {
    /// Last event sequence (low 56 bits of ids).
    pub seq: u64,
    /// Last queue-record sequence (the `<n>` of queue keys).
    pub qseq: u64,
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
    /// Events by queue, type, channel and status.
    pub counters: Counters,
    /// Every event of a lower sequence is purged.
    #[serde(default)]
    pub purged_below: u64,
    /// Quarantine and denylist entries written (a bound: an entry written twice counts twice).
    #[serde(default)]
    pub quarantined: u64,
}

impl InstMeta {
    /// The due hint of a queue.
    pub fn due_mut(&mut self, q: Queue) -> &mut Option<i64> {
        match q {
            Queue::Rt => &mut self.rt_due,
            Queue::Batch => &mut self.batch_due,
        }
    }

    /// The due hint of a queue.
    pub fn due(&self, q: Queue) -> Option<i64> {
        match q {
            Queue::Rt => self.rt_due,
            Queue::Batch => self.batch_due,
        }
    }

    /// A new queue-record sequence.
    pub fn next_qseq(&mut self) -> u64 {
        self.qseq += 1;
        self.qseq
    }
}

/// Control-wide state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Control {
    /// Archived events by queue, type, channel and status.
    pub counters: Counters,
    /// Publication sequence.
    pub publish_seq: u64,
    /// Round-robin position of the load balancer.
    pub lb_counter: u64,
    /// Per execution instance id: every archived event of a lower sequence is purged.
    #[serde(default)]
    pub histo_purged_below: BTreeMap<u8, u64>,
    /// Per execution instance id: the highest archived sequence.
    #[serde(default)]
    pub histo_top: BTreeMap<u8, u64>,
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
    /// Personalization blocks of the control by internal name (the built-in ones are not here
    /// unless changed).
    pub blocks: BTreeMap<String, PersonalizationBlock>,
    /// Options of the control by name (`xtk:option`; built-in ones have defaults).
    pub options: BTreeMap<String, String>,
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
    /// Sessions of `xtk:session#Logon`, by the hash of their token (one record each).
    pub sessions: crate::sessions::Sessions,
    /// The storage format of the store as read (its `m/format`); `keys::FORMAT` once written.
    pub format: u32,
    /// While the pages are migrated: the last page record packed (`m/migration`).
    pub migration: Option<String>,
}

fn ser<T: Serialize>(v: &T) -> Result<String> {
    crate::records::to_json(v)
}

fn de<T: DeserializeOwned>(rec: &Rec, v: &str) -> Result<T> {
    serde_json::from_str(v).map_err(|e| Error::new(ErrorCode::StorageCorrupt, format!("stored record {} does not decode: {e}", rec.key())))
}

impl State {
    /// The serialized form of one record, None if it no longer exists.
    pub fn record(&self, rec: &Rec) -> Result<Option<String>> {
        match rec {
            Rec::Format => Ok(Some(crate::keys::format_value(self.format))),
            Rec::Clock => Ok(Some(self.clock.to_string())),
            Rec::Settings => ser(&Settings { seed: self.seed.to_string(), config: self.config.clone() }).map(Some),
            Rec::Accounts => ser(&self.accounts).map(Some),
            Rec::Types => ser(&self.event_types).map(Some),
            Rec::Control => ser(&self.control).map(Some),
            Rec::Template(n) => self.templates.get(n).map(ser).transpose(),
            Rec::Block(n) => self.blocks.get(n).map(ser).transpose(),
            Rec::Options => (!self.options.is_empty()).then(|| ser(&self.options)).transpose(),
            Rec::Published(i) => self.published.get(i).map(ser).transpose(),
            Rec::Deliveries(i) => self.deliveries.get(i).map(ser).transpose(),
            Rec::Inst(i) => self.inst.get(i).map(ser).transpose(),
            Rec::Workflow(k) => self.workflows.get(k).map(ser).transpose(),
            Rec::Session(h) => self.sessions.get(h).map(ser).transpose(),
            // Format 2's record of every session: gone once migrated.
            Rec::LegacySessions => Ok(None),
            Rec::Migration => self.migration.as_ref().map(ser).transpose(),
        }
    }

    /// Loads (or removes, when `value` is None) one record.
    pub fn load_record(&mut self, rec: &Rec, value: Option<&str>) -> Result<()> {
        fn put<K: Ord, T: DeserializeOwned>(m: &mut BTreeMap<K, T>, k: K, rec: &Rec, v: Option<&str>) -> Result<()> {
            match v {
                Some(v) => {
                    m.insert(k, de(rec, v)?);
                }
                None => {
                    m.remove(&k);
                }
            }
            Ok(())
        }
        match (rec, value) {
            (Rec::Format, v) => self.format = v.and_then(crate::keys::parse_format).unwrap_or(0),
            (Rec::Migration, v) => self.migration = v.map(|v| de(rec, v)).transpose()?,
            (Rec::Clock, Some(v)) => {
                self.clock = v.parse().map_err(|_| {
                    Error::new(ErrorCode::StorageCorrupt, format!("stored record m/clock is not a time: '{}'", crate::tree::excerpt(v)))
                })?
            }
            (Rec::Settings, Some(v)) => {
                let s: Settings = de(rec, v)?;
                self.seed = s.seed.parse().map_err(|_| Error::new(ErrorCode::StorageCorrupt, "stored record m/settings has a bad seed"))?;
                self.config = s.config;
            }
            (Rec::Clock | Rec::Settings, None) => {}
            (Rec::Accounts, v) => {
                self.accounts = v.map(|v| de(rec, v)).transpose()?.unwrap_or_default();
                named(rec, self.accounts.iter().map(|(k, a)| (k, &a.name)))?;
            }
            (Rec::Types, v) => self.event_types = v.map(|v| de(rec, v)).transpose()?.unwrap_or_default(),
            (Rec::Control, v) => self.control = v.map(|v| de(rec, v)).transpose()?.unwrap_or_default(),
            (Rec::Session(h), Some(v)) => self.sessions.insert(h.clone(), de(rec, v)?),
            (Rec::Session(h), None) => {
                self.sessions.remove(h);
            }
            // Format 2: every session in one record, tokens in clear; loaded by their hashes.
            (Rec::LegacySessions, Some(v)) => {
                let old: BTreeMap<String, crate::sessions::LegacySession> = de(rec, v)?;
                for (token, s) in old {
                    let security_token_hash = crate::secrets::token_hash(&s.security_token);
                    let session = crate::sessions::Session { login: s.login, security_token_hash, expires: s.expires };
                    self.sessions.insert(crate::secrets::token_hash(&token), session);
                }
            }
            (Rec::LegacySessions, None) => {}
            (Rec::Template(n), v) => put(&mut self.templates, n.clone(), rec, v)?,
            (Rec::Block(n), v) => {
                put(&mut self.blocks, n.clone(), rec, v)?;
                if let Some(b) = self.blocks.get(n) {
                    named(rec, std::iter::once((n, &b.name)))?;
                }
            }
            (Rec::Options, v) => self.options = v.map(|v| de(rec, v)).transpose()?.unwrap_or_default(),
            (Rec::Published(i), v) => {
                put(&mut self.published, *i, rec, v)?;
                if let Some(m) = self.published.get(i) {
                    named(rec, m.iter().map(|(k, c)| (k, &c.name)))?;
                }
            }
            (Rec::Deliveries(i), v) => put(&mut self.deliveries, *i, rec, v)?,
            (Rec::Inst(i), v) => put(&mut self.inst, *i, rec, v)?,
            (Rec::Workflow(k), v) => put(&mut self.workflows, k.clone(), rec, v)?,
        }
        Ok(())
    }

    /// The account of an execution instance id.
    pub fn account_by_id(&self, id: u8) -> Option<&Account> {
        self.accounts.values().find(|a| a.execution_instance_id == id)
    }

    /// The execution instance id of an account name.
    pub fn exec_id(&self, name: &str) -> Option<u8> {
        self.accounts.get(name).map(|a| a.execution_instance_id)
    }
}

/// A record of named things keeps each under its own name (a garbled one may not, and the engine
/// looks them up by both).
fn named<'a>(rec: &Rec, entries: impl Iterator<Item = (&'a String, &'a String)>) -> Result<()> {
    for (k, name) in entries {
        if k != name {
            return Err(Error::new(
                ErrorCode::StorageCorrupt,
                format!("stored record {} holds '{}' under the name '{}'", rec.key(), crate::tree::excerpt(name), crate::tree::excerpt(k)),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_move_and_serialize() {
        let k = |s| CounterKey { queue: Queue::Rt, event_type: "order".into(), channel: Channel::Email, status: s };
        let mut c = Counters::default();
        c.apply(None, Some(&k(EventStatus::Pending)));
        c.apply(None, Some(&k(EventStatus::Pending)));
        c.apply(Some(&k(EventStatus::Pending)), Some(&k(EventStatus::Sent)));
        assert_eq!(c.sum_where(|x| x.status == EventStatus::Pending), 1);
        let s = serde_json::to_string(&c).unwrap();
        assert_eq!(s, r#"[["rt","order","email","pending",1],["rt","order","email","sent",1]]"#);
        assert_eq!(serde_json::from_str::<Counters>(&s).unwrap(), c);
        c.apply(Some(&k(EventStatus::Sent)), None);
        assert_eq!(c.0.len(), 1);
    }
}
