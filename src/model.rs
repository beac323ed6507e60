//! The records of the Message Center: events, delivery logs, and the enumerations they use, with
//! the product's own names and labels.

use serde::{Deserialize, Serialize};

use crate::input::Queue;

/// The event `@status` enumeration. Numeric values are not public ([U]): the mapping below is our
/// choice (the reference's suggested order) and lives only here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EventStatus {
    /// Queued, no template yet (or waiting for a retry after a processing error).
    Pending,
    /// A template is linked and the delivery is processing it.
    PendingDelivery,
    /// Copied from the delivery log: the message was sent.
    Sent,
    /// Copied from the delivery log: the delivery ignored it (quarantine, denylist…).
    Ignored,
    /// Copied from the delivery log: the delivery failed.
    DeliveryFailed,
    /// No published template for its type and channel; never retried.
    NotTakenIntoAccount,
    /// Too many processing errors, or `expiration` passed before it was processed.
    Expired,
}

impl EventStatus {
    /// Every status, in code order.
    pub const ALL: [EventStatus; 7] = [
        EventStatus::Pending,
        EventStatus::PendingDelivery,
        EventStatus::Sent,
        EventStatus::Ignored,
        EventStatus::DeliveryFailed,
        EventStatus::NotTakenIntoAccount,
        EventStatus::Expired,
    ];

    /// Our numeric code ([U]: the product's values are not public).
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The status of a code.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.get(code as usize).copied()
    }

    /// Our name (also the JSON form).
    pub fn name(self) -> &'static str {
        match self {
            EventStatus::Pending => "pending",
            EventStatus::PendingDelivery => "pendingDelivery",
            EventStatus::Sent => "sent",
            EventStatus::Ignored => "ignored",
            EventStatus::DeliveryFailed => "deliveryFailed",
            EventStatus::NotTakenIntoAccount => "notTakenIntoAccount",
            EventStatus::Expired => "expired",
        }
    }

    /// The status of a name (ours, the console label, or the ACS REST name).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|st| st.name() == s || st.label().eq_ignore_ascii_case(s) || st.rest_name() == s)
    }

    /// Campaign's console label.
    pub fn label(self) -> &'static str {
        match self {
            EventStatus::Pending => "Pending",
            EventStatus::PendingDelivery => "Pending delivery",
            EventStatus::Sent => "Sent",
            EventStatus::Ignored => "Ignored by the delivery",
            EventStatus::DeliveryFailed => "Delivery failed",
            EventStatus::NotTakenIntoAccount => "Event not taken into account",
            EventStatus::Expired => "Event expired",
        }
    }

    /// The Adobe Campaign Standard REST status name.
    pub fn rest_name(self) -> &'static str {
        match self {
            EventStatus::Pending => "pending",
            EventStatus::PendingDelivery => "processing",
            EventStatus::Sent => "processed",
            EventStatus::Ignored => "ignored",
            EventStatus::DeliveryFailed => "deliveryFailed",
            EventStatus::NotTakenIntoAccount => "routingFailed",
            EventStatus::Expired => "tooOld",
        }
    }

    /// A status no workflow moves the event out of (Sent is final unless an asynchronous bounce
    /// is pending on its delivery log, which the caller checks).
    pub fn is_final(self) -> bool {
        !matches!(self, EventStatus::Pending | EventStatus::PendingDelivery)
    }
}

/// The delivery log (`nms:broadLog`) `@status` values we use. 0, 1, 6 and 7 are the product's;
/// 2 for Failed is [U].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BroadLogStatus {
    /// 0: ignored (quarantine, denylist).
    Ignored,
    /// 1: sent.
    Sent,
    /// 2: failed ([U] value).
    Failed,
    /// 6: pending (waiting for the MTA, or for a retry after a soft bounce).
    Pending,
    /// 7: delivery cancelled (expired before it could be sent).
    Cancelled,
}

impl BroadLogStatus {
    /// The numeric `@status`.
    pub fn code(self) -> u8 {
        match self {
            BroadLogStatus::Ignored => 0,
            BroadLogStatus::Sent => 1,
            BroadLogStatus::Failed => 2,
            BroadLogStatus::Pending => 6,
            BroadLogStatus::Cancelled => 7,
        }
    }

