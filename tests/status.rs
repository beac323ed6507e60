//! Event statuses: every transition, labels and codes, timestamps, counters, mcPing, waitForStatus.

mod common;

use common::*;
use message_center::driver::MemDriver;
use serde_json::{json, Value};

fn statuses(e: &Value) -> Vec<String> {
    e["event"]["history"].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap().to_string()).collect()
}

#[test]
fn life_cycle_of_a_sent_event() {
    let mut d = running(1);
    let id = push1(&mut d, "exec1", "sent@mc-sim.test");
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["statusCode"], 0);
    assert_null(&e, "event.processing");
    assert_null(&e, "event.processed");
    assert_null(&e, "broadLog");

    advance(&mut d, SEC);
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["status"], "pendingDelivery");
    assert_eq!(e["event"]["statusLabel"], "Pending delivery");
    assert_eq!(e["event"]["restStatus"], "processing");
    assert_eq!(e["event"]["statusCode"], 1);
    assert_eq!(e["event"]["processing"], iso(t0()));
    assert_null(&e, "event.processed");
    assert_eq!(e["broadLog"]["status"], "Pending");
    assert_eq!(e["broadLog"]["statusCode"], 6);
    assert!(e["broadLog"]["nextAction"].is_string());

    advance(&mut d, MIN);
    let e = get(&mut d, &id);
    assert_eq!(statuses(&e), ["pending", "pendingDelivery", "sent"]);
    assert_eq!(e["event"]["statusCode"], 2);
    assert_eq!(e["event"]["processed"], iso(t0() + MIN));
    assert_eq!(e["event"]["lastModified"], iso(t0() + MIN));
    let h = e["event"]["history"].as_array().unwrap();
    assert_eq!(h[0]["by"], "PushEvent");
    assert_eq!(h[1]["by"], "rtEventsProcessing#1");
    assert_eq!(h[1]["note"], "routed to 'confirm_rt'");
    assert_eq!(h[2]["by"], "updateEventsStatus#1");

    // Final: nothing moves it any more.
    let before = d.store.get(&format!("e/{}", hex(&id))).cloned();
    advance(&mut d, DAY);
    assert_eq!(d.store.get(&format!("e/{}", hex(&id))).cloned(), before);
}

#[test]
fn status_codes_labels_and_rest_names() {
    let mut d = running(1);
    let ids: Vec<(String, &str, u64, &str, &str)> = vec![
        (push1(&mut d, "exec1", "sent@mc-sim.test"), "sent", 2, "Sent", "processed"),
        (push1(&mut d, "exec1", "ignored@mc-sim.test"), "ignored", 3, "Ignored by the delivery", "ignored"),
        (push1(&mut d, "exec1", "hard@mc-sim.test"), "deliveryFailed", 4, "Delivery failed", "deliveryFailed"),
        (
            push1_xml(&mut d, "exec1", "<rtEvent type='reset' email='a@example.com'><ctx/></rtEvent>"),
            "notTakenIntoAccount",
            5,
            "Event not taken into account",
            "routingFailed",
        ),
        (push1(&mut d, "exec1", "procerr@mc-sim.test"), "expired", 6, "Event expired", "tooOld"),
    ];
    advance(&mut d, HOUR);
    for (id, name, code, label, rest) in ids {
        let e = get(&mut d, &id);
        assert_eq!(e["event"]["status"], name);
        assert_eq!(e["event"]["statusCode"], code);
        assert_eq!(e["event"]["statusLabel"], label);
        assert_eq!(e["event"]["restStatus"], rest);
        assert!(e["event"]["processed"].is_string(), "{name}: processed is set on a final status");
    }
}

