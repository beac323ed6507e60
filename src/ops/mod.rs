//! Operations: what the shell asks the engine to do (`Request`, one storage transaction each) and
//! what it asks without storage (`Query`). Each module decides one area; `begin` and `resume`
//! dispatch.

pub(crate) mod activity;
pub(crate) mod admin;
pub(crate) mod blocks;
pub(crate) mod catalogue;
pub(crate) mod commands;
pub(crate) mod explain;
pub(crate) mod generate;
pub(crate) mod lend;
pub mod methods;
pub(crate) mod open;
pub(crate) mod over_time;
pub(crate) mod personalization;
pub(crate) mod push;
pub(crate) mod read;
pub(crate) mod report;
pub(crate) mod schedule;
pub(crate) mod setup;
pub(crate) mod soap;
pub(crate) mod workflows;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::{Error, ErrorCode, Result};
use crate::io::{Reads, Results};
use crate::txn::Txn;
use crate::views::{self, OpResult};

pub use catalogue::{SeedInput, TemplateInput, TemplatePatch};
pub use push::PushRequest;
pub use read::{CountFilter, ListFilter};

/// A point in time as the API takes it: ms since the epoch, or ISO 8601 text (a date without a
/// zone is UTC, the same wherever the code runs).
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(untagged)]
pub enum TimeInput {
    /// Milliseconds since the Unix epoch (a fraction is dropped).
    Ms(f64),
    /// ISO 8601 (`2026-03-02`, `2026-03-02T08:00:00Z`, `2026-03-02T09:00:00+01:00`…).
    Text(String),
}

impl TimeInput {
    /// The instant, without a range check.
    pub fn raw_ms(&self, what: &str) -> Result<i64> {
        match self {
            TimeInput::Ms(t) if t.is_finite() && t.abs() < 9.0e15 => Ok(t.trunc() as i64),
            TimeInput::Ms(_) => Err(Error::new(ErrorCode::InvalidArgument, format!("{what} must be a finite number of ms"))),
            TimeInput::Text(s) => {
                crate::dates::parse_iso8601(s.trim()).map_err(|e| Error::new(ErrorCode::InvalidDate, format!("{what}: {}", e.message)))
            }
        }
    }

    /// The instant, or `what` named in the error.
    pub fn ms(&self, what: &str) -> Result<i64> {
        let t = self.raw_ms(what)?;
        if !(0..=crate::keys::MAX_TIME).contains(&t) {
            return Err(Error::new(ErrorCode::InvalidArgument, format!("{what} is out of range (1970 to year 10889)")));
        }
        Ok(t)
    }
}

/// What `open` takes.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenRequest {
    /// The seed of a new store (decimal 64-bit); on an existing store it must match.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub seed: Option<String>,
    /// The initial virtual time of a new store (default 2026-01-01T00:00:00Z).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub now: Option<TimeInput>,
    /// Configuration overrides (on an existing store, applied as `configure`).
    #[serde(default)]
    #[ts(optional, type = "unknown")]
    pub config: Option<Value>,
    /// A fresh random seed from the host, used when a new store is given none.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub fresh_seed: Option<String>,
    /// Fresh random bytes from the host (at least 64 hex digits), for the salts of passwords
    /// the configuration gives in clear, or that a store of format 2 holds in clear.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub entropy: Option<String>,
    /// The boundary format version the shell speaks (see `boundary.rs`).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub boundary: Option<u32>,
    /// Bytes of committed records this engine keeps in memory so as not to read again what it
    /// wrote or read (default `DEFAULT_CACHE_BYTES`; 0: none). A setting of this engine, not of
    /// the store: it changes no byte written.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub cache_bytes: Option<u64>,
}

/// The record cache's budget when `open` names none: 16 MiB.
pub const DEFAULT_CACHE_BYTES: u64 = 16 * 1024 * 1024;
/// The largest record cache `open` accepts: 1 GiB.
pub const MAX_CACHE_BYTES: u64 = 1024 * 1024 * 1024;