    /// The console label.
    pub fn label(self) -> &'static str {
        match self {
            BroadLogStatus::Ignored => "Ignored",
            BroadLogStatus::Sent => "Sent",
            BroadLogStatus::Failed => "Failed",
            BroadLogStatus::Pending => "Pending",
            BroadLogStatus::Cancelled => "Delivery cancelled",
        }
    }
}

/// The channels (`messageType` enumeration) an event can wish for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Channel {
    /// 0
    Email,
    /// 1
    Sms,
    /// 2
    Phone,
    /// 3
    Paper,
    /// 4
    Fax,
    /// 5
    Agency,
    /// 20
    Facebook,
    /// 25
    Twitter,
    /// 40
    MobileApp,
    /// 41
    Ios,
    /// 42
    Android,
    /// 120
    Other,
}

impl Channel {
    const TABLE: [(Channel, u8, &'static str, &'static str); 12] = [
        (Channel::Email, 0, "email", "Email"),
        (Channel::Sms, 1, "sms", "Mobile (SMS)"),
        (Channel::Phone, 2, "phone", "Phone"),
        (Channel::Paper, 3, "paper", "Direct mail"),
        (Channel::Fax, 4, "fax", "Fax"),
        (Channel::Agency, 5, "agency", "Agency"),
        (Channel::Facebook, 20, "facebook", "Facebook"),
        (Channel::Twitter, 25, "twitter", "Twitter"),
        (Channel::MobileApp, 40, "mobileApp", "Mobile application"),
        (Channel::Ios, 41, "ios", "iOS"),
        (Channel::Android, 42, "android", "Android"),
        (Channel::Other, 120, "other", "Other"),
    ];

    /// The `messageType` value.
    pub fn code(self) -> u8 {
        Self::TABLE.iter().find(|r| r.0 == self).map(|r| r.1).unwrap_or(120)
    }

    /// Our name.
    pub fn name(self) -> &'static str {
        Self::TABLE.iter().find(|r| r.0 == self).map(|r| r.2).unwrap_or("other")
    }

    /// The console label.
    pub fn label(self) -> &'static str {
        Self::TABLE.iter().find(|r| r.0 == self).map(|r| r.3).unwrap_or("Other")
    }

    /// A channel from its number or name, as Campaign accepts both (`"0"`, `"email"`, `"Email"`,
    /// `"mobile"` for SMS, `"pushNotification"` for the generic mobile app channel).
    pub fn parse(s: &str) -> Option<Channel> {
        let t = s.trim();
        if let Ok(n) = t.parse::<u16>() {
            return Self::TABLE.iter().find(|r| u16::from(r.1) == n).map(|r| r.0);
        }
        match t.to_ascii_lowercase().as_str() {
            "mobile" => return Some(Channel::Sms),
            "pushnotification" => return Some(Channel::MobileApp),
            _ => {}
        }
        Self::TABLE
            .iter()
            .find(|r| r.2.eq_ignore_ascii_case(t) || r.3.eq_ignore_ascii_case(t))
            .map(|r| r.0)
    }

    /// Channels a transactional template can be made for (the delivery templates the packages
    /// install: email, "Mobile transactional message", iOS/Android transactional message).
    pub fn has_template(self) -> bool {
        matches!(self, Channel::Email | Channel::Sms | Channel::MobileApp | Channel::Ios | Channel::Android)
    }
}

