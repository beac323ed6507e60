//! The virtual clock, the scheduler (nextDue, advance), the journal, workflow states.

mod common;

use common::*;
use serde_json::{json, Value};

#[test]
fn the_clock_never_goes_back() {
    let mut d = setup(1);
    let before = d.store.clone();
    let e = error(d.run(&json!({"op": "setClock", "to": t0() - 1})));
    assert_eq!(e.code.as_str(), "CLOCK_BACKWARDS");
    assert!(e.message.contains("2026-03-10T12:00:00.000Z"), "{}", e.message);
    assert_eq!(d.store, before);
    // The same time is fine and writes nothing.
    let tx = d.transactions;
    assert_eq!(ok(&mut d, json!({"op": "setClock", "to": t0()}))["now"], iso(t0()));
    assert_eq!(d.transactions, tx);
    assert_eq!(ok(&mut d, json!({"op": "setClock", "to": t0() + 5}))["now"], iso(t0() + 5));
    assert_eq!(d.store["m/clock"], (t0() + 5).to_string());
    assert_eq!(q(&d, json!({"q": "settings"}))["nowMs"], t0() + 5);
    // A workflow run in the past is refused as well.
    start(&mut d, "exec1", "rtEventsProcessing");
    let before = d.store.clone();
    assert_eq!(
        code(d.run(&json!({"op": "runWorkflow", "instance": "exec1", "name": "rtEventsProcessing", "at": t0()}))),
        "CLOCK_BACKWARDS"
    );
    assert_eq!(d.store, before);
    assert_eq!(code(d.run(&json!({"op": "setClock", "to": -1}))), "CLOCK_BACKWARDS");
    assert_eq!(code(d.run(&json!({"op": "setClock", "to": 0xFFFF_FFFF_FFFFi64 + 1}))), "INVALID_ARGUMENT");
}

#[test]
fn next_due_and_idle_days() {
    let mut d = setup(1);
    // Nothing to do but the daily cleanups at 04:00 (execution instances before the control).
    assert!(q(&d, json!({"q": "nextDue", "until": ms("2026-03-11T03:59:59Z")})).is_null());
    let n = q(&d, json!({"q": "nextDue", "until": ms("2026-03-12T00:00:00Z")}));
    assert_eq!(
        n,
        json!({"at": ms("2026-03-11T04:00:00Z"), "instance": "exec1", "name": "cleanup", "who": "cleanup on exec1",
            "text": "cleanup on exec1 at 2026-03-11 04:00:00: deletes what is past its retention"})
    );
    assert_eq!(advance(&mut d, DAY), 2);
    assert_eq!(advance(&mut d, 10 * DAY), 20);

    start_exec(&mut d, "exec1");
    let now = d.now();
    push1(&mut d, "exec1", "sent@mc-sim.test");
    let n = q(&d, json!({"q": "nextDue", "until": now + HOUR}));
    assert_eq!(n["name"], "rtEventsProcessing");
    assert_eq!(n["instance"], "exec1");
    assert_eq!(n["at"], now, "the clock is on a 10 s tick");
    ok(&mut d, json!({"op": "setClock", "to": now + 3 * SEC}));
    push1(&mut d, "exec1", "sent@mc-sim.test");
    assert_eq!(q(&d, json!({"q": "nextDue", "until": now + HOUR}))["at"], now + 10 * SEC, "next tick");
}

#[test]
fn advance_runs_workflows_in_time_order() {
    let mut d = running(1);
    ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "exec1"}));
    push1(&mut d, "exec1", "soft-1@mc-sim.test");
    push1(&mut d, "exec1", "bounce-5m@mc-sim.test");
    let until = t0() + 2 * HOUR;
    let mut seen: Vec<(i64, String)> = Vec::new();
    loop {
        let n = q(&d, json!({"q": "nextDue", "until": until}));
        if n.is_null() {
            break;
        }
        let at = n["at"].as_i64().unwrap();
        assert!(at >= d.now());
        ok(&mut d, json!({"op": "runWorkflow", "instance": n["instance"], "name": n["name"], "at": at}));
        seen.push((at, n["name"].as_str().unwrap().to_string()));
    }
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
    let names: Vec<&str> = seen.iter().map(|(_, n)| n.as_str()).collect();
    // At 12:00 routing comes before archiving (ties follow the fixed order).
    assert_eq!(&names[..2], ["rtEventsProcessing", "mcSynch_exec1"]);
    assert!(names.contains(&"mta") && names.contains(&"updateEventsStatus"));
    // The same thing through `advance` on a twin.
    let mut twin = running(1);
    ok(&mut twin, json!({"op": "createArchivingWorkflow", "account": "exec1"}));
    push1(&mut twin, "exec1", "soft-1@mc-sim.test");
    push1(&mut twin, "exec1", "bounce-5m@mc-sim.test");
    let steps = advance_to(&mut twin, until);
    assert_eq!(steps as usize, seen.len());
    ok(&mut d, json!({"op": "setClock", "to": until}));
    assert_eq!(d.store, twin.store);
}