/// What `addExecutionInstance` takes: an external account of type "Execution instance".
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountInput {
    /// Internal name (`mcExec1`): letters, digits and `_`, not starting with a digit, at most 64.
    pub name: String,
    /// Label (default: the name).
    #[serde(default)]
    #[ts(optional)]
    pub label: Option<String>,
    /// URL of the execution instance (default `http://<name>.example.com:8080`).
    #[serde(default)]
    #[ts(optional)]
    pub url: Option<String>,
    /// Execution instance id, 0–255, unique: the top byte of its event ids.
    #[ts(type = "number")]
    pub execution_instance_id: i64,
    /// "Enabled" (default true): the load balancer only uses enabled instances.
    #[serde(default)]
    #[ts(optional)]
    pub enabled: Option<bool>,
    /// The execution instance runs in another process, reached at `url` (default false): its
    /// records are the host's to fetch, and its archiving workflow polls at every tick.
    #[serde(default)]
    #[ts(optional)]
    pub remote: Option<bool>,
    /// "Account": the Message Center agent operator on the execution instance (default `mc`).
    #[serde(default)]
    #[ts(optional)]
    pub account: Option<String>,
    /// "Password" of that operator: only whether one is given is kept (see `Account`).
    #[serde(default)]
    #[ts(optional)]
    pub password: Option<String>,
    /// "Account connection method" (default `webService`).
    #[serde(default)]
    #[ts(optional)]
    pub connection_method: Option<crate::state::ConnectionMethod>,
}

/// Changes to an external account.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountPatch {
    /// Label.
    #[serde(default)]
    #[ts(optional)]
    pub label: Option<String>,
    /// URL.
    #[serde(default)]
    #[ts(optional)]
    pub url: Option<String>,
    /// "Enabled".
    #[serde(default)]
    #[ts(optional)]
    pub enabled: Option<bool>,
    /// "Account".
    #[serde(default)]
    #[ts(optional)]
    pub account: Option<String>,
    /// "Password" (an empty one: none).
    #[serde(default)]
    #[ts(optional)]
    pub password: Option<String>,
    /// "Account connection method".
    #[serde(default)]
    #[ts(optional)]
    pub connection_method: Option<crate::state::ConnectionMethod>,
}

