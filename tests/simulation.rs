//! The simulator's fixed budget (`npm test`): random histories with faults, every invariant
//! checked after every step; and tests that the checker and the shrinker can fail.

use message_center::sim::{self, check, Action, Checker, GenOptions, SimDriver};
use serde_json::json;

/// Seeds 1..=300 in two halves (two test threads).
fn budget(from: u64, to: u64) {
    let opts = GenOptions::default();
    let (mut events, mut tally, mut steps) = (0, sim::Tally::default(), 0);
    let mut by_op = std::collections::BTreeMap::<String, usize>::new();
    for seed in from..=to {
        let h = sim::generate(seed, &opts);
        let r = sim::run(&h);
        if let Some((i, v)) = &r.violation {
            let small = sim::shrink(&h, 200);
            let lines: Vec<String> = small.iter().map(|a| serde_json::to_string(a).unwrap()).collect();
            panic!(
                "seed {seed}: action {i} broke {v}\nshrunk to {} actions:\n{}\nreplay: npm run simulate -- --seeds 1 --from {seed}",
                small.len(),
                lines.join("\n")
            );
        }
        events += r.events;
        for (op, n) in &r.done_by_op {
            *by_op.entry(op.clone()).or_default() += n;
        }
        tally += r.tally;
        steps += r.steps;
    }
    let n = (to - from + 1) as usize;
    eprintln!("seeds {from}..={to}: {steps} steps, {events} events acknowledged, {tally:?}");
    // The histories do something: events are acknowledged, requests are refused, and faults fire
    // in storage and kill the process.
    assert!(events >= 5 * n, "only {events} events acknowledged in {n} histories");
    assert!(tally.refused >= n && tally.storage_failed >= n / 4 && tally.died >= n / 4, "{tally:?}");
    assert!(tally.done >= 20 * n, "{tally:?}");
    // Every kind of request the generator makes succeeds somewhere.
    for op in [
        "open",
        "push",
        "soap",
        "advance",
        "configure",
        "addEventType",
        "addExecutionInstance",
        "updateExecutionInstance",
        "createArchivingWorkflow",
        "createTemplate",
        "updateTemplate",
        "publish",
        "unpublish",
        "deleteTemplate",
        "startWorkflow",
        "pauseWorkflow",
        "stopWorkflow",
        "runWorkflow",
        "denylist",
        "listEvents",
    ] {
        assert!(by_op.get(op).copied().unwrap_or(0) > 0, "no {op} succeeded: {by_op:?}");
    }
}

#[test]
fn seeds_1_to_150_hold_every_invariant() {
    budget(1, 150);
}

#[test]
fn seeds_151_to_300_hold_every_invariant() {
    budget(151, 300);
}

#[test]
fn the_same_seed_gives_the_same_history_and_the_same_bytes() {
    let opts = GenOptions::default();
    for seed in [7, 8, 9] {
        let (a, b) = (sim::generate(seed, &opts), sim::generate(seed, &opts));
        assert_eq!(a, b);
        let (ra, rb) = (sim::run(&a), sim::run(&b));
        assert_eq!(ra.digest, rb.digest, "seed {seed}");
        assert_eq!(ra.store, rb.store, "seed {seed}");
    }
    assert_ne!(sim::generate(7, &opts), sim::generate(8, &opts));
    assert_ne!(sim::run(&sim::generate(7, &opts)).digest, sim::run(&sim::generate(8, &opts)).digest);
}