#[test]
fn a_pending_delivery_event_never_goes_back_to_pending() {
    let mut d = running(1);
    let id = push1(&mut d, "exec1", "delay-1h@mc-sim.test");
    advance(&mut d, MIN);
    assert_eq!(status(&mut d, &id), "pendingDelivery");
    // Unpublishing the template does not touch routed events.
    ok(&mut d, json!({"op": "unpublish", "name": "confirm"}));
    advance(&mut d, 30 * MIN);
    assert_eq!(status(&mut d, &id), "pendingDelivery");
    advance(&mut d, HOUR);
    let e = get(&mut d, &id);
    assert_eq!(statuses(&e), ["pending", "pendingDelivery", "sent"]);
    // Sent is final: it will never be Pending again.
    assert!(blocked(&mut d, &id, "pending").contains("final status"));
    // Pending delivery never goes back to Pending.
    let other = push1(&mut d, "exec1", "delay-1h@mc-sim.test");
    ok(&mut d, json!({"op": "publish", "name": "confirm"}));
    advance(&mut d, MIN);
    assert_eq!(status(&mut d, &other), "pendingDelivery");
    assert!(blocked(&mut d, &other, "pending").contains("never goes back"));
}

#[test]
fn ignored_and_failed_events_become_final_from_pending_delivery_only() {
    let mut d = running(1);
    let ign = push1(&mut d, "exec1", "ignored@mc-sim.test");
    let hard = push1(&mut d, "exec1", "hard@mc-sim.test");
    advance(&mut d, MIN);
    for (id, want) in [(&ign, "ignored"), (&hard, "deliveryFailed")] {
        let e = get(&mut d, id);
        assert_eq!(statuses(&e), ["pending", "pendingDelivery", want]);
    }
    advance(&mut d, DAY);
    assert_eq!(statuses(&get(&mut d, &ign)).len(), 3);
    assert_eq!(statuses(&get(&mut d, &hard)).len(), 3);
}

#[test]
fn counts_follow_every_transition() {
    let mut d = running(1);
    let by = |d: &MemDriver| q(d, json!({"q": "counts", "instance": "exec1"}))["byStatus"].clone();
    let zero = by(&d);
    assert_eq!(
        zero,
        json!({"pending": 0, "pendingDelivery": 0, "sent": 0, "ignored": 0, "deliveryFailed": 0, "notTakenIntoAccount": 0, "expired": 0})
    );
    push1(&mut d, "exec1", "sent@mc-sim.test");
    push1(&mut d, "exec1", "hard@mc-sim.test");
    push1_xml(&mut d, "exec1", "<batchEvent type='order' email='sent@mc-sim.test'><ctx/></batchEvent>");
    let c = by(&d);
    assert_eq!(c["pending"], 3);
    advance(&mut d, SEC);
    let c = by(&d);
    assert_eq!((c["pending"].as_i64(), c["pendingDelivery"].as_i64()), (Some(0), Some(3)));
    advance(&mut d, MIN);
    let c = by(&d);
    assert_eq!((c["sent"].as_i64(), c["deliveryFailed"].as_i64(), c["pendingDelivery"].as_i64()), (Some(2), Some(1), Some(0)));
    let all = q(&d, json!({"q": "counts", "instance": "exec1"}));
    assert_eq!(all["total"], 3);
    let rt = q(&d, json!({"q": "counts", "instance": "exec1", "queue": "rt"}));
    assert_eq!(rt["total"], 2);
    let batch = q(&d, json!({"q": "counts", "instance": "exec1", "queue": "batch", "type": "order", "channel": "email"}));
    assert_eq!(batch["byStatus"]["sent"], 1);
    assert_eq!(q(&d, json!({"q": "counts", "instance": "exec1", "type": "reset"}))["total"], 0);
    assert_eq!(q(&d, json!({"q": "counts", "instance": "exec1", "channel": 1}))["total"], 0);
    assert_eq!(code(d.query(&json!({"q": "counts", "instance": "nope"}))), "UNKNOWN_INSTANCE");
    assert_eq!(code(d.query(&json!({"q": "counts", "instance": "exec1", "queue": "x"}))), "INVALID_ARGUMENT");
}

