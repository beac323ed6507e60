//! Atomicity and idempotence of operations, driven through the engine's protocol: an operation
//! abandoned at any read, or rolled back after `Done`, leaves the engine and the store as they
//! were, and running it again ends exactly where an uninterrupted run ends. Reopening the store
//! at any point changes nothing either.

mod common;

use common::*;
use message_center::driver::MemDriver;
use message_center::engine::{Engine, Step};
use serde_json::{json, Value};

/// A store with work of every kind waiting: due real-time and batch events, MTA retries and a
/// bounce, delivery-log changes for updateEventsStatus, a change log for archiving, archived
/// events, events old enough to purge (purge delays of one hour), a second instance.
fn build(batch: u32) -> MemDriver {
    let mut d = running(1);
    add_instance(&mut d, "exec2", 2);
    start_exec(&mut d, "exec2");
    ok(&mut d, json!({"op": "createTemplate", "template": {"name": "sms", "eventType": "order", "channel": "sms", "text": "x <%= rtEvent.ctx.@number %>"}}));
    ok(&mut d, json!({"op": "publish", "name": "sms"}));
    ok(&mut d, json!({"op": "publish", "name": "confirm"}));
    ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "exec1"}));
    ok(&mut d, json!({"op": "configure", "config": {"batchSize": batch, "eventPurgeDelayMs": HOUR, "eventHistoPurgeDelayMs": HOUR}}));
    let first: String = ["sent", "hard", "soft", "bounce-1m", "ignored", "procerr-1", "soft-1"].iter().map(|a| rt_xml(&format!("{a}@mc-sim.test"))).collect();
    push_xml(&mut d, "loadBalancer", &format!("<E>{first}</E>")).unwrap();
    for inst in ["exec1", "exec2"] {
        while run_wf(&mut d, inst, "rtEventsProcessing").unwrap()["more"] == true {}
    }
    ok(&mut d, json!({"op": "setClock", "to": t0() + 10 * SEC}));
    for inst in ["exec1", "exec2"] {
        while run_wf(&mut d, inst, "mta").unwrap()["more"] == true {}
    }
    while run_wf(&mut d, "control", "mcSynch_exec1").unwrap()["more"] == true {}
    let second: String = (0..5).map(|i| rt_xml(&format!("person{i}@example.com"))).collect();
    push_xml(&mut d, "exec1", &format!("<E>{second}<batchEvent type='order' email='sent@mc-sim.test'><ctx/></batchEvent><rtEvent type='order' wishedChannel='sms' mobilePhone='+99920000'><ctx/></rtEvent></E>")).unwrap();
    d
}

/// The operations exercised, each on the store `build` leaves.
fn operations() -> Vec<Value> {
    let at = |ms: i64| json!(t0() + ms);
    vec![
        json!({"op": "runWorkflow", "instance": "exec1", "name": "rtEventsProcessing"}),
        json!({"op": "runWorkflow", "instance": "exec1", "name": "batchEventsProcessing"}),
        json!({"op": "runWorkflow", "instance": "exec1", "name": "mta", "at": at(20 * MIN)}),
        json!({"op": "runWorkflow", "instance": "exec1", "name": "updateEventsStatus"}),
        json!({"op": "runWorkflow", "instance": "exec2", "name": "updateEventsStatus"}),
        json!({"op": "runWorkflow", "instance": "control", "name": "mcSynch_exec1"}),
        json!({"op": "runWorkflow", "instance": "exec1", "name": "cleanup", "at": at(2 * HOUR)}),
        json!({"op": "runWorkflow", "instance": "control", "name": "cleanup", "at": at(2 * HOUR)}),
        json!({"op": "push", "target": "loadBalancer", "format": "xml", "text": format!("<E>{}{}{}</E>", rt_xml("a@example.com"), rt_xml("b@example.com"), rt_xml("c@example.com"))}),
        json!({"op": "push", "target": "exec2", "format": "json", "text": json!([{"type": "reset", "email": "a@example.com", "ctx": {"a": 1}}]).to_string()}),
        json!({"op": "publish", "name": "confirm"}),
        json!({"op": "unpublish", "name": "sms"}),
        json!({"op": "createTemplate", "template": {"name": "n", "eventType": "reset", "subject": "s"}}),
        json!({"op": "deleteTemplate", "name": "n_missing_is_an_error"}),
        json!({"op": "configure", "config": {"mtaMaxTries": 2}}),
        json!({"op": "setClock", "to": t0() + DAY}),
        json!({"op": "denylist", "instance": "exec1", "address": "person1@example.com"}),
        json!({"op": "addExecutionInstance", "name": "exec3", "executionInstanceId": 3}),
        json!({"op": "createArchivingWorkflow", "account": "exec2"}),
        json!({"op": "stopWorkflow", "instance": "exec1", "name": "mta"}),
        json!({"op": "listEvents", "filter": {"instance": "exec1", "limit": 2}}),
        json!({"op": "listEvents", "filter": {"instance": "control", "status": "sent"}}),
        json!({"op": "getEvent", "id": ((1u64 << 56) | 1).to_string()}),
        json!({"op": "journal", "instance": "exec1", "name": "mta"}),
    ]
}

