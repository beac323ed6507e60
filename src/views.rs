//! What the API returns: Rust structs, serialized for JavaScript by the binding layer, with the
//! TypeScript declarations of `js/generated.d.ts` generated from them (`tests/typescript.rs`
//! fails when the file is not what these types produce). Dates are ISO 8601 strings, ids decimal
//! strings.

use serde::Serialize;
use ts_rs::TS;

use crate::config::{Config, Schedule};
use crate::dates::{format_campaign, format_iso};
use crate::model::{BroadLogStatus, Channel, EventStatus, FailureType, Queue};
use crate::records::{DeliveryLog, EventData, EventState, LogKind, QuarantineKind, Rendered};
use crate::state::{
    Account, Delivery, EventType, PublishedCopy, RunCounts, RunLog, Seed, State, Template, Workflow, WorkflowKind, WorkflowState,
};

fn iso(t: Option<i64>) -> Option<String> {
    t.map(format_iso)
}

/// Clock, seed and configuration.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "Settings")]
pub struct SettingsView {
    /// The virtual clock, ISO 8601.
    pub now: String,
    /// The virtual clock, ms since the epoch.
    pub now_ms: i64,
    /// The seed every simulated outcome is drawn from (decimal 64-bit): pass it to `open` to
    /// replay a run.
    pub seed: String,
    /// The configuration (operators' secrets redacted).
    pub config: Config,
}

impl SettingsView {
    /// Of the state.
    pub fn of(st: &State) -> SettingsView {
        SettingsView { now: format_iso(st.clock), now_ms: st.clock, seed: st.seed.to_string(), config: st.config.redacted() }
    }
}

/// Where an execution instance's records live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InstanceKeys {
    /// Key prefixes of the records that live where the instance runs (its events, indexes,
    /// queues, change log, quarantine).
    pub own: Vec<String>,
    /// Of them, what its control writes when it archives (the change log it consumes).
    pub archive_writes: Vec<String>,
}

/// The warning Campaign shows on an account without archiving workflow.
pub const NO_ARCHIVING_WARNING: &str = "The archiving workflow does not seem to exist for this execution instance.";

/// An external account of type "Message Center execution instance", as the control shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "Account")]
pub struct AccountView {
    /// Internal name.
    pub name: String,
    /// Label.
    pub label: String,
    /// Always "Message Center execution instance".
    #[serde(rename = "type")]
    #[ts(type = "'Message Center execution instance'")]
    pub kind: &'static str,
    /// URL.
    pub url: String,
    /// "Enabled": the load balancer only uses enabled instances.
    pub enabled: bool,
    /// Execution instance id (0–255): the top byte of its event ids.
    pub execution_instance_id: u8,
    /// Whether the execution instance runs in another process (reached at `url`).
    pub remote: bool,
    /// "Account": the operator the control uses on the execution instance.
    pub account: String,
    /// Whether a password is set (the password is kept nowhere).
    pub password_set: bool,
    /// "Account connection method".
    pub connection_method: crate::state::ConnectionMethod,
    /// Its label: "Web service", "Federated Data Access (FDA)".
    pub connection_method_label: &'static str,
    /// `mcSynch_<name>` once created, else null.
    pub archiving_workflow: Option<String>,
    /// "The archiving workflow does not seem to exist for this execution instance." while it does
    /// not, else null.
    #[ts(type = "string | null")]
    pub warning: Option<&'static str>,
}

impl AccountView {
    /// Of an account.
    pub fn of(st: &State, a: &Account) -> AccountView {
        let wf = format!("mcSynch_{}", a.name);
        let has = st.workflows.contains_key(&crate::state::wf_key(crate::ops::schedule::CONTROL, &wf));
        AccountView {
            name: a.name.clone(),
            label: a.label.clone(),
            kind: "Message Center execution instance",
            url: a.url.clone(),
            enabled: a.enabled,
            execution_instance_id: a.execution_instance_id,
            remote: a.remote,
            account: a.account.clone(),
            password_set: a.password_set,
            connection_method: a.connection_method,
            connection_method_label: a.connection_method.label(),
            archiving_workflow: has.then_some(wf),
            warning: (!has).then_some(NO_ARCHIVING_WARNING),
        }
    }
}

/// A denylist entry (`denylist()` result).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DenylistEntry {
    /// The address.
    pub address: String,
    /// Always `denylist`.
    #[ts(type = "'denylist'")]
    pub kind: QuarantineKind,
    /// Why the delivery ignores it ("Denylisted").
    pub reason: String,
    /// When it was added (ISO 8601, virtual clock).
    pub since: String,
}

