//! The enumerations of the Message Center, with the product's own names and labels. Each has one
//! string mapping (its `name`), one console label and, where storage keeps it compact, one code.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which queue an event goes to: `nms:rtEvent` or `nms:batchEvent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Queue {
    /// Real-time events (`<rtEvent>`, `NmsRtEvent`).
    Rt,
    /// Batch events (`<batchEvent>`, `NmsBatchEvent`).
    Batch,
}

impl Queue {
    /// Both queues.
    pub const ALL: [Queue; 2] = [Queue::Rt, Queue::Batch];

    /// Our name, also the JSON form: `rt` or `batch`.
    pub fn name(self) -> &'static str {
        match self {
            Queue::Rt => "rt",
            Queue::Batch => "batch",
        }
    }

    /// The queue of a name (`rt`, `batch`).
    pub fn parse(s: &str) -> Option<Queue> {
        Queue::ALL.into_iter().find(|q| q.name() == s)
    }

    /// In words, for messages: "real-time" or "batch".
    pub fn words(self) -> &'static str {
        match self {
            Queue::Rt => "real-time",
            Queue::Batch => "batch",
        }
    }

    /// The XML element (and schema) of the queue: `rtEvent` / `batchEvent`.
    pub fn element(self) -> &'static str {
        match self {
            Queue::Rt => "rtEvent",
            Queue::Batch => "batchEvent",
        }
    }

    /// The compact code storage uses.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The queue of a storage code.
    pub fn from_code(c: u8) -> Option<Queue> {
        Queue::ALL.get(usize::from(c)).copied()
    }
}

/// The event `@status` enumeration. Numeric values are not public ([U]): the mapping below is our
/// choice (the reference's suggested order) and lives only here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "EventStatusName")]
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
        Self::ALL.get(usize::from(code)).copied()
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

    /// The status of a name (ours, the console label in any case, or the ACS REST name).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|st| st.name() == s || st.label().eq_ignore_ascii_case(s) || st.rest_name() == s)
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

    /// Whether the product's state machine (reference §4.6) allows `self → to`.
    pub fn may_become(self, to: EventStatus) -> bool {
        use EventStatus::*;
        matches!(
            (self, to),
            (Pending, PendingDelivery | NotTakenIntoAccount | Expired)
                | (PendingDelivery, Sent | Ignored | DeliveryFailed)
                | (Sent, DeliveryFailed)
        )
    }
}

/// The delivery log (`nms:broadLog`) `@status` values we use. 0, 1, 6 and 7 are the product's;
/// 2 for Failed is [U].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
    const ALL: [BroadLogStatus; 5] =
        [BroadLogStatus::Ignored, BroadLogStatus::Sent, BroadLogStatus::Failed, BroadLogStatus::Pending, BroadLogStatus::Cancelled];

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

    /// The status of a numeric `@status`.
    pub fn from_code(c: u8) -> Option<BroadLogStatus> {
        BroadLogStatus::ALL.into_iter().find(|s| s.code() == c)
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

    /// The event status `updateEventsStatus` copies from a delivery log in this status (None while
    /// the message is pending).
    pub fn event_status(self) -> Option<EventStatus> {
        match self {
            BroadLogStatus::Sent => Some(EventStatus::Sent),
            BroadLogStatus::Ignored => Some(EventStatus::Ignored),
            BroadLogStatus::Failed | BroadLogStatus::Cancelled => Some(EventStatus::DeliveryFailed),
            BroadLogStatus::Pending => None,
        }
    }
}

/// Why a delivery log failed or was ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum FailureType {
    /// Hard bounce (the address is quarantined).
    Hard,
    /// Soft bounces until the tries ran out.
    Soft,
    /// Ignored by the delivery (quarantine, denylist, a test address).
    Ignored,
    /// Asynchronous bounce after "Sent" (the address is quarantined).
    Async,
    /// The event expired before the message could be sent.
    Expired,
    /// The message could not be built: the template's script failed for this event (Campaign's
    /// JST-310000 personalization error).
    Personalization,
}