/// One status change of an event: what, when, and which workflow run (or call) made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusChange {
    /// The new status.
    pub status: EventStatus,
    /// When (ms since the epoch, virtual clock).
    pub at: i64,
    /// `PushEvent`, `PushEvents`, or `<workflow>#<run>`.
    pub by: String,
    /// Why, when there is something to say (routing failure, error…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An event of `nms:rtEvent` / `nms:batchEvent` (and, on the control, of `nms:eventHisto`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRecord {
    /// The 64-bit id: execution instance id in the top byte, sequence below.
    pub id: u64,
    /// Internal name of the execution instance's external account.
    pub instance: String,
    /// Real-time or batch queue.
    pub queue: Queue,
    /// `@type`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// `@email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `@mobilePhone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
    /// `@externalId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// `@origin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// `@wishedChannel`.
    pub wished_channel: Channel,
    /// `@emailFormat`: 0 unknown, 1 text, 2 html.
    pub email_format: u8,
    /// `@language`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// `@country`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// `@scheduled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled: Option<i64>,
    /// `@expiration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<i64>,
    /// `@registrationToken`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_token: Option<String>,
    /// `mobileApp/@uuid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_app: Option<String>,
    /// The `<ctx>` element, canonical XML.
    pub ctx: String,
    /// `@created`.
    pub created: i64,
    /// `@lastModified`.
    pub last_modified: i64,
    /// `@status`.
    pub status: EventStatus,
    /// "Process requested on": next (re)processing time while Pending.
    pub process_requested_on: i64,
    /// `@processing`: when a processing workflow last took it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing: Option<i64>,
    /// `@processed`: when it reached a final status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processed: Option<i64>,
    /// "Number of errors".
    pub errors: u32,
    /// The last processing error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// Internal name of the published template copy used (`<name>_rt` / `<name>_batch`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Internal name of the execution delivery it is attached to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<String>,
    /// Every status it went through.
    pub history: Vec<StatusChange>,
    /// Sequence of its entry in the change log read by archiving (0 = none).
    #[serde(default)]
    pub chg_seq: u64,
    /// On the control: when archiving last copied it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<i64>,
}

impl EventRecord {
    /// The address the event's channel uses.
    pub fn address(&self) -> Option<&str> {
        match self.wished_channel {
            Channel::Email => self.email.as_deref(),
            Channel::Sms | Channel::Phone | Channel::Fax => self.mobile_phone.as_deref(),
            Channel::MobileApp | Channel::Ios | Channel::Android => self.registration_token.as_deref(),
            _ => self.email.as_deref().or(self.mobile_phone.as_deref()),
        }
    }

    /// The execution instance id (top byte of the id).
    pub fn exec_id(&self) -> u8 {
        (self.id >> 56) as u8
    }
}

/// What the simulated MTA was told to do with one message, decided when it is routed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rendered {
    /// Rendered subject (email) or empty.
    pub subject: String,
    /// Rendered HTML body.
    pub html: String,
    /// Rendered text body (or SMS/push text).
    pub text: String,
}

/// A delivery log (`NmsBroadLogRtEvent` / `NmsBroadLogBatchEvent`), one per routed event, same id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BroadLogRecord {
    /// Same id as its event.
    pub id: u64,
    /// Execution instance account name.
    pub instance: String,
    /// Queue of its event.
    pub queue: Queue,
    /// The execution delivery.
    pub delivery: String,
    /// The published template copy.
    pub template: String,
    /// Channel used.
    pub channel: Channel,
    /// Address used (email, phone number, push token).
    pub address: String,
    /// `@status`.
    pub status: BroadLogStatus,
    /// Send attempts made.
    pub tries: u32,
    /// Next MTA action time, while one is planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_action: Option<i64>,
    /// When it was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<i64>,
    /// An asynchronous bounce planned at this time (after "Sent").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounce_at: Option<i64>,
    /// "hard", "soft", "ignored", "async".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_type: Option<String>,
    /// The failure reason, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    /// The event's expiration, copied so the MTA can cancel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<i64>,
    /// The rendered message.
    pub rendered: Rendered,
    /// `@created`.
    pub created: i64,
    /// `@lastModified`.
    pub last_modified: i64,
    /// One line per MTA action, for the event's story.
    pub log: Vec<StatusChangeLine>,
    /// Sequence of its entry in the change log read by archiving.
    #[serde(default)]
    pub chg_seq: u64,
}

/// One line of a delivery log's story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusChangeLine {
    /// When.
    pub at: i64,
    /// What happened.
    pub text: String,
}