/// A request that may read and write storage.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum Request {
    /// The first operation: reads the small state, or creates a new store.
    Open(OpenRequest),
    /// Changes configuration values (a partial object, merged).
    Configure {
        /// The overrides.
        #[ts(type = "unknown")]
        config: Value,
        /// Fresh random bytes from the host (at least 64 hex digits), for the salts of passwords
        /// given in clear.
        #[serde(default)]
        #[ts(optional = nullable)]
        entropy: Option<String>,
    },
    /// Moves the clock (never backwards) without running anything: the native tests' (their
    /// driver's) way to set up a moment; not in the shipped core, whose clock moves by `advance`.
    #[cfg(feature = "driver")]
    #[ts(skip)]
    SetClock {
        /// Target time.
        to: TimeInput,
    },
    /// A step of the migration of a store of an older storage format (open names it next, until
    /// the store is of this version's format).
    Migrate,
    /// Moves the clock forward, running each workflow step that falls due, one per transaction:
    /// the result says what to send next until the target is reached.
    Advance {
        /// How far, in ms (a fraction is dropped).
        #[serde(default)]
        #[ts(optional = nullable)]
        by: Option<f64>,
        /// To when.
        #[serde(default)]
        #[ts(optional = nullable)]
        to: Option<TimeInput>,
        /// Steps run so far by this command.
        #[serde(default)]
        #[ts(optional, as = "Option<u64>")]
        steps: u64,
    },
    /// Adds a value to the `eventType` enumeration.
    AddEventType {
        /// Internal name.
        name: String,
        /// Label.
        #[serde(default)]
        #[ts(optional = nullable)]
        label: Option<String>,
    },
    /// Registers an execution instance (external account) on the control.
    AddExecutionInstance(AccountInput),
    /// Changes an external account.
    UpdateExecutionInstance {
        /// Internal name.
        name: String,
        /// The changes.
        patch: AccountPatch,
    },
    /// "Create the archiving workflow" on an external account.
    CreateArchivingWorkflow {
        /// Account internal name.
        account: String,
    },
    /// Creates a template.
    CreateTemplate {
        /// The template.
        template: TemplateInput,
    },
    /// Changes a template.
    UpdateTemplate {
        /// Internal name.
        name: String,
        /// The changes.
        patch: TemplatePatch,
    },
    /// "Send a proof": the template rendered with seed addresses, sent to them (its Audit).
    SendProof {
        /// Internal name.
        name: String,
        /// The seed addresses (default: every one).
        #[serde(default)]
        #[ts(optional = nullable)]
        seeds: Option<Vec<String>>,
    },
    /// Deletes a template (refused while published).
    DeleteTemplate {
        /// Internal name.
        name: String,
    },
    /// Creates a personalization block of the control.
    CreatePersonalizationBlock {
        /// The block.
        block: blocks::BlockInput,
    },
    /// Changes a personalization block (a built-in one becomes the control's own).
    UpdatePersonalizationBlock {
        /// Internal name.
        name: String,
        /// The changes.
        patch: blocks::BlockPatch,
    },
    /// Deletes a personalization block of the control.
    DeletePersonalizationBlock {
        /// Internal name.
        name: String,
    },
    /// Sets an option (`xtk:option`); null: back to its default.
    SetOption {
        /// Name.
        name: String,
        /// Value.
        #[serde(default)]
        #[ts(optional = nullable)]
        value: Option<String>,
    },
    /// Publishes a template to every execution instance.
    Publish {
        /// Internal name.
        name: String,
    },
    /// Unpublishes a template from every execution instance.
    Unpublish {
        /// Internal name.
        name: String,
    },
    /// Starts a workflow.
    StartWorkflow {
        /// `control` or an account name.
        instance: String,
        /// Internal name.
        name: String,
    },
    /// Pauses a workflow.
    PauseWorkflow {
        /// `control` or an account name.
        instance: String,
        /// Internal name.
        name: String,
    },
    /// Stops a workflow.
    StopWorkflow {
        /// `control` or an account name.
        instance: String,
        /// Internal name.
        name: String,
    },
    /// Changes a workflow's schedule.
    ScheduleWorkflow {
        /// `control` or an account name.
        instance: String,
        /// Internal name.
        name: String,
        /// Period.
        period_ms: i64,
        /// Offset.
        #[serde(default)]
        #[ts(optional, as = "Option<i64>")]
        offset_ms: i64,
    },
    /// Pushes events (PushEvent / PushEvents).
    Push(PushRequest),
    /// A SOAP `PushEvent` / `PushEvents` envelope, answered as Campaign answers it.
    Soap(soap::SoapRequest),
    /// The control's reports over a period.
    Report {
        /// What it covers.
        filter: report::ReportFilter,
    },
    /// Generates events at a rate over a duration of virtual time (one step per transaction).
    Generate {
        /// What to generate.
        spec: Box<generate::GenerateSpec>,
        /// Where it is (none at the first call).
        #[serde(default)]
        #[ts(optional = nullable)]
        state: Option<generate::GenerateState>,
    },
    /// Runs one step of a workflow (at `at`, moving the clock there, or now); the result says
    /// whether the run goes on.
    RunWorkflow {
        /// `control` or an account name.
        instance: String,
        /// Internal name.
        name: String,
        /// When (default: the clock).
        #[serde(default)]
        #[ts(optional = nullable)]
        at: Option<i64>,
    },
    /// Tells this process that the control of another process archived part of its change log:
    /// the change records consumed (deleted) and those shortened to the pages still to archive.
    /// Only change records of this process's execution instances, and only fewer pages.
    ConsumeChanges {
        /// Records shortened: key and the list of pages left (a subset of the stored one).
        #[serde(default)]
        #[ts(optional, as = "Option<Vec<(String, String)>>")]
        put: Vec<(String, String)>,
        /// Records consumed whole.
        #[serde(default)]
        #[ts(optional, as = "Option<Vec<String>>")]
        del: Vec<String>,
    },
    /// Adds an address to an execution instance's denylist.
    Denylist {
        /// Account name.
        instance: String,
        /// Address.
        address: String,
    },
    /// A page of the status list.
    ListEvents {
        /// Filter and page.
        filter: ListFilter,
    },
    /// One event's whole story.
    GetEvent {
        /// Decimal id.
        id: String,
        /// The event as it stood at this moment: its status, history, delivery log and
        /// timeline then.
        #[serde(default)]
        #[ts(optional = nullable)]
        as_of: Option<TimeInput>,
    },
    /// What the workflows did across the instances, newest first, a line per run in the
    /// product's words, with the next step due (`activity.rs`).
    Activity {
        /// Most lines (default 50, at most 500; 0: only the mark and the next step).
        #[serde(default)]
        #[ts(optional = nullable)]
        limit: Option<u32>,
        /// The mark of an earlier answer: only what ran since.
        #[serde(default)]
        #[ts(optional = nullable)]
        since: Option<String>,
    },
    /// Counts per status at points of a period, from the events' status histories (the chart
    /// over the period shown, the list's counts as they stood at a moment).
    StatusOverTime(over_time::OverTimeRequest),
    /// The journal of a workflow, newest run first.
    Journal {
        /// `control` or an account name.
        instance: String,
        /// Internal name.
        name: String,
        /// Most runs.
        #[serde(default)]
        #[ts(optional = nullable)]
        limit: Option<u32>,
    },
    /// Advances the clock one workflow step at a time until the event has the status, or says
    /// why it never will (`WAIT_BLOCKED`) or did not in time (`WAIT_TIMEOUT`).
    WaitForStatus {
        /// Decimal id.
        id: String,
        /// Our status name, console label or REST name.
        status: String,
        /// Longest it may advance the clock (default `waitLimitMs`).
        #[serde(default)]
        #[ts(optional = nullable)]
        max_ms: Option<i64>,
        /// The deadline fixed by the first call of the command.
        #[serde(default)]
        #[ts(optional = nullable)]
        deadline: Option<i64>,
    },
}

