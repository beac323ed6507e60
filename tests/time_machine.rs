//! The list as it stood at any moment (issue 16, item 4, and the chart over the period shown):
//! `listEvents` and `getEvent` with `asOf` show each event's status, history and delivery log as
//! they were then, from the events' own histories; `statusOverTime` counts the statuses at points
//! of a period, and agrees with the list at every point.

mod common;

use common::*;
use message_center::error::ErrorCode;
use serde_json::{json, Value};

fn list_as_of(d: &mut message_center::driver::MemDriver, t: i64) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = ok(d, json!({"op": "listEvents", "filter": {"instance": "exec1", "asOf": t, "limit": 500, "after": after}}));
        out.extend(page["events"].as_array().unwrap().iter().cloned());
        match page["next"].as_str() {
            Some(n) => after = Some(n.to_string()),
            None => return out,
        }
    }
}

fn over_time(d: &mut message_center::driver::MemDriver, filter: Value, extra: Value) -> Value {
    let mut r = json!({"op": "statusOverTime", "filter": filter});
    r.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    ok(d, r)
}

fn by_status(events: &[Value]) -> Value {
    let mut c = serde_json::Map::new();
    for s in ["pending", "pendingDelivery", "sent", "ignored", "deliveryFailed", "notTakenIntoAccount", "expired"] {
        c.insert(s.to_string(), json!(events.iter().filter(|e| e["status"] == s).count()));
    }
    Value::Object(c)
}

#[test]
fn an_event_as_it_stood_at_three_moments() {
    let mut d = running(11);
    // Between two ticks of rtEventsProcessing: the event waits, Pending, for a few seconds.
    advance(&mut d, 1000);
    let t0 = d.now();
    let id = push1(&mut d, "exec1", "sent@mc-sim.test");
    let routed = q(&d, json!({"q": "nextDue"}))["at"].as_i64().unwrap();
    advance(&mut d, HOUR);
    let now = get(&mut d, &id);
    assert_eq!(now["event"]["status"], "sent");
    let history = now["event"]["history"].as_array().unwrap().clone();
    assert_eq!(history.len(), 3, "{history:?}");
    let sent_at = ms(history[2]["at"].as_str().unwrap());

    // Before it was pushed: it did not exist.
    let e = error(d.run(&json!({"op": "getEvent", "id": id, "asOf": t0 - 1})));
    assert_eq!(e.code, ErrorCode::UnknownEvent);
    assert!(e.message.contains("did not exist yet at "), "{}", e.message);

    // Pushed: Pending, nothing routed, no delivery log.
    let then = ok(&mut d, json!({"op": "getEvent", "id": id, "asOf": t0}));
    assert_eq!(then["event"]["status"], "pending");
    assert_eq!(then["event"]["history"].as_array().unwrap().len(), 1);
    assert_null(&then, "broadLog");
    assert_eq!(then["event"]["template"], Value::Null);
    assert_eq!(
        then["why"],
        format!(
            "As it stood at {} UTC: Pending since {} UTC (PushEvent).",
            iso(t0)[..19].replace('T', " "),
            iso(t0)[..19].replace('T', " ")
        )
    );

    // Routed, not yet at the MTA.
    let routed_at = ms(history[1]["at"].as_str().unwrap());
    let then = ok(&mut d, json!({"op": "getEvent", "id": id, "asOf": routed_at + 1}));
    assert_eq!(then["event"]["status"], "pendingDelivery");
    assert_eq!(then["event"]["history"].as_array().unwrap().len(), 2);
    assert_eq!(then["broadLog"]["statusCode"], 6, "{}", then["broadLog"]);
    assert_eq!(then["broadLog"]["log"].as_array().unwrap().len(), 1, "only the preparation: {}", then["broadLog"]);
    assert_eq!(then["broadLog"]["sentAt"], Value::Null);
    // Sent by the MTA, the status not yet copied to the event.
    let then = ok(&mut d, json!({"op": "getEvent", "id": id, "asOf": sent_at - 1}));
    assert_eq!(then["event"]["status"], "pendingDelivery");
    assert_eq!(then["broadLog"]["status"], "Sent");
    assert!(then["timeline"].as_array().unwrap().iter().any(|s| s["ongoing"] == true), "{}", then["timeline"]);
    assert!(routed <= sent_at);

    // Sent, as now.
    let then = ok(&mut d, json!({"op": "getEvent", "id": id, "asOf": sent_at}));
    assert_eq!(then["event"]["status"], "sent");
    assert_eq!(then["event"]["history"], json!(history));
}