/// A transactional message template on the control.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "Template")]
pub struct TemplateView {
    /// Internal name.
    pub name: String,
    /// Label.
    pub label: String,
    /// Event type, null for "(None specified)".
    pub event_type: Option<String>,
    /// Channel.
    #[ts(type = "TemplateChannel")]
    pub channel: Channel,
    /// Subject.
    pub subject: String,
    /// HTML body.
    pub html: String,
    /// Text body.
    pub text: String,
    /// Seed addresses.
    pub seeds: Vec<Seed>,
    /// Publication status.
    #[ts(type = "'Being edited' | 'Published'")]
    pub publication: &'static str,
    /// Last publication.
    pub published_at: Option<String>,
    /// Whether the template is published and its content (event type, channel, subject, bodies)
    /// differs from the published copies: the copies are what is sent until it is published again.
    pub modified_since_publication: bool,
    /// Created.
    pub created: String,
    /// Last modified.
    pub last_modified: String,
    /// The proofs sent, newest first (the Audit tab).
    pub proofs: Vec<crate::state::Proof>,
}

impl TemplateView {
    /// Of a template (`st`: the state holding its published copies).
    pub fn of(st: &State, t: &Template) -> TemplateView {
        TemplateView {
            name: t.name.clone(),
            label: t.label.clone(),
            event_type: t.event_type.clone(),
            channel: t.channel,
            subject: t.subject.clone(),
            html: t.html.clone(),
            text: t.text.clone(),
            seeds: t.seeds.clone(),
            publication: t.publication.label(),
            published_at: iso(t.published_at),
            modified_since_publication: modified_since_publication(st, t),
            created: format_iso(t.created),
            last_modified: format_iso(t.last_modified),
            proofs: t.proofs.iter().rev().cloned().collect(),
        }
    }
}

/// Whether a published template's content differs from its latest published copy.
pub(crate) fn modified_since_publication(st: &State, t: &Template) -> bool {
    if t.publication != crate::state::Publication::Published {
        return false;
    }
    let copy = format!("{}_rt", t.name);
    let latest = st.published.values().filter_map(|m| m.get(&copy)).max_by_key(|c| c.publish_seq);
    latest.is_some_and(|c| {
        t.event_type.as_deref() != Some(c.event_type.as_str())
            || t.channel != c.channel
            || t.subject != c.subject
            || t.html != c.html
            || t.text != c.text
    })
}

/// What `publish` and `unpublish` return: the publication log.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PublishResult {
    /// Internal name of the template.
    pub template: String,
    /// Its publication status afterwards.
    #[ts(type = "'Published' | 'Being edited'")]
    pub publication: &'static str,
    /// The log lines, as the console shows them.
    pub log: Vec<String>,
}

/// A template rendered with one of its seed addresses.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    /// Internal name of the template.
    pub template: String,
    /// Internal name of the seed address used.
    pub seed: String,
    /// Rendered subject.
    pub subject: String,
    /// Rendered HTML body.
    pub html: String,
    /// Rendered text body.
    pub text: String,
}

/// A published copy (`<name>_rt` / `<name>_batch`) on an execution instance.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "PublishedCopy")]
pub struct PublishedCopyView {
    /// Internal name of the copy.
    pub name: String,
    /// Internal name of the control's template.
    pub template: String,
    /// Label.
    pub label: String,
    /// The queue it serves.
    pub queue: Queue,
    /// Event type.
    pub event_type: String,
    /// Channel.
    #[ts(type = "TemplateChannel")]
    pub channel: Channel,
    /// Always "In production".
    #[ts(type = "'In production'")]
    pub publication_status: &'static str,
    /// Always "Bulk delivery".
    #[ts(type = "'Bulk delivery'")]
    pub mode: &'static str,
    /// Publication time.
    pub published_at: String,
}

impl PublishedCopyView {
    /// Of a copy.
    pub fn of(c: &PublishedCopy) -> PublishedCopyView {
        PublishedCopyView {
            name: c.name.clone(),
            template: c.template.clone(),
            label: c.label.clone(),
            queue: c.queue,
            event_type: c.event_type.clone(),
            channel: c.channel,
            publication_status: "In production",
            mode: "Bulk delivery",
            published_at: format_iso(c.published_at),
        }
    }
}

/// An execution delivery: one per published copy and month (`<copy>_<YYYY-MM>`).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "Delivery")]
pub struct DeliveryView {
    /// Internal name, e.g. `orderConfirmation_rt_2026-03`.
    pub name: String,
    /// The published copy.
    pub template: String,
    /// Month, `YYYY-MM`.
    pub month: String,
    /// Created.
    pub created: String,
    /// Messages attached.
    #[ts(type = "number")]
    pub messages: u64,
}

impl DeliveryView {
    /// Of a delivery.
    pub fn of(d: &Delivery) -> DeliveryView {
        DeliveryView {
            name: d.name.clone(),
            template: d.template.clone(),
            month: d.month.clone(),
            created: format_iso(d.created),
            messages: d.messages,
        }
    }
}

/// A pushed event: its id (the archived id too) and where it went.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PushedEvent {
    /// Decimal 64-bit id; the top byte is the execution instance id.
    pub id: String,
    /// Account name of the execution instance.
    pub instance: String,
    /// Queue.
    pub queue: Queue,
}

