//! The control's reports over its event history: the pivot, service level and processing time,
//! with the thresholds' levels.

mod common;

use common::*;
use message_center::driver::MemDriver;
use serde_json::{json, Value};

fn archived_platform() -> MemDriver {
    let mut d = setup_instances(2, &[("exec1", 1), ("exec2", 2)]);
    for n in ["exec1", "exec2"] {
        start_exec(&mut d, n);
        ok(&mut d, json!({"op": "createArchivingWorkflow", "account": n}));
        start(&mut d, "control", &format!("mcSynch_{n}"));
    }
    // 8 sent, 1 hard bounce, 1 not taken into account (type reset has no template).
    for (i, email) in ["sent@mc-sim.test"; 8].iter().chain(["hard@mc-sim.test"].iter()).enumerate() {
        push1(&mut d, if i % 2 == 0 { "exec1" } else { "exec2" }, &format!("{}+{i}@mc-sim.test", email.split('@').next().unwrap()));
        advance(&mut d, 20 * SEC);
    }
    push1_xml(&mut d, "exec1", "<rtEvent type='reset' email='x@example.com'><ctx/></rtEvent>");
    advance(&mut d, 2 * HOUR);
    d
}

fn kpi<'a>(list: &'a Value, key: &str) -> &'a Value {
    list.as_array().unwrap().iter().find(|k| k["key"] == key).unwrap_or_else(|| panic!("no {key}"))
}

#[test]
fn pivot_service_level_and_processing_time() {
    let mut d = archived_platform();
    let r = ok(&mut d, json!({"op": "report", "filter": {}}));
    let pivot = r["pivot"].as_array().unwrap();
    let order = pivot.iter().find(|p| p["type"] == "order").unwrap();
    assert_eq!(
        (&order["day"], &order["channel"], &order["events"], &order["sent"], &order["success"]),
        (&json!("2026-03-10"), &json!("email"), &json!(9), &json!(8), &json!(88.89))
    );
    assert_eq!(r["days"], json!([{"day": "2026-03-10", "events": 10, "sent": 8}]), "the pivot's totals by day");
    let reset = pivot.iter().find(|p| p["type"] == "reset").unwrap();
    assert_eq!((&reset["events"], &reset["sent"]), (&json!(1), &json!(0)));
    let sl = &r["serviceLevel"];
    assert_eq!(kpi(sl, "incomingVolume")["value"], 10.0);
    assert_eq!(kpi(sl, "outgoingVolume")["value"], 8.0);
    let er = kpi(sl, "errorRate");
    assert_eq!((&er["value"], &er["level"], &er["warning"], &er["alert"]), (&json!(20.0), &json!("alert"), &json!(1.0), &json!(5.0)));
    assert_eq!(kpi(sl, "incomingThroughput")["level"], "none");
    let pt = &r["processingTime"];
    let q = kpi(pt, "avgQueueTime")["value"].as_f64().unwrap();
    assert!((0.0..=10.0).contains(&q), "rtEventsProcessing every 10 s: {q}");
    assert_eq!(
        kpi(pt, "avgQueueTime")["level"],
        if q >= 8.0 {
            "alert"
        } else if q >= 4.0 {
            "warning"
        } else {
            "ok"
        }
    );
    let s = kpi(pt, "avgSendingTime")["value"].as_f64().unwrap();
    assert!((2.0..=5.0).contains(&s), "the simulated MTA sends in 2 to 5 s: {s}");
    let p = kpi(pt, "avgProcessingTime")["value"].as_f64().unwrap();
    assert!((p - (q + s)).abs() < 0.02);
    // A nearly empty queue is fine; so is an outgoing throughput far below the wizard's (lower is
    // worse there) while no backlog waits: a trainee's ten events are no red tile. It says why.
    assert_eq!(kpi(pt, "avgQueued")["level"], "ok");
    let out = kpi(sl, "outgoingThroughput");
    assert_eq!((&out["level"], &out["warning"], &out["alert"]), (&json!("ok"), &json!(18000.0), &json!(15000.0)));
    assert_eq!(
        out["note"],
        "below the thresholds, but at most 0 events waited in the real-time queue (fewer than 100, the max-queue warning): the throughput kept up with the incoming events"
    );
    assert_eq!(kpi(sl, "errorRate")["note"], Value::Null);
    let hours: u64 = r["hours"].as_array().unwrap().iter().map(|h| h["sent"].as_u64().unwrap()).sum();
    assert_eq!(hours, 8);
    // One instance, one channel, a period with nothing.
    let one = ok(&mut d, json!({"op": "report", "filter": {"instance": "exec2"}}));
    assert_eq!(kpi(&one["serviceLevel"], "incomingVolume")["value"], 4.0);
    let sms = ok(&mut d, json!({"op": "report", "filter": {"channel": 1}}));
    assert_eq!(kpi(&sms["serviceLevel"], "incomingVolume")["value"], 0.0);
    assert_eq!(kpi(&sms["serviceLevel"], "errorRate")["value"], Value::Null);
    let before = ok(&mut d, json!({"op": "report", "filter": {"from": "2026-03-01T00:00:00Z", "to": "2026-03-02T00:00:00Z"}}));
    assert_eq!(before["pivot"], json!([]));
    let week = ok(&mut d, json!({"op": "report", "filter": {"periodMs": 7 * DAY}}));
    assert_eq!(week["from"], iso(d.now() - 7 * DAY));
    assert_eq!(kpi(&week["serviceLevel"], "incomingVolume")["value"], 10.0);
}

