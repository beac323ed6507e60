//! An event's story in plain words: "Why?" (what an event not in a final status waits for) and
//! its timeline with durations and the workflow run behind each step.

mod common;

use common::*;
use serde_json::{json, Value};

fn why(d: &mut message_center::driver::MemDriver, id: &str) -> Value {
    get(d, id)["why"].clone()
}

#[test]
fn why_names_the_stopped_workflow_the_schedule_and_the_retries() {
    let mut d = setup(1);
    let id = push1(&mut d, "exec1", "ada@example.com");
    assert_eq!(why(&mut d, &id), "rtEventsProcessing is stopped on exec1: the event waits in the queue until it runs");
    let at10 = iso(t0() + 2 * HOUR);
    let sched = push1_xml(&mut d, "exec1", &format!("<rtEvent type='order' email='b@example.com' scheduled='{at10}'><ctx/></rtEvent>"));
    assert!(
        why(&mut d, &sched)
            .as_str()
            .unwrap()
            .starts_with("scheduled for 14:00:00: it is not processed before then; rtEventsProcessing is stopped on exec1"),
        "{}",
        why(&mut d, &sched)
    );
    start_exec(&mut d, "exec1");
    assert!(
        why(&mut d, &id).as_str().unwrap().starts_with("waiting in the queue for rtEventsProcessing on exec1: its next run is at 12:00:"),
        "{}",
        why(&mut d, &id)
    );

    let procerr = push1(&mut d, "exec1", "procerr-2@mc-sim.test");
    advance(&mut d, 15 * SEC);
    let w = why(&mut d, &procerr);
    assert!(
        w.as_str().unwrap().starts_with("retry after a processing error at 12:00:00, 1 of 5 tries: it is processed again at 12:01:00"),
        "{w}"
    );

    let soft = push1(&mut d, "exec1", "soft@mc-sim.test");
    advance(&mut d, 30 * SEC);
    let w = why(&mut d, &soft);
    assert!(w.as_str().unwrap().starts_with("the MTA retries a soft bounce at "), "{w}");
    assert!(w.as_str().unwrap().contains("after 1 tries"), "{w}");

    ok(&mut d, json!({"op": "stopWorkflow", "instance": "exec1", "name": "updateEventsStatus"}));
    let sent = push1(&mut d, "exec1", "sent@mc-sim.test");
    advance(&mut d, 2 * MIN);
    assert_eq!(
        why(&mut d, &sent),
        "the delivery log is Sent, and updateEventsStatus is stopped on exec1: the event keeps Pending delivery until it copies the status"
    );
    start(&mut d, "exec1", "updateEventsStatus");
    advance(&mut d, 2 * MIN);
    assert_eq!(status(&mut d, &sent), "sent");
    assert!(
        why(&mut d, &sent).as_str().unwrap().starts_with("Sent: delivered by the MTA at "),
        "final: its cause (tests/why_final.rs has every status): {}",
        why(&mut d, &sent)
    );
    let bounce = push1(&mut d, "exec1", "bounce-1h@mc-sim.test");
    advance(&mut d, 5 * MIN);
    assert!(why(&mut d, &bounce).as_str().unwrap().starts_with("Sent, but an asynchronous bounce arrives at "), "{}", why(&mut d, &bounce));
}

#[test]
fn the_timeline_has_each_step_with_its_duration_and_run() {
    let mut d = running(1);
    ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "exec1"}));
    start(&mut d, "control", "mcSynch_exec1");
    advance(&mut d, 3 * SEC);
    let id = push1(&mut d, "exec1", "sent@mc-sim.test");
    let t = get(&mut d, &id)["timeline"].clone();
    assert_eq!(t.as_array().unwrap().len(), 1);
    assert_eq!((&t[0]["label"], &t[0]["ongoing"], &t[0]["to"]), (&json!("Time in the queue"), &json!(true), &Value::Null));
    advance(&mut d, 2 * HOUR);
    let s = get(&mut d, &id);
    assert_eq!(s["event"]["status"], "sent");
    let t = s["timeline"].as_array().unwrap().clone();
    let labels: Vec<&str> = t.iter().map(|x| x["label"].as_str().unwrap()).collect();
    assert_eq!(
        labels,
        ["Time in the queue", "Routing", "Time at the MTA", "Time to the status copy", "Archiving (to the control's event history)"]
    );
    // The event was pushed at 12:00:03; rtEventsProcessing runs every 10 s.
    assert_eq!(t[0]["durationMs"], 7000);
    assert!(t[0]["by"].as_str().unwrap().starts_with("rtEventsProcessing#"));
    assert!(t[2]["by"].as_str().unwrap().starts_with("mta#"));
    assert!(t[3]["by"].as_str().unwrap().starts_with("updateEventsStatus#"));
    assert!(t.iter().all(|x| x["ongoing"] == false && x["durationMs"].as_i64().unwrap() >= 0));
    for w in t.windows(2) {
        assert!(w[0]["to"].as_str() <= w[1]["to"].as_str(), "in order: {w:?}");
    }
    // Not taken into account: only the time in the queue.
    let nt = push1_xml(&mut d, "exec1", "<rtEvent type='reset' email='x@example.com'><ctx/></rtEvent>");
    advance(&mut d, MIN);
    let s = get(&mut d, &nt);
    assert_eq!(s["event"]["status"], "notTakenIntoAccount");
    assert_eq!(s["timeline"].as_array().unwrap().len(), 1);
    assert!(s["why"].as_str().unwrap().starts_with("Event not taken into account: "), "{}", s["why"]);
}