#[test]
fn journal_shows_runs_with_counts() {
    let mut d = running(1);
    for _ in 0..3 {
        push1(&mut d, "exec1", "sent@mc-sim.test");
        advance(&mut d, MIN);
    }
    push1_xml(&mut d, "exec1", "<rtEvent type='reset' email='a@example.com'><ctx/></rtEvent>");
    advance(&mut d, MIN);
    let r = ok(&mut d, json!({"op": "journal", "instance": "exec1", "name": "rtEventsProcessing"}));
    let runs = r["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 4);
    let nums: Vec<u64> = runs.iter().map(|r| r["run"].as_u64().unwrap()).collect();
    assert_eq!(nums, [4, 3, 2, 1], "newest first");
    assert_eq!(runs[3]["counts"], json!({"processed": 1, "routed": 1}));
    assert_eq!(runs[0]["counts"], json!({"processed": 1, "notTakenIntoAccount": 1}));
    assert_eq!(runs[3]["start"], iso(t0()));
    assert_eq!(runs[3]["end"], iso(t0()));
    assert_eq!(runs[3]["steps"], 1);
    assert_eq!(runs[3]["workflow"], "rtEventsProcessing");
    assert_eq!(runs[3]["instance"], "exec1");
    let r = ok(&mut d, json!({"op": "journal", "instance": "exec1", "name": "rtEventsProcessing", "limit": 2}));
    assert_eq!(r["runs"].as_array().unwrap().iter().map(|r| r["run"].as_u64().unwrap()).collect::<Vec<_>>(), [4, 3]);
    let upd = journal(&mut d, "exec1", "updateEventsStatus");
    let sent: u64 = upd.iter().map(|r| r["counts"]["sent"].as_u64().unwrap_or(0)).sum();
    assert_eq!(sent, 3);
    let wf = &q(&d, json!({"q": "workflows", "instance": "exec1"}))
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "rtEventsProcessing")
        .unwrap()
        .clone();
    assert_eq!(wf["runs"], 4);
    assert_eq!(wf["lastRun"], iso(t0() + 3 * MIN));
    assert_eq!(ok(&mut d, json!({"op": "journal", "instance": "exec1", "name": "batchEventsProcessing"}))["runs"], json!([]));
    assert_eq!(code(d.run(&json!({"op": "journal", "instance": "exec1", "name": "nope"}))), "UNKNOWN_WORKFLOW");
    assert_eq!(code(d.run(&json!({"op": "journal", "instance": "nope", "name": "cleanup"}))), "UNKNOWN_INSTANCE");
}

#[test]
fn journal_keeps_the_configured_number_of_runs() {
    let mut d = running(1);
    ok(&mut d, json!({"op": "configure", "config": {"journalRunsKept": 3}}));
    for _ in 0..5 {
        push1(&mut d, "exec1", "sent@mc-sim.test");
        advance(&mut d, MIN);
    }
    assert_eq!(keys(&d, "j/exec1/rtEventsProcessing/").len(), 3);
    let runs = journal(&mut d, "exec1", "rtEventsProcessing");
    assert_eq!(runs.iter().map(|r| r["run"].as_u64().unwrap()).collect::<Vec<_>>(), [5, 4, 3]);
}

