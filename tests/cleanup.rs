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

/// What holds an execution event: its state line, and the queues naming it.
fn points_to(d: &MemDriver, id: &str) -> Vec<String> {
    let n = num(id);
    let mut out = Vec::new();
    if events(d, 'e').contains_key(&n) {
        out.push("state page".to_string());
    }
    let ii = format!("{:02x}", n >> 56);
    for p in [format!("d/{ii}/"), format!("t/{ii}/"), format!("u/{ii}/")] {
        if queued(d, &p).contains(&n) {
            out.push(p);
        }
    }
    out
}

#[test]
fn execution_events_are_purged_after_30_days_with_everything_pointing_to_them() {
    let (mut d, e1, e2) = scenario();
    // Before the purge: every kind of entry exists.
    for p in ["d/02/", "t/01/", "t/02/", "u/02/", "c/02/", "x/e/01/", "x/e/02/"] {
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
    for p in ["d/02/", "t/02/", "u/02/", "c/02/", "x/e/02/", "t/01/", "e/02/"] {
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
    let archived = events(&d, 'h');
    for id in &e1[..4] {
        assert!(!archived.contains_key(&num(id)));
        assert_eq!(code(d.run(&json!({"op": "getEvent", "id": id}))), "UNKNOWN_EVENT");
    }
    assert!(archived.contains_key(&num(&e1[4])));
    assert_eq!(keys(&d, "x/h/").len(), 1, "one event left, on one page");
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
    ok(&mut d, json!({"op": "configure", "config": {"eventPurgeDelayMs": 2 * DAY, "pagesPerStep": 1}}));
    // 300 events: three pages; one page per step.
    let evs: String = (0..300).map(|i| rt_xml(&format!("sent+{i}@mc-sim.test"))).collect();
    push_xml(&mut d, "exec1", &format!("<E>{evs}</E>")).unwrap();
    advance_to(&mut d, ms("2026-03-12T04:00:01Z"));
    assert_eq!(q(&d, json!({"q": "counts", "instance": "exec1"}))["total"], 300);
    advance_to(&mut d, ms("2026-03-13T04:00:01Z"));
    assert_eq!(q(&d, json!({"q": "counts", "instance": "exec1"}))["total"], 0);
    assert!(keys(&d, "e/").is_empty() && keys(&d, "x/").is_empty() && keys(&d, "t/").is_empty() && keys(&d, "d/").is_empty());
    let runs = journal(&mut d, "exec1", "cleanup");
    assert_eq!(runs[0]["counts"]["eventsPurged"], 300);
    assert!(runs[0]["steps"].as_u64().unwrap() >= 3, "{runs:?}");
    check_integrity(&d);
}

#[test]
fn the_page_at_the_boundary_is_purged_in_part() {
    let mut d = running(1);
    ok(&mut d, json!({"op": "configure", "config": {"eventPurgeDelayMs": 12 * HOUR}}));
    // 2026-03-10 12:00 and 2026-03-11 00:00, on one page.
    let many = |d: &mut MemDriver, tag: &str| -> Vec<String> {
        let xml = format!("<E>{}</E>", (0..5).map(|i| rt_xml(&format!("sent+{tag}{i}@mc-sim.test"))).collect::<String>());
        ok(d, json!({"op": "push", "target": "exec1", "format": "xml", "text": xml}))["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect()
    };
    let a = many(&mut d, "a");
    advance_to(&mut d, ms("2026-03-11T00:00:00Z"));
    let b = many(&mut d, "b");
    // The cleanup of 2026-03-11 04:00 has the cutoff 2026-03-10 16:00: a is purged, b is kept.
    advance_to(&mut d, ms("2026-03-11T04:00:01Z"));
    let left = events(&d, 'e');
    assert!(a.iter().all(|id| !left.contains_key(&num(id))), "a is older than the cutoff");
    assert!(b.iter().all(|id| left.contains_key(&num(id))), "b is not, and is on the same page");
    assert_eq!(keys(&d, "e/01/").iter().filter(|k| k.ends_with("/s")).count(), 1, "one state page");
    assert_eq!(code(d.run(&json!({"op": "getEvent", "id": a[0]}))), "UNKNOWN_EVENT");
    assert_eq!(get(&mut d, &b[0])["event"]["status"], "sent");
    let runs = journal(&mut d, "exec1", "cleanup");
    assert_eq!(runs[0]["counts"], json!({"eventsPurged": 5, "deliveryLogsPurged": 5}));
    let l = ok(&mut d, json!({"op": "listEvents", "filter": {"instance": "exec1"}}));
    assert_eq!(l["events"].as_array().unwrap().len(), 5);
    check_integrity(&d);
    // The next push goes on filling the same page.
    let c = push1(&mut d, "exec1", "sent@mc-sim.test");
    assert_eq!(num(&c), num(&b[4]) + 1);
    advance(&mut d, DAY);
    assert!(events(&d, 'e').is_empty());
    check_integrity(&d);
}

/// Found by the soak: the control's cleanup gave its whole page budget to the first archived
/// instance, whose archive always had more pages than a step reads, so the archive of the second
/// was never purged.
#[test]
fn archived_events_of_every_instance_are_purged() {
    let mut d = setup_instances(3, &[("exec1", 1), ("exec2", 2)]);
    ok(&mut d, json!({"op": "configure", "config": {"pagesPerStep": 2, "eventHistoPurgeDelayMs": DAY, "eventPurgeDelayMs": 30 * DAY}}));
    for n in ["exec1", "exec2"] {
        start_exec(&mut d, n);
        ok(&mut d, json!({"op": "createArchivingWorkflow", "account": n}));
        start(&mut d, "control", &format!("mcSynch_{n}"));
    }
    start(&mut d, "control", "cleanup");
    // Four days of events, five pages a day on each instance: more than a cleanup step reads.
    for _ in 0..4 {
        for n in ["exec1", "exec2"] {
            let evs: String =
                (0..5 * 128).map(|i| format!("<rtEvent type='order' email='sent+{i}@mc-sim.test'><ctx/></rtEvent>")).collect();
            ok(&mut d, json!({"op": "push", "target": n, "format": "xml", "text": format!("<events>{evs}</events>")}));
        }
        advance(&mut d, DAY);
    }
    // What is left in each archive is at most a day and a half old.
    let now = d.now();
    for (id, e) in events(&d, 'h') {
        let created = e["state"]["d"].as_i64().unwrap();
        assert!(now - created <= DAY + DAY / 2, "archived event {id} of instance {} is {} h old", id >> 56, (now - created) / HOUR);
    }
    check_integrity(&d);
}
