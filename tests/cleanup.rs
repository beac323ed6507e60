//! Database cleanup: execution events purged after 30 days, archived events on the control after
//! 360 days, with everything that points to them.

mod common;

use common::*;
use message_center::driver::MemDriver;
use serde_json::json;

/// exec1 fully running and archived; exec2 with only rtEventsProcessing started and no archiving
/// workflow, so that its records keep queue entries of every kind (d/, t/, u/, c/).
fn scenario() -> (MemDriver, Vec<String>, Vec<String>) {
    let mut d = setup_instances(1, &[("exec1", 1), ("exec2", 2)]);
    start_exec(&mut d, "exec1");
    start(&mut d, "exec2", "rtEventsProcessing");
    ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "exec1"}));
    let mut e1 = vec![
        push1(&mut d, "exec1", "sent@mc-sim.test"),
        push1(&mut d, "exec1", "hard@mc-sim.test"),
        push1(&mut d, "exec1", "bounce-1000h@mc-sim.test"),
        push1_xml(&mut d, "exec1", "<rtEvent type='reset' email='a@example.com'><ctx/></rtEvent>"),
    ];
    let e2 = vec![
        push1(&mut d, "exec2", "sent@mc-sim.test"),
        push1(&mut d, "exec2", "delay-1000h@mc-sim.test"),
        push1_xml(&mut d, "exec2", "<batchEvent type='order' email='sent@mc-sim.test'><ctx/></batchEvent>"),
    ];
    advance(&mut d, 2 * HOUR);
    // One more a day later: purged a day later.
    advance_to(&mut d, t0() + DAY);
    e1.push(push1(&mut d, "exec1", "sent@mc-sim.test"));
    advance(&mut d, 2 * HOUR);
    (d, e1, e2)
}

fn points_to(d: &MemDriver, id: &str) -> Vec<String> {
    let h = hex(id);
    let inv = format!("{:016x}", u64::MAX - id.parse::<u64>().unwrap());
    d.store
        .iter()
        .filter(|(k, v)| {
            let exec = ["e/", "b/", "d/", "t/", "u/", "c/"].iter().any(|p| k.starts_with(p)) && (k.ends_with(&h) || v.as_str() == h);
            let index = k.starts_with("x/i") && k.ends_with(&inv);
            exec || index
        })
        .map(|(k, _)| k.clone())
        .collect()
}

#[test]
fn execution_events_are_purged_after_30_days_with_everything_pointing_to_them() {
    let (mut d, e1, e2) = scenario();
    // Before the purge: every kind of entry exists.
    for p in ["d/02/", "t/01/", "t/02/", "u/02/", "c/02/", "x/i01/", "x/i02/"] {
        assert!(!keys(&d, p).is_empty(), "{p}");
    }
    for id in e1.iter().chain(&e2) {
        assert!(!points_to(&d, id).is_empty());
    }
    check_integrity(&d);

    // 2026-04-09 04:00: the events of 2026-03-10 12:00 are not yet 30 days older than the cutoff.
    advance_to(&mut d, ms("2026-04-10T03:59:59Z"));
    assert_eq!(q(&d, json!({"q": "counts", "instance": "exec1"}))["total"], 5);
    assert_eq!(q(&d, json!({"q": "counts", "instance": "exec2"}))["total"], 3);

    advance_to(&mut d, ms("2026-04-10T04:00:01Z"));
    for id in e1[..4].iter().chain(&e2) {
        assert_eq!(points_to(&d, id), Vec::<String>::new(), "{id}");
    }
    assert!(!points_to(&d, &e1[4]).is_empty(), "created a day later: kept");
    for p in ["d/02/", "t/02/", "u/02/", "c/02/", "x/i02/", "t/01/"] {
        assert_eq!(keys(&d, p), Vec::<String>::new(), "{p}");
    }
    check_integrity(&d);
    let c = q(&d, json!({"q": "counts", "instance": "exec1"}));
    assert_eq!((c["total"].as_i64(), c["byStatus"]["sent"].as_i64()), (Some(1), Some(1)));
    assert_eq!(q(&d, json!({"q": "counts", "instance": "exec2"}))["total"], 0);
    assert_eq!(q(&d, json!({"q": "mcPing", "instance": "exec2"}))["pending"], 0);

    let runs = journal(&mut d, "exec1", "cleanup");
    assert_eq!(runs[0]["start"], "2026-04-10T04:00:00.000Z");
    assert_eq!(runs[0]["counts"], json!({"eventsPurged": 4, "deliveryLogsPurged": 3}));
    let runs = journal(&mut d, "exec2", "cleanup");
    assert_eq!(runs[0]["counts"], json!({"eventsPurged": 3, "deliveryLogsPurged": 2}));
    assert!(runs[1]["counts"].as_object().unwrap().is_empty());

    // Archived ones are still readable from the control.
    let e = get(&mut d, &e1[0]);
    assert_eq!(e["purgedFromExecution"], true);
    assert_eq!(e["event"]["status"], "sent");
    assert_eq!(e["broadLog"]["status"], "Sent");
    assert_eq!(code(d.run(&json!({"op": "getEvent", "id": e2[0]}))), "UNKNOWN_EVENT");
    assert_eq!(q(&d, json!({"q": "counts", "instance": "control"}))["total"], 5);

    // The next day takes the one of the next day; the bounce planned in 1000 h never comes.
    advance_to(&mut d, ms("2026-04-11T04:00:01Z"));
    assert_eq!(points_to(&d, &e1[4]), Vec::<String>::new());
    assert_eq!(q(&d, json!({"q": "counts", "instance": "exec1"}))["total"], 0);
    advance_to(&mut d, t0() + 1001 * HOUR);
    let mta = journal(&mut d, "exec1", "mta");
    assert!(mta.iter().all(|r| r["counts"].get("asyncBounces").is_none()), "{mta:?}");
    check_integrity(&d);
    let listed = ok(&mut d, json!({"op": "listEvents", "filter": {"instance": "exec1"}}));
    assert_eq!(listed["events"], json!([]));
}