/// What a push returns.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PushResult {
    /// The events, in the order of the document.
    pub events: Vec<PushedEvent>,
}

/// One status change of an event.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "StatusChange")]
pub struct StatusChangeView {
    /// New status.
    pub status: EventStatus,
    /// Its console label.
    #[ts(type = "EventStatusLabel")]
    pub status_label: &'static str,
    /// When.
    pub at: String,
    /// `PushEvent`, `PushEvents`, or `<workflow>#<run>`.
    pub by: String,
    /// Why, when there is something to say.
    pub note: Option<String>,
}

/// An event (`nms:rtEvent` / `nms:batchEvent`, or `nms:eventHisto` on the control).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    /// Decimal 64-bit id.
    pub id: String,
    /// Account name of its execution instance.
    pub instance: String,
    /// Execution instance id (top byte of `id`).
    pub execution_instance_id: u8,
    /// Queue.
    pub queue: Queue,
    /// `@type`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// `@email`.
    pub email: Option<String>,
    /// `@mobilePhone`.
    pub mobile_phone: Option<String>,
    /// `@externalId`.
    pub external_id: Option<String>,
    /// `@origin`.
    pub origin: Option<String>,
    /// `@wishedChannel`, our name.
    pub wished_channel: Channel,
    /// `@wishedChannel`, the `messageType` value.
    #[ts(type = "ChannelCode")]
    pub wished_channel_code: u8,
    /// `@emailFormat`.
    #[ts(type = "0 | 1 | 2")]
    pub email_format: u8,
    /// `@language`.
    pub language: Option<String>,
    /// `@country`.
    pub country: Option<String>,
    /// `@scheduled`.
    pub scheduled: Option<String>,
    /// `@expiration`.
    pub expiration: Option<String>,
    /// `@registrationToken`.
    pub registration_token: Option<String>,
    /// `mobileApp/@uuid`.
    pub mobile_app: Option<String>,
    /// The `ctx` element, canonical XML.
    pub ctx: String,
    /// `@created`.
    pub created: String,
    /// `@lastModified`.
    pub last_modified: String,
    /// Status, our name.
    pub status: EventStatus,
    /// Status, the console label.
    #[ts(type = "EventStatusLabel")]
    pub status_label: &'static str,
    /// Status, our numeric code.
    #[ts(type = "EventStatusCode")]
    pub status_code: u8,
    /// Status, the ACS REST name.
    #[ts(type = "RestStatus")]
    pub rest_status: &'static str,
    /// "Process requested on": next (re)processing time while Pending.
    pub process_requested_on: String,
    /// `@processing`: when a processing workflow last took it.
    pub processing: Option<String>,
    /// `@processed`: when it reached a final status.
    pub processed: Option<String>,
    /// "Number of errors".
    pub errors: u32,
    /// The last processing error.
    pub last_error: Option<String>,
    /// Published copy used (`<name>_rt` / `<name>_batch`).
    pub template: Option<String>,
    /// Execution delivery it is attached to.
    pub delivery: Option<String>,
    /// Every status it went through.
    pub history: Vec<StatusChangeView>,
    /// On the control: when archiving last copied it.
    pub archived: Option<String>,
    /// "Why?" on a status list row, in plain words: what it waits for, or the cause of its final
    /// status. Null elsewhere (`getEvent` has it beside the event, in its `why`).
    pub why: Option<String>,
}

impl EventView {
    /// Of an event's data and state.
    pub(crate) fn of(id: u64, instance: &str, d: &EventData, s: &EventState) -> EventView {
        EventView {
            id: id.to_string(),
            instance: instance.to_string(),
            execution_instance_id: (id >> 56) as u8,
            queue: d.queue,
            event_type: d.event_type.clone(),
            email: d.email.clone(),
            mobile_phone: d.mobile_phone.clone(),
            external_id: d.external_id.clone(),
            origin: d.origin.clone(),
            wished_channel: d.wished_channel,
            wished_channel_code: d.wished_channel.code(),
            email_format: d.email_format,
            language: d.language.clone(),
            country: d.country.clone(),
            scheduled: iso(d.scheduled),
            expiration: iso(d.expiration),
            registration_token: d.registration_token.clone(),
            mobile_app: d.mobile_app.clone(),
            ctx: d.ctx.clone(),
            created: format_iso(d.created),
            last_modified: format_iso(s.last_modified),
            status: s.status,
            status_label: s.status.label(),
            status_code: s.status.code(),
            rest_status: s.status.rest_name(),
            process_requested_on: format_iso(s.process_requested_on),
            processing: iso(s.processing),
            processed: iso(s.processed),
            errors: s.errors,
            last_error: s.last_error.clone(),
            template: s.template.clone(),
            delivery: s.delivery.clone(),
            history: s
                .history
                .iter()
                .map(|h| StatusChangeView {
                    status: h.status,
                    status_label: h.status.label(),
                    at: format_iso(h.at),
                    by: h.by.clone(),
                    note: match (&h.note, h.status) {
                        (Some(n), _) => Some(n.clone()),
                        (None, EventStatus::PendingDelivery) => s.template.as_ref().map(|t| format!("routed to '{t}'")),
                        (None, _) => None,
                    },
                })
                .collect(),
            archived: iso(s.archived),
            why: None,
        }
    }
}