#[test]
fn paused_and_stopped_workflows_do_not_run() {
    let mut d = setup(1);
    let before = d.store.clone();
    let e = error(d.run(&json!({"op": "pauseWorkflow", "instance": "exec1", "name": "rtEventsProcessing"})));
    assert_eq!(e.code.as_str(), "WORKFLOW_STATE");
    assert_eq!(d.store, before);
    let e = error(run_wf(&mut d, "exec1", "rtEventsProcessing"));
    assert_eq!(e.code.as_str(), "WORKFLOW_STATE");
    assert!(e.message.contains("Stopped"), "{}", e.message);
    assert_eq!(d.store, before);

    start_exec(&mut d, "exec1");
    let p = ok(&mut d, json!({"op": "pauseWorkflow", "instance": "exec1", "name": "rtEventsProcessing"}));
    assert_eq!(p["state"], "paused");
    assert_eq!(p["stateLabel"], "Paused");
    assert_null(&p, "nextRun");
    let id = push1(&mut d, "exec1", "sent@mc-sim.test");
    let n = q(&d, json!({"q": "nextDue", "until": t0() + HOUR}));
    assert!(n.is_null(), "{n}");
    advance(&mut d, HOUR);
    assert_eq!(status(&mut d, &id), "pending");
    let before = d.store.clone();
    let e = error(run_wf(&mut d, "exec1", "rtEventsProcessing"));
    assert_eq!(e.code.as_str(), "WORKFLOW_STATE");
    assert!(e.message.contains("Paused"), "{}", e.message);
    assert_eq!(d.store, before);
    assert_eq!(code(d.run(&json!({"op": "pauseWorkflow", "instance": "exec1", "name": "rtEventsProcessing"}))), "WORKFLOW_STATE");

    start(&mut d, "exec1", "rtEventsProcessing");
    advance(&mut d, 2 * MIN);
    assert_eq!(status(&mut d, &id), "sent");

    let s = ok(&mut d, json!({"op": "stopWorkflow", "instance": "exec1", "name": "rtEventsProcessing"}));
    assert_eq!(s["stateLabel"], "Stopped");
    let id2 = push1(&mut d, "exec1", "sent@mc-sim.test");
    advance(&mut d, HOUR);
    assert_eq!(status(&mut d, &id2), "pending");
    assert_eq!(code(run_wf(&mut d, "exec1", "rtEventsProcessing")), "WORKFLOW_STATE");
    assert_eq!(code(run_wf(&mut d, "exec1", "nope")), "UNKNOWN_WORKFLOW");
    assert_eq!(code(run_wf(&mut d, "nope", "cleanup")), "UNKNOWN_INSTANCE");
    // Starting a started workflow is fine.
    start(&mut d, "exec1", "updateEventsStatus");
}

#[test]
fn running_a_workflow_by_hand() {
    let mut d = setup(1);
    start(&mut d, "exec1", "rtEventsProcessing");
    let id = push1(&mut d, "exec1", "sent@mc-sim.test");
    let (r, next) = d.step(&json!({"op": "runWorkflow", "instance": "exec1", "name": "rtEventsProcessing", "at": t0() + 3 * SEC})).unwrap();
    assert_eq!(r["run"], 1);
    assert!(next.is_none(), "the run is over in one step");
    assert_eq!(r["counts"], json!({"processed": 1, "routed": 1}));
    assert_eq!(d.now(), t0() + 3 * SEC, "the clock moves to `at`");
    assert_eq!(status(&mut d, &id), "pendingDelivery");
    let r = run_wf(&mut d, "exec1", "rtEventsProcessing").unwrap();
    assert_eq!(r["counts"], json!({}));
    assert_eq!(r["run"], 2);
}

#[test]
fn schedules_can_be_changed() {
    let mut d = running(1);
    let w = ok(
        &mut d,
        json!({"op": "scheduleWorkflow", "instance": "exec1", "name": "rtEventsProcessing", "periodMs": MIN, "offsetMs": 30 * SEC}),
    );
    assert_eq!(w["schedule"], json!({"periodMs": MIN, "offsetMs": 30 * SEC}));
    assert_eq!(w["nextRun"], iso(t0() + 30 * SEC));
    let id = push1(&mut d, "exec1", "sent@mc-sim.test");
    advance(&mut d, 20 * SEC);
    assert_eq!(status(&mut d, &id), "pending");
    advance(&mut d, 10 * SEC);
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["history"][1]["at"], iso(t0() + 30 * SEC));
    let before = d.store.clone();
    for (p, o) in [(999, 0), (MIN, MIN), (MIN, -1)] {
        assert_eq!(
            code(
                d.run(&json!({"op": "scheduleWorkflow", "instance": "exec1", "name": "rtEventsProcessing", "periodMs": p, "offsetMs": o}))
            ),
            "INVALID_ARGUMENT"
        );
    }
    assert_eq!(code(d.run(&json!({"op": "scheduleWorkflow", "instance": "exec1", "name": "mta", "periodMs": MIN}))), "INVALID_ARGUMENT");
    assert_eq!(d.store, before);
    // New workflows take their schedules from the configuration.
    ok(&mut d, json!({"op": "configure", "config": {"schedules": {"mcSynch": {"periodMs": 15 * MIN, "offsetMs": 0}}}}));
    let w: Value = ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "exec1"}));
    assert_eq!(w["schedule"]["periodMs"], 15 * MIN);
}

#[test]
fn next_due_refuses_a_target_in_the_past_before_anything_runs() {
    let mut d = running(1);
    push1(&mut d, "exec1", "sent@mc-sim.test");
    let before = d.store.clone();
    let e = error(d.query(&json!({"q": "nextDue", "until": t0() - 1})));
    assert_eq!(e.code.as_str(), "CLOCK_BACKWARDS");
    assert!(e.message.contains("cannot move backwards"), "{}", e.message);
    assert_eq!(code(d.query(&json!({"q": "nextDue", "until": message_center::keys::MAX_TIME + 1}))), "INVALID_ARGUMENT");
    assert_eq!(d.store, before);
    assert!(!q(&d, json!({"q": "nextDue", "until": t0() + MIN})).is_null());
}