/// Runs `op` to completion on both drivers, then lets time pass, checking they stay identical.
fn converge(d: &mut MemDriver, twin: &mut MemDriver, op: &Value, what: &str) {
    let r1 = d.run(op);
    let r2 = twin.run(op);
    assert_eq!(r1, r2, "{what}: result");
    assert_same_store(&d.store, &twin.store, &format!("{what}: after the op"));
    assert_eq!(snapshot(d), snapshot(twin), "{what}: state after the op");
    let to = d.now().max(t0() + 3 * HOUR);
    advance_to(d, to);
    advance_to(twin, to);
    assert_same_store(&d.store, &twin.store, &format!("{what}: afterwards"));
    assert_eq!(snapshot(d), snapshot(twin), "{what}: state afterwards");
}

#[test]
fn abandoning_an_operation_at_any_read_changes_nothing() {
    for batch in [500, 3] {
        for op in operations() {
            let refused = {
                let mut d = build(batch);
                match d.eng.begin(&op.to_string()) {
                    Err(_) => true,
                    Ok(_) => {
                        d.eng.rollback().unwrap();
                        false
                    }
                }
            };
            if refused {
                // Refused at begin: nothing to interrupt, and nothing may be left behind.
                let what = format!("batch {batch}, refused {op}");
                let mut d = build(batch);
                let mut twin = build(batch);
                let store = d.store.clone();
                let snap = snapshot(&d);
                assert!(d.run(&op).is_err());
                assert_same_store(&d.store, &store, &what);
                assert_eq!(snapshot(&d), snap, "{what}");
                converge(&mut d, &mut twin, &op, &what);
                continue;
            }
            let phases = read_phases(&mut build(batch), &op);
            for k in 0..=phases {
                let what = format!("batch {batch}, {op}, abandoned after {k} reads");
                let mut d = build(batch);
                let mut twin = build(batch);
                let store = d.store.clone();
                let snap = snapshot(&d);
                let step = drive(&mut d, &op, k);
                if k == phases {
                    assert!(matches!(step, Step::Done { .. }), "{what}");
                } else {
                    assert!(matches!(step, Step::Read(_)), "{what}");
                }
                d.eng.rollback().unwrap();
                assert_same_store(&d.store, &store, &what);
                assert_eq!(snapshot(&d), snap, "{what}");
                converge(&mut d, &mut twin, &op, &what);
            }
        }
    }
}

#[test]
fn rolling_back_done_operations_one_after_another() {
    // Every operation rolled back once, then run; the twin only runs them.
    let mut d = build(3);
    let mut twin = build(3);
    for op in operations() {
        let mut step = match d.eng.begin(&op.to_string()) {
            Ok(s) => s,
            Err(e) => {
                assert_eq!(twin.run(&op).unwrap_err(), e, "{op}");
                continue;
            }
        };
        loop {
            match step {
                Step::Read(reqs) => {
                    let a = answer(&d, &reqs);
                    match d.eng.resume(&a) {
                        Ok(s) => step = s,
                        Err(_) => break,
                    }
                }
                Step::Done { .. } => {
                    d.eng.rollback().unwrap();
                    break;
                }
            }
        }
        let r1 = d.run(&op);
        let r2 = twin.run(&op);
        assert_eq!(r1, r2, "{op}");
        assert_same_store(&d.store, &twin.store, &op.to_string());
        assert_eq!(snapshot(&d), snapshot(&twin), "{op}");
    }
}