/// One line of a delivery log's story.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BroadLogLine {
    /// When.
    pub at: String,
    /// What happened.
    pub text: String,
}

/// A delivery log (`nms:broadLog` of the event), same id as its event.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BroadLogView {
    /// Same id as its event.
    pub id: String,
    /// Account name of the execution instance.
    pub instance: String,
    /// Execution delivery.
    pub delivery: String,
    /// Published copy.
    pub template: String,
    /// Channel used.
    pub channel: Channel,
    /// Address used.
    pub address: String,
    /// Console label of `@status`.
    #[ts(type = "'Ignored' | 'Sent' | 'Failed' | 'Pending' | 'Delivery cancelled'")]
    pub status: &'static str,
    /// `@status`: 0 Ignored, 1 Sent, 2 Failed ([U]), 6 Pending, 7 Delivery cancelled.
    #[ts(type = "0 | 1 | 2 | 6 | 7")]
    pub status_code: u8,
    /// Send attempts made.
    pub tries: u32,
    /// Next MTA action, while one is planned.
    pub next_action: Option<String>,
    /// When it was sent.
    pub sent_at: Option<String>,
    /// An asynchronous bounce planned at this time.
    pub bounce_at: Option<String>,
    /// Kind of failure.
    pub failure_type: Option<FailureType>,
    /// Failure reason, in words.
    pub failure_reason: Option<String>,
    /// Rendered subject.
    pub subject: String,
    /// Rendered HTML.
    pub html: String,
    /// Rendered text.
    pub text: String,
    /// Created.
    pub created: String,
    /// Last modified.
    pub last_modified: String,
    /// One line per MTA action.
    pub log: Vec<BroadLogLine>,
}

impl BroadLogView {
    /// Of an event's delivery log and its rendered message.
    pub(crate) fn of(id: u64, instance: &str, s: &EventState, b: &DeliveryLog, m: Option<Rendered>) -> BroadLogView {
        let m = m.unwrap_or_default();
        let template = s.template.clone().unwrap_or_default();
        BroadLogView {
            id: id.to_string(),
            instance: instance.to_string(),
            delivery: s.delivery.clone().unwrap_or_default(),
            template: template.clone(),
            channel: b.channel,
            address: b.address.clone(),
            status: b.status.label(),
            status_code: b.status.code(),
            tries: b.tries,
            next_action: iso(b.next_action),
            sent_at: iso(b.sent_at),
            bounce_at: iso(b.bounce_at),
            failure_type: b.failure_type,
            failure_reason: b.failure_reason.clone(),
            subject: m.subject,
            html: m.html,
            text: m.text,
            created: format_iso(b.created),
            last_modified: format_iso(b.last_modified),
            log: b
                .log
                .iter()
                .map(|l| {
                    let text = match l.kind {
                        LogKind::Prepared => {
                            format!(
                                "Message prepared by {} with '{template}', first attempt at {}",
                                l.by,
                                l.next.map(format_iso).unwrap_or_default()
                            )
                        }
                        LogKind::Action => {
                            let what = match (l.status, l.next) {
                                (BroadLogStatus::Pending, Some(t)) => {
                                    format!("Soft bounce (try {}), next try at {}", l.tries, format_iso(t))
                                }
                                (BroadLogStatus::Sent, Some(t)) => format!("Sent; an asynchronous bounce will arrive at {}", format_iso(t)),
                                (st, _) => match &l.reason {
                                    Some(r) => format!("{} ({r})", st.label()),
                                    None => st.label().to_string(),
                                },
                            };
                            format!("{what} [{}]", l.by)
                        }
                    };
                    BroadLogLine { at: format_iso(l.at), text }
                })
                .collect(),
        }
    }
}

/// The published copy an event used, while it is still published.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TemplateRef {
    /// Internal name of the copy.
    pub name: String,
    /// Internal name of the control's template.
    pub template: String,
    /// Label.
    pub label: String,
    /// Publication time.
    pub published_at: String,
}

/// One step of an event's timeline (`getEvent`), in virtual time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TimelineStep {
    /// What the event went through ("Time in the queue", "Routing", "Time at the MTA", "Time to
    /// the status copy", "Archiving (to the control's event history)").
    pub label: String,
    /// Start.
    pub from: String,
    /// End, once over.
    pub to: Option<String>,
    /// How long it took, or has taken so far.
    pub duration_ms: i64,
    /// Whether it is still going on.
    pub ongoing: bool,
    /// The workflow run that ended it (`rtEventsProcessing#12`).
    pub by: Option<String>,
}