#[test]
fn mc_ping_counts_pending_real_time_events() {
    let mut d = setup(1);
    let p = q(&d, json!({"q": "mcPing", "instance": "exec1"}));
    assert_eq!(p["status"], "Ok");
    assert_eq!(p["text"], "Ok\n2026-03-10 12:00:00.000Z\n0/400 pending events");
    for _ in 0..3 {
        push1(&mut d, "exec1", "a@example.com");
    }
    push1_xml(&mut d, "exec1", "<batchEvent type='order' email='a@example.com'><ctx/></batchEvent>");
    let p = q(&d, json!({"q": "mcPing", "instance": "exec1"}));
    assert_eq!(p["pending"], 3, "batch events are not counted");
    ok(&mut d, json!({"op": "configure", "config": {"rtQueueAlert": 2}}));
    let p = q(&d, json!({"q": "mcPing", "instance": "exec1"}));
    assert_eq!(p["status"], "Error");
    assert_eq!(p["text"], "Error\nThe queue is full (3/2)");
    start(&mut d, "exec1", "rtEventsProcessing");
    advance(&mut d, SEC);
    assert_eq!(q(&d, json!({"q": "mcPing", "instance": "exec1"}))["text"], "Ok\n2026-03-10 12:00:01.000Z\n0/2 pending events");
    assert_eq!(code(d.query(&json!({"q": "mcPing", "instance": "control"}))), "UNKNOWN_INSTANCE");
}

#[test]
fn wait_explains_what_blocks() {
    let mut d = setup(1);
    let rt = push1(&mut d, "exec1", "sent@mc-sim.test");
    let batch = push1_xml(&mut d, "exec1", "<batchEvent type='order' email='sent@mc-sim.test'><ctx/></batchEvent>");
    let bounce = push1(&mut d, "exec1", "bounce-30m@mc-sim.test");
    let ignored = push1(&mut d, "exec1", "ignored@mc-sim.test");
    // Execution workflows start out stopped.
    assert!(blocked(&mut d, &rt, "sent").contains("rtEventsProcessing on 'exec1' is not started"));
    assert!(blocked(&mut d, &batch, "sent").contains("batchEventsProcessing"));
    start(&mut d, "exec1", "rtEventsProcessing");
    run_all(&mut d, "exec1", "rtEventsProcessing").unwrap();
    assert_eq!(status(&mut d, &rt), "pendingDelivery");
    assert!(blocked(&mut d, &rt, "sent").contains("updateEventsStatus"));
    ok(&mut d, json!({"op": "stopWorkflow", "instance": "exec1", "name": "mta"}));
    assert!(blocked(&mut d, &rt, "Sent").contains("MTA"), "labels are accepted");
    start(&mut d, "exec1", "mta");
    start(&mut d, "exec1", "updateEventsStatus");
    // Reached: the event itself, after the steps it took.
    let e = wait(&mut d, &rt, "processed").unwrap();
    assert_eq!(e["status"], "sent", "REST names are accepted");
    let e = wait(&mut d, &ignored, "ignored").unwrap();
    assert_eq!(e["statusLabel"], "Ignored by the delivery");
    assert!(blocked(&mut d, &ignored, "sent").contains("final"));
    // A Sent event with a bounce to come can still fail; with the MTA stopped it never will.
    assert_eq!(wait(&mut d, &bounce, "sent").unwrap()["status"], "sent");
    ok(&mut d, json!({"op": "stopWorkflow", "instance": "exec1", "name": "mta"}));
    assert!(blocked(&mut d, &bounce, "deliveryFailed").contains("MTA"));
    start(&mut d, "exec1", "mta");
    assert_eq!(wait(&mut d, &bounce, "deliveryFailed").unwrap()["status"], "deliveryFailed");
    // A deadline: nothing due before it.
    ok(&mut d, json!({"op": "stopWorkflow", "instance": "exec1", "name": "rtEventsProcessing"}));
    let late = push1_xml(&mut d, "exec1", "<batchEvent type='order' email='sent@mc-sim.test'><ctx/></batchEvent>");
    start(&mut d, "exec1", "batchEventsProcessing");
    let e = error(d.command(&json!({"op": "waitForStatus", "id": late, "status": "sent", "maxMs": 1000})));
    assert_eq!(e.code.as_str(), "WAIT_TIMEOUT", "{e}");
    assert!(e.message.contains("still 'Pending'"), "{e}");
    assert_eq!(code(wait(&mut d, &rt, "bogus")), "INVALID_ARGUMENT");
    assert_eq!(code(wait(&mut d, "12", "sent")), "UNKNOWN_EVENT");
    assert_eq!(code(wait(&mut d, "x", "sent")), "INVALID_EVENT_ID");
}