/// A question about the small state (no storage).
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(tag = "q", rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum Query {
    /// Clock, seed, configuration.
    Settings,
    /// The clock alone, ms since the epoch.
    Now,
    /// External accounts with their archiving-workflow warning.
    Accounts,
    /// The `eventType` enumeration.
    EventTypes,
    /// Templates (with publication status).
    Templates,
    /// One template.
    Template {
        /// Internal name.
        name: String,
    },
    /// Personalization blocks (the control's and the built-in ones).
    PersonalizationBlocks,
    /// Options (the built-in ones and the control's).
    Options,
    /// Compiles template fields without saving them: every field's syntax error, at its line
    /// and column (the template editor asks as you type).
    CheckTemplate {
        /// Subject.
        #[serde(default)]
        #[ts(optional, as = "Option<String>")]
        subject: String,
        /// HTML body.
        #[serde(default)]
        #[ts(optional, as = "Option<String>")]
        html: String,
        /// Text body.
        #[serde(default)]
        #[ts(optional, as = "Option<String>")]
        text: String,
    },
    /// Preview of a template with one of its seed addresses.
    Preview {
        /// Internal name.
        name: String,
        /// Seed internal name (default: the first).
        #[serde(default)]
        #[ts(optional = nullable)]
        seed: Option<String>,
    },
    /// Published copies of an execution instance.
    Published {
        /// Account name.
        instance: String,
    },
    /// Execution deliveries of an execution instance.
    Deliveries {
        /// Account name.
        instance: String,
    },
    /// Workflows (of one instance, or all).
    Workflows {
        /// `control`, an account name, or none for all.
        #[serde(default)]
        #[ts(optional = nullable)]
        instance: Option<String>,
    },
    /// Counts per status.
    Counts(CountFilter),
    /// mcPing of an execution instance.
    McPing {
        /// Account name; none: every execution instance of this process together.
        #[serde(default)]
        #[ts(optional = nullable)]
        instance: Option<String>,
    },
    /// `ping.jsp`: `OK`, the clock.
    Ping,
    /// A draw from the seed, in parts per million (0..1,000,000), for a purpose and a number: the
    /// host's seeded decisions (a test harness's faults by probability) come from the same seed.
    Draw {
        /// What it is for.
        purpose: String,
        /// Which draw of it.
        n: u64,
    },
    /// The SOAP fault a test harness answers in place of a call (`SOAP-ENV:Server`, HTTP 500).
    InjectedFault {
        /// The call's `SOAPAction` (its service and method), if any.
        #[serde(default)]
        #[ts(optional = nullable)]
        soap_action: Option<String>,
    },
    /// Event statuses, channels, queues and test addresses, with their console labels.
    Enumerations,
    /// The guided exercises that ship with the engine (`exercise.rs`).
    Exercises,
    /// An exercise evaluated against this sandbox: each step done or what it misses. `text`: the
    /// exercise file (a shipped one's, or a trainer's).
    Exercise {
        /// The exercise file.
        text: String,
        /// Steps done at an earlier evaluation (its `reached`): they stay done.
        #[serde(default)]
        #[ts(optional, as = "Option<Vec<u32>>")]
        reached: Vec<u32>,
    },
    /// What a new platform needs before an event reaches Sent, each item done or missing.
    SetupChecklist,
    /// The template editor's insert-personalization menu, with the paths of `ctx` (a seed
    /// address's test data) under "Event XML".
    PersonalizationMenu {
        /// A `<ctx>` document.
        #[serde(default)]
        #[ts(optional = nullable)]
        ctx: Option<String>,
    },
    /// "Test the connection" of an execution instance's external account.
    TestConnection {
        /// The account's internal name.
        account: String,
    },
    /// The completion record of an exercise in this sandbox (its steps evaluated as `exercise`
    /// does), for the trainee to export.
    ExerciseRecord {
        /// The exercise file.
        text: String,
        /// Steps done at an earlier evaluation.
        #[serde(default)]
        #[ts(optional, as = "Option<Vec<u32>>")]
        reached: Vec<u32>,
    },
    /// A completion record verified against this sandbox (the trainee's, imported).
    VerifyExerciseRecord {
        /// The record's file.
        record: String,
        /// The exercise file, when it is not one shipped with the engine.
        #[serde(default)]
        #[ts(optional = nullable)]
        text: Option<String>,
    },
    /// The next workflow step due at or before `until`.
    NextDue {
        /// Horizon (default: none, the largest time).
        #[serde(default)]
        #[ts(optional = nullable)]
        until: Option<TimeInput>,
    },
    /// Whether records from outside (a snapshot to restore) are ones this engine could have
    /// written: their number, or `INVALID_ARGUMENT` naming the first that is not (`check.rs`).
    CheckRecords {
        /// `[key, value]` pairs.
        records: Vec<(String, String)>,
    },
    /// The key prefixes of an execution instance's own records (what lives where the instance
    /// runs), and those of them its control writes when it archives (the change log).
    InstanceKeys {
        /// Account name.
        instance: String,
    },
    /// Whether a caller with this session token (`login/password`, a Logon session, or empty with
    /// a bearer token) is an operator: its login, or `ACCESS_DENIED` / `SESSION_INVALID`.
    Authenticate {
        /// Who calls.
        caller: crate::security::Caller,
        /// The session token.
        #[serde(default)]
        #[ts(optional, as = "Option<String>")]
        token: String,
    },
    /// For these stored keys, what a snapshot holds instead (`snapshot::snapshot_edits`): no
    /// session, no operator secret.
    SnapshotEdits {
        /// Keys of the store, one chunk of `records()`.
        keys: Vec<String>,
    },
    /// For the records of a snapshot to restore into this store, the edits that keep this store's
    /// operators and trusted ranges and leave sessions out (`snapshot::restore_edits`).
    RestoreEdits {
        /// The snapshot's records.
        records: Vec<(String, String)>,
    },
    /// The WSDL of an event service (`nms:rtEvent`, `nms:batchEvent`), with the router at `location`.
    Wsdl {
        /// The schema.
        schema: String,
        /// The router's URL.
        location: String,
    },
}

/// What to send next, for a command of several transactions: the same command, carried on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Continuation {
    /// `advance` towards `to`.
    Advance {
        /// The target.
        to: i64,
        /// Steps run so far.
        steps: u64,
    },
    /// The next step of a run.
    RunWorkflow {
        /// `control` or an account name.
        instance: String,
        /// Internal name.
        name: String,
    },
    /// The next step of a generator.
    Generate {
        /// What it generates.
        spec: Box<generate::GenerateSpec>,
        /// Where it is.
        state: generate::GenerateState,
    },
    /// `waitForStatus` until `deadline`.
    WaitForStatus {
        /// Decimal id.
        id: String,
        /// The wanted status.
        status: String,
        /// The deadline.
        deadline: i64,
    },
    /// The next step of the migration of the store.
    Migrate,
}