/// One event's whole story (`getEvent`).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EventStory {
    /// The event: from its execution instance, or from the control's history once purged there.
    pub event: EventView,
    /// Whether the execution instance no longer has it (purged by cleanup).
    pub purged_from_execution: bool,
    /// Its delivery log (execution's, else archived), once routed.
    pub broad_log: Option<BroadLogView>,
    /// The archived copy on the control (`nms:eventHisto`), once archived.
    pub archived: Option<EventView>,
    /// The archived delivery log (`nms:broadLogEventHisto`).
    pub archived_broad_log: Option<BroadLogView>,
    /// The published copy used, while it is still published.
    pub template: Option<TemplateRef>,
    /// Whether an asynchronous bounce is still to come on its delivery log.
    pub bounce_pending: bool,
    /// Its timeline: time in the queue, routing, time at the MTA, time to the status copy,
    /// archiving, each with its duration and the workflow run that ended it.
    pub timeline: Vec<TimelineStep>,
    /// "Why?", in plain words: what it waits for while something is still to come, else the cause
    /// of its final status (what the MTA did, the failure reason, the denylist or quarantine entry
    /// and since when, why routing refused it, why it expired). Null only for the control's copy
    /// of an event purged from its execution instance before it was final.
    pub why: Option<String>,
}

/// A page of the status list, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListPage {
    /// The events.
    pub events: Vec<EventView>,
    /// Pass as `after` for the next page; null at the end.
    pub next: Option<String>,
    /// Events examined to build the page.
    pub scanned: u32,
    /// How many events match the filter in all (not only after the cursor), when the counters
    /// know it exactly (no date or address term); else null.
    #[ts(type = "number | null")]
    pub total: Option<u64>,
}

/// Counts of each status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StatusCounts {
    /// Pending.
    pub pending: i64,
    /// Pending delivery.
    pub pending_delivery: i64,
    /// Sent.
    pub sent: i64,
    /// Ignored by the delivery.
    pub ignored: i64,
    /// Delivery failed.
    pub delivery_failed: i64,
    /// Event not taken into account.
    pub not_taken_into_account: i64,
    /// Event expired.
    pub expired: i64,
}

impl StatusCounts {
    /// The count of a status, to change.
    pub fn of_mut(&mut self, s: EventStatus) -> &mut i64 {
        match s {
            EventStatus::Pending => &mut self.pending,
            EventStatus::PendingDelivery => &mut self.pending_delivery,
            EventStatus::Sent => &mut self.sent,
            EventStatus::Ignored => &mut self.ignored,
            EventStatus::DeliveryFailed => &mut self.delivery_failed,
            EventStatus::NotTakenIntoAccount => &mut self.not_taken_into_account,
            EventStatus::Expired => &mut self.expired,
        }
    }
}

/// Counts per status (from counters, never a scan).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// Every status, zero included.
    pub by_status: StatusCounts,
    /// Their sum.
    pub total: i64,
    /// False when the filter's query has a date or address term, which the counts ignore
    /// (counters cannot answer them).
    pub exact: bool,
}

/// mcPing of an execution instance (`/nl/jsp/mcPing.jsp`).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct McPing {
    /// `Ok`, or `Error` when pending real-time events exceed `rtQueueAlert`.
    #[ts(type = "'Ok' | 'Error'")]
    pub status: &'static str,
    /// The clock, as mcPing writes it (`2026-03-02 09:00:00.000Z`).
    pub time: String,
    /// Pending real-time events.
    pub pending: i64,
    /// The alert threshold.
    #[ts(type = "number")]
    pub threshold: u64,
    /// The plain-text body, e.g. `Ok\n2026-03-02 09:00:00.000Z\n7/400 pending events`.
    pub text: String,
}

/// A technical workflow (or the simulated MTA process).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "Workflow")]
pub struct WorkflowView {
    /// Internal name.
    pub name: String,
    /// Label ("Processing real time events", "Message Center mcExec1"…).
    pub label: String,
    /// `control` or the execution instance's account name.
    pub instance: String,
    /// Explorer folder.
    #[ts(
        type = "'Administration > Production > Message Center' | 'Administration > Production > Processes' | 'Administration > Production > Technical workflows'"
    )]
    pub folder: &'static str,
    /// State.
    pub state: WorkflowState,
    /// Console label of the state.
    #[ts(type = "'Being edited' | 'Started' | 'Paused' | 'Stopped'")]
    pub state_label: &'static str,
    /// Schedule (the MTA's is nominal: it runs when messages are due).
    pub schedule: Schedule,
    /// Start of the last run.
    pub last_run: Option<String>,
    /// Next run: the next tick for a scheduled workflow, the next due message for the MTA; null
    /// when not started (or the MTA is idle).
    pub next_run: Option<String>,
    /// Runs so far.
    pub runs: u32,
    /// Whether a run is cut between two steps (it resumes at the next step).
    pub in_progress: bool,
    /// `mcSynch_*`: change-record sequence archived so far; null for the others.
    #[ts(type = "number | null")]
    pub watermark: Option<u64>,
}

