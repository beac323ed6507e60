//! The event generator: events at a rate over a duration of virtual time, with a mix of event
//! types, channels and addresses (outcome-directed test addresses included), the same from the
//! same seed. A command of many transactions: each step either pushes the events of one second of
//! virtual time (at most `batchSize`, as one PushEvents call: one call, one instance behind the
//! load balancer) or runs the next workflow step due before the next second with events, so
//! that events and workflows interleave as they would in real time.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{err, Error, ErrorCode, Result};
use crate::input::RawEvent;
use crate::model::{Channel, Queue};
use crate::mta::{mix, TEST_ADDRESSES};
use crate::ops::commands::{self, After};
use crate::ops::{push, Continuation, Next};
use crate::tree::Node;
use crate::txn::Txn;
use crate::views::{GenerateProgress, OpResult};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenerateSpec {
    /// Events per hour of virtual time (up to 3,600,000: a thousand a second).
    pub rate_per_hour: f64,
    /// How long, in ms of virtual time, from now.
    pub duration_ms: f64,
    /// Account name of an execution instance, or `loadBalancer` (the default).
    #[serde(default)]
    #[ts(optional, type = "string | null")]
    pub target: Option<String>,
    /// Queue (`rt` default).
    #[serde(default)]
    #[ts(optional, type = "Queue | null")]
    pub queue: Option<String>,
    /// Event types to draw from, equally (default: every value of the enumeration).
    #[serde(default)]
    #[ts(optional, type = "string[] | null")]
    pub types: Option<Vec<String>>,
    /// Wished channels to draw from, equally (default: email). Email and SMS get addresses.
    #[serde(default)]
    #[ts(optional, type = "ChannelInput[] | null")]
    pub channels: Option<Vec<serde_json::Value>>,
    /// Share (0–1) of events sent to an outcome-directed test address (default 0.1).
    #[serde(default)]
    #[ts(optional, type = "number | null")]
    pub test_share: Option<f64>,
    /// Seed of the draws (default: the engine's seed); the same seed gives the same events.
    #[serde(default)]
    #[ts(optional, type = "number | null")]
    pub seed: Option<u64>,
}

/// Where a generator is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenerateState {
    /// When it started.
    pub start: i64,
    /// When it ends.
    pub end: i64,
    /// Events pushed so far.
    pub pushed: u64,
    /// Transactions so far.
    pub steps: u64,
}

const SECOND: i64 = 1000;
/// Most events a generator may be asked for.
const MAX_EVENTS: f64 = 10_000_000.0;

struct Plan {
    total: u64,
    queue: Queue,
    types: Vec<String>,
    channels: Vec<Channel>,
    test_ppm: u64,
    seed: u64,
    rate: f64,
}

fn plan(txn: &Txn<'_>, spec: &GenerateSpec) -> Result<Plan> {
    let rate = spec.rate_per_hour;
    if !rate.is_finite() || rate <= 0.0 || rate > 3_600_000.0 {
        return err(ErrorCode::InvalidArgument, "the rate is a number of events per hour, above 0 and at most 3,600,000");
    }
    let d = spec.duration_ms;
    if !d.is_finite() || d <= 0.0 || d > 365.0 * 86_400_000.0 {
        return err(ErrorCode::InvalidArgument, "the duration is a number of ms of virtual time, above 0 and at most a year");
    }
    let total = (rate * d / 3_600_000.0).floor();
    if total < 1.0 {
        return err(ErrorCode::InvalidArgument, "at that rate no event falls within that duration");
    }
    if total > MAX_EVENTS {
        return err(ErrorCode::InputTooLarge, format!("that is {total} events, over the limit of {MAX_EVENTS} per generator"));
    }
    let st = txn.st();
    let types = match &spec.types {
        Some(t) if !t.is_empty() => {
            for name in t {
                if !st.event_types.contains_key(name) {
                    return err(
                        ErrorCode::UnknownEventType,
                        format!("event type '{}' is not a value of the eventType enumeration", crate::tree::excerpt(name)),
                    );
                }
            }
            t.clone()
        }
        _ => st.event_types.keys().cloned().collect(),
    };
    if types.is_empty() {
        return err(ErrorCode::UnknownEventType, "there is no event type to generate: add one to the eventType enumeration first");
    }
    let channels = match &spec.channels {
        Some(c) if !c.is_empty() => c
            .iter()
            .map(|v| {
                crate::ops::read::parse_channel(&Some(v.clone()))?
                    .ok_or_else(|| Error::new(ErrorCode::UnknownChannel, "a channel of the generator cannot be null"))
            })
            .collect::<Result<Vec<_>>>()?,
        _ => vec![Channel::Email],
    };
    let share = spec.test_share.unwrap_or(0.1);
    if !share.is_finite() || !(0.0..=1.0).contains(&share) {
        return err(ErrorCode::InvalidArgument, "the share of test addresses is a number from 0 to 1");
    }
    let queue = match spec.queue.as_deref() {
        None => Queue::Rt,
        Some(q) => Queue::parse(q).ok_or_else(|| {
            Error::new(ErrorCode::InvalidArgument, format!("queue '{}' is neither 'rt' nor 'batch'", crate::tree::excerpt(q)))
        })?,
    };
    Ok(Plan {
        total: total as u64,
        queue,
        types,
        channels,
        test_ppm: (share * 1_000_000.0).round() as u64,
        seed: spec.seed.unwrap_or(st.seed),
        rate,
    })
}

/// When event `k` (0-based) falls: evenly spaced from the start.
fn time_of(p: &Plan, start: i64, k: u64) -> i64 {
    start + ((k as f64) * 3_600_000.0 / p.rate).floor() as i64
}

