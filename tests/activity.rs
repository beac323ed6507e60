//! The activity feed (issue 16, item 3): what each workflow run did, across the instances, newest
//! first, in the product's words, with links to what it touched; a mark that answers only what ran
//! since (the console's "Next step" and "Advance" say what they did); the next step due, in words.

mod common;

use common::*;
use message_center::error::ErrorCode;
use serde_json::{json, Value};

fn feed(d: &mut message_center::driver::MemDriver, req: Value) -> Value {
    let mut r = json!({"op": "activity"});
    r.as_object_mut().unwrap().extend(req.as_object().unwrap().clone());
    ok(d, r)
}

fn texts(f: &Value) -> Vec<String> {
    f["lines"].as_array().unwrap().iter().map(|l| l["text"].as_str().unwrap().to_string()).collect()
}

#[test]
fn each_run_is_told_in_the_products_words_newest_first_across_the_instances() {
    let mut d = setup_instances(7, &[("exec1", 1), ("exec2", 2)]);
    ok(&mut d, json!({"op": "configure", "config": {"rejectUnknownEventType": false}}));
    start_exec(&mut d, "exec1");
    start(&mut d, "exec2", "rtEventsProcessing");
    ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "exec1"}));
    push1(&mut d, "exec1", "sent@mc-sim.test");
    push1(&mut d, "exec1", "hard@mc-sim.test");
    push1_xml(&mut d, "exec1", "<rtEvent type='nosuchtype' email='x@example.com'><ctx/></rtEvent>");
    push1(&mut d, "exec2", "a@example.com");
    let empty = feed(&mut d, json!({}));
    assert_eq!(empty["lines"], json!([]), "nothing ran yet");
    let start = &iso(t0())[11..19];
    assert!(
        empty["next"]["text"].as_str().unwrap().starts_with(&format!("rtEventsProcessing on exec1 at {start}: routes the real-time queue")),
        "{empty}"
    );
    advance(&mut d, 2 * HOUR);

    let f = feed(&mut d, json!({}));
    let t = texts(&f);
    let has = |want: &str| t.iter().any(|x| x == want);
    assert!(
        has("rtEventsProcessing on exec1 took 3 events from the real-time queue: routed 2 to confirm_rt (now \"Pending delivery\"); 1 became \"Event not taken into account\""),
        "{t:#?}"
    );
    assert!(
        has("rtEventsProcessing on exec2 took 1 event from the real-time queue: routed 1 to confirm_rt (now \"Pending delivery\")"),
        "{t:#?}"
    );
    // Each message in its one-second wave of the MTA.
    assert!(has("The MTA of exec1 made 1 send attempt: 1 sent"), "{t:#?}");
    assert!(has("The MTA of exec1 made 1 send attempt: 1 hard bounce"), "{t:#?}");
    assert!(has("The MTA of exec2 made 1 send attempt: 1 sent"), "{t:#?}");
    assert!(has("updateEventsStatus on exec1 gave 2 events the status of their message: 1 \"Sent\" and 1 \"Delivery failed\""), "{t:#?}");
    assert!(has("mcSynch_exec1 on the control archived 3 events and 2 delivery logs from exec1"), "{t:#?}");
    // exec2's updateEventsStatus is not started: the feed says nothing of it.
    assert!(!t.iter().any(|x| x.contains("updateEventsStatus on exec2")), "{t:#?}");

    // Newest first.
    let at: Vec<&str> = f["lines"].as_array().unwrap().iter().map(|l| l["at"].as_str().unwrap()).collect();
    let mut sorted = at.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(at, sorted);

    // Links: the run's workflow, the delivery it routed to, the statuses it set.
    let rt = f["lines"].as_array().unwrap().iter().find(|l| l["instance"] == "exec1" && l["workflow"] == "rtEventsProcessing").unwrap();
    let links = rt["links"].as_array().unwrap();
    assert_eq!(
        links[0],
        json!({"label": "rtEventsProcessing run #1", "kind": "workflow", "instance": "exec1", "name": "rtEventsProcessing"})
    );
    assert!(links.contains(&json!({"label": "confirm_rt", "kind": "published", "instance": "exec1", "name": "confirm_rt"})), "{links:?}");
    assert!(
        links.contains(
            &json!({"label": "1 Event not taken into account", "kind": "events", "instance": "exec1", "name": "notTakenIntoAccount"})
        ),
        "{links:?}"
    );
    // The journal keeps where each run routed.
    assert_eq!(journal(&mut d, "exec1", "rtEventsProcessing")[0]["routedTo"], json!({"confirm_rt": 2}));

    // A limit keeps the newest.
    let two = feed(&mut d, json!({"limit": 2}));
    assert_eq!(two["lines"].as_array().unwrap().len(), 2);
    assert_eq!(two["lines"][0], f["lines"][0]);
}