#[test]
fn a_history_replays_from_its_json_lines() {
    let h = sim::generate(11, &GenOptions::default());
    let text: Vec<String> = h.iter().map(|a| serde_json::to_string(a).unwrap()).collect();
    let back: Vec<Action> = text.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(back, h);
    assert_eq!(sim::run(&back).digest, sim::run(&h).digest);
    // A bad line is refused with its reason.
    let e = serde_json::from_str::<Action>(r#"{"do":"op","req":{},"fault":{"kind":"meteor"}}"#).unwrap_err();
    assert!(e.to_string().contains("meteor"), "{e}");
}

/// A store with events in every state, checked once: the checker's view before a tamper.
fn scenario() -> (SimDriver, Checker) {
    let mut d = SimDriver::new();
    let mut c = Checker::default();
    let h = [
        json!({"op": "open", "seed": "1", "now": 1_773_144_000_000i64}),
        json!({"op": "addEventType", "name": "order"}),
        json!({"op": "addExecutionInstance", "name": "exec1", "executionInstanceId": 1}),
        json!({"op": "createTemplate", "template": {"name": "confirm", "eventType": "order", "subject": "s", "html": "<p>h</p>", "text": "t"}}),
        json!({"op": "publish", "name": "confirm"}),
        json!({"op": "startWorkflow", "instance": "exec1", "name": "rtEventsProcessing"}),
        json!({"op": "startWorkflow", "instance": "exec1", "name": "updateEventsStatus"}),
        json!({"op": "push", "target": "exec1", "format": "xml", "text": "<events><rtEvent type='order' email='sent@mc-sim.test'><ctx/></rtEvent><rtEvent type='order' email='soft-1@mc-sim.test'><ctx/></rtEvent></events>"}),
        json!({"op": "advance", "by": 120_000}),
        json!({"op": "push", "target": "exec1", "format": "xml", "text": "<rtEvent type='order' email='later@example.com' scheduled='2030-01-01T00:00:00Z'><ctx/></rtEvent>"}),
    ];
    for req in h {
        c.apply(&mut d, &Action::op(req)).unwrap();
    }
    (d, c)
}

/// Changes the store (then opens it again, so the engine reads what changed) and checks.
fn tampered(edit: impl FnOnce(&mut SimDriver)) -> sim::Violation {
    let (mut d, mut c) = scenario();
    edit(&mut d);
    d.reopen().unwrap();
    c.check(&mut d).expect_err("the tamper went unseen")
}

fn state_key(d: &SimDriver) -> String {
    d.store.keys().find(|k| k.starts_with("e/01/") && k.ends_with("/s")).unwrap().clone()
}

#[test]
fn the_checker_sees_a_missing_data_line() {
    let v = tampered(|d| {
        let k = d.store.keys().find(|k| k.starts_with("e/01/") && k.contains("/d")).unwrap().clone();
        d.store.remove(&k);
    });
    assert!(v.kind == "integrity" || v.kind == "orphan-index", "{v}");
}

#[test]
fn the_checker_sees_a_counter_unlike_the_scan() {
    let v = tampered(|d| {
        let k = "m/inst/01".to_string();
        let v = d.store[&k].replace("\"sent\",1]", "\"sent\",2]");
        assert_ne!(v, d.store[&k]);
        d.store.insert(k, v);
    });
    assert_eq!(v.kind, "counters", "{v}");
}

/// Edits the history of the first Sent event's state line (the store alone: the engine is not
/// reopened), then checks.
fn edited_history(edit: impl FnOnce(&mut Vec<serde_json::Value>)) -> sim::Violation {
    let (mut d, mut c) = scenario();
    let k = state_key(&d);
    let text = message_center::packed::unpack(&k, d.store[&k].clone()).unwrap();
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let i = lines.iter().position(|l| l.contains("\"s\":2")).unwrap();
    let mut st: serde_json::Value = serde_json::from_str(&lines[i]).unwrap();
    edit(st["h"].as_array_mut().unwrap());
    lines[i] = st.to_string();
    d.store.insert(k, lines.join("\n"));
    c.check(&mut d).unwrap_err()
}

#[test]
fn the_checker_sees_a_status_change_the_product_does_not_make() {
    // The first event was Sent; its history now says it went back to Pending.
    let v = edited_history(|h| {
        h.push(json!({"s": 0, "a": 1, "b": "x"}));
        h.push(json!({"s": 2, "a": 2, "b": "x"}));
    });
    assert_eq!(v.kind, "transition", "{v}");
    assert!(v.detail.contains("sent → pending"), "{v}");
}

#[test]
fn the_checker_sees_a_history_rewritten() {
    // Pending, Pending, Pending delivery, Sent: every move allowed, the status unchanged (the
    // counters agree), but not the history seen before, which it does not continue.
    let v = edited_history(|h| {
        assert_eq!(h.len(), 3, "{h:?}");
        h.insert(0, json!({"s": 0, "a": 0, "b": "x"}));
    });
    assert_eq!(v.kind, "transition", "{v}");
    assert!(v.detail.contains("became"), "{v}");
}

#[test]
fn the_checker_sees_an_orphan_and_a_missing_queue_entry() {
    let v = tampered(|d| {
        d.store.insert("d/01/r/019cd7ad6580/00000000000000ff".into(), "99".into());
    });
    assert_eq!(v.kind, "orphan-queue", "{v}");
    let v = tampered(|d| {
        let due: Vec<String> = d.store.keys().filter(|k| k.starts_with("d/01/")).cloned().collect();
        assert!(!due.is_empty());
        for k in due {
            d.store.remove(&k);
        }
    });
    assert_eq!(v.kind, "unqueued", "{v}");
}

#[test]
fn the_checker_sees_an_event_lost_or_appearing() {
    let (mut d, mut c) = scenario();
    c.note_acknowledged((1 << 56) | 77, 1_773_144_000_000);
    let v = c.check(&mut d).unwrap_err();
    assert_eq!(v.kind, "lost", "{v}");
    let (mut d, mut c) = scenario();
    c.forget((1 << 56) | 1);
    let v = c.check(&mut d).unwrap_err();
    assert_eq!(v.kind, "phantom", "{v}");
}

#[test]
fn the_checker_sees_a_status_list_unlike_the_scan() {
    let (mut d, _) = scenario();
    let mut s = check::scan(&d.store).unwrap();
    check::status_list(&mut d, &s).unwrap();
    // An event the list does not show (the scan holds one more, created last).
    let mut extra = check::scan(&d.store).unwrap().exec.pop_first().unwrap().1;
    extra.state.d += 1_000_000;
    s.exec.insert((1 << 56) | 99, extra);
    let v = check::status_list(&mut d, &s).unwrap_err();
    assert_eq!(v.kind, "status-list", "{v}");
    assert!(v.detail.contains("exec1: listed 3 events, a scan finds 4"), "{v}");
}

#[test]
fn a_scan_names_the_key_of_a_garbled_line() {
    let (mut d, _) = scenario();
    let k = state_key(&d);
    d.store.insert(k.clone(), "{not json".into());
    let v = check::scan(&d.store).unwrap_err();
    assert_eq!(v.kind, "layout");
    assert!(v.detail.contains(&k), "{v}");
}

#[test]
fn shrinking_keeps_the_failure_and_drops_the_rest() {
    let h = sim::generate(5, &GenOptions { steps: 80, fault_pct: 30 });
    // A failure that needs a push and a later advance of at least an hour.
    let fails = |h: &[Action]| {
        let push = h.iter().position(|a| matches!(a, Action::Op { req, .. } if req["op"] == "push"));
        push.is_some_and(|p| h[p..].iter().any(|a| matches!(a, Action::Op { req, .. } if req["by"].as_i64().unwrap_or(0) >= 3_600_000)))
    };
    assert!(fails(&h), "the history has no push followed by a long advance");
    let small = sim::shrink_by(h.clone(), 1000, fails);
    assert!(fails(&small));
    assert_eq!(small.len(), 3, "{small:?}");
    assert_eq!(small[0], h[0], "the opening stays");
    assert!(small.iter().all(|a| !matches!(a, Action::Op { fault: Some(_), .. })), "faults that are not needed go");
}

#[test]
fn the_checker_sees_an_event_that_never_becomes_final() {
    // The Pending event's due-queue entries are gone (and the engine reopened on the store): no
    // workflow will ever take it, and the settle says so.
    let (mut d, mut c) = scenario();
    let due: Vec<String> = d.store.keys().filter(|k| k.starts_with("d/01/")).cloned().collect();
    for k in due {
        d.store.remove(&k);
    }
    d.reopen().unwrap();
    let v = c.apply(&mut d, &Action::Settle).unwrap_err();
    assert_eq!(v.kind, "not-final", "{v}");
    assert!(v.detail.contains("still pending"), "{v}");
}