impl FailureType {
    const ALL: [FailureType; 6] = [
        FailureType::Hard,
        FailureType::Soft,
        FailureType::Ignored,
        FailureType::Async,
        FailureType::Expired,
        FailureType::Personalization,
    ];

    /// Our name.
    pub fn name(self) -> &'static str {
        match self {
            FailureType::Hard => "hard",
            FailureType::Soft => "soft",
            FailureType::Ignored => "ignored",
            FailureType::Async => "async",
            FailureType::Expired => "expired",
            FailureType::Personalization => "personalization",
        }
    }

    /// The compact code storage uses.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The failure type of a storage code.
    pub fn from_code(c: u8) -> Option<FailureType> {
        FailureType::ALL.get(usize::from(c)).copied()
    }
}

/// The channels (`messageType` enumeration) an event can wish for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ChannelName")]
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

    /// Every channel, in the order of their `messageType` values.
    pub fn all() -> impl Iterator<Item = Channel> {
        Self::TABLE.iter().map(|r| r.0)
    }

    fn row(self) -> &'static (Channel, u8, &'static str, &'static str) {
        // TABLE lists every variant in declaration order.
        &Self::TABLE[self as usize]
    }

    /// The `messageType` value.
    pub fn code(self) -> u8 {
        self.row().1
    }

    /// The channel of a `messageType` value.
    pub fn from_code(c: u8) -> Option<Channel> {
        Self::TABLE.iter().find(|r| r.1 == c).map(|r| r.0)
    }

    /// Our name.
    pub fn name(self) -> &'static str {
        self.row().2
    }

    /// The console label.
    pub fn label(self) -> &'static str {
        self.row().3
    }

    /// A channel from its number or name, as Campaign accepts both (`"0"`, `"email"`, `"Email"`,
    /// `"mobile"` for SMS, `"pushNotification"` for the generic mobile app channel).
    pub fn parse(s: &str) -> Option<Channel> {
        let t = s.trim();
        if let Ok(n) = t.parse::<u16>() {
            return u8::try_from(n).ok().and_then(Channel::from_code);
        }
        match t.to_ascii_lowercase().as_str() {
            "mobile" => return Some(Channel::Sms),
            "pushnotification" => return Some(Channel::MobileApp),
            _ => {}
        }
        Self::TABLE.iter().find(|r| r.2.eq_ignore_ascii_case(t) || r.3.eq_ignore_ascii_case(t)).map(|r| r.0)
    }

    /// Channels a transactional template can be made for (the delivery templates the packages
    /// install: email, "Mobile transactional message", iOS/Android transactional message).
    pub fn has_template(self) -> bool {
        matches!(self, Channel::Email | Channel::Sms | Channel::MobileApp | Channel::Ios | Channel::Android)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in EventStatus::ALL {
            assert_eq!(EventStatus::from_code(s.code()), Some(s));
            assert_eq!(EventStatus::parse(s.name()), Some(s));
            assert_eq!(EventStatus::parse(s.rest_name()), Some(s));
            assert_eq!(EventStatus::parse(&s.label().to_uppercase()), Some(s));
        }
        for (c, code, name, _) in Channel::TABLE {
            assert_eq!(c.code(), code);
            assert_eq!(Channel::from_code(code), Some(c));
            assert_eq!(Channel::parse(name), Some(c));
            assert_eq!(Channel::parse(&code.to_string()), Some(c));
        }
        assert_eq!(Channel::parse("300"), None);
        for q in Queue::ALL {
            assert_eq!(Queue::from_code(q.code()), Some(q));
            assert_eq!(Queue::parse(q.name()), Some(q));
        }
        for b in BroadLogStatus::ALL {
            assert_eq!(BroadLogStatus::from_code(b.code()), Some(b));
        }
        for f in FailureType::ALL {
            assert_eq!(FailureType::from_code(f.code()), Some(f));
        }
    }

    #[test]
    fn state_machine() {
        use EventStatus::*;
        assert!(Pending.may_become(PendingDelivery));
        assert!(Sent.may_become(DeliveryFailed));
        assert!(!Sent.may_become(Pending));
        assert!(!DeliveryFailed.may_become(Sent));
    }
}
