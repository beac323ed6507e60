//! The event generator: a rate over a duration of virtual time, a mix of types, channels and
//! addresses, the same events from the same seed, workflows interleaved.

mod common;

use common::*;
use message_center::driver::MemDriver;
use serde_json::{json, Value};

fn generate(d: &mut MemDriver, spec: Value) -> Value {
    match d.command(&json!({"op": "generate", "spec": spec})) {
        Ok(v) => v,
        Err(e) => panic!("{spec} failed: {e}"),
    }
}

#[test]
fn rate_times_duration_events_spread_over_the_duration_with_the_workflows_running() {
    let mut d = running(7);
    let r = generate(&mut d, json!({"ratePerHour": 3600, "durationMs": 10 * MIN, "target": "exec1", "testShare": 0.2}));
    assert_eq!((&r["pushed"], &r["total"], &r["done"]), (&json!(600), &json!(600), &json!(true)));
    assert_eq!(r["now"], iso(t0() + 10 * MIN), "the clock is at the end of the duration");
    let evs = events(&d, 'e');
    assert_eq!(evs.len(), 600);
    let created: Vec<i64> = evs.values().map(|e| e["state"]["d"].as_i64().unwrap()).collect();
    assert_eq!(*created.iter().min().unwrap(), t0());
    assert!(*created.iter().max().unwrap() < t0() + 10 * MIN);
    // One a second: the events of one second are pushed together, so created times are distinct seconds.
    let mut seconds: Vec<i64> = created.iter().map(|c| c / SEC).collect();
    seconds.dedup();
    assert_eq!(seconds.len(), 600);
    // The workflows ran in between: most are final by now, and some went to test addresses.
    let counts = q(&d, json!({"q": "counts", "instance": "exec1"}));
    assert!(counts["byStatus"]["pending"].as_i64().unwrap() < 20, "{counts}");
    let flat: Vec<Value> = evs.iter().map(|(id, e)| flat(*id, e)).collect();
    let tests = flat.iter().filter(|e| e["email"].as_str().is_some_and(|a| a.ends_with("@mc-sim.test"))).count();
    assert!((60..=180).contains(&tests), "about 20% test addresses: {tests}");
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_other_events() {
    let spec = json!({"ratePerHour": 20000, "durationMs": 5 * MIN, "channels": [0, "sms"], "types": ["order", "reset"], "seed": 42});
    let run = |spec: &Value| {
        let mut d = setup_instances(1, &[("exec1", 1), ("exec2", 2)]);
        start_exec(&mut d, "exec1");
        start_exec(&mut d, "exec2");
        generate(&mut d, spec.clone());
        d.store.clone()
    };
    let a = run(&spec);
    assert_eq!(a, run(&spec), "same seed, same bytes");
    let mut other = spec.clone();
    other["seed"] = json!(43);
    assert_ne!(a, run(&other));
    // Through the load balancer: both instances got events; SMS events have phone numbers.
    assert!(a.keys().any(|k| k.starts_with("e/01/")) && a.keys().any(|k| k.starts_with("e/02/")));
}

#[test]
fn bursts_are_pushed_at_most_batch_size_per_transaction() {
    let mut d = setup(1);
    ok(&mut d, json!({"op": "configure", "config": {"batchSize": 100}}));
    // 1,000 a second: each second's events take ten PushEvents calls of 100.
    let (mut result, mut next) =
        d.step(&json!({"op": "generate", "spec": {"ratePerHour": 3_600_000, "durationMs": 2 * SEC, "target": "exec1"}})).unwrap();
    let mut pushed = vec![result["pushed"].as_u64().unwrap()];
    while let Some(n) = next {
        (result, next) = d.step(&n).unwrap();
        pushed.push(result["pushed"].as_u64().unwrap());
    }
    assert_eq!(*pushed.last().unwrap(), 2000);
    assert!(pushed.windows(2).all(|w| w[1] - w[0] <= 100), "{pushed:?}");
}

#[test]
fn a_bad_spec_is_refused_and_writes_nothing() {
    let mut d = setup(1);
    let before = snapshot(&d);
    for (spec, want) in [
        (json!({"ratePerHour": 0, "durationMs": 1000}), "INVALID_ARGUMENT"),
        (json!({"ratePerHour": -5, "durationMs": 1000}), "INVALID_ARGUMENT"),
        (json!({"ratePerHour": 10, "durationMs": 1000}), "INVALID_ARGUMENT"),
        (json!({"ratePerHour": 3_600_000, "durationMs": 86_400_000}), "INPUT_TOO_LARGE"),
        (json!({"ratePerHour": 60, "durationMs": HOUR, "types": ["nope"]}), "UNKNOWN_EVENT_TYPE"),
        (json!({"ratePerHour": 60, "durationMs": HOUR, "channels": ["pigeon"]}), "UNKNOWN_CHANNEL"),
        (json!({"ratePerHour": 60, "durationMs": HOUR, "testShare": 2}), "INVALID_ARGUMENT"),
        (json!({"ratePerHour": 60, "durationMs": HOUR, "target": "nope"}), "UNKNOWN_INSTANCE"),
        (json!({"ratePerHour": 60, "durationMs": HOUR, "colour": "red"}), "INVALID_ARGUMENT"),
    ] {
        assert_eq!(code(d.command(&json!({"op": "generate", "spec": spec}))), want, "{spec}");
    }
    assert_eq!(snapshot(&d), before);
}