#[test]
fn update_events_status_takes_the_statuses_to_copy_page_by_page() {
    // 1,280 events (10 pages) routed at once: their messages go out over several one-second MTA
    // waves (the send jitter), each wave holding events of every page. updateEventsStatus takes
    // the statuses to copy lowest id first across the waves, so that each step's events share
    // pages: each state page is rewritten about once, not once per wave.
    let mut d = running(1);
    ok(&mut d, json!({"op": "configure", "config": {"batchSize": 256, "email": {"hardPpm": 0, "softPpm": 0, "asyncBouncePpm": 0}}}));
    for k in 0..10 {
        let evs: String = (0..128).map(|i| rt_xml(&format!("p{k}x{i}@example.com"))).collect();
        push_xml(&mut d, "exec1", &format!("<E>{evs}</E>")).unwrap();
    }
    ok(&mut d, json!({"op": "stopWorkflow", "instance": "exec1", "name": "updateEventsStatus"}));
    advance(&mut d, MIN);
    let waves = keys(&d, "u/01/").len();
    assert!(waves >= 3, "{waves} MTA waves");
    ok(&mut d, json!({"op": "startWorkflow", "instance": "exec1", "name": "updateEventsStatus"}));
    let mut state_writes = 0;
    loop {
        let before = records(&d, "e/01/");
        let r = run_wf(&mut d, "exec1", "updateEventsStatus").unwrap();
        let after = records(&d, "e/01/");
        state_writes += after.iter().filter(|(k, v)| k.ends_with("/s") && before.get(*k) != Some(*v)).count();
        if r["more"] != true {
            break;
        }
    }
    let sent = q(&d, json!({"q": "counts", "instance": "exec1"}))["byStatus"]["sent"].as_u64().unwrap();
    assert_eq!(sent, 1280);
    assert!(state_writes <= 10 + 5, "{state_writes} state-page writes for 10 pages over {waves} waves");
    check_integrity(&d);
}

#[test]
fn a_status_copy_step_rewrites_only_the_queue_records_it_took_from() {
    // Statuses to copy of 4 pages, queued page after page (updateEventsStatus stopped): a step of
    // one page's worth takes the lowest ids and leaves the records of the other pages as they were,
    // so that a step costs what it takes, whatever the backlog.
    let mut d = running(1);
    ok(&mut d, json!({"op": "configure", "config": {"batchSize": 128, "email": {"hardPpm": 0, "softPpm": 0, "asyncBouncePpm": 0}}}));
    ok(&mut d, json!({"op": "stopWorkflow", "instance": "exec1", "name": "updateEventsStatus"}));
    for k in 0..4 {
        let evs: String = (0..128).map(|i| rt_xml(&format!("q{k}x{i}@example.com"))).collect();
        push_xml(&mut d, "exec1", &format!("<E>{evs}</E>")).unwrap();
        advance(&mut d, MIN);
    }
    ok(&mut d, json!({"op": "startWorkflow", "instance": "exec1", "name": "updateEventsStatus"}));
    let before = records(&d, "u/01/");
    assert!(before.len() >= 8, "{} records", before.len());
    let r = run_wf(&mut d, "exec1", "updateEventsStatus").unwrap();
    assert_eq!(r["more"], true);
    let after = records(&d, "u/01/");
    let kept = before.iter().filter(|(k, v)| after.get(*k) == Some(*v)).count();
    assert!(kept >= before.len() / 2, "{kept} of {} records untouched", before.len());
    assert_eq!(q(&d, json!({"q": "counts", "instance": "exec1"}))["byStatus"]["sent"], 128, "the first page, lowest ids first");
    run_all(&mut d, "exec1", "updateEventsStatus").unwrap();
    assert_eq!(q(&d, json!({"q": "counts", "instance": "exec1"}))["byStatus"]["sent"], 512);
    assert!(records(&d, "u/01/").is_empty());
    check_integrity(&d);
}