#[test]
fn bad_report_filters_are_refused() {
    let mut d = archived_platform();
    let before = snapshot(&d);
    for (f, want) in [
        (json!({"from": "2026-03-10T10:00:00Z", "to": "2026-03-10T09:00:00Z"}), "INVALID_ARGUMENT"),
        (json!({"from": "2020-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}), "INVALID_ARGUMENT"),
        (json!({"from": "yesterday"}), "INVALID_DATE"),
        (json!({"instance": "nope"}), "UNKNOWN_INSTANCE"),
        (json!({"channel": "pigeon"}), "UNKNOWN_CHANNEL"),
        (json!({"colour": "red"}), "INVALID_ARGUMENT"),
        (json!({"from": "2026-03-10T10:00:00Z", "periodMs": 1000}), "INVALID_ARGUMENT"),
        (json!({"periodMs": 0}), "INVALID_ARGUMENT"),
    ] {
        assert_eq!(code(d.run(&json!({"op": "report", "filter": f}))), want, "{f}");
    }
    assert_eq!(snapshot(&d), before);
}

#[test]
fn a_low_outgoing_throughput_is_an_alert_once_a_backlog_waits() {
    // 150 events pushed while rtEventsProcessing is stopped: a queue of 150 at the hour boundaries.
    let mut d = setup_instances(3, &[("exec1", 1)]);
    ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "exec1"}));
    start(&mut d, "control", "mcSynch_exec1");
    for i in 0..150 {
        push1(&mut d, "exec1", &format!("u{i}@example.com"));
    }
    advance(&mut d, 2 * HOUR);
    start_exec(&mut d, "exec1");
    advance(&mut d, 2 * HOUR);
    let r = ok(&mut d, json!({"op": "report", "filter": {"periodMs": 4 * HOUR}}));
    assert!(kpi(&r["processingTime"], "maxQueued")["value"].as_f64().unwrap() >= 100.0, "{}", r["processingTime"]);
    let out = kpi(&r["serviceLevel"], "outgoingThroughput");
    assert_eq!((&out["level"], &out["note"]), (&json!("alert"), &Value::Null), "{out}");
}

#[test]
fn the_history_is_campaigns_pivot_year_quarter_month_and_event_type_by_channel() {
    let mut d = archived_platform();
    let r = ok(&mut d, json!({"op": "report", "filter": {}}));
    let h = &r["history"];
    assert_eq!(h["channels"], json!(["email"]), "the columns: the channels met");
    let year = &h["rows"][0];
    assert_eq!((&year["level"], &year["label"]), (&json!("year"), &json!("2026")));
    let cell = |n: &Value, i: usize| (n["cells"][i]["events"].clone(), n["cells"][i]["sent"].clone(), n["cells"][i]["success"].clone());
    assert_eq!(cell(year, 0), (json!(10), json!(8), json!(80.0)));
    assert_eq!(year["total"], json!({"events": 10, "sent": 8, "success": 80.0}));
    let quarter = &year["children"][0];
    assert_eq!((&quarter["level"], &quarter["label"]), (&json!("quarter"), &json!("Q1 2026")));
    let month = &quarter["children"][0];
    assert_eq!((&month["level"], &month["label"]), (&json!("month"), &json!("March 2026")));
    let types: Vec<(String, Value)> = month["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["label"].as_str().unwrap().to_string(), t["total"]["events"].clone()))
        .collect();
    assert_eq!(types, [("order".to_string(), json!(9)), ("reset".to_string(), json!(1))]);
    let order = &month["children"][0];
    assert_eq!((&order["level"], cell(order, 0)), (&json!("eventType"), (json!(9), json!(8), json!(88.89))));
    assert_eq!(order["children"], json!([]));
    // Nothing in the period: no row.
    let before = ok(&mut d, json!({"op": "report", "filter": {"from": "2026-03-01T00:00:00Z", "to": "2026-03-02T00:00:00Z"}}));
    assert_eq!(before["history"], json!({"channels": [], "rows": []}));
}