#[test]
fn the_list_and_the_counts_agree_at_every_moment() {
    let mut d = running(12);
    ok(&mut d, json!({"op": "configure", "config": {"rejectUnknownEventType": false}}));
    advance(&mut d, 1000);
    let t0 = d.now();
    for (i, a) in ["sent@mc-sim.test", "hard@mc-sim.test", "soft@mc-sim.test", "a@example.com"].iter().enumerate() {
        push1(&mut d, "exec1", a);
        advance(&mut d, (i as i64 + 1) * 7 * MIN);
    }
    push1_xml(&mut d, "exec1", "<rtEvent type='nosuchtype' email='x@example.com'><ctx/></rtEvent>");
    advance(&mut d, DAY);
    let end = d.now();
    let ot = over_time(&mut d, json!({"instance": "exec1"}), json!({"points": 40}));
    assert_eq!(ot["start"], iso(t0), "the period starts at the oldest event");
    assert_eq!(ot["end"], iso(end));
    assert_eq!(ot["events"], 5);
    let points = ot["points"].as_array().unwrap();
    assert_eq!(points.len(), 40);
    assert_eq!(points[0]["ms"], t0);
    assert_eq!(points[39]["ms"], end);
    let mut seen = std::collections::BTreeSet::new();
    for p in points {
        let t = p["ms"].as_i64().unwrap();
        let list = list_as_of(&mut d, t);
        assert_eq!(p["byStatus"], by_status(&list), "at {}", p["at"]);
    }
    // And at every change of every event, and just before it.
    let mut moments = std::collections::BTreeSet::new();
    for e in list_as_of(&mut d, end) {
        for c in get(&mut d, e["id"].as_str().unwrap())["event"]["history"].as_array().unwrap() {
            let a = ms(c["at"].as_str().unwrap());
            moments.extend([a - 1, a]);
        }
    }
    for t in moments {
        let list = list_as_of(&mut d, t);
        let one = over_time(&mut d, json!({"instance": "exec1"}), json!({"points": 1, "end": t}));
        assert_eq!(one["points"][0]["byStatus"], by_status(&list), "at {}", iso(t));
        for e in &list {
            seen.insert(e["status"].as_str().unwrap().to_string());
        }
    }
    // The points went through every status these events had.
    for s in ["pending", "pendingDelivery", "sent", "deliveryFailed", "notTakenIntoAccount"] {
        assert!(seen.contains(s), "{s} never seen: {seen:?}");
    }
    // The last point is now: the counts of the counters.
    let counts = q(&d, json!({"q": "counts", "instance": "exec1"}));
    assert_eq!(points[39]["byStatus"], counts["byStatus"]);

    // A status filter applies to the status then.
    let pending_then = ok(&mut d, json!({"op": "listEvents", "filter": {"instance": "exec1", "asOf": t0, "status": "pending"}}));
    assert_eq!(pending_then["events"].as_array().unwrap().len(), 1);
    assert_eq!(pending_then["total"], Value::Null, "no exact total as of a moment");
    let sent_then = ok(&mut d, json!({"op": "listEvents", "filter": {"instance": "exec1", "asOf": t0, "query": "status:sent"}}));
    assert_eq!(sent_then["events"], json!([]));

    // One point: the counts at one moment.
    let one = over_time(&mut d, json!({"instance": "exec1"}), json!({"points": 1, "end": t0}));
    assert_eq!(one["points"][0]["byStatus"]["pending"], 1);

    // The control's history as of a moment: what it holds now, with the statuses then.
    let h = over_time(&mut d, json!({"instance": "control"}), json!({"points": 5, "start": t0, "end": end}));
    assert_eq!(h["points"][4]["byStatus"], q(&d, json!({"q": "counts", "instance": "control"}))["byStatus"]);

    // Filters: the queue, the type, an address term (which reads the events' data).
    let by_type = over_time(&mut d, json!({"instance": "exec1", "type": "order"}), json!({"points": 2}));
    assert_eq!(by_type["events"], 4);
    let by_address = over_time(&mut d, json!({"instance": "exec1", "query": "email:hard@mc-sim.test"}), json!({"points": 2}));
    assert_eq!(by_address["events"], 1);
    assert_eq!(by_address["points"][1]["byStatus"]["deliveryFailed"], 1);
}

#[test]
fn bad_moments_and_periods_are_clear_errors() {
    let mut d = running(13);
    push1(&mut d, "exec1", "a@example.com");
    let base = json!({"instance": "exec1"});
    for (extra, code, msg) in [
        (json!({"points": 0}), ErrorCode::InvalidArgument, "points must be between 1 and 1000"),
        (json!({"points": 1001}), ErrorCode::InvalidArgument, "points must be between 1 and 1000"),
        (json!({"start": "2026-03-02", "end": "2026-03-01"}), ErrorCode::InvalidArgument, "the period's start is after its end"),
        (json!({"start": "yesterday"}), ErrorCode::InvalidDate, ""),
    ] {
        let mut r = json!({"op": "statusOverTime", "filter": base});
        r.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let e = error(d.run(&r));
        assert_eq!(e.code, code, "{extra}: {}", e.message);
        assert!(e.message.contains(msg), "{extra}: {}", e.message);
    }
    let e = error(d.run(&json!({"op": "statusOverTime", "filter": {"instance": "exec1", "asOf": 5}})));
    assert!(e.message.starts_with("statusOverTime: the filter takes no asOf"), "{}", e.message);
    let e = error(d.run(&json!({"op": "statusOverTime", "filter": {"instance": "nowhere"}})));
    assert_eq!(e.code, ErrorCode::UnknownInstance);
    let e = error(d.run(&json!({"op": "listEvents", "filter": {"instance": "exec1", "asOf": "not a date"}})));
    assert_eq!(e.code, ErrorCode::InvalidDate);
    assert!(e.message.starts_with("asOf: "), "{}", e.message);
    let e = error(d.run(&json!({"op": "getEvent", "id": "72057594037927937", "asOf": -5})));
    assert_eq!(e.code, ErrorCode::InvalidArgument);
    // No event at all: no start, no point.
    let mut empty = running(14);
    let ot = over_time(&mut empty, json!({"instance": "exec1"}), json!({}));
    assert_eq!(ot["start"], Value::Null);
    assert_eq!(ot["points"], json!([]));
    assert_eq!(ot["events"], 0);
}