impl WorkflowView {
    /// Of a workflow.
    pub fn of(st: &State, w: &Workflow) -> WorkflowView {
        let next = if w.state == WorkflowState::Started {
            match w.kind {
                WorkflowKind::Mta => crate::ops::schedule::next_effective(st, w),
                _ => Some(w.schedule.first_at_or_after(w.next_tick.max(st.clock))),
            }
        } else {
            None
        };
        WorkflowView {
            name: w.name.clone(),
            label: w.label.clone(),
            instance: w.instance.clone(),
            folder: match w.kind {
                WorkflowKind::Mta => "Administration > Production > Processes",
                // "Database cleanup" is a standard technical workflow of every instance.
                WorkflowKind::Cleanup => "Administration > Production > Technical workflows",
                _ => "Administration > Production > Message Center",
            },
            state: w.state,
            state_label: w.state.label(),
            schedule: w.schedule,
            last_run: iso(w.last_run),
            next_run: iso(next),
            runs: w.runs,
            in_progress: w.current.is_some(),
            watermark: (w.kind == WorkflowKind::McSynch).then_some(w.watermark),
        }
    }
}

/// One run of a workflow, as its journal keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "RunLog")]
pub struct RunLogView {
    /// Run number (1, 2, …).
    pub run: u32,
    /// Workflow internal name.
    pub workflow: String,
    /// `control` or the account name.
    pub instance: String,
    /// Start.
    pub start: String,
    /// End, once finished.
    pub end: Option<String>,
    /// From start to end, in ms of virtual time, once finished.
    #[ts(type = "number | null")]
    pub duration_ms: Option<i64>,
    /// Storage transactions it took.
    pub steps: u32,
    /// What it did, counted (`routed`, `sent`, `hardBounces`, `events`, `eventsPurged`…).
    #[ts(type = "Partial<Record<RunCount, number>>")]
    pub counts: RunCounts,
    /// Errors met.
    pub errors: Vec<String>,
    /// Events routed, by execution delivery, for a processing workflow.
    #[ts(type = "Record<string, number>")]
    pub routed_to: std::collections::BTreeMap<String, u64>,
}

impl RunLogView {
    /// Of a run.
    pub fn of(r: &RunLog) -> RunLogView {
        RunLogView {
            run: r.run,
            workflow: r.workflow.clone(),
            instance: r.instance.clone(),
            start: format_iso(r.start),
            end: iso(r.end),
            duration_ms: r.end.map(|e| e - r.start),
            steps: r.steps,
            counts: r.counts.clone(),
            errors: r.errors.clone(),
            routed_to: r.routed_to.clone(),
        }
    }
}

/// A workflow's journal, newest run first.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Journal {
    /// The runs.
    pub runs: Vec<RunLogView>,
}

/// What `runWorkflow` did: the run, counted over all its steps.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunResult {
    /// `control` or the account name.
    pub instance: String,
    /// Workflow internal name.
    pub workflow: String,
    /// Run number.
    pub run: u32,
    /// Storage transactions it took.
    pub steps: u32,
    /// What it did, counted.
    #[ts(type = "Partial<Record<RunCount, number>>")]
    pub counts: RunCounts,
}

/// What `advance` / `advanceTo` did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AdvanceResult {
    /// Workflow steps run.
    #[ts(type = "number")]
    pub steps: u64,
    /// The clock afterwards, ISO 8601.
    pub now: String,
}

/// What `setClock` did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClockResult {
    /// The clock, ISO 8601.
    pub now: String,
}

/// What `deleteTemplate` did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    /// Internal name of the deleted template.
    pub deleted: String,
}

/// The next workflow step due (`nextDue`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DueStep {
    /// When, ms since the epoch.
    pub at: i64,
    /// `control` or the account name.
    pub instance: String,
    /// Workflow internal name.
    pub name: String,
    /// Who runs it, in words: "rtEventsProcessing on mcExec1", "The MTA of mcExec1",
    /// "mcSynch_mcExec1 on the control".
    pub who: String,
    /// The step in words: "updateEventsStatus on mcExec1 at 08:01:00: gives each event the status
    /// of its message".
    pub text: String,
}

/// A value of an enumeration the console shows: the name programs use, the label people read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EnumValue {
    /// Our name (`pendingDelivery`, `sms`).
    pub name: String,
    /// The console label ("Pending delivery", "Mobile (SMS)").
    pub label: String,
    /// The numeric value (`@status`, `messageType`).
    pub code: u32,
}

/// An outcome-directed test address (see docs/api.md), as the push form offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TestAddress {
    /// Channel it is for (`email`, `sms`).
    pub channel: String,
    /// An example address.
    pub address: String,
    /// What the simulated MTA does with it.
    pub outcome: String,
}

