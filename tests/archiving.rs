//! Archiving (`mcSynch_<account>`): events and delivery logs copied to the control, incremental,
//! idempotent, later changes carried over; the control's event history and counts.

mod common;

use std::collections::BTreeMap;

use common::*;
use message_center::driver::MemDriver;
use serde_json::{json, Value};

fn archived(d: &MemDriver) -> BTreeMap<String, String> {
    let mut m = records(d, "h/");
    m.extend(records(d, "x/h/"));
    m
}

fn synch_runs(d: &mut MemDriver) -> Vec<Value> {
    journal(d, "control", "mcSynch_exec1")
}

/// The archived copy of an event, as the API shows it.
fn archived_event(d: &mut MemDriver, id: &str) -> Value {
    get(d, id)["archived"].clone()
}

fn is_archived(d: &MemDriver, id: &str) -> bool {
    events(d, 'h').contains_key(&num(id))
}

/// `running` with the archiving workflow of exec1.
fn archiving(seed: u64) -> MemDriver {
    let mut d = running(seed);
    ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "exec1"}));
    d
}

#[test]
fn copies_events_and_delivery_logs_keeping_the_id() {
    let mut d = archiving(1);
    let sent = push1(&mut d, "exec1", "sent@mc-sim.test");
    let hard = push1(&mut d, "exec1", "hard@mc-sim.test");
    let unrouted = push1_xml(&mut d, "exec1", "<rtEvent type='reset' email='a@example.com'><ctx/></rtEvent>");
    advance_to(&mut d, t0() + HOUR + SEC);
    for id in [&sent, &hard, &unrouted] {
        assert!(is_archived(&d, id), "{id}");
        let story = get(&mut d, id);
        let he = story["archived"].clone();
        assert_eq!(he["id"], *id);
        // Copied at 13:00 if it changed after the 12:00 run.
        let at = if id == &unrouted { t0() } else { t0() + HOUR };
        assert_eq!(he["archived"], iso(at));
        // Same event as on the execution instance, apart from the archiving time.
        let mut e = story["event"].clone();
        let mut he2 = he.clone();
        for v in [&mut e, &mut he2] {
            v.as_object_mut().unwrap().remove("archived");
        }
        assert_eq!(e, he2);
        assert!(story.get("archivedBroadLog").is_some(), "{story}");
        assert_eq!(story["archivedBroadLog"].is_null(), id == &unrouted, "no delivery log to archive for an unrouted event");
    }
    assert_eq!(archived_event(&mut d, &sent)["status"], "sent");
    assert_eq!(archived_event(&mut d, &hard)["status"], "deliveryFailed");
    assert_eq!(get(&mut d, &hard)["archivedBroadLog"]["status"], "Failed");

    let e = get(&mut d, &sent);
    assert_eq!(e["archived"]["status"], "sent");
    assert_eq!(e["archived"]["archived"], iso(t0() + HOUR));
    assert_eq!(e["archivedBroadLog"]["status"], "Sent");
    assert_eq!(e["purgedFromExecution"], false);
    assert!(keys(&d, "c/").is_empty(), "the change log is consumed");

    // First run at 12:00 (the events had just been routed), second at 13:00.
    let runs = synch_runs(&mut d);
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[1]["start"], iso(t0()));
    assert_eq!(runs[1]["counts"], json!({"events": 3, "deliveryLogs": 2}));
    assert_eq!(runs[0]["start"], iso(t0() + HOUR));
    assert_eq!(runs[0]["counts"], json!({"events": 2, "deliveryLogs": 2}), "only what changed since");
    let wf = &q(&d, json!({"q": "workflows", "instance": "control"}))[1];
    assert_eq!(wf["name"], "mcSynch_exec1");
    assert!(wf["watermark"].as_u64().unwrap() > 0);
}

#[test]
fn incremental_runs_copy_only_changes() {
    let mut d = archiving(1);
    let a = push1(&mut d, "exec1", "sent@mc-sim.test");
    advance_to(&mut d, t0() + HOUR + SEC);
    let before = archived_event(&mut d, &a);
    advance(&mut d, 5 * MIN);
    let b = push1(&mut d, "exec1", "ignored@mc-sim.test");
    advance_to(&mut d, t0() + 2 * HOUR + SEC);
    let runs = synch_runs(&mut d);
    assert_eq!(runs[0]["counts"], json!({"events": 1, "deliveryLogs": 1}));
    assert_eq!(archived_event(&mut d, &a), before, "untouched event not archived again");
    assert_eq!(archived_event(&mut d, &b)["status"], "ignored");
}

