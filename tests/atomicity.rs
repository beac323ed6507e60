//! Atomicity and idempotence of operations, driven through the engine's protocol: an operation
//! abandoned at any read, or rolled back after `Done`, leaves the engine and the store as they
//! were, and running it again ends exactly where an uninterrupted run ends. Reopening the store
//! at any point changes nothing either.

mod common;

use common::*;
use message_center::driver::MemDriver;
use message_center::engine::Step;
use message_center::ErrorCode;
use serde_json::{json, Value};

/// A store with work of every kind waiting: due real-time and batch events, MTA retries and a
/// bounce, delivery-log changes for updateEventsStatus, a change log for archiving, archived
/// events, events old enough to purge (purge delays of one hour), a second instance.
fn build(batch: u32) -> MemDriver {
    let mut d = running(1);
    add_instance(&mut d, "exec2", 2);
    start_exec(&mut d, "exec2");
    ok(
        &mut d,
        json!({"op": "createTemplate", "template": {"name": "sms", "eventType": "order", "channel": "sms", "text": "x <%= rtEvent.ctx.@number %>"}}),
    );
    ok(&mut d, json!({"op": "publish", "name": "sms"}));
    ok(&mut d, json!({"op": "publish", "name": "confirm"}));
    ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "exec1"}));
    ok(&mut d, json!({"op": "configure", "config": {"batchSize": batch, "eventPurgeDelayMs": HOUR, "eventHistoPurgeDelayMs": HOUR}}));
    let first: String = ["sent", "hard", "soft", "bounce-1m", "ignored", "procerr-1", "soft-1"]
        .iter()
        .map(|a| rt_xml(&format!("{a}@mc-sim.test")))
        .collect();
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
        json!({"op": "push", "target": "loadBalancer", "format": "xml", "single": true, "text": rt_xml("single@example.com")}),
        json!({"op": "listEvents", "filter": {"instance": "exec1", "type": "order", "channel": "email", "queue": "rt", "limit": 3}}),
        json!({"op": "listEvents", "filter": {"instance": "exec1", "address": "person3@example.com"}}),
        json!({"op": "listEvents", "filter": {"instance": "exec1", "from": t0(), "to": t0() + HOUR, "status": "pending"}}),
        json!({"op": "advance", "by": 30 * MIN}),
        json!({"op": "advance", "to": t0() + 2 * HOUR}),
        json!({"op": "waitForStatus", "id": ((1u64 << 56) | 9).to_string(), "status": "sent"}),
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
    // A warm engine (its record cache answers many reads) and a reopened one (every read goes to
    // storage), with big and small steps.
    let mut total = std::collections::BTreeMap::new();
    for (batch, cold) in [(500, false), (3, false), (500, true), (3, true)] {
        let build = |batch: u32| {
            let mut d = build(batch);
            if cold {
                d.reopen().unwrap();
            }
            d
        };
        for op in operations() {
            let refused = {
                let mut d = build(batch);
                match d.eng.begin(request(&op)) {
                    Err(_) => true,
                    Ok(_) => {
                        d.eng.rollback();
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
            *total.entry((batch, cold)).or_insert(0) += phases;
            for k in 0..=phases {
                let what = format!("batch {batch}, cold {cold}, {op}, abandoned after {k} reads");
                let mut d = build(batch);
                let mut twin = build(batch);
                let store = d.store.clone();
                let snap = snapshot(&d);
                let step = drive(&mut d, &op, k);
                if k == phases {
                    assert!(matches!(step, Step::Done(_)), "{what}");
                } else {
                    assert!(matches!(step, Step::Read(_)), "{what}");
                }
                d.eng.rollback();
                assert_same_store(&d.store, &store, &what);
                assert_eq!(snapshot(&d), snap, "{what}");
                converge(&mut d, &mut twin, &op, &what);
            }
        }
    }
    // The reopened engine was interrupted at more reads than the warm one (whose cache answered them).
    for batch in [500, 3] {
        assert!(total[&(batch, true)] > total[&(batch, false)], "batch {batch}: read phases {total:?}");
    }
}

#[test]
fn rolling_back_done_operations_one_after_another() {
    // Every operation rolled back once, then run; the twin only runs them.
    let mut d = build(3);
    let mut twin = build(3);
    for op in operations() {
        let mut step = match d.eng.begin(request(&op)) {
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
                    match d.eng.resume_encoded(&a.text, &a.lens) {
                        Ok(s) => step = s,
                        Err(_) => break,
                    }
                }
                Step::Done(_) => {
                    d.eng.rollback();
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
    // A reopened engine: its cache is empty, the step reads storage.
    d.reopen().unwrap();
    let op = json!({"op": "runWorkflow", "instance": "exec1", "name": "rtEventsProcessing"});
    let step = d.eng.begin(request(&op)).unwrap();
    assert!(matches!(step, Step::Read(_)));
    let e = d.eng.begin(request(&json!({"op": "setClock", "to": t0() + DAY}))).unwrap_err();
    assert_eq!(e.code.as_str(), "BUSY");
    // The operation in progress goes on undisturbed.
    let Step::Read(reqs) = step else { unreachable!() };
    let mut step = {
        let a = answer(&d, &reqs);
        d.eng.resume_encoded(&a.text, &a.lens)
    }
    .unwrap();
    while let Step::Read(reqs) = step {
        step = {
            let a = answer(&d, &reqs);
            d.eng.resume_encoded(&a.text, &a.lens)
        }
        .unwrap();
    }
    let Step::Done(done) = step else { unreachable!() };
    assert!(!done.writes.is_empty());
    assert_eq!(serde_json::to_value(&done.result).unwrap()["counts"]["routed"], 6);
    // Still busy until commit or rollback.
    assert_eq!(d.eng.begin(request(&json!({"op": "setClock", "to": t0() + DAY}))).unwrap_err().code.as_str(), "BUSY");
    d.eng.rollback();
    assert_eq!(d.eng.resume_encoded("", &[]).unwrap_err().code.as_str(), "INVALID_ARGUMENT");
    ok(&mut d, json!({"op": "setClock", "to": t0() + DAY}));
}

#[test]
fn bad_read_results_abandon_the_operation() {
    let op = json!({"op": "runWorkflow", "instance": "exec1", "name": "rtEventsProcessing"});
    // Phase 0 of rtEventsProcessing reads its queue, one range: lengths that do not match it (none,
    // a second part, an entry without its value, text left over, a count over what follows).
    const A: u32 = message_center::boundary::ABSENT;
    for (text, lens) in [
        ("", &[][..]),
        ("kv", &[1, 1, 1, 0][..]),
        ("kv", &[1, 1][..]),
        ("kvx", &[1, 1, 1][..]),
        ("kv", &[1, 1, A][..]),
        ("kv", &[5, 1, 1][..]),
        ("k😀", &[1, 1, 1][..]),
    ] {
        let bad = &format!("{text:?} {lens:?}");
        let mut d = build(500);
        d.reopen().unwrap();
        let mut twin = build(500);
        let store = d.store.clone();
        let snap = snapshot(&d);
        let step = d.eng.begin(request(&op)).unwrap();
        assert!(matches!(step, Step::Read(_)));
        let e = d.eng.resume_encoded(text, lens).unwrap_err();
        assert_eq!(e.code.as_str(), "INVALID_ARGUMENT", "{bad:?}: {e}");
        assert_same_store(&d.store, &store, bad);
        assert_eq!(snapshot(&d), snap, "{bad}");
        converge(&mut d, &mut twin, &op, bad);
    }
    // Records that do not decode are storage corruption naming the key, and abandon the
    // operation too: a garbled state page, a garbled queue record.
    for (what, garble) in [("state page", "/s"), ("due record", "d/01/r/")] {
        let mut d = build(500);
        d.reopen().unwrap();
        let snap = snapshot(&d);
        let Step::Read(reqs) = d.eng.begin(request(&op)).unwrap() else { panic!() };
        let mut store = d.store.clone();
        for (k, v) in store.iter_mut() {
            if k.contains(garble) {
                *v = "{garbage".into();
            }
        }
        let orig = std::mem::replace(&mut d.store, store);
        let mut step = {
            let a = answer(&d, &reqs);
            d.eng.resume_encoded(&a.text, &a.lens)
        };
        while let Ok(Step::Read(reqs)) = &step {
            step = {
                let a = answer(&d, reqs);
                d.eng.resume_encoded(&a.text, &a.lens)
            };
        }
        let e = step.unwrap_err();
        assert_eq!(e.code.as_str(), "STORAGE_CORRUPT", "{what}: {e}");
        assert!(e.message.contains("stored record") || e.message.contains("stored key"), "{what}: {e}");
        d.store = orig;
        assert_eq!(snapshot(&d), snap, "{what}");
    }
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
    let (_, next) = d.step(&op).unwrap();
    assert!(next.is_some(), "5 due events in batches of 3");
    ok(&mut twin, op.clone());
    d.reopen().unwrap();
    let wf = q(&d, json!({"q": "workflows", "instance": "exec1"}));
    let rt = wf.as_array().unwrap().iter().find(|w| w["name"] == "rtEventsProcessing").unwrap();
    assert_eq!(rt["inProgress"], true);
    converge(&mut d, &mut twin, &op, "reopened mid-run");
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

#[test]
fn open_rolled_back_can_be_done_again() {
    let open = json!({"op": "open", "seed": "42", "now": t0()});
    let mut d = MemDriver::default();
    let Step::Read(reqs) = d.eng.begin(request(&open)).unwrap() else { panic!("open reads the small state") };
    let a = answer(&d, &reqs);
    assert!(matches!(d.eng.resume_encoded(&a.text, &a.lens).unwrap(), Step::Done(_)));
    d.eng.rollback();
    assert!(!d.eng.is_open(), "the initial state was never written");
    assert_eq!(code(d.run(&json!({"op": "addEventType", "name": "order"}))), "INVALID_ARGUMENT");
    ok(&mut d, open.clone());
    let fresh = MemDriver::new(42, t0());
    assert_same_store(&d.store, &fresh.store, "open again");
    assert_eq!(snapshot(&d), snapshot(&fresh));
    assert_eq!(code(d.run(&open)), "INVALID_ARGUMENT", "open twice");
}

#[test]
fn operations_before_open_are_refused() {
    let mut d = MemDriver::default();
    assert_eq!(code(d.run(&json!({"op": "setClock", "to": 5}))), "INVALID_ARGUMENT");
    assert!(d.store.is_empty());
    assert_eq!(code(d.run(&json!({"op": "open", "seed": "x", "now": 0}))), "INVALID_ARGUMENT");
    assert_eq!(code(d.run(&json!({"op": "open", "seed": "1", "now": -5}))), "INVALID_ARGUMENT");
    assert_eq!(code(d.run(&json!({"op": "open", "seed": "1", "now": 0, "config": {"batchSize": 0}}))), "INVALID_ARGUMENT");
    assert_eq!(code(d.run(&json!({"op": "open", "now": 0}))), "INVALID_ARGUMENT", "a new store needs a seed");
    assert!(d.store.is_empty());
    assert_eq!(code(d.run(&json!({"op": "frobnicate"}))), "INVALID_ARGUMENT");
    ok(&mut d, json!({"op": "open", "seed": "18446744073709551615", "now": 0, "config": {"batchSize": 7}}));
    assert_eq!(q(&d, json!({"q": "settings"}))["config"]["batchSize"], 7);
    assert_eq!(q(&d, json!({"q": "settings"}))["seed"], "18446744073709551615");
    // A fresh seed from the host is used when none is given, and reported.
    let mut d = MemDriver::default();
    ok(&mut d, json!({"op": "open", "freshSeed": "987654321", "now": 0}));
    assert_eq!(q(&d, json!({"q": "settings"}))["seed"], "987654321");
    assert_eq!(q(&d, json!({"q": "settings"}))["now"], "1970-01-01T00:00:00.000Z");
}

#[test]
fn stores_of_another_format_or_garbled_are_refused_at_open() {
    // A store of message-center 0.1: small-state records and no format record.
    let mut d = MemDriver::default();
    d.store.insert("m/settings".into(), r#"{"seed":"1","config":{}}"#.into());
    d.store.insert("m/clock".into(), "5".into());
    d.store.insert("e/0100000000000001".into(), "{}".into());
    let e = error(d.run(&json!({"op": "open"})));
    assert_eq!(e.code.as_str(), "STORAGE_FORMAT");
    assert!(e.message.contains("format 1") && e.message.contains("format 4"), "{e}");
    assert!(!d.eng.is_open());
    // A future format.
    let mut d = MemDriver::default();
    d.store.insert("m/format".into(), "message-center/5".into());
    let e = error(d.run(&json!({"op": "open"})));
    assert_eq!(e.code.as_str(), "STORAGE_FORMAT");
    assert!(e.message.contains("format 5") && e.message.contains("format 4"), "{e}");
    // Not ours at all.
    let mut d = MemDriver::default();
    d.store.insert("m/format".into(), "something else".into());
    assert_eq!(code(d.run(&json!({"op": "open"}))), "STORAGE_FORMAT");
    // Ours, garbled.
    let good = MemDriver::new(1, t0());
    for (key, value) in [("m/inst/zz", "{}"), ("m/settings", "{"), ("m/clock", "noon"), ("m/accounts", "[]")] {
        let mut d = MemDriver { store: good.store.clone(), ..MemDriver::default() };
        d.store.insert(key.into(), value.into());
        let e = error(d.run(&json!({"op": "open"})));
        assert_eq!(e.code.as_str(), "STORAGE_CORRUPT", "{key}");
        assert!(e.message.contains(key), "{key}: {e}");
    }
    // The same store, intact, opens; a seed that is not its own is refused.
    let mut d = MemDriver { store: good.store.clone(), ..MemDriver::default() };
    assert_eq!(code(d.run(&json!({"op": "open", "seed": "2"}))), "INVALID_ARGUMENT");
    let mut d = MemDriver { store: good.store.clone(), ..MemDriver::default() };
    ok(&mut d, json!({"op": "open", "seed": "1"}));
}

#[test]
fn the_engine_cache_changes_no_byte() {
    // The same scenario with the cache off (every read goes to storage) and on: the same store,
    // the same state, and the cache answers most reads.
    let run = |cache: u64| {
        let mut d = build(3);
        d.reopen_with(&json!({"op": "open", "cacheBytes": cache})).unwrap();
        let (h0, m0) = d.eng.cache_stats();
        for h in 1..=6 {
            let evs: String = (0..30).map(|i| rt_xml(&format!("p{h}x{i}@example.com"))).collect();
            push_xml(&mut d, "loadBalancer", &format!("<E>{evs}</E>")).unwrap();
            push1(&mut d, "exec1", &format!("bounce-1m+{h}@mc-sim.test"));
            advance(&mut d, 20 * MIN);
        }
        advance(&mut d, 2 * HOUR);
        let (h1, m1) = d.eng.cache_stats();
        let (hits, misses) = (h1 - h0, m1 - m0);
        (d, hits, misses)
    };
    let (off, hits_off, _) = run(0);
    let (on, hits, misses) = run(16 << 20);
    assert_same_store(&off.store, &on.store, "cache on");
    assert_eq!(snapshot(&off), snapshot(&on));
    check_integrity(&on);
    assert_eq!(hits_off, 0);
    assert!(hits > misses, "the cache answers most read phases: {hits} hits, {misses} misses");
}

#[test]
fn the_cache_budget_is_an_option_of_open() {
    let mut d = build(3);
    let e = d.reopen_with(&json!({"op": "open", "cacheBytes": (1u64 << 30) + 1})).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidArgument);
    assert!(e.message.contains("cacheBytes must be at most 1073741824"), "{}", e.message);
    let e = d.reopen_with(&json!({"op": "open", "cacheBytes": -1})).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidArgument);
    // The configuration knows nothing of it.
    let e = d.run(&json!({"op": "configure", "config": {"cacheBytes": 0}})).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidArgument);
}

/// Records of named things keep each under its own name; a garbled one is refused at open, named.
#[test]
fn a_record_holding_a_thing_under_another_name_is_corrupt_and_named() {
    let d = setup(9);
    for key in ["m/accounts", "m/pub/01"] {
        let mut store = d.store.clone();
        let v = store[key].clone();
        let garbled = v.replacen(if key == "m/accounts" { "\"exec1\":" } else { "\"confirm_rt\":" }, "\"other\":", 1);
        assert_ne!(garbled, v, "{key}: {v}");
        store.insert(key.to_string(), garbled);
        let mut e = MemDriver { store, ..MemDriver::default() };
        let err = e.reopen().unwrap_err();
        assert_eq!(err.code.as_str(), "STORAGE_CORRUPT", "{err}");
        assert!(err.message.contains(&format!("stored record {key} holds")) && err.message.contains("under the name 'other'"), "{err}");
    }
}
