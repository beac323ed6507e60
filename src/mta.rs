//! The simulated MTA: what happens to one message at one attempt. Outcome-directed test addresses
//! ask for an outcome; other addresses draw it from the channel's rates with a generator seeded by
//! (seed, event id, attempt), so batching and ordering never change an outcome.
//!
//! Test addresses (documented in docs/api.md):
//! - email `<directive>[+anything]@mc-sim.test`, directive one of `sent`, `ignored`, `hard`,
//!   `soft` (soft bounce at every try), `soft-N` (N soft bounces, then sent), `bounce-N[smh]`
//!   (sent, then an asynchronous bounce N units later), `delay-N[smh]` (sent after that delay),
//!   `procerr` (processing error at every try), `procerr-N` (N processing errors, then normal);
//! - SMS `+9990…` sent, `+9991…` ignored, `+9992…` hard bounce, `+9993…` soft bounce at every try,
//!   `+9994…` asynchronous bounce.

use crate::config::{ChannelRates, Config};
use crate::error::{err, ErrorCode, Result};

/// The reserved domain of outcome-directed test addresses (`.test` is reserved by RFC 2606).
pub const SIM_DOMAIN: &str = "mc-sim.test";

/// Examples of every outcome-directed test address, with what it asks for, as the push form and
/// the generator offer them: (channel, address, outcome). Each parses to a directive (tested).
pub const TEST_ADDRESSES: &[(&str, &str, &str)] = &[
    ("email", "sent@mc-sim.test", "Sent at the first attempt"),
    ("email", "ignored@mc-sim.test", "Ignored by the delivery"),
    ("email", "hard@mc-sim.test", "Hard bounce: Delivery failed, address quarantined"),
    ("email", "soft@mc-sim.test", "Soft bounce at every try: Delivery failed after the last try"),
    ("email", "soft-2@mc-sim.test", "2 soft bounces, then Sent"),
    ("email", "bounce-10m@mc-sim.test", "Sent, then an asynchronous bounce 10 minutes later"),
    ("email", "delay-5m@mc-sim.test", "Sent after a 5-minute sending delay"),
    ("email", "procerr@mc-sim.test", "A processing error at every try: Event expired"),
    ("email", "procerr-2@mc-sim.test", "2 processing errors (retried later), then processed"),
    ("sms", "+99900000001", "Sent"),
    ("sms", "+99910000001", "Ignored by the delivery"),
    ("sms", "+99920000001", "Hard bounce: Delivery failed"),
    ("sms", "+99930000001", "Soft bounce at every try: Delivery failed"),
    ("sms", "+99940000001", "Sent, then an asynchronous bounce"),
];

/// What a test address asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Directive {
    /// Sent at the first attempt.
    Sent,
    /// Ignored (as if on the denylist).
    Ignored,
    /// Hard bounce: failed, address quarantined.
    Hard,
    /// Soft bounce: `None` at every attempt, `Some(n)` for the first n attempts then sent.
    Soft(Option<u32>),
    /// Sent, then an asynchronous bounce that long after.
    AsyncBounce(i64),
    /// Sent after that sending delay.
    Delay(i64),
    /// Processing error: `None` at every try, `Some(n)` for the first n tries.
    ProcessingError(Option<u32>),
}

fn duration(s: &str) -> Option<i64> {
    let (num, unit) = s.split_at(s.len().checked_sub(1)?);
    let n: i64 = num.parse().ok()?;
    if !(0..=1_000_000).contains(&n) {
        return None;
    }
    let mult = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => return None,
    };
    Some(n * mult)
}

/// The directive of an address, `Ok(None)` for an ordinary address, an error for an address at
/// the simulator domain that asks for nothing we know.
pub fn directive(address: &str) -> Result<Option<Directive>> {
    if let Some(rest) = address.strip_prefix("+999") {
        let d = match rest.chars().next() {
            Some('0') => Directive::Sent,
            Some('1') => Directive::Ignored,
            Some('2') => Directive::Hard,
            Some('3') => Directive::Soft(None),
            Some('4') => Directive::AsyncBounce(-1),
            _ => return Ok(None),
        };
        return Ok(Some(d));
    }
    let Some((local, domain)) = address.rsplit_once('@') else { return Ok(None) };
    if !domain.eq_ignore_ascii_case(SIM_DOMAIN) {
        return Ok(None);
    }
    let local = local.split('+').next().unwrap_or("").to_ascii_lowercase();
    let count = |s: &str| s.parse::<u32>().ok().filter(|n| *n <= 1000);
    let d = match local.as_str() {
        "sent" => Some(Directive::Sent),
        "ignored" => Some(Directive::Ignored),
        "hard" => Some(Directive::Hard),
        "soft" => Some(Directive::Soft(None)),
        "procerr" => Some(Directive::ProcessingError(None)),
        other => {
            if let Some(n) = other.strip_prefix("soft-") {
                count(n).map(|n| Directive::Soft(Some(n)))
            } else if let Some(n) = other.strip_prefix("procerr-") {
                count(n).map(|n| Directive::ProcessingError(Some(n)))
            } else if let Some(d) = other.strip_prefix("bounce-") {
                duration(d).map(Directive::AsyncBounce)
            } else if let Some(d) = other.strip_prefix("delay-") {
                duration(d).map(Directive::Delay)
            } else {
                None
            }
        }
    };
    match d {
        Some(d) => Ok(Some(d)),
        None => err(
            ErrorCode::InvalidEmail,
            format!(
                "'{address}' is at the simulator domain {SIM_DOMAIN} but '{local}' is not a directive \
                 (sent, ignored, hard, soft, soft-N, bounce-N[smh], delay-N[smh], procerr, procerr-N)"
            ),
        ),
    }
}