#[test]
fn a_later_bounce_arrives_at_the_next_run() {
    let mut d = archiving(1);
    let id = push1(&mut d, "exec1", "bounce-90m@mc-sim.test");
    advance_to(&mut d, t0() + HOUR + SEC);
    assert_eq!(archived_event(&mut d, &id)["status"], "sent");
    let c = q(&d, json!({"q": "counts", "instance": "control"}));
    assert_eq!((c["byStatus"]["sent"].as_i64(), c["byStatus"]["deliveryFailed"].as_i64()), (Some(1), Some(0)));
    advance_to(&mut d, t0() + 2 * HOUR - MIN);
    assert_eq!(status(&mut d, &id), "deliveryFailed");
    assert_eq!(archived_event(&mut d, &id)["status"], "sent", "not archived before the next run");
    advance_to(&mut d, t0() + 2 * HOUR + SEC);
    assert_eq!(archived_event(&mut d, &id)["status"], "deliveryFailed");
    assert_eq!(get(&mut d, &id)["archivedBroadLog"]["failureType"], "async");
    let c = q(&d, json!({"q": "counts", "instance": "control"}));
    assert_eq!(
        (c["byStatus"]["sent"].as_i64(), c["byStatus"]["deliveryFailed"].as_i64(), c["total"].as_i64()),
        (Some(0), Some(1), Some(1))
    );
    // The status list of the history follows.
    let list = |d: &mut MemDriver, st: &str| {
        ok(d, json!({"op": "listEvents", "filter": {"instance": "control", "status": st}}))["events"].as_array().unwrap().len()
    };
    assert_eq!(list(&mut d, "sent"), 0);
    assert_eq!(list(&mut d, "deliveryFailed"), 1);
    check_integrity(&d);
}

#[test]
fn running_again_changes_nothing() {
    let mut d = archiving(1);
    for a in ["sent@mc-sim.test", "hard@mc-sim.test", "ignored@mc-sim.test"] {
        push1(&mut d, "exec1", a);
    }
    advance_to(&mut d, t0() + HOUR + SEC);
    let arch = archived(&d);
    let counts = q(&d, json!({"q": "counts", "instance": "control"}));
    for _ in 0..2 {
        let r = run_wf(&mut d, "control", "mcSynch_exec1").unwrap();
        assert_eq!(r["counts"], json!({}));
        assert_eq!(archived(&d), arch);
        assert_eq!(q(&d, json!({"q": "counts", "instance": "control"})), counts);
    }
    // With nothing new it is not even scheduled.
    let n = synch_runs(&mut d).len();
    advance(&mut d, 5 * HOUR);
    assert_eq!(synch_runs(&mut d).len(), n);
    assert_eq!(archived(&d), arch);
}

#[test]
fn control_history_list_and_counts() {
    let mut d = archiving(1);
    let a = push1(&mut d, "exec1", "sent@mc-sim.test");
    advance(&mut d, MIN);
    let b = push1(&mut d, "exec1", "hard@mc-sim.test");
    advance(&mut d, MIN);
    let c = push1_xml(&mut d, "exec1", "<batchEvent type='order' email='sent@mc-sim.test'><ctx/></batchEvent>");
    advance_to(&mut d, t0() + HOUR + SEC);
    let l = ok(&mut d, json!({"op": "listEvents", "filter": {"instance": "control"}}));
    let ids: Vec<&str> = l["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [c.as_str(), b.as_str(), a.as_str()], "newest first");
    assert_null(&l, "next");
    assert_eq!(l["events"][0]["archived"], iso(t0() + HOUR));
    let l = ok(&mut d, json!({"op": "listEvents", "filter": {"instance": "control", "status": "Delivery failed"}}));
    assert_eq!(l["events"].as_array().unwrap().len(), 1);
    assert_eq!(l["events"][0]["id"], b);
    let l = ok(&mut d, json!({"op": "listEvents", "filter": {"instance": "control", "queue": "batch"}}));
    assert_eq!(l["events"][0]["id"], c);
    let counts = q(&d, json!({"q": "counts", "instance": "control"}));
    assert_eq!(counts["total"], 3);
    assert_eq!(counts["byStatus"]["sent"], 2);
    assert_eq!(counts["byStatus"]["deliveryFailed"], 1);
    assert_eq!(q(&d, json!({"q": "counts", "instance": "control", "queue": "batch"}))["total"], 1);
}

#[test]
fn each_instance_is_archived_by_its_own_workflow() {
    let mut d = setup_instances(1, &[("exec1", 1), ("exec2", 2)]);
    start_exec(&mut d, "exec1");
    start_exec(&mut d, "exec2");
    ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "exec1"}));
    let a = push1(&mut d, "exec1", "sent@mc-sim.test");
    let b = push1(&mut d, "exec2", "sent@mc-sim.test");
    advance_to(&mut d, t0() + HOUR + SEC);
    assert!(is_archived(&d, &a));
    assert!(!is_archived(&d, &b));
    assert!(!keys(&d, "c/02/").is_empty(), "exec2's changes wait for its archiving workflow");
    ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "exec2"}));
    advance_to(&mut d, t0() + 2 * HOUR + SEC);
    assert_eq!(archived_event(&mut d, &b)["status"], "sent");
    assert_eq!(archived_event(&mut d, &b)["instance"], "exec2");
    assert!(keys(&d, "c/").is_empty());
    assert_eq!(q(&d, json!({"q": "counts", "instance": "control"}))["total"], 2);
}

