//! Every choice made where the real product's behaviour is unknown ([U] in the reference) lives
//! here, named and configurable. docs/behaviour.md lists them; `Config::default()` is what it documents.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{err, ErrorCode, Result};
use crate::input::Limits;

/// A schedule: ticks at every `offset_ms + k * period_ms` (UTC, virtual clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Schedule {
    /// Time between two runs.
    pub period_ms: i64,
    /// Phase of the ticks within the period (e.g. 4 h for "daily at 04:00").
    #[serde(default)]
    pub offset_ms: i64,
}

impl Schedule {
    /// Every `period_ms`, on multiples of it.
    pub const fn every(period_ms: i64) -> Self {
        Schedule { period_ms, offset_ms: 0 }
    }

    /// The first tick at or after `t`.
    pub fn first_at_or_after(&self, t: i64) -> i64 {
        let p = self.period_ms.max(1);
        let k = (t - self.offset_ms).div_euclid(p);
        let tick = self.offset_ms + k * p;
        if tick >= t {
            tick
        } else {
            tick + p
        }
    }

    /// The first tick strictly after `t`.
    pub fn first_after(&self, t: i64) -> i64 {
        self.first_at_or_after(t.saturating_add(1))
    }

    /// The last tick at or before `t`.
    pub fn last_at_or_before(&self, t: i64) -> i64 {
        let p = self.period_ms.max(1);
        self.offset_ms + (t - self.offset_ms).div_euclid(p) * p
    }
}

/// What results show in place of a secret (`settings()`, `configure()`).
pub const REDACTED: &str = "********";

/// A second, in ms.
pub const SECOND: i64 = 1_000;
/// A minute, in ms.
pub const MINUTE: i64 = 60 * SECOND;
/// An hour, in ms.
pub const HOUR: i64 = 60 * MINUTE;
/// A day, in ms.
pub const DAY: i64 = 24 * HOUR;

/// Outcome rates of the simulated MTA for one channel, per attempt, in parts per million.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChannelRates {
    /// Hard bounce (address quarantined, "Delivery failed").
    pub hard_ppm: u32,
    /// Soft bounce (retried).
    pub soft_ppm: u32,
    /// Asynchronous bounce some time after "Sent".
    pub async_bounce_ppm: u32,
    /// Time from routing to the first send attempt.
    pub send_delay_ms: i64,
    /// Extra random delay, 0..=jitter, drawn from the seed.
    pub send_jitter_ms: i64,
}

/// Schedules of the technical workflows ([U]: the product documents only the hourly archiving and
/// the daily cleanup at 04:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Schedules {
    /// `rtEventsProcessing`.
    pub rt_events_processing: Schedule,
    /// `batchEventsProcessing`.
    pub batch_events_processing: Schedule,
    /// `updateEventsStatus`.
    pub update_events_status: Schedule,
    /// `mcSynch_<account>`.
    pub mc_synch: Schedule,
    /// `cleanup` (both instances).
    pub cleanup: Schedule,
}