/// A 64-bit mix (splitmix64 finalizer).
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A draw in 0..1_000_000 for (seed, id, attempt, purpose).
pub fn draw_ppm(seed: u64, id: u64, attempt: u32, purpose: u64) -> u32 {
    let h = mix(seed ^ mix(id ^ mix(u64::from(attempt) ^ mix(purpose))));
    (h % 1_000_000) as u32
}

/// A draw in 0..=max.
pub fn draw_range(seed: u64, id: u64, purpose: u64, max: i64) -> i64 {
    if max <= 0 {
        return 0;
    }
    let h = mix(seed ^ mix(id ^ mix(purpose)));
    (h % (max as u64 + 1)) as i64
}

/// The outcome of one send attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Delivered to the provider.
    Sent,
    /// Sent, and an asynchronous bounce will come after that delay.
    SentThenBounce(i64),
    /// Ignored by the delivery.
    Ignored,
    /// Hard bounce.
    Hard,
    /// Soft bounce.
    Soft,
}

const PURPOSE_OUTCOME: u64 = 1;
/// Purpose tag of the sending-delay draw.
pub const PURPOSE_DELAY: u64 = 2;

/// The outcome of attempt `attempt` (0-based) of message `id`.
pub fn attempt(cfg: &Config, seed: u64, id: u64, attempt: u32, rates: &ChannelRates, d: Option<Directive>) -> Attempt {
    match d {
        Some(Directive::Sent) | Some(Directive::Delay(_)) | Some(Directive::ProcessingError(_)) => Attempt::Sent,
        Some(Directive::Ignored) => Attempt::Ignored,
        Some(Directive::Hard) => Attempt::Hard,
        Some(Directive::Soft(None)) => Attempt::Soft,
        Some(Directive::Soft(Some(n))) => {
            if attempt < n {
                Attempt::Soft
            } else {
                Attempt::Sent
            }
        }
        Some(Directive::AsyncBounce(ms)) => Attempt::SentThenBounce(if ms < 0 { cfg.async_bounce_delay_ms } else { ms }),
        None => {
            let x = draw_ppm(seed, id, attempt, PURPOSE_OUTCOME);
            let hard = rates.hard_ppm;
            let soft = hard + rates.soft_ppm;
            let bounce = soft + rates.async_bounce_ppm;
            if x < hard {
                Attempt::Hard
            } else if x < soft {
                Attempt::Soft
            } else if x < bounce {
                Attempt::SentThenBounce(cfg.async_bounce_delay_ms)
            } else {
                Attempt::Sent
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        assert_eq!(directive("sent@mc-sim.test").unwrap(), Some(Directive::Sent));
        assert_eq!(directive("Sent+42@MC-SIM.test").unwrap(), Some(Directive::Sent));
        assert_eq!(directive("soft-2@mc-sim.test").unwrap(), Some(Directive::Soft(Some(2))));
        assert_eq!(directive("bounce-30m@mc-sim.test").unwrap(), Some(Directive::AsyncBounce(1_800_000)));
        assert_eq!(directive("delay-90s@mc-sim.test").unwrap(), Some(Directive::Delay(90_000)));
        assert_eq!(directive("procerr-3@mc-sim.test").unwrap(), Some(Directive::ProcessingError(Some(3))));
        assert_eq!(directive("+99920000").unwrap(), Some(Directive::Hard));
        assert_eq!(directive("john@example.com").unwrap(), None);
        let e = directive("explode@mc-sim.test").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidEmail);
        assert!(e.message.contains("explode"));
        assert!(directive("bounce-9999999h@mc-sim.test").is_err());
    }

    #[test]
    fn draws_are_deterministic_and_follow_rates() {
        let cfg = Config::default();
        let r = cfg.email;
        let outcomes: Vec<_> = (0..20_000u64).map(|id| attempt(&cfg, 7, id, 0, &r, None)).collect();
        let again: Vec<_> = (0..20_000u64).map(|id| attempt(&cfg, 7, id, 0, &r, None)).collect();
        assert_eq!(outcomes, again);
        let hard = outcomes.iter().filter(|a| **a == Attempt::Hard).count();
        // 2% of 20 000 = 400; allow sampling noise.
        assert!((300..500).contains(&hard), "hard = {hard}");
        let other_seed: Vec<_> = (0..20_000u64).map(|id| attempt(&cfg, 8, id, 0, &r, None)).collect();
        assert_ne!(outcomes, other_seed);
    }

    #[test]
    fn soft_n_then_sent() {
        let cfg = Config::default();
        let d = Some(Directive::Soft(Some(2)));
        assert_eq!(attempt(&cfg, 1, 1, 0, &cfg.email, d), Attempt::Soft);
        assert_eq!(attempt(&cfg, 1, 1, 1, &cfg.email, d), Attempt::Soft);
        assert_eq!(attempt(&cfg, 1, 1, 2, &cfg.email, d), Attempt::Sent);
    }

    #[test]
    fn every_listed_test_address_is_a_directive() {
        for (_, address, _) in TEST_ADDRESSES {
            assert!(directive(address).unwrap().is_some(), "{address}");
        }
    }
}