impl Continuation {
    /// The request it stands for.
    pub fn request(&self) -> Request {
        match self {
            Continuation::Advance { to, steps } => Request::Advance { by: None, to: Some(TimeInput::Ms(*to as f64)), steps: *steps },
            Continuation::RunWorkflow { instance, name } => {
                Request::RunWorkflow { instance: instance.clone(), name: name.clone(), at: None }
            }
            Continuation::Generate { spec, state } => Request::Generate { spec: spec.clone(), state: Some(state.clone()) },
            Continuation::WaitForStatus { id, status, deadline } => {
                Request::WaitForStatus { id: id.clone(), status: status.clone(), max_ms: None, deadline: Some(*deadline) }
            }
            Continuation::Migrate => Request::Migrate,
        }
    }
}

/// Every answer of a query (answered once and serialized at once: not boxed).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[allow(clippy::large_enum_variant)]
pub enum QueryResult {
    /// `settings`.
    Settings(views::SettingsView),
    /// `now`.
    Now(i64),
    /// `ping`.
    Ping(String),
    /// `draw`.
    Draw(u32),
    /// `injectedFault`.
    Soap(views::SoapReply),
    /// `accounts`.
    Accounts(Vec<views::AccountView>),
    /// `eventTypes`.
    EventTypes(Vec<crate::state::EventType>),
    /// `personalizationBlocks`.
    Blocks(Vec<blocks::BlockView>),
    /// `options`.
    Options(Vec<blocks::OptionView>),
    /// `checkTemplate`: the problems, none when every field compiles.
    Check(Vec<catalogue::TemplateProblem>),
    /// `templates`.
    Templates(Vec<views::TemplateView>),
    /// `template`.
    Template(Box<views::TemplateView>),
    /// `preview`.
    Preview(views::Preview),
    /// `published`.
    Published(Vec<views::PublishedCopyView>),
    /// `deliveries`.
    Deliveries(Vec<views::DeliveryView>),
    /// `workflows`.
    Workflows(Vec<views::WorkflowView>),
    /// `counts`.
    Counts(views::Counts),
    /// `mcPing`.
    McPing(views::McPing),
    /// `nextDue`.
    NextDue(Option<views::DueStep>),
    /// `exercises`.
    Exercises(Vec<crate::exercise::ExerciseInfo>),
    /// `exercise`.
    Exercise(Box<crate::exercise::Progress>),
    /// `personalizationMenu`.
    PersonalizationMenu(personalization::PersonalizationMenu),
    /// `testConnection`.
    ConnectionTest(admin::ConnectionTest),
    /// `setupChecklist`.
    SetupChecklist(setup::SetupChecklist),
    /// `exerciseRecord`.
    ExerciseRecord(Box<crate::exercise::CompletionRecord>),
    /// `verifyExerciseRecord`.
    ExerciseVerification(Box<crate::exercise::Verification>),
    /// `enumerations`.
    Enumerations(views::Enumerations),
    /// `wsdl`.
    Wsdl(String),
    /// `instanceKeys`.
    InstanceKeys(views::InstanceKeys),
    /// `checkRecords`: how many were checked.
    Checked(u64),
    /// `authenticate`: the login.
    Login(String),
    /// `snapshotEdits`, `restoreEdits`: `[key, value]` to hold instead, `[key, null]` to leave out.
    RecordEdits(Vec<crate::snapshot::RecordEdit>),
}