/// The engine's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Config {
    /// Workflow schedules.
    pub schedules: Schedules,
    /// Events one workflow step takes at most (one storage transaction each).
    pub batch_size: u32,
    /// Pages of events one workflow step reads and writes at most (a page holds 128 events), so
    /// that a step's memory stays bounded whatever its events.
    pub pages_per_step: u32,
    /// Processing errors before an event becomes "Event expired" ([U]).
    pub max_processing_errors: u32,
    /// Delay before the first reprocessing after an error; doubles at each error ([U]).
    pub processing_retry_ms: i64,
    /// Send attempts before a soft-bouncing message fails ([U]).
    pub mta_max_tries: u32,
    /// Delay before the first retry after a soft bounce; doubles at each retry ([U]).
    pub mta_retry_ms: i64,
    /// Delay of a drawn asynchronous bounce after "Sent".
    pub async_bounce_delay_ms: i64,
    /// Email rates.
    pub email: ChannelRates,
    /// SMS rates.
    pub sms: ChannelRates,
    /// Push (mobile app, iOS, Android) rates.
    pub push: ChannelRates,
    /// `NmsCleanup_EventPurgeDelay` (execution instances), default 30 days.
    pub event_purge_delay_ms: i64,
    /// `NmsCleanup_EventHistoPurgeDelay` (control), default 360 days.
    pub event_histo_purge_delay_ms: i64,
    /// Largest `ctx`, in bytes of canonical XML (default 64 KiB).
    pub max_ctx_bytes: usize,
    /// Largest pushed document.
    pub max_document_bytes: usize,
    /// Most events in one PushEvents.
    pub max_events_per_batch: usize,
    /// Refuse at push an event whose type is not in the `eventType` enumeration ([U]: the product
    /// accepts it and routing then marks it "Event not taken into account"; refusing is clearer).
    pub reject_unknown_event_type: bool,
    /// `MC_RtEventQueueAlert`: mcPing says Error above this many pending real-time events.
    #[ts(type = "number")]
    pub rt_queue_alert: u64,
    /// `MC_RtEventQueueWarning`.
    #[ts(type = "number")]
    pub rt_queue_warning: u64,
    /// Journal runs kept per workflow.
    pub journal_runs_kept: u32,
    /// Longest `waitForStatus` may advance the clock by default.
    pub wait_limit_ms: i64,
    /// Whether the SOAP `PushEventsResponse` lists the ids of the events (`<plId>` elements, in
    /// the order of the collection) ([U]: the product's reply is not documented; the reference
    /// suggests an empty element, the default).
    pub soap_push_events_ids: bool,
    /// Operators of the SOAP API (`xtk:operator`): login, password (kept as its salted hash),
    /// optional bearer token (kept as its hash), `allowEmptyPassword`. By default `admin` with
    /// `allowEmptyPassword`, which logs on with an empty password from a trusted range only.
    pub operators: Vec<crate::security::Operator>,
    /// Trusted address ranges (the security zone that allows an empty password), CIDR
    /// notation. Default: loopback (`127.0.0.0/8`, `::1/128`).
    pub trusted_ranges: Vec<String>,
    /// Lifetime of a session from `xtk:session#Logon` (the server's `sessionTimeOut`, 24 h).
    pub session_timeout_ms: i64,
    /// The instances' time zone: local time of templates' `Date` and of `formatDate` ([U]: the
    /// server's or operator's zone in the product; UTC by default). An IANA name the engine
    /// knows (`Europe/Paris`, `America/New_York`…: current rules, no history) or a POSIX rule
    /// (`CET-1CEST,M3.5.0,M10.5.0/3`).
    pub time_zone: String,
    /// What one render of a template field may use ([U]: the product's limits are not
    /// documented; a bound hit fails the message, see docs/personalization.md).
    pub personalization: PersonalizationLimits,
}

/// Bounds of one render of a template field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PersonalizationLimits {
    /// Steps (statements, loop turns, calls, regular-expression work).
    #[ts(type = "number")]
    pub max_steps: u64,
    /// Nesting of calls and blocks ("too much recursion" above it).
    pub max_depth: u32,
    /// Bytes of the rendered field.
    pub max_output_bytes: u32,
    /// Bytes of objects, strings and XML a render makes.
    pub max_memory_bytes: u32,
}

impl Default for PersonalizationLimits {
    fn default() -> Self {
        PersonalizationLimits { max_steps: 5_000_000, max_depth: 400, max_output_bytes: 4 << 20, max_memory_bytes: 64 << 20 }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            schedules: Schedules {
                rt_events_processing: Schedule::every(10 * SECOND),
                batch_events_processing: Schedule::every(10 * MINUTE),
                update_events_status: Schedule::every(MINUTE),
                mc_synch: Schedule::every(HOUR),
                cleanup: Schedule { period_ms: DAY, offset_ms: 4 * HOUR },
            },
            batch_size: 500,
            pages_per_step: 32,
            max_processing_errors: 5,
            processing_retry_ms: MINUTE,
            mta_max_tries: 5,
            mta_retry_ms: 15 * MINUTE,
            async_bounce_delay_ms: 30 * MINUTE,
            email: ChannelRates {
                hard_ppm: 20_000,
                soft_ppm: 30_000,
                async_bounce_ppm: 10_000,
                send_delay_ms: 2 * SECOND,
                send_jitter_ms: 3 * SECOND,
            },
            sms: ChannelRates {
                hard_ppm: 10_000,
                soft_ppm: 20_000,
                async_bounce_ppm: 0,
                send_delay_ms: SECOND,
                send_jitter_ms: 2 * SECOND,
            },
            push: ChannelRates { hard_ppm: 5_000, soft_ppm: 10_000, async_bounce_ppm: 0, send_delay_ms: SECOND, send_jitter_ms: SECOND },
            event_purge_delay_ms: 30 * DAY,
            event_histo_purge_delay_ms: 360 * DAY,
            max_ctx_bytes: 64 * 1024,
            max_document_bytes: 8 * 1024 * 1024,
            max_events_per_batch: 10_000,
            reject_unknown_event_type: true,
            rt_queue_alert: 400,
            rt_queue_warning: 100,
            journal_runs_kept: 100,
            wait_limit_ms: 7 * DAY,
            soap_push_events_ids: false,
            operators: vec![crate::security::Operator { allow_empty_password: true, ..crate::security::Operator::new("admin") }],
            trusted_ranges: vec!["127.0.0.0/8".into(), "::1/128".into()],
            session_timeout_ms: DAY,
            time_zone: "UTC".into(),
            personalization: PersonalizationLimits::default(),
        }
    }
}