const FIRST_NAMES: [&str; 8] = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken"];

fn text(name: &str, value: String) -> Node {
    Node { name: name.into(), text: value, ..Node::default() }
}

/// Event `k`: its type, channel, address and ctx, drawn from (seed, k).
fn event(p: &Plan, k: u64) -> RawEvent {
    let r = |salt: u64| mix(p.seed ^ mix(k.wrapping_mul(0x9E37_79B9).wrapping_add(salt)));
    let event_type = p.types[(r(1) % p.types.len() as u64) as usize].clone();
    let channel = p.channels[(r(2) % p.channels.len() as u64) as usize];
    let test = r(3) % 1_000_000 < p.test_ppm;
    let name = FIRST_NAMES[(r(4) % FIRST_NAMES.len() as u64) as usize];
    let n = r(5) % 100_000;
    let mut ev = RawEvent {
        queue: Some(p.queue),
        event_type: Some(event_type),
        wished_channel: Some(channel.code().to_string()),
        ..RawEvent::default()
    };
    let kind = match channel {
        Channel::Sms => "sms",
        _ => "email",
    };
    let tests: Vec<&str> = TEST_ADDRESSES.iter().filter(|(c, _, _)| *c == kind).map(|(_, a, _)| *a).collect();
    let address = if test && !tests.is_empty() {
        tests[(r(6) % tests.len() as u64) as usize].to_string()
    } else if kind == "sms" {
        format!("+336{:08}", r(7) % 100_000_000)
    } else {
        format!("{}.{n}@example.com", name.to_ascii_lowercase())
    };
    match channel {
        Channel::Sms => ev.mobile_phone = Some(address),
        Channel::MobileApp | Channel::Ios | Channel::Android => {
            ev.email = Some(format!("{}.{n}@example.com", name.to_ascii_lowercase()));
            ev.registration_token = Some(format!("token-{:016x}", r(8)));
        }
        _ => ev.email = Some(address),
    }
    ev.external_id = Some(format!("gen-{k}"));
    let mut order = Node { name: "order".into(), ..Node::default() };
    order.attrs.push(("number".into(), format!("{}", 100_000 + k)));
    order.attrs.push(("amount".into(), format!("{}.{:02}", r(9) % 500, r(10) % 100)));
    ev.ctx = Some(Node { name: "ctx".into(), children: vec![text("firstName", name.into()), order], ..Node::default() });
    ev
}

fn progress(p: &Plan, g: &GenerateState, now: i64, done: bool) -> OpResult {
    OpResult::Generate(GenerateProgress {
        pushed: g.pushed,
        total: p.total,
        steps: g.steps,
        now: crate::dates::format_iso(now),
        end: crate::dates::format_iso(g.end),
        done,
    })
}

/// One step of a generator: push the events due, or run the next workflow step before the next
/// ones, or (when all are pushed) move on to the end.
pub(crate) fn step(txn: &mut Txn<'_>, spec: GenerateSpec, state: Option<GenerateState>) -> Result<Next> {
    let p = plan(txn, &spec)?;
    let now = txn.now();
    let mut g = state.unwrap_or(GenerateState { start: now, end: now.saturating_add(spec.duration_ms as i64), pushed: 0, steps: 0 });
    if g.pushed < p.total {
        let next_at = time_of(&p, g.start, g.pushed);
        if next_at <= now {
            // The events of this second (at most batchSize): one PushEvents call.
            let limit = u64::from(txn.config().batch_size.max(1));
            let second_end = (now / SECOND + 1) * SECOND;
            let mut k = g.pushed;
            let mut raws = Vec::new();
            while k < p.total && (raws.len() as u64) < limit && time_of(&p, g.start, k) < second_end.max(now + 1) {
                raws.push(event(&p, k));
                k += 1;
            }
            let n = raws.len() as u64;
            g.pushed += n;
            g.steps += 1;
            let spec_target = spec.target.clone();
            let cont = Continuation::Generate { spec: Box::new(spec), state: g.clone() };
            return push::push_generated(txn, raws, spec_target.as_deref(), p.queue, cont, progress(&p, &g, now, false));
        }
        // Workflows due before the next events run first, one step per transaction.
        g.steps += 1;
        let after = After::Generate { spec: Box::new(spec.clone()), state: g.clone() };
        if let Some(next) = commands::step_due(txn, next_at - 1, after)? {
            return Ok(next);
        }
        crate::ops::admin::advance_clock(txn, next_at)?;
        let cont = Continuation::Generate { spec: Box::new(spec), state: g.clone() };
        return Ok(Next::Done(progress(&p, &g, next_at, false), Some(cont)));
    }
    // Every event pushed: the workflows run on until the end of the duration.
    if now < g.end {
        g.steps += 1;
        let after = After::Generate { spec: Box::new(spec.clone()), state: g.clone() };
        if let Some(next) = commands::step_due(txn, g.end, after)? {
            return Ok(next);
        }
        crate::ops::admin::advance_clock(txn, g.end)?;
    }
    Ok(Next::Done(progress(&p, &g, txn.now(), true), None))
}

/// The progress after a workflow step run by a generator, and what to send next.
pub(crate) fn after_step(txn: &Txn<'_>, spec: GenerateSpec, state: GenerateState) -> Result<Next> {
    let p = plan(txn, &spec)?;
    let r = progress(&p, &state, txn.now(), false);
    Ok(Next::Done(r, Some(Continuation::Generate { spec: Box::new(spec), state })))
}