#[test]
fn a_mark_answers_only_what_ran_since() {
    let mut d = running(3);
    push1(&mut d, "exec1", "sent@mc-sim.test");
    let before = feed(&mut d, json!({"limit": 0}));
    assert_eq!(before["lines"], json!([]));
    // Next step: rtEventsProcessing at the clock.
    let due = q(&d, json!({"q": "nextDue"}));
    assert_eq!(due["name"], "rtEventsProcessing");
    assert_eq!(
        due["text"],
        format!("rtEventsProcessing on exec1 at {}: routes the real-time queue's events to their published templates", &iso(t0())[11..19])
    );
    advance_to(&mut d, due["at"].as_i64().unwrap());
    let after = feed(&mut d, json!({"since": before["mark"]}));
    assert_eq!(
        texts(&after),
        ["rtEventsProcessing on exec1 took 1 event from the real-time queue: routed 1 to confirm_rt (now \"Pending delivery\")"]
    );
    // How far the clock moved since the mark, in words, from the core.
    assert_eq!(after["moved"], format!("The clock stayed at {} UTC", &iso(t0())[11..19]));
    assert_eq!(before["moved"], Value::Null, "asked without a mark");
    // Nothing since that answer.
    let none = feed(&mut d, json!({"since": after["mark"]}));
    assert_eq!(none["lines"], json!([]));
    assert_eq!(none["mark"], after["mark"]);
    // The rest of the way: the MTA then the status copy.
    advance(&mut d, HOUR);
    let rest = feed(&mut d, json!({"since": after["mark"]}));
    assert_eq!(
        texts(&rest),
        ["updateEventsStatus on exec1 gave 1 event the status of its message: 1 \"Sent\"", "The MTA of exec1 made 1 send attempt: 1 sent"]
    );
    assert_eq!(rest["moved"], format!("The clock moved 1 h, from {} to {} UTC", &iso(t0())[11..19], &iso(t0() + HOUR)[11..19]));
}

#[test]
fn a_run_in_progress_says_so_and_its_later_steps_come_after_the_mark() {
    let mut d = running(5);
    ok(&mut d, json!({"op": "configure", "config": {"batchSize": 2}}));
    for i in 0..5 {
        push1(&mut d, "exec1", &format!("u{i}@example.com"));
    }
    let mark = feed(&mut d, json!({"limit": 0}))["mark"].clone();
    // One step of a run of three.
    let r = run_wf(&mut d, "exec1", "rtEventsProcessing").unwrap();
    assert_eq!(r["more"], true, "{r}");
    let f = feed(&mut d, json!({"since": mark}));
    assert_eq!(f["lines"][0]["ongoing"], true);
    assert_eq!(
        f["lines"][0]["text"],
        "rtEventsProcessing on exec1 took 2 events from the real-time queue: routed 2 to confirm_rt (now \"Pending delivery\") — in progress, 1 step so far"
    );
    let mid = f["mark"].clone();
    assert!(mid.as_str().unwrap().contains("exec1/rtEventsProcessing=1.1"), "{mid}");
    run_wf(&mut d, "exec1", "rtEventsProcessing").unwrap();
    let g = feed(&mut d, json!({"since": mid}));
    assert_eq!(g["lines"].as_array().unwrap().len(), 1);
    assert_eq!(
        g["lines"][0]["text"].as_str().unwrap().split(':').next().unwrap(),
        "rtEventsProcessing on exec1 took 4 events from the real-time queue"
    );
}

#[test]
fn a_bad_mark_or_limit_is_a_clear_error() {
    let mut d = running(1);
    for (since, why) in [
        ("x", "a part without '='"),
        ("exec1=3", "a workflow that is not instance/name"),
        ("exec1/a b=3", "a workflow that is not instance/name"),
        ("exec1/mta=-1", "a count that is not a number"),
        ("exec1/mta=1.x", "a count that is not a number"),
        ("@=x,exec1/mta=1", "a clock that is not a number"),
        ("@=-5", "a clock out of range"),
        ("@=999999999999999", "a clock out of range"),
    ] {
        let e = error(d.run(&json!({"op": "activity", "since": since})));
        assert_eq!(e.code, ErrorCode::InvalidArgument, "{since}");
        assert_eq!(e.message, format!("since: not a mark of the activity feed ({why})"), "{since}");
    }
    let long = "exec1/mta=1,".repeat(2000);
    let e = error(d.run(&json!({"op": "activity", "since": long})));
    assert_eq!(e.message, "since: not a mark of the activity feed (too long)");
    let e = error(d.run(&json!({"op": "activity", "limit": 501})));
    assert_eq!((e.code, e.message.as_str()), (ErrorCode::InvalidArgument, "limit: at most 500 lines"));
    // A mark of workflows this store does not have is no error: they never ran here.
    let f = feed(&mut d, json!({"since": "exec9/mta=4"}));
    assert_eq!(f["lines"], json!([]));
}