impl Config {
    /// Parsing limits derived from this configuration.
    pub fn limits(&self) -> Limits {
        Limits {
            max_ctx_bytes: self.max_ctx_bytes,
            max_document_bytes: self.max_document_bytes,
            max_events_per_batch: self.max_events_per_batch,
            ..Limits::default()
        }
    }

    /// This configuration as results show it: operators' password and bearer-token hashes as
    /// `REDACTED` (an operator without one shows none). Given back to `configure`, `REDACTED`
    /// keeps the current hash.
    pub fn redacted(&self) -> Config {
        Config { operators: self.operators.iter().map(crate::security::Operator::redacted).collect(), ..self.clone() }
    }

    /// This configuration as a snapshot holds it: operators without any secret, hashes included
    /// (restored into a store, the operators of that store are kept; see `ops::snapshot`).
    pub fn without_secrets(&self) -> Config {
        Config { operators: self.operators.iter().map(crate::security::Operator::without_secrets).collect(), ..self.clone() }
    }

    /// Rates of a channel.
    pub fn rates(&self, channel: crate::model::Channel) -> &ChannelRates {
        use crate::model::Channel::*;
        match channel {
            Sms | Phone | Fax => &self.sms,
            MobileApp | Ios | Android => &self.push,
            _ => &self.email,
        }
    }

    /// Checks every value; a bad one is refused with its name.
    pub fn validate(&self) -> Result<()> {
        let s = &self.schedules;
        for (name, sch) in [
            ("rtEventsProcessing", s.rt_events_processing),
            ("batchEventsProcessing", s.batch_events_processing),
            ("updateEventsStatus", s.update_events_status),
            ("mcSynch", s.mc_synch),
            ("cleanup", s.cleanup),
        ] {
            if sch.period_ms < SECOND || sch.offset_ms < 0 || sch.offset_ms >= sch.period_ms {
                return err(
                    ErrorCode::InvalidArgument,
                    format!("schedule of {name}: period must be at least 1000 ms and 0 <= offset < period"),
                );
            }
        }
        if self.batch_size == 0 || self.batch_size > 10_000 {
            return err(ErrorCode::InvalidArgument, "batchSize must be between 1 and 10000");
        }
        if self.pages_per_step == 0 || self.pages_per_step > 1_000 {
            return err(ErrorCode::InvalidArgument, "pagesPerStep must be between 1 and 1000");
        }
        for (name, r) in [("email", &self.email), ("sms", &self.sms), ("push", &self.push)] {
            if u64::from(r.hard_ppm) + u64::from(r.soft_ppm) + u64::from(r.async_bounce_ppm) > 1_000_000 {
                return err(ErrorCode::InvalidArgument, format!("{name} rates add up to more than 100%"));
            }
            if r.send_delay_ms < 0 || r.send_jitter_ms < 0 {
                return err(ErrorCode::InvalidArgument, format!("{name} delays must not be negative"));
            }
        }
        if self.max_processing_errors == 0 || self.mta_max_tries == 0 {
            return err(ErrorCode::InvalidArgument, "maxProcessingErrors and mtaMaxTries must be at least 1");
        }
        if self.processing_retry_ms < 0 || self.mta_retry_ms < 0 || self.async_bounce_delay_ms < 0 {
            return err(ErrorCode::InvalidArgument, "retry delays must not be negative");
        }
        if self.event_purge_delay_ms < HOUR || self.event_histo_purge_delay_ms < HOUR {
            return err(ErrorCode::InvalidArgument, "purge delays must be at least one hour");
        }
        if self.max_ctx_bytes < 64 || self.max_document_bytes < 256 || self.max_events_per_batch == 0 {
            return err(ErrorCode::InvalidArgument, "size limits are too small");
        }
        if self.journal_runs_kept == 0 || self.wait_limit_ms <= 0 {
            return err(ErrorCode::InvalidArgument, "journalRunsKept and waitLimitMs must be positive");
        }
        if crate::script::TimeZone::from_name(&self.time_zone).or_else(|| crate::script::TimeZone::posix(&self.time_zone)).is_none() {
            return err(
                ErrorCode::InvalidArgument,
                format!(
                    "timeZone '{}' is not a time zone the engine knows (an IANA name such as Europe/Paris, or a POSIX rule)",
                    crate::tree::excerpt(&self.time_zone)
                ),
            );
        }
        let p = &self.personalization;
        if p.max_steps < 1_000 || p.max_depth < 16 || p.max_depth > 2_000 || p.max_output_bytes < 1_024 || p.max_memory_bytes < 1 << 20 {
            return err(
                ErrorCode::InvalidArgument,
                "personalization limits are too small (maxSteps ≥ 1000, 16 ≤ maxDepth ≤ 2000, maxOutputBytes ≥ 1024, maxMemoryBytes ≥ 1 MiB)",
            );
        }
        crate::security::validate(&self.operators, &self.trusted_ranges, self.session_timeout_ms)
    }