/// The operation in progress, between reads.
#[derive(Debug)]
pub(crate) enum OpState {
    /// Reading the small state.
    Open(open::OpenOp),
    /// A push reading the pages it appends to.
    Push(push::PushRead),
    /// A command running a workflow step.
    Step(commands::StepOp),
    /// Waiting for a status: reading the event.
    Wait(commands::WaitOp),
    /// A read-only operation.
    Read(read::ReadOp),
    /// Consuming change records for the control of another process.
    Consume(lend::ConsumeOp),
    /// A step of the migration to this version's storage format.
    Migrate(crate::migrate::MigrateOp),
}

/// What an operation does next.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum Next {
    /// Needs reads (the state keeps their handles).
    Read(OpState, Reads),
    /// Finished with this result (and, for a command of several transactions, what to send next).
    Done(OpResult, Option<Continuation>),
}

/// Starts an operation.
pub(crate) fn begin(txn: &mut Txn<'_>, req: Request) -> Result<Next> {
    let done = |r: OpResult| Ok(Next::Done(r, None));
    match req {
        Request::Open(o) => open::begin(o),
        Request::Migrate => crate::migrate::begin(txn),
        Request::Configure { config, entropy } => done(open::configure(txn, config, entropy.as_deref())?),
        #[cfg(feature = "driver")]
        Request::SetClock { to } => done(admin::set_clock(txn, &to)?),
        Request::Advance { by, to, steps } => commands::advance(txn, by, to, steps),
        Request::AddEventType { name, label } => done(catalogue::add_event_type(txn, name, label)?),
        Request::AddExecutionInstance(a) => done(admin::add_execution_instance(txn, a)?),
        Request::UpdateExecutionInstance { name, patch } => done(admin::update_execution_instance(txn, &name, patch)?),
        Request::CreateArchivingWorkflow { account } => done(admin::create_archiving_workflow(txn, &account)?),
        Request::CreateTemplate { template } => done(catalogue::create_template(txn, template)?),
        Request::UpdateTemplate { name, patch } => done(catalogue::update_template(txn, &name, patch)?),
        Request::DeleteTemplate { name } => done(catalogue::delete_template(txn, &name)?),
        Request::SendProof { name, seeds } => done(catalogue::send_proof(txn, &name, seeds)?),
        Request::CreatePersonalizationBlock { block } => done(blocks::create(txn, block)?),
        Request::UpdatePersonalizationBlock { name, patch } => done(blocks::update(txn, &name, patch)?),
        Request::DeletePersonalizationBlock { name } => done(blocks::delete(txn, &name)?),
        Request::SetOption { name, value } => done(blocks::set_option(txn, &name, value)?),
        Request::Publish { name } => done(catalogue::publish(txn, &name)?),
        Request::Unpublish { name } => done(catalogue::unpublish(txn, &name)?),
        Request::StartWorkflow { instance, name } => done(admin::set_workflow_state(txn, &instance, &name, admin::WorkflowAction::Start)?),
        Request::PauseWorkflow { instance, name } => done(admin::set_workflow_state(txn, &instance, &name, admin::WorkflowAction::Pause)?),
        Request::StopWorkflow { instance, name } => done(admin::set_workflow_state(txn, &instance, &name, admin::WorkflowAction::Stop)?),
        Request::ScheduleWorkflow { instance, name, period_ms, offset_ms } => {
            done(admin::schedule_workflow(txn, &instance, &name, period_ms, offset_ms)?)
        }
        Request::Push(p) => push::begin(txn, p),
        Request::Soap(p) => soap::begin(txn, p),
        Request::Generate { spec, state } => generate::step(txn, *spec, state),
        Request::Report { filter } => report::begin(txn, filter),
        Request::RunWorkflow { instance, name, at } => commands::run_workflow(txn, &instance, &name, at),
        Request::ConsumeChanges { put, del } => lend::begin(txn, put, del),
        Request::Denylist { instance, address } => done(admin::denylist(txn, &instance, &address)?),
        Request::ListEvents { filter } => read::list_begin(txn, filter),
        Request::GetEvent { id, as_of } => read::get_begin(&id, as_of.as_ref()),
        Request::Journal { instance, name, limit } => read::journal_begin(txn, &instance, &name, limit),
        Request::Activity { limit, since } => activity::begin(txn.st(), limit, since.as_deref()),
        Request::StatusOverTime(r) => over_time::begin(txn.st(), r),
        Request::WaitForStatus { id, status, max_ms, deadline } => commands::wait_begin(txn, &id, &status, max_ms, deadline),
    }
}