#[test]
fn one_operation_at_a_time() {
    let mut d = build(500);
    let op = json!({"op": "runWorkflow", "instance": "exec1", "name": "rtEventsProcessing"});
    let step = d.eng.begin(&op.to_string()).unwrap();
    assert!(matches!(step, Step::Read(_)));
    let e = d.eng.begin(&json!({"op": "setClock", "to": t0() + DAY}).to_string()).unwrap_err();
    assert_eq!(e.code.as_str(), "BUSY");
    // The operation in progress goes on undisturbed.
    let Step::Read(reqs) = step else { unreachable!() };
    let mut step = d.eng.resume(&answer(&d, &reqs)).unwrap();
    while let Step::Read(reqs) = step {
        step = d.eng.resume(&answer(&d, &reqs)).unwrap();
    }
    let Step::Done { writes, result } = step else { unreachable!() };
    assert!(!writes.is_empty());
    assert_eq!(result["counts"]["routed"], 6);
    // Still busy until commit or rollback.
    assert_eq!(d.eng.begin(&json!({"op": "setClock", "to": t0() + DAY}).to_string()).unwrap_err().code.as_str(), "BUSY");
    d.eng.rollback().unwrap();
    assert_eq!(d.eng.resume("").unwrap_err().code.as_str(), "INVALID_ARGUMENT");
    ok(&mut d, json!({"op": "setClock", "to": t0() + DAY}));
}

#[test]
fn bad_read_results_abandon_the_operation() {
    let op = json!({"op": "runWorkflow", "instance": "exec1", "name": "rtEventsProcessing"});
    // Phase 0 of rtEventsProcessing asks for two ranges: wrong part counts and odd entries.
    for bad in ["not two parts", "a\u{3}b\u{3}c", "k\u{1}v\u{1}k2\u{3}", "\u{3}k", "\u{3}\u{3}"] {
        let mut d = build(500);
        let mut twin = build(500);
        let store = d.store.clone();
        let snap = snapshot(&d);
        let step = d.eng.begin(&op.to_string()).unwrap();
        assert!(matches!(step, Step::Read(_)));
        let e = d.eng.resume(bad).unwrap_err();
        assert_eq!(e.code.as_str(), "INVALID_ARGUMENT", "{bad:?}: {e}");
        assert_same_store(&d.store, &store, bad);
        assert_eq!(snapshot(&d), snap, "{bad}");
        converge(&mut d, &mut twin, &op, bad);
    }
    // Values that do not decode are storage corruption, and abandon the operation too.
    let mut d = build(500);
    let snap = snapshot(&d);
    let Step::Read(reqs) = d.eng.begin(&op.to_string()).unwrap() else { panic!() };
    let Step::Read(reqs2) = d.eng.resume(&answer(&d, &reqs)).unwrap() else { panic!() };
    let message_center::ReadReq::Get { keys } = &reqs2[0] else { panic!("{reqs2:?}") };
    let garbage = keys.iter().map(|_| "{garbage").collect::<Vec<_>>().join("\u{1}");
    assert_eq!(d.eng.resume(&garbage).unwrap_err().code.as_str(), "STORAGE_CORRUPT");
    assert_eq!(snapshot(&d), snap);
}

#[test]
fn init_rolled_back_can_be_done_again() {
    let init = json!({"op": "init", "seed": "42", "now": t0()});
    let mut d = MemDriver::default();
    let step = d.eng.begin(&init.to_string()).unwrap();
    assert!(matches!(step, Step::Done { .. }));
    d.eng.rollback().unwrap();
    assert!(!d.eng.is_initialized(), "the initial state was never written");
    assert_eq!(code(d.run(&json!({"op": "addEventType", "name": "order"}))), "INVALID_ARGUMENT");
    ok(&mut d, init.clone());
    let fresh = MemDriver::new(42, t0());
    assert_same_store(&d.store, &fresh.store, "init again");
    assert_eq!(snapshot(&d), snapshot(&fresh));
    assert_eq!(code(d.run(&init)), "INVALID_ARGUMENT", "init twice");
}

#[test]
fn operations_before_init_are_refused() {
    let mut d = MemDriver::default();
    assert_eq!(code(d.run(&json!({"op": "setClock", "to": 5}))), "INVALID_ARGUMENT");
    assert!(d.store.is_empty());
    assert_eq!(code(d.run(&json!({"op": "init", "seed": "x", "now": 0}))), "INVALID_ARGUMENT");
    assert_eq!(code(d.run(&json!({"op": "init", "seed": "1", "now": -5}))), "INVALID_ARGUMENT");
    assert_eq!(code(d.run(&json!({"op": "init", "seed": "1", "now": 0, "config": {"batchSize": 0}}))), "INVALID_ARGUMENT");
    assert!(d.store.is_empty());
    assert_eq!(code(d.run(&json!({"op": "frobnicate"}))), "INVALID_ARGUMENT");
    assert_eq!(d.eng.begin("{").unwrap_err().code.as_str(), "INVALID_JSON");
    ok(&mut d, json!({"op": "init", "seed": "18446744073709551615", "now": 0, "config": {"batchSize": 7}}));
    assert_eq!(q(&d, json!({"q": "settings"}))["config"]["batchSize"], 7);
    assert_eq!(q(&d, json!({"q": "settings"}))["seed"], "18446744073709551615");
}