#[test]
fn a_disabled_account_is_not_archived() {
    let mut d = archiving(1);
    ok(&mut d, json!({"op": "updateExecutionInstance", "name": "exec1", "patch": {"enabled": false}}));
    let a = push1(&mut d, "exec1", "sent@mc-sim.test");
    advance(&mut d, 3 * HOUR);
    assert_eq!(status(&mut d, &a), "sent");
    assert!(!is_archived(&d, &a));
    ok(&mut d, json!({"op": "updateExecutionInstance", "name": "exec1", "patch": {"enabled": true}}));
    advance(&mut d, HOUR);
    assert_eq!(archived_event(&mut d, &a)["status"], "sent");
}

#[test]
fn small_batches_take_several_steps_of_one_run() {
    // 300 events fill three pages; one page per step: three steps, each event copied once
    // (with its latest state) however many times it changed since the last run.
    let mut d = archiving(1);
    ok(&mut d, json!({"op": "configure", "config": {"pagesPerStep": 1}}));
    let mut twin = archiving(1);
    let evs: String = (0..300).map(|i| rt_xml(&format!("sent+{i}@mc-sim.test"))).collect();
    for x in [&mut d, &mut twin] {
        ok(x, json!({"op": "setClock", "to": t0() + 30 * MIN}));
        push_xml(x, "exec1", &format!("<E>{evs}</E>")).unwrap();
    }
    advance_to(&mut d, t0() + HOUR + SEC);
    ok(&mut twin, json!({"op": "configure", "config": {"pagesPerStep": 1}}));
    advance_to(&mut twin, t0() + HOUR + SEC);
    let runs = synch_runs(&mut d);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["steps"], 3, "{runs:?}");
    assert_eq!(runs[0]["counts"], json!({"events": 300, "deliveryLogs": 300}), "{runs:?}");
    assert_eq!(archived(&d), archived(&twin));
    assert!(keys(&d, "c/").is_empty());
    assert_eq!(q(&d, json!({"q": "counts", "instance": "control"}))["byStatus"]["sent"], 300);
    check_integrity(&d);
}

#[test]
fn a_remote_instances_archiving_polls_at_every_tick_and_its_keys_are_named() {
    let mut d = bare(1);
    ok(
        &mut d,
        json!({"op": "addExecutionInstance", "name": "far", "executionInstanceId": 9, "url": "http://127.0.0.1:8081", "remote": true}),
    );
    ok(&mut d, json!({"op": "addExecutionInstance", "name": "near", "executionInstanceId": 8}));
    for a in ["far", "near"] {
        ok(&mut d, json!({"op": "createArchivingWorkflow", "account": a}));
        start(&mut d, "control", &format!("mcSynch_{a}"));
    }
    // Nothing changed here on either: only the remote one's archiving is due (its changes are
    // made in its own process), at its next hourly tick.
    let due = q(&d, json!({"q": "nextDue"}));
    assert_eq!(due["name"], "mcSynch_far", "{due}");
    assert_eq!(q(&d, json!({"q": "accounts"}))[0]["remote"], true);
    let keys = q(&d, json!({"q": "instanceKeys", "instance": "far"}));
    assert_eq!(keys["own"], json!(["e/09/", "x/e/09/", "d/09/", "t/09/", "u/09/", "c/09/", "q/09/"]));
    assert_eq!(keys["archiveWrites"], json!(["c/09/"]));
    assert_eq!(code(d.query(&json!({"q": "instanceKeys", "instance": "nope"}))), "UNKNOWN_INSTANCE");
}

#[test]
fn authenticate_answers_as_the_soap_router_does() {
    let d = bare(1);
    let who = |token: &str, remote: &str| d.query(&json!({"q": "authenticate", "caller": {"remote": remote}, "token": token}));
    assert_eq!(who("admin/", "127.0.0.1").unwrap(), "admin");
    assert_eq!(code(who("admin/", "10.1.2.3")), "ACCESS_DENIED");
    assert_eq!(code(who("___nope", "127.0.0.1")), "SESSION_INVALID");
}