/// Continues an operation with its reads.
pub(crate) fn resume(txn: &mut Txn<'_>, op: OpState, results: Results) -> Result<Next> {
    match op {
        OpState::Open(_) => Err(Error::new(ErrorCode::Internal, "open is resumed by the engine")),
        OpState::Push(p) => push::resume(txn, p, results),
        OpState::Step(s) => commands::step_resume(txn, s, results),
        OpState::Wait(w) => commands::wait_resume(txn, w, results),
        OpState::Read(r) => read::resume(txn, r, results),
        OpState::Consume(c) => lend::resume(txn, c, results),
        OpState::Migrate(m) => crate::migrate::resume(txn, m, results),
    }
}

/// Answers a query.
pub(crate) fn query(st: &crate::state::State, q: Query) -> Result<QueryResult> {
    use views::*;
    Ok(match q {
        Query::Settings => QueryResult::Settings(SettingsView::of(st)),
        Query::Now => QueryResult::Now(st.clock),
        Query::Accounts => QueryResult::Accounts(st.accounts.values().map(|a| AccountView::of(st, a)).collect()),
        Query::EventTypes => QueryResult::EventTypes(st.event_types.values().cloned().collect()),
        Query::Templates => QueryResult::Templates(st.templates.values().map(|t| TemplateView::of(st, t)).collect()),
        Query::Template { name } => {
            #[cfg(feature = "fault-injection")]
            crate::faults::check(&name);
            QueryResult::Template(Box::new(TemplateView::of(st, catalogue::get_template(st, &name)?)))
        }
        Query::PersonalizationBlocks => QueryResult::Blocks(blocks::block_views(st)),
        Query::Options => QueryResult::Options(blocks::option_views(st)),
        Query::CheckTemplate { subject, html, text } => QueryResult::Check(catalogue::check_fields(st, &subject, &html, &text)?),
        Query::Preview { name, seed } => QueryResult::Preview(catalogue::preview(st, &name, seed.as_deref())?),
        Query::Published { instance } => {
            let ii = admin::exec_id(st, &instance)?;
            QueryResult::Published(st.published.get(&ii).map(|m| m.values().map(PublishedCopyView::of).collect()).unwrap_or_default())
        }
        Query::Deliveries { instance } => {
            let ii = admin::exec_id(st, &instance)?;
            QueryResult::Deliveries(st.deliveries.get(&ii).map(|m| m.values().map(DeliveryView::of).collect()).unwrap_or_default())
        }
        Query::Workflows { instance } => {
            if let Some(i) = &instance {
                if i != schedule::CONTROL && !st.accounts.contains_key(i) {
                    return Err(Error::new(ErrorCode::UnknownInstance, format!("no instance named '{i}'")));
                }
            }
            QueryResult::Workflows(
                st.workflows
                    .values()
                    .filter(|w| instance.as_ref().is_none_or(|i| w.instance == *i))
                    .map(|w| WorkflowView::of(st, w))
                    .collect(),
            )
        }
        Query::Counts(f) => QueryResult::Counts(read::counts(st, &f)?),
        Query::McPing { instance } => {
            let ids: Vec<u8> = match &instance {
                Some(i) => vec![admin::exec_id(st, i)?],
                None => st.accounts.values().map(|a| a.execution_instance_id).collect(),
            };
            let pending = ids
                .iter()
                .filter_map(|ii| st.inst.get(ii))
                .map(|m| m.counters.sum_where(|k| k.queue == crate::model::Queue::Rt && k.status == crate::model::EventStatus::Pending))
                .sum();
            QueryResult::McPing(mc_ping(st, pending))
        }
        Query::CheckRecords { records } => {
            for (k, v) in &records {
                crate::check::check_record(k, v)?;
            }
            QueryResult::Checked(records.len() as u64)
        }
        Query::InstanceKeys { instance } => {
            let ii = admin::exec_id(st, &instance)?;
            QueryResult::InstanceKeys(views::InstanceKeys {
                own: crate::keys::instance_prefixes(ii),
                archive_writes: vec![crate::keys::change_prefix(ii)],
            })
        }
        Query::SnapshotEdits { keys } => QueryResult::RecordEdits(crate::snapshot::snapshot_edits(st, &keys)?),
        Query::RestoreEdits { records } => QueryResult::RecordEdits(crate::snapshot::restore_edits(st, &records)),
        Query::Authenticate { caller, token } => {
            let c = &st.config;
            match crate::security::authenticate(&c.operators, &c.trusted_ranges, &st.sessions, st.clock, &caller, &token, None) {
                Ok(login) => QueryResult::Login(login),
                Err(crate::security::Refusal::Login) => {
                    return Err(Error::new(ErrorCode::AccessDenied, "Invalid login or password. Connection denied."))
                }
                Err(crate::security::Refusal::Session) => {
                    return Err(Error::new(ErrorCode::SessionInvalid, "Session has expired or is invalid. Please reconnect."))
                }
            }
        }
        Query::Draw { purpose, n } => {
            let h = purpose.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
            QueryResult::Draw(crate::mta::draw_ppm(st.seed, h, u32::try_from(n % u64::from(u32::MAX)).unwrap_or(0), 0xfa17))
        }
        Query::InjectedFault { soap_action } => {
            QueryResult::Soap(views::SoapReply::fault(&crate::soap::injected_fault(soap_action.as_deref())))
        }
        Query::Ping => QueryResult::Ping(format!("OK\n{}\n", crate::dates::format_campaign(st.clock))),
        Query::Enumerations => QueryResult::Enumerations(enumerations()),
        Query::Wsdl { schema, location } => {
            let text = crate::soap::Service::of_name(&schema).and_then(|s| crate::xtk::wsdl(s, &location));
            QueryResult::Wsdl(text.ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidArgument,
                    format!("no WSDL for '{}': nms:rtEvent, nms:batchEvent or xtk:session", crate::tree::excerpt(&schema)),
                )
            })?)
        }
        Query::Exercises => QueryResult::Exercises(crate::exercise::builtin()?),
        Query::Exercise { text, reached } => {
            QueryResult::Exercise(Box::new(crate::exercise::evaluate(st, &crate::exercise::parse(&text)?, &reached)))
        }
        Query::PersonalizationMenu { ctx } => QueryResult::PersonalizationMenu(personalization::menu(st, ctx.as_deref())?),
        Query::TestConnection { account } => QueryResult::ConnectionTest(admin::test_connection(st, &account)?),
        Query::SetupChecklist => QueryResult::SetupChecklist(setup::checklist(st)),
        Query::ExerciseRecord { text, reached } => QueryResult::ExerciseRecord(Box::new(crate::exercise::record(st, &text, &reached)?)),
        Query::VerifyExerciseRecord { record, text } => {
            QueryResult::ExerciseVerification(Box::new(crate::exercise::verify(st, &record, text.as_deref())?))
        }
        Query::NextDue { until } => {
            let until = match until {
                Some(t) => t.ms("until")?,
                None => crate::keys::MAX_TIME,
            };
            if until < st.clock {
                return Err(admin::backwards(st.clock, until));
            }
            QueryResult::NextDue(schedule::next_due(st, until).map(|(at, key)| activity::due_step(st, at, &key)))
        }
    })
}