/// A scenario as a list of steps; `reopen` after each one when asked.
fn scenario(reopen: bool, check: bool) -> MemDriver {
    let mut d = build(3);
    let step = |d: &mut MemDriver, f: &dyn Fn(&mut MemDriver)| {
        f(d);
        if reopen {
            let before = snapshot(d);
            d.reopen().unwrap();
            if check {
                assert_eq!(snapshot(d), before, "the reopened engine sees the same state");
            }
        }
    };
    step(&mut d, &|d| {
        ok(d, json!({"op": "denylist", "instance": "exec1", "address": "person2@example.com"}));
    });
    // Workflows step by step (small batches: runs of several steps), reopening between steps.
    for h in 1..=4 {
        let to = t0() + h * 20 * MIN;
        loop {
            let n = q(&d, json!({"q": "nextDue", "until": to}));
            if n.is_null() {
                break;
            }
            step(&mut d, &|d| {
                ok(d, json!({"op": "runWorkflow", "instance": n["instance"], "name": n["name"], "at": n["at"]}));
            });
        }
        step(&mut d, &|d| {
            ok(d, json!({"op": "setClock", "to": to}));
        });
        step(&mut d, &|d| {
            let evs: String = (0..4).map(|i| rt_xml(&format!("p{h}x{i}@example.com"))).collect();
            push_xml(d, "loadBalancer", &format!("<E>{evs}</E>")).unwrap();
        });
        step(&mut d, &|d| {
            ok(d, json!({"op": "updateTemplate", "name": "confirm", "patch": {"subject": format!("v{h} <%= rtEvent.ctx.@number %>")}}));
            ok(d, json!({"op": "publish", "name": "confirm"}));
        });
    }
    step(&mut d, &|d| {
        advance(d, 2 * DAY);
    });
    d
}

#[test]
fn reopening_changes_nothing() {
    let plain = scenario(false, false);
    let reopened = scenario(true, true);
    assert_same_store(&plain.store, &reopened.store, "reopened");
    assert_eq!(snapshot(&plain), snapshot(&reopened));
    check_integrity(&plain);
}

#[test]
fn reopen_in_the_middle_of_a_multi_step_run() {
    let mut d = build(3);
    let mut twin = build(3);
    let op = json!({"op": "runWorkflow", "instance": "exec1", "name": "rtEventsProcessing"});
    let r = ok(&mut d, op.clone());
    assert_eq!(r["more"], true, "5 due events in batches of 3");
    ok(&mut twin, op.clone());
    d.reopen().unwrap();
    let wf = q(&d, json!({"q": "workflows", "instance": "exec1"}));
    let rt = wf.as_array().unwrap().iter().find(|w| w["name"] == "rtEventsProcessing").unwrap();
    assert_eq!(rt["inProgress"], true);
    converge(&mut d, &mut twin, &op, "reopened mid-run");
}

#[test]
fn a_fresh_engine_on_an_empty_store_is_not_initialized() {
    let e = Engine::load(Vec::new()).unwrap();
    assert!(!e.is_initialized());
    let bad = Engine::load(vec![("m/inst/zz".into(), "{}".into())]).unwrap_err();
    assert_eq!(bad.code.as_str(), "STORAGE_CORRUPT");
    let bad = Engine::load(vec![("m/settings".into(), "{".into())]).unwrap_err();
    assert_eq!(bad.code.as_str(), "STORAGE_CORRUPT");
}

#[test]
fn get_event_ids() {
    let mut d = running(1);
    let id = push1(&mut d, "exec1", "sent@mc-sim.test");
    for bad in ["abc", "", " ", "-1", "1.5", "0x10", "1e3", "18446744073709551616", "123456789012345678901"] {
        let e = error(d.run(&json!({"op": "getEvent", "id": bad})));
        assert_eq!(e.code.as_str(), "INVALID_EVENT_ID", "{bad:?}");
    }
    for unknown in ["0", "12345", "18446744073709551615"] {
        assert_eq!(code(d.run(&json!({"op": "getEvent", "id": unknown}))), "UNKNOWN_EVENT", "{unknown}");
    }
    assert_eq!(get(&mut d, &format!(" {id} "))["event"]["id"], id);
}