    /// The time zone of `time_zone` (validated: UTC if it somehow is not one).
    pub(crate) fn tz(&self) -> crate::script::TimeZone {
        crate::script::TimeZone::from_name(&self.time_zone)
            .or_else(|| crate::script::TimeZone::posix(&self.time_zone))
            .unwrap_or_else(crate::script::TimeZone::utc)
    }

    /// The bounds of a render.
    pub(crate) fn script_bounds(&self) -> crate::script::Bounds {
        let p = &self.personalization;
        crate::script::Bounds {
            steps: p.max_steps,
            depth: p.max_depth,
            output_bytes: p.max_output_bytes as usize,
            memory_bytes: p.max_memory_bytes as usize,
            ..crate::script::Bounds::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_ticks() {
        let daily4 = Schedule { period_ms: DAY, offset_ms: 4 * HOUR };
        assert_eq!(daily4.first_at_or_after(0), 4 * HOUR);
        assert_eq!(daily4.first_at_or_after(4 * HOUR), 4 * HOUR);
        assert_eq!(daily4.first_after(4 * HOUR), DAY + 4 * HOUR);
        assert_eq!(daily4.last_at_or_before(DAY), 4 * HOUR);
        let ten = Schedule::every(10 * SECOND);
        assert_eq!(ten.first_at_or_after(1), 10 * SECOND);
        assert_eq!(ten.first_after(10 * SECOND), 20 * SECOND);
    }

    #[test]
    fn default_is_valid_and_bad_values_are_named() {
        Config::default().validate().unwrap();
        let mut c = Config::default();
        c.email.hard_ppm = 900_000;
        c.email.soft_ppm = 200_000;
        let e = c.validate().unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidArgument);
        assert!(e.message.contains("email"));
        let mut c = Config::default();
        c.schedules.cleanup.offset_ms = DAY;
        assert!(c.validate().unwrap_err().message.contains("cleanup"));
    }

    #[test]
    fn secrets_are_redacted_and_bad_operators_named() {
        use crate::security::Operator;
        let mut c = Config::default();
        c.operators.push(Operator {
            password_hash: Some(crate::secrets::hash_password_with("s3cret", b"saltsalt", crate::secrets::Kdf { ln: 4, r: 8, p: 1 })),
            bearer_token_hash: Some(crate::secrets::bearer_hash("a-bearer-token-of-length")),
            ..Operator::new("mc")
        });
        let r = c.redacted();
        assert_eq!((r.operators[0].password_hash.as_deref(), r.operators[1].password_hash.as_deref()), (None, Some(REDACTED)));
        assert_eq!(r.operators[1].bearer_token_hash.as_deref(), Some(REDACTED));
        assert!(!serde_json::to_string(&r).unwrap().contains("scrypt"));
        let bare = c.without_secrets();
        assert_eq!(bare.operators[1], Operator::new("mc"));
        assert!(bare.operators[0].allow_empty_password);
        for (ops, what) in [
            (vec![Operator::new("a/b")], "'a/b'"),
            (vec![Operator::new("")], "''"),
            (vec![Operator::new("x"); 2], "configured twice"),
            (vec![Operator { bearer_token: Some("short".into()), ..Operator::new("x") }], "bearer token 16 to 4096"),
        ] {
            let c = Config { operators: ops, ..Config::default() };
            let e = c.validate().unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidArgument);
            assert!(e.message.contains(what), "{}", e.message);
        }
        let c = Config { session_timeout_ms: 10, ..Config::default() };
        assert!(c.validate().unwrap_err().message.contains("sessionTimeoutMs"));
    }

    #[test]
    fn the_default_operator_is_explicit_about_its_empty_password() {
        let c = serde_json::to_value(Config::default()).unwrap();
        assert_eq!(c["operators"], serde_json::json!([{"login": "admin", "allowEmptyPassword": true}]));
    }
}