/// The enumerations the console shows, from the model's tables.
fn enumerations() -> views::Enumerations {
    use crate::model::{Channel, EventStatus, Queue};
    use views::{EnumValue, TestAddress};
    let channel = |c: Channel| EnumValue { name: c.name().into(), label: c.label().into(), code: c.code().into() };
    views::Enumerations {
        statuses: EventStatus::ALL
            .iter()
            .map(|s| EnumValue { name: s.name().into(), label: s.label().into(), code: s.code().into() })
            .collect(),
        channels: Channel::all().map(channel).collect(),
        template_channels: Channel::all().filter(|c| c.has_template()).map(channel).collect(),
        queues: Queue::ALL
            .iter()
            .map(|q| EnumValue {
                name: q.name().into(),
                label: match q {
                    Queue::Rt => "Real time events".into(),
                    Queue::Batch => "Batch events".into(),
                },
                code: q.code().into(),
            })
            .collect(),
        test_addresses: crate::mta::TEST_ADDRESSES
            .iter()
            .map(|(c, a, o)| TestAddress { channel: (*c).into(), address: (*a).into(), outcome: (*o).into() })
            .collect(),
        error_codes: ErrorCode::ALL.iter().map(|c| views::ErrorCodeView { code: c.as_str(), http_status: c.http_status() }).collect(),
    }
}