#[test]
fn archived_events_are_purged_after_360_days() {
    let (mut d, e1, _) = scenario();
    let first = ms("2027-03-05T04:00:01Z");
    advance_to(&mut d, first);
    assert_eq!(q(&d, json!({"q": "counts", "instance": "control"}))["total"], 5);
    assert_eq!(get(&mut d, &e1[0])["event"]["status"], "sent");
    advance_to(&mut d, ms("2027-03-06T04:00:01Z"));
    for id in &e1[..4] {
        let h = hex(id);
        assert!(!d.store.contains_key(&format!("h/{h}")));
        assert!(!d.store.contains_key(&format!("hb/{h}")));
        assert_eq!(code(d.run(&json!({"op": "getEvent", "id": id}))), "UNKNOWN_EVENT");
    }
    assert_eq!(keys(&d, "x/h/").len(), 4, "one event left, in 4 indexes");
    let c = q(&d, json!({"q": "counts", "instance": "control"}));
    assert_eq!((c["total"].as_i64(), c["byStatus"]["sent"].as_i64()), (Some(1), Some(1)));
    let runs = journal(&mut d, "control", "cleanup");
    assert_eq!(runs[0]["counts"], json!({"archivedEventsPurged": 4}));
    assert_eq!(runs[0]["start"], "2027-03-06T04:00:00.000Z");
    check_integrity(&d);
    advance_to(&mut d, ms("2027-03-07T04:00:01Z"));
    assert!(keys(&d, "x/h/").is_empty());
    assert!(keys(&d, "h").is_empty());
    assert_eq!(q(&d, json!({"q": "counts", "instance": "control"}))["total"], 0);
    check_integrity(&d);
}

#[test]
fn purge_delays_are_configurable_and_batched() {
    let mut d = running(1);
    ok(&mut d, json!({"op": "configure", "config": {"eventPurgeDelayMs": 2 * DAY, "batchSize": 3}}));
    let evs: String = (0..10).map(|i| rt_xml(&format!("sent+{i}@mc-sim.test"))).collect();
    push_xml(&mut d, "exec1", &format!("<E>{evs}</E>")).unwrap();
    advance_to(&mut d, ms("2026-03-12T04:00:01Z"));
    assert_eq!(q(&d, json!({"q": "counts", "instance": "exec1"}))["total"], 10);
    advance_to(&mut d, ms("2026-03-13T04:00:01Z"));
    assert_eq!(q(&d, json!({"q": "counts", "instance": "exec1"}))["total"], 0);
    assert!(keys(&d, "e/").is_empty() && keys(&d, "b/").is_empty() && keys(&d, "x/").is_empty());
    let runs = journal(&mut d, "exec1", "cleanup");
    assert_eq!(runs[0]["counts"]["eventsPurged"], 10);
    assert!(runs[0]["steps"].as_u64().unwrap() >= 4);
    check_integrity(&d);
}