/// The enumerations the console shows (`enumerations`): event statuses, channels, queues, and the
/// outcome-directed test addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Enumerations {
    /// Event statuses, in the order of their codes.
    pub statuses: Vec<EnumValue>,
    /// Wished channels (`messageType`).
    pub channels: Vec<EnumValue>,
    /// Channels a transactional message template can have.
    pub template_channels: Vec<EnumValue>,
    /// Queues: `rt` "Real time events", `batch` "Batch events".
    pub queues: Vec<EnumValue>,
    /// Outcome-directed test addresses.
    pub test_addresses: Vec<TestAddress>,
    /// Every error code of the core with the HTTP status services answer it with.
    pub error_codes: Vec<ErrorCodeView>,
}

/// An error code and its HTTP status (`enumerations().errorCodes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ErrorCodeView {
    /// The code.
    #[ts(type = "CoreErrorCode")]
    pub code: &'static str,
    /// Its HTTP status.
    pub http_status: u16,
}

/// A SOAP fault, as data (`soap` result).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SoapFaultView {
    /// `faultcode`: `SOAP-ENV:Client` or `SOAP-ENV:Server`.
    pub faultcode: String,
    /// `faultstring`.
    pub faultstring: String,
    /// `detail` (without the echoed request).
    pub detail: String,
    /// The engine's error code behind it.
    #[ts(type = "CoreErrorCode")]
    pub code: String,
}

/// What `soap` answers: the HTTP status and body Campaign would send, and the events pushed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SoapReply {
    /// HTTP status: 200, or 500 for a fault.
    pub status: u16,
    /// Always `text/xml; charset=utf-8`.
    pub content_type: String,
    /// The response envelope.
    pub body: String,
    /// The events pushed (none after a fault).
    pub events: Vec<PushedEvent>,
    /// The fault, when it is one.
    pub fault: Option<SoapFaultView>,
}

impl SoapReply {
    pub(crate) fn ok(r: crate::soap::Reply, events: Vec<PushedEvent>) -> Self {
        SoapReply { status: r.status, content_type: crate::soap::CONTENT_TYPE.into(), body: r.body, events, fault: None }
    }

    pub(crate) fn fault(f: &crate::soap::Fault) -> Self {
        let r = crate::soap::fault_reply(f);
        SoapReply {
            status: r.status,
            content_type: crate::soap::CONTENT_TYPE.into(),
            body: r.body,
            events: Vec::new(),
            fault: Some(SoapFaultView {
                faultcode: f.code.into(),
                faultstring: f.string.clone(),
                detail: f.detail.clone(),
                code: f.error.as_str().into(),
            }),
        }
    }
}

/// A generator's progress (each step of `generate`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GenerateProgress {
    /// Events pushed so far.
    #[ts(type = "number")]
    pub pushed: u64,
    /// Events it pushes in all.
    #[ts(type = "number")]
    pub total: u64,
    /// Transactions so far (pushes and workflow steps).
    #[ts(type = "number")]
    pub steps: u64,
    /// The clock.
    pub now: String,
    /// When it ends.
    pub end: String,
    /// Whether it is over.
    pub done: bool,
}

/// A report's figure, with its thresholds (§6.3) and the level they give it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Kpi {
    /// Stable key (`errorRate`, `avgQueueTime`…).
    pub key: String,
    /// The console's label.
    pub label: String,
    /// Unit (`s`, `%`, `events/h`…).
    pub unit: String,
    /// The value; null when there is nothing to measure.
    pub value: Option<f64>,
    /// `ok`, `warning` (orange), `alert` (red), or `none` (no threshold, or no value).
    #[ts(type = "'ok' | 'warning' | 'alert' | 'none'")]
    pub level: String,
    /// The warning threshold, if the KPI has one.
    pub warning: Option<f64>,
    /// The alert threshold (below the warning when lower is worse).
    pub alert: Option<f64>,
    /// The options that set them (`MC_RtEventErrorWarning / MC_RtEventErrorAlert`).
    pub options: Option<String>,
    /// Why the level is not what the thresholds alone give, when it is not.
    pub note: Option<String>,
}

/// A row of the "History of Message Center events" pivot.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PivotRow {
    /// Day (`YYYY-MM-DD`, UTC) the events were created.
    pub day: String,
    /// Event type.
    #[serde(rename = "type")]
    pub event_type: String,
    /// Wished channel.
    #[ts(type = "ChannelName")]
    pub channel: String,
    /// Events received.
    #[ts(type = "number")]
    pub events: u64,
    /// Of them, sent.
    #[ts(type = "number")]
    pub sent: u64,
    /// Success (%): sent over events.
    pub success: Option<f64>,
}

/// Sent messages and errors in one hour (the service-level chart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReportHour {
    /// Start of the hour.
    pub hour: String,
    /// Events that became Sent in it.
    #[ts(type = "number")]
    pub sent: u64,
    /// Events that failed in it (not taken into account, expired, delivery failed, ignored).
    #[ts(type = "number")]
    pub errors: u64,
}

