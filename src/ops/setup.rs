//! The setup checklist (issue 16, problem 5): what a new platform needs before an event reaches
//! Sent, in the order Adobe's "Technical workflows" page takes it, each item with what is done or
//! missing and the place to do it. Read from the small state (accounts, workflows, catalogue,
//! counters), so the console shows it live on the home page.

use serde::Serialize;
use ts_rs::TS;

use crate::model::EventStatus;
use crate::ops::schedule::CONTROL;
use crate::state::{wf_key, Publication, State, WorkflowState};

/// The checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetupChecklist {
    /// The items, in the order to take them.
    pub items: Vec<SetupItem>,
    /// Items done.
    pub done: u32,
    /// Whether every item is done.
    pub complete: bool,
}

/// One thing to set up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetupItem {
    /// Its name: `instance`, `archiving`, `workflows`, `eventType`, `template`, `event`, `sent`.
    pub id: String,
    /// What to do, in the product's words.
    pub text: String,
    /// Whether it is done.
    pub done: bool,
    /// What is there, or what is missing.
    pub detail: String,
    /// Where to do it.
    pub place: SetupPlace,
    /// The instance of the place (`control` or an account name; the external accounts while
    /// there is no execution instance).
    pub instance: String,
}

/// Where an item is done, for the console to link to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SetupPlace {
    /// Control › Administration › Platform › External accounts.
    ExternalAccounts,
    /// An instance's Administration › Production › Message Center folder (its workflows).
    Workflows,
    /// Control › Administration › Platform › Enumerations (eventType).
    EventTypes,
    /// Control › Message Center › Transactional message templates.
    Templates,
    /// Push events (the load balancer, the SOAP router).
    Push,
    /// An instance's status list.
    Events,
}

/// The queue workflows an execution instance needs started.
const PROCESSING: [&str; 3] = ["rtEventsProcessing", "batchEventsProcessing", "updateEventsStatus"];

/// The checklist of this sandbox.
pub fn checklist(st: &State) -> SetupChecklist {
    let accounts: Vec<_> = st.accounts.values().collect();
    let first = accounts.first().map_or(CONTROL.to_string(), |a| a.name.clone());
    let mut items = Vec::new();
    let mut item = |id: &str, text: String, done: bool, detail: String, place: SetupPlace, instance: String| {
        items.push(SetupItem { id: id.into(), text, done, detail, place, instance });
    };

    item(
        "instance",
        "Register an execution instance: an external account of type \"Execution instance\" on the control".into(),
        !accounts.is_empty(),
        if accounts.is_empty() {
            "none yet".into()
        } else {
            accounts.iter().map(|a| format!("{} (id {})", a.name, a.execution_instance_id)).collect::<Vec<_>>().join(", ")
        },
        SetupPlace::ExternalAccounts,
        CONTROL.into(),
    );

    let no_synch: Vec<String> = accounts
        .iter()
        .map(|a| format!("mcSynch_{}", a.name))
        .filter(|w| st.workflows.get(&wf_key(CONTROL, w)).is_none_or(|w| w.state != WorkflowState::Started))
        .collect();
    item(
        "archiving",
        "Create the archiving workflow of each execution instance (mcSynch_<account>, on the control)".into(),
        !accounts.is_empty() && no_synch.is_empty(),
        match (accounts.is_empty(), no_synch.is_empty()) {
            (true, _) => "no execution instance yet".into(),
            (false, true) => format!("{} started", accounts.iter().map(|a| format!("mcSynch_{}", a.name)).collect::<Vec<_>>().join(", ")),
            (false, false) => format!("{} not created or not started", no_synch.join(", ")),
        },
        SetupPlace::ExternalAccounts,
        CONTROL.into(),
    );

    let stopped: Vec<(String, &str)> = accounts
        .iter()
        .flat_map(|a| PROCESSING.iter().map(move |w| (a.name.clone(), *w)))
        .filter(|(i, w)| st.workflows.get(&wf_key(i, w)).is_none_or(|w| w.state != WorkflowState::Started))
        .collect();
    item(
        "workflows",
        "Start rtEventsProcessing, batchEventsProcessing and updateEventsStatus on each execution instance".into(),
        !accounts.is_empty() && stopped.is_empty(),
        if accounts.is_empty() {
            "no execution instance yet".into()
        } else if stopped.is_empty() {
            "all started".into()
        } else {
            format!("not started: {}", stopped.iter().map(|(i, w)| format!("{w} on {i}")).collect::<Vec<_>>().join(", "))
        },
        if accounts.is_empty() { SetupPlace::ExternalAccounts } else { SetupPlace::Workflows },
        stopped.first().map_or(first.clone(), |(i, _)| i.clone()),
    );

    item(
        "eventType",
        "Add an event type to the eventType enumeration".into(),
        !st.event_types.is_empty(),
        if st.event_types.is_empty() { "none yet".into() } else { st.event_types.keys().cloned().collect::<Vec<_>>().join(", ") },
        SetupPlace::EventTypes,
        CONTROL.into(),
    );

    let published: Vec<&str> = st.templates.values().filter(|t| t.publication == Publication::Published).map(|t| t.name.as_str()).collect();
    item(
        "template",
        "Create a transactional message template for an event type and publish it".into(),
        !published.is_empty(),
        match (published.is_empty(), st.templates.is_empty()) {
            (false, _) => format!("published: {}", published.join(", ")),
            (true, true) => "no template yet".into(),
            (true, false) => format!("{} not published yet", st.templates.values().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")),
        },
        SetupPlace::Templates,
        CONTROL.into(),
    );

    // Events on the execution instances and in the control's history (an archived event is in both).
    let count = |status: Option<EventStatus>| -> (i64, i64) {
        let sum =
            |c: &crate::state::Counters| -> i64 { c.0.iter().filter(|(k, _)| status.is_none_or(|s| k.status == s)).map(|(_, n)| *n).sum() };
        (st.inst.values().map(|m| sum(&m.counters)).sum(), sum(&st.control.counters))
    };
    let where_ = |(exec, hist): (i64, i64)| format!("{exec} on the execution instances, {hist} in the control's history");
    let events = count(None);
    item(
        "event",
        "Push an event (the load balancer, or a SOAP PushEvent call)".into(),
        events != (0, 0),
        if events == (0, 0) { "no event yet".into() } else { where_(events) },
        SetupPlace::Push,
        String::new(),
    );
    let sent = count(Some(EventStatus::Sent));
    item(
        "sent",
        "Let the clock run until an event is Sent (Next step, or Advance)".into(),
        sent != (0, 0),
        if sent == (0, 0) { "no event Sent yet".into() } else { format!("Sent: {}", where_(sent)) },
        if accounts.is_empty() { SetupPlace::ExternalAccounts } else { SetupPlace::Events },
        first,
    );

    let done = items.iter().filter(|i| i.done).count() as u32;
    SetupChecklist { complete: done as usize == items.len(), done, items }
}
