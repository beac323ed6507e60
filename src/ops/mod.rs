//! Operations: what the shell asks the engine to do. Requests are JSON (`{"op": "...", ...}`),
//! results are JSON values.

mod admin;
mod catalogue;
mod push;
mod read;
pub mod records;
pub mod schedule;
mod steps;
pub mod views;

use serde::Deserialize;
use serde_json::Value;

use crate::engine::{Engine, ReadReq, ReadResult};
use crate::error::Result;

pub use catalogue::{TemplateInput, TemplatePatch};
pub use read::ListFilter;

/// A request that may read and write storage.
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", deny_unknown_fields)]
pub enum Request {
    /// First operation on empty storage.
    Init {
        /// The seed, a decimal 64-bit integer.
        seed: String,
        /// Initial virtual time, ms since the epoch.
        now: i64,
        /// Configuration overrides.
        #[serde(default)]
        config: Option<Value>,
    },
    /// Changes configuration values (a partial object, merged).
    Configure {
        /// The overrides.
        config: Value,
    },
    /// Moves the clock (never backwards).
    SetClock {
        /// Target time.
        to: i64,
    },
    /// Adds a value to the `eventType` enumeration.
    AddEventType {
        /// Internal name.
        name: String,
        /// Label.
        #[serde(default)]
        label: Option<String>,
    },
    /// Registers an execution instance (external account) on the control.
    AddExecutionInstance {
        /// Internal name.
        name: String,
        /// Label.
        #[serde(default)]
        label: Option<String>,
        /// URL.
        #[serde(default)]
        url: Option<String>,
        /// Execution instance id.
        #[serde(rename = "executionInstanceId")]
        execution_instance_id: i64,
        /// Enabled.
        #[serde(default)]
        enabled: Option<bool>,
    },
    /// Changes an external account.
    UpdateExecutionInstance {
        /// Internal name.
        name: String,
        /// Label.
        #[serde(default)]
        label: Option<String>,
        /// URL.
        #[serde(default)]
        url: Option<String>,
        /// Enabled.
        #[serde(default)]
        enabled: Option<bool>,
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
    /// Deletes a template (refused while published).
    DeleteTemplate {
        /// Internal name.
        name: String,
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
        #[serde(rename = "periodMs")]
        period_ms: i64,
        /// Offset.
        #[serde(default, rename = "offsetMs")]
        offset_ms: i64,
    },
    /// Pushes events (PushEvent / PushEvents).
    Push(push::PushRequest),
    /// Runs one step of a workflow (at `at`, moving the clock there, or now).
    RunWorkflow {
        /// `control` or an account name.
        instance: String,
        /// Internal name.
        name: String,
        /// When (default: the clock).
        #[serde(default)]
        at: Option<i64>,
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
    },
    /// The journal of a workflow, newest run first.
    Journal {
        /// `control` or an account name.
        instance: String,
        /// Internal name.
        name: String,
        /// Most runs.
        #[serde(default)]
        limit: Option<u32>,
    },
}

/// A question about the small state (no storage).
#[derive(Debug, Deserialize)]
#[serde(tag = "q", rename_all = "camelCase", deny_unknown_fields)]
pub enum Query {
    /// Clock, seed, configuration.
    Settings,
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
    /// Preview of a template with one of its seed addresses.
    Preview {
        /// Internal name.
        name: String,
        /// Seed internal name (default: the first).
        #[serde(default)]
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
        instance: Option<String>,
    },
    /// Counts per status.
    Counts(read::CountFilter),
    /// mcPing of an execution instance.
    McPing {
        /// Account name.
        instance: String,
    },
    /// The next workflow step due at or before `until`.
    NextDue {
        /// Horizon.
        until: i64,
    },
    /// Why an event cannot reach a status (no workflow started…), given its current story.
    WaitCheck {
        /// The wanted status.
        status: String,
        /// Its current status.
        current: String,
        /// Whether its delivery log has an asynchronous bounce pending.
        #[serde(default, rename = "bouncePending")]
        bounce_pending: bool,
        /// Queue.
        queue: String,
        /// Account name.
        instance: String,
    },
}

/// The operation in progress, between reads.
#[derive(Debug)]
pub enum OpState {
    /// A workflow step.
    Step(steps::StepState),
    /// A read-only operation.
    Read(read::ReadState),
}

/// What an operation does next.
#[derive(Debug)]
pub enum Next {
    /// Needs reads.
    Read(OpState, Vec<ReadReq>),
    /// Finished with this result (the engine adds the dirty state records to the writes).
    Done(Value),
}

/// Starts an operation.
pub fn begin(eng: &mut Engine, req: Request) -> Result<Next> {
    if !matches!(req, Request::Init { .. }) && !eng.initialized {
        return crate::error::err(crate::error::ErrorCode::InvalidArgument, "the engine is not initialized (init first)");
    }
    match req {
        Request::Init { seed, now, config } => admin::init(eng, &seed, now, config),
        Request::Configure { config } => admin::configure(eng, config),
        Request::SetClock { to } => admin::set_clock(eng, to),
        Request::AddEventType { name, label } => catalogue::add_event_type(eng, name, label),
        Request::AddExecutionInstance { name, label, url, execution_instance_id, enabled } => {
            admin::add_execution_instance(eng, name, label, url, execution_instance_id, enabled)
        }
        Request::UpdateExecutionInstance { name, label, url, enabled } => {
            admin::update_execution_instance(eng, &name, label, url, enabled)
        }
        Request::CreateArchivingWorkflow { account } => admin::create_archiving_workflow(eng, &account),
        Request::CreateTemplate { template } => catalogue::create_template(eng, template),
        Request::UpdateTemplate { name, patch } => catalogue::update_template(eng, &name, patch),
        Request::DeleteTemplate { name } => catalogue::delete_template(eng, &name),
        Request::Publish { name } => catalogue::publish(eng, &name),
        Request::Unpublish { name } => catalogue::unpublish(eng, &name),
        Request::StartWorkflow { instance, name } => admin::set_workflow_state(eng, &instance, &name, "start"),
        Request::PauseWorkflow { instance, name } => admin::set_workflow_state(eng, &instance, &name, "pause"),
        Request::StopWorkflow { instance, name } => admin::set_workflow_state(eng, &instance, &name, "stop"),
        Request::ScheduleWorkflow { instance, name, period_ms, offset_ms } => {
            admin::schedule_workflow(eng, &instance, &name, period_ms, offset_ms)
        }
        Request::Push(p) => push::push(eng, p),
        Request::RunWorkflow { instance, name, at } => steps::begin(eng, &instance, &name, at),
        Request::Denylist { instance, address } => admin::denylist(eng, &instance, &address),
        Request::ListEvents { filter } => read::list_begin(eng, filter),
        Request::GetEvent { id } => read::get_begin(eng, &id),
        Request::Journal { instance, name, limit } => read::journal_begin(eng, &instance, &name, limit),
    }
}

/// Continues an operation with its reads.
pub fn resume(eng: &mut Engine, op: OpState, results: Vec<ReadResult>) -> Result<Next> {
    match op {
        OpState::Step(s) => steps::resume(eng, s, results),
        OpState::Read(r) => read::resume(eng, r, results),
    }
}

/// Answers a query.
pub fn query(eng: &Engine, q: Query) -> Result<Value> {
    match q {
        Query::Settings => Ok(views::settings(eng)),
        Query::Accounts => Ok(views::accounts(eng)),
        Query::EventTypes => Ok(views::event_types(eng)),
        Query::Templates => Ok(views::templates(eng)),
        Query::Template { name } => views::template(eng, &name),
        Query::Preview { name, seed } => catalogue::preview(eng, &name, seed.as_deref()),
        Query::Published { instance } => views::published(eng, &instance),
        Query::Deliveries { instance } => views::deliveries(eng, &instance),
        Query::Workflows { instance } => views::workflows(eng, instance.as_deref()),
        Query::Counts(f) => read::counts(eng, f),
        Query::McPing { instance } => views::mc_ping(eng, &instance),
        Query::NextDue { until } => {
            if !(0..=crate::keys::MAX_TIME).contains(&until) {
                return crate::error::err(crate::error::ErrorCode::InvalidArgument, "the target time is out of range (up to year 10889)");
            }
            if until < eng.st.clock {
                return crate::error::err(
                    crate::error::ErrorCode::ClockBackwards,
                    format!(
                        "the clock cannot move backwards (from {} to {})",
                        crate::dates::format_iso(eng.st.clock),
                        crate::dates::format_iso(until)
                    ),
                );
            }
            Ok(schedule::next_due_json(eng, until))
        }
        Query::WaitCheck { status, current, bounce_pending, queue, instance } => {
            schedule::wait_check(eng, &status, &current, bounce_pending, &queue, &instance)
        }
    }
}