/// The control's reports over a period (`report`).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Start of the period.
    pub from: String,
    /// End of the period.
    pub to: String,
    /// "History of Message Center events": by day, event type and channel.
    pub pivot: Vec<PivotRow>,
    /// "Message Center service level".
    pub service_level: Vec<Kpi>,
    /// "Message Center processing time" (real-time queue).
    pub processing_time: Vec<Kpi>,
    /// Sent messages and errors per hour.
    pub hours: Vec<ReportHour>,
    /// The pivot's totals by day (every event type and channel), for its chart.
    pub days: Vec<ReportDay>,
    /// "History of Message Center events" as Campaign's pivot shows it: rows year › quarter ›
    /// month › event type, a column per channel.
    pub history: HistoryPivot,
}

/// Campaign's pivot of the event history.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HistoryPivot {
    /// The columns: the channels met in the period, in their order (`email`, `sms`…).
    pub channels: Vec<String>,
    /// The years, each with its quarters, months and event types.
    pub rows: Vec<PivotNode>,
}

/// A row of the pivot: a year, a quarter, a month or an event type of a month.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PivotNode {
    /// `year`, `quarter`, `month` or `eventType`.
    #[ts(type = "'year' | 'quarter' | 'month' | 'eventType'")]
    pub level: &'static str,
    /// "2026", "Q1 2026", "March 2026", or the event type.
    pub label: String,
    /// One cell per channel of `channels`.
    pub cells: Vec<PivotCell>,
    /// Every channel.
    pub total: PivotCell,
    /// The rows under it (none for an event type).
    pub children: Vec<PivotNode>,
}

/// Events, sent and success of a pivot cell.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PivotCell {
    /// Events received.
    #[ts(type = "number")]
    pub events: u64,
    /// Of them, sent.
    #[ts(type = "number")]
    pub sent: u64,
    /// Sent over events, in % (2 decimals); null without events.
    pub success: Option<f64>,
}

/// Events and sent messages of one day (the pivot's totals).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReportDay {
    /// Day (`YYYY-MM-DD`, UTC).
    pub day: String,
    /// Events received.
    #[ts(type = "number")]
    pub events: u64,
    /// Of them, sent.
    #[ts(type = "number")]
    pub sent: u64,
}

/// Every result of an operation. (The settings, with the configuration, are the largest; one
/// result is made per operation and moved once, so none is boxed.)
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[allow(clippy::large_enum_variant)]
pub enum OpResult {
    /// `open`.
    Settings(SettingsView),
    /// `configure`.
    Config(Box<Config>),
    /// `setClock`.
    Clock(ClockResult),
    /// `advance`.
    Advance(AdvanceResult),
    /// `addEventType`.
    EventType(EventType),
    /// `addExecutionInstance`, `updateExecutionInstance`.
    Account(AccountView),
    /// `createArchivingWorkflow`, workflow state changes.
    Workflow(WorkflowView),
    /// `createTemplate`, `updateTemplate`.
    Template(Box<TemplateView>),
    /// `deleteTemplate`, `deletePersonalizationBlock`.
    Deleted(Deleted),
    /// `createPersonalizationBlock`, `updatePersonalizationBlock`.
    Block(crate::ops::blocks::BlockView),
    /// `setOption`.
    Option(crate::ops::blocks::OptionView),
    /// `publish`, `unpublish`.
    Publish(PublishResult),
    /// `sendProof`.
    Proofs(crate::ops::catalogue::ProofResult),
    /// `push`.
    Push(PushResult),
    /// `soap`.
    Soap(SoapReply),
    /// `generate` (one step).
    Generate(GenerateProgress),
    /// `report`.
    Report(Box<Report>),
    /// `runWorkflow`.
    Run(RunResult),
    /// `denylist`.
    Denylist(DenylistEntry),
    /// `consumeChanges`.
    Consumed(crate::ops::lend::Consumed),
    /// `listEvents`.
    List(ListPage),
    /// `getEvent`.
    Story(Box<EventStory>),
    /// `journal`.
    Journal(Journal),
    /// `activity`.
    Activity(Box<crate::ops::activity::Activity>),
    /// `statusOverTime`.
    OverTime(Box<crate::ops::over_time::OverTime>),
    /// `waitForStatus` (the event, once it has the status; null while it runs steps).
    Wait(Option<Box<EventView>>),
}

/// mcPing of an instance's counters.
pub fn mc_ping(st: &State, pending: i64) -> McPing {
    let threshold = st.config.rt_queue_alert;
    let ok = u64::try_from(pending).unwrap_or(0) <= threshold;
    let time = format_campaign(st.clock);
    let text = if ok {
        format!("Ok\n{time}\n{pending}/{threshold} pending events")
    } else {
        format!("Error\nThe queue is full ({pending}/{threshold})")
    };
    McPing { status: if ok { "Ok" } else { "Error" }, time, pending, threshold, text }
}