#[test]
fn a_remote_instance_takes_no_push_and_runs_no_workflow_here() {
    let mut d = bare(1);
    add_type(&mut d, "order");
    ok(
        &mut d,
        json!({"op": "addExecutionInstance", "name": "far", "executionInstanceId": 9, "url": "http://10.0.0.9:8080", "remote": true}),
    );
    let push = |d: &mut MemDriver, target: &str| {
        d.run(&json!({"op": "push", "target": target, "format": "json", "single": true, "text": r#"{"type":"order","email":"a@example.com","ctx":{}}"#}))
    };
    let before = d.store.clone();
    let e = push(&mut d, "far").unwrap_err();
    assert_eq!(e.code.as_str(), "NO_INSTANCE_AVAILABLE");
    assert!(e.message.contains("http://10.0.0.9:8080"), "{}", e.message);
    assert_eq!(code(push(&mut d, "loadBalancer")), "NO_INSTANCE_AVAILABLE", "the load balancer leaves it out");
    assert_eq!(d.store, before, "nothing written");
    assert_eq!(code(d.run(&json!({"op": "startWorkflow", "instance": "far", "name": "rtEventsProcessing"}))), "WORKFLOW_STATE");
    assert_eq!(code(d.command(&json!({"op": "runWorkflow", "instance": "far", "name": "rtEventsProcessing"}))), "WORKFLOW_STATE");
    // A local instance beside it takes the load balancer's pushes.
    add_instance(&mut d, "near", 1);
    assert!(push(&mut d, "loadBalancer").unwrap()["events"][0]["instance"] == "near");
}

/// The control of another process names the change records it consumed; this engine checks and
/// writes them: only its own change records, only losing pages, idempotent, all or nothing.
#[test]
fn consume_changes_only_shortens_this_process_change_log() {
    let mut d = running(7);
    let a = push1(&mut d, "exec1", "sent@mc-sim.test");
    advance(&mut d, 2 * SEC);
    let log = records(&d, "c/01/");
    assert!(!log.is_empty(), "the steps left a change log");
    let (first, value) = log.iter().next().map(|(k, v)| (k.clone(), v.clone())).unwrap();
    let before = snapshot(&d);

    // Anything but a change record of this process's instances: refused, nothing written.
    for (put, del, why) in [
        (json!([["c/01/zz", "x"]]), json!([]), "not a change record"),
        (json!([]), json!(["c/01/zz"]), "not a change record"),
        (json!([]), json!(["e/01/0000000000000/s"]), "not a change record"),
        (json!([]), json!(["m/settings"]), "not a change record"),
        (json!([]), json!(["c/02/000000000000/0000000000000000"]), "not a change record"),
        (json!([[first.clone(), "not a list"]]), json!([]), "not a list of pages"),
        (json!([[first.clone(), format!("{value},999999")]]), json!([]), "does not hold page"),
        (json!([[first.clone(), ""]]), json!([]), "would keep no page"),
        (json!([]), json!([first.clone(), first.clone()]), "named twice"),
        // A good record beside a bad one: the whole request is refused.
        (json!([]), json!([first.clone(), "c/01/zz"]), "not a change record"),
    ] {
        let r = d.run(&json!({"op": "consumeChanges", "put": put, "del": del}));
        let e = error(r);
        assert_eq!(e.code.as_str(), "INVALID_ARGUMENT", "{put} {del}");
        assert!(e.message.contains(why), "{put} {del}: {}", e.message);
        assert_eq!(snapshot(&d), before, "{put} {del}: nothing written");
    }

    // A consumption: deleted; again (a retry after a lost reply): nothing to do.
    let r = ok(&mut d, json!({"op": "consumeChanges", "del": [first.clone()]}));
    assert_eq!(r, json!({"deleted": 1, "shortened": 0, "already": 0}));
    assert!(!records(&d, "c/01/").contains_key(&first));
    let r = ok(&mut d, json!({"op": "consumeChanges", "del": [first.clone()]}));
    assert_eq!(r, json!({"deleted": 0, "shortened": 0, "already": 1}));

    // A record of three pages shortened to one, then the same again (already), then grown back
    // (refused).
    let key = message_center::keys::change_key(1, t0(), 999);
    d.store.insert(key.clone(), "3-5".into());
    d.reopen().unwrap();
    let r = ok(&mut d, json!({"op": "consumeChanges", "put": [[key.clone(), "4"]]}));
    assert_eq!(r, json!({"deleted": 0, "shortened": 1, "already": 0}));
    assert_eq!(d.store.get(&key).map(String::as_str), Some("4"));
    let r = ok(&mut d, json!({"op": "consumeChanges", "put": [[key.clone(), "4"]]}));
    assert_eq!(r, json!({"deleted": 0, "shortened": 0, "already": 1}));
    let e = error(d.run(&json!({"op": "consumeChanges", "put": [[key.clone(), "3-4"]]})));
    assert!(e.message.contains("does not hold page 3"), "{}", e.message);
    assert_eq!(d.store.get(&key).map(String::as_str), Some("4"));
    // The instance goes on: its events reach their statuses.
    advance(&mut d, HOUR);
    assert_eq!(status(&mut d, &a), "sent");
}
