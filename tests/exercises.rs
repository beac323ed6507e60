//! Guided exercises (issue 16, item 2): the shipped ones parse and can be completed step by step,
//! each step saying what it misses until it holds; a file that is not an exercise is
//! INVALID_EXERCISE with where and what.

mod common;

use common::*;
use message_center::error::ErrorCode;
use serde_json::{json, Value};

fn shipped(d: &message_center::driver::MemDriver, id: &str) -> String {
    let all = q(d, json!({"q": "exercises"}));
    all.as_array().unwrap().iter().find(|e| e["id"] == id).unwrap_or_else(|| panic!("no exercise {id}: {all}"))["text"]
        .as_str()
        .unwrap()
        .to_string()
}

fn progress(d: &message_center::driver::MemDriver, text: &str) -> Value {
    q(d, json!({"q": "exercise", "text": text}))
}

fn done(p: &Value) -> Vec<bool> {
    p["steps"].as_array().unwrap().iter().map(|s| s["done"].as_bool().unwrap()).collect()
}

#[test]
fn the_shipped_exercises_parse_with_distinct_ids() {
    let d = bare(1);
    let all = q(&d, json!({"q": "exercises"}));
    let ids: Vec<&str> = all.as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["technical-workflows", "event-statuses", "personalization", "publication", "archiving", "load-balancer"]);
    for e in all.as_array().unwrap() {
        assert!(e["steps"].as_u64().unwrap() >= 4, "{e}");
        assert!(e["source"].as_str().unwrap().starts_with("https://experienceleague.adobe.com/"), "{e}");
    }
}

#[test]
fn the_technical_workflows_exercise_completes_step_by_step() {
    let mut d = bare(7);
    let text = shipped(&d, "technical-workflows");
    let p = progress(&d, &text);
    assert_eq!(done(&p), [false; 7]);
    assert_eq!(p["current"], 0);
    assert_eq!(p["steps"][0]["missing"], "no execution instance mcExec1 with id 1 yet");
    assert!(p["steps"][0]["hint"].as_str().unwrap().contains("External accounts"));

    // A wrong attempt: another name.
    add_instance(&mut d, "exec9", 9);
    assert_eq!(progress(&d, &text)["steps"][0]["done"], false);
    add_instance(&mut d, "mcExec1", 1);
    let p = progress(&d, &text);
    assert!(done(&p)[0]);
    assert_eq!(p["steps"][1]["missing"], "mcSynch_mcExec1 does not exist on the control yet");

    ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "mcExec1"}));
    start(&mut d, "mcExec1", "rtEventsProcessing");
    let p = progress(&d, &text);
    assert_eq!(&done(&p)[..3], [true, true, false]);
    assert_eq!(p["steps"][2]["missing"], "batchEventsProcessing on mcExec1 is stopped");
    start_exec(&mut d, "mcExec1");
    add_type(&mut d, "order_confirmation");
    ok(
        &mut d,
        json!({"op": "createTemplate", "template": {"name": "oc", "eventType": "order_confirmation", "subject": "Your order", "html": "<p>Hi</p>"}}),
    );
    let p = progress(&d, &text);
    assert_eq!(p["current"], 4);
    assert_eq!(p["steps"][4]["missing"], "oc is not published yet");
    ok(&mut d, json!({"op": "publish", "name": "oc"}));
    assert_eq!(progress(&d, &text)["steps"][4]["missing"], "oc has 0 seed address(es), 1 wanted");
    ok(
        &mut d,
        json!({"op": "updateTemplate", "name": "oc", "patch": {"seeds": [{"name": "seed1", "email": "seed@example.com", "ctx": "<ctx/>"}]}}),
    );
    ok(&mut d, json!({"op": "publish", "name": "oc"}));
    assert_eq!(progress(&d, &text)["current"], 5);

    push1_xml(&mut d, "mcExec1", "<rtEvent type='order_confirmation' email='sent@mc-sim.test'><ctx/></rtEvent>");
    assert_eq!(progress(&d, &text)["steps"][5]["missing"], "0 event(s) of type order_confirmation \"Sent\" so far, 1 wanted");
    advance(&mut d, 10 * MIN);
    let p = progress(&d, &text);
    assert_eq!(p["current"], 6);
    advance(&mut d, HOUR);
    let p = progress(&d, &text);
    assert_eq!(p["complete"], true, "{p}");
    assert_eq!(p["done"], 7);
    assert_eq!(p["current"], Value::Null);
}

#[test]
fn the_event_statuses_exercise_completes_with_the_test_addresses() {
    let mut d = setup_instances(3, &[("mcExec1", 1)]);
    ok(&mut d, json!({"op": "configure", "config": {"rejectUnknownEventType": false}}));
    start_exec(&mut d, "mcExec1");
    add_type(&mut d, "order_confirmation");
    email_template(&mut d, "oc", "order_confirmation", "Your order", "<p>Hi</p>");
    let text = shipped(&d, "event-statuses");
    assert_eq!(progress(&d, &text)["current"], 1);
    let push = |d: &mut message_center::driver::MemDriver, xml: &str| {
        push1_xml(d, "mcExec1", xml);
        advance(d, 10 * MIN);
    };
    push(&mut d, "<rtEvent type='order_confirmation' email='sent@mc-sim.test'><ctx/></rtEvent>");
    push(&mut d, "<rtEvent type='order_confirmation' email='hard@mc-sim.test'><ctx/></rtEvent>");
    let p = progress(&d, &text);
    assert_eq!(&done(&p)[..4], [true, true, true, false]);
    assert_eq!(p["steps"][6]["missing"], "2 final status(es) so far (Sent, Delivery failed), 5 wanted");
    push(&mut d, "<rtEvent type='order_confirmation' email='hard@mc-sim.test'><ctx/></rtEvent>");
    push(&mut d, "<rtEvent type='cart_abandoned' email='a@example.com'><ctx/></rtEvent>");
    let past = iso(d.now() - HOUR);
    push(&mut d, &format!("<rtEvent type='order_confirmation' email='a@example.com' expiration='{past}'><ctx/></rtEvent>"));
    let p = progress(&d, &text);
    assert_eq!(p["complete"], true, "{p}");
}

#[test]
fn a_file_that_is_not_an_exercise_says_where_and_what() {
    let d = bare(1);
    let good = shipped(&d, "technical-workflows");
    let v: Value = serde_json::from_str(&good).unwrap();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut x = v.clone();
        f(&mut x);
        serde_json::to_string_pretty(&x).unwrap()
    };
    let cases: Vec<(String, &str)> = vec![
        (
            "{\n  \"format\": \"message-center-exercise/1\",\n  \"id\": \"x\" \"version\": 1\n}".into(),
            "line 3, column 13: expected `,` or `}`",
        ),
        (with(&|x| x["titel"] = json!("typo")), "unknown field `titel`"),
        (
            with(&|x| x["format"] = json!("message-center-exercise/2")),
            "format 'message-center-exercise/2' is not message-center-exercise/1",
        ),
        (with(&|x| x["id"] = json!("no spaces")), "id: 1 to 64 letters, digits, '-' or '_'"),
        (with(&|x| x["version"] = json!(0)), "version: 1 or more"),
        (with(&|x| x["steps"] = json!([])), "steps: 1 to 100"),
        (with(&|x| x["steps"][2]["text"] = json!("  ")), "step 3: text is empty"),
        (with(&|x| x["steps"][5]["check"]["events"]["status"] = json!("delivered")), "step 6: status 'delivered' is not an event status"),
        (
            with(&|x| x["steps"][1]["check"]["workflow"]["state"] = json!("running")),
            "step 2: workflow state 'running' is not started, paused or stopped",
        ),
        (with(&|x| x["steps"][0]["check"] = json!({"renders": {"contains": ["x"]}})), "step 1: renders needs a template or an eventType"),
        (
            with(&|x| x["steps"][0]["check"] = json!({"events": {"status": "sent", "channel": "pigeon"}})),
            "step 1: channel 'pigeon' is not a channel",
        ),
        (with(&|x| x["steps"][0]["check"] = json!({"dance": {}})), "unknown variant `dance`"),
        (
            with(&|x| x["steps"][0]["check"] = json!({"all": (0..60).map(|_| json!({"eventType": {"name": "a"}})).collect::<Vec<_>>()})),
            "step 1: more than 50 checks",
        ),
        (
            with(&|x| x["steps"][0]["check"] = json!({"distinctFinalStatuses": {"atLeast": 6}})),
            "step 1: distinctFinalStatuses: atLeast is 1 to 5",
        ),
        ("x".repeat(300_000), "the file is 300000 bytes: an exercise is at most 262144"),
        (String::new(), "line 1, column 0: EOF while parsing"),
    ];
    for (text, want) in cases {
        let e = match d.query(&json!({"q": "exercise", "text": text})) {
            Ok(v) => panic!("accepted: {want}: {v}"),
            Err(e) => e,
        };
        assert_eq!(e.code, ErrorCode::InvalidExercise, "{want}: {}", e.message);
        assert!(e.message.contains(want), "wanted {want:?} in {:?}", e.message);
    }
}

#[test]
fn the_personalization_exercise_checks_the_preview_of_the_seed_address() {
    let mut d = setup_instances(4, &[("mcExec1", 1)]);
    add_type(&mut d, "order_confirmation");
    let text = shipped(&d, "personalization");
    assert_eq!(progress(&d, &text)["steps"][0]["missing"], "no template for the event type order_confirmation yet");
    let ctx = r#"<ctx><customer firstName="Ada"/><order number="CN1042"><line product="Espresso beans" qty="2"/><line product="Milk frother" qty="1"/></order></ctx>"#;
    ok(
        &mut d,
        json!({"op": "createTemplate", "template": {"name": "oc", "eventType": "order_confirmation", "subject": "Your order", "html": "<p>Thanks</p>",
        "seeds": [{"name": "ada", "email": "ada@example.com", "ctx": ctx}]}}),
    );
    ok(&mut d, json!({"op": "publish", "name": "oc"}));
    let p = progress(&d, &text);
    assert_eq!(p["current"], 2);
    assert_eq!(p["steps"][2]["missing"], "the preview of oc with ada does not contain \"Ada\"");
    let html = "<p>Hello <%= rtEvent.ctx.customer.@firstName %></p><ul><% for each (var line in rtEvent.ctx.order.line) { %><li><%= line.@product %> × <%= line.@qty %></li><% } %></ul>";
    ok(&mut d, json!({"op": "updateTemplate", "name": "oc", "patch": {"html": html}}));
    let p = progress(&d, &text);
    assert_eq!(&done(&p)[..5], [true, true, true, true, false]);
    let html = format!("{html}<% if (rtEvent.ctx.order.line.length() > 1) {{ %><%= rtEvent.ctx.order.line.length() %> items<% }} %>");
    ok(&mut d, json!({"op": "updateTemplate", "name": "oc", "patch": {"html": html}}));
    let p = progress(&d, &text);
    assert_eq!(p["current"], 5);
    assert_eq!(p["steps"][5]["missing"], "oc was modified since its publication: publish it again");
    ok(&mut d, json!({"op": "publish", "name": "oc"}));
    assert_eq!(progress(&d, &text)["complete"], true);
}

#[test]
fn the_publication_exercise_sees_a_change_after_publication() {
    let mut d = setup_instances(5, &[("mcExec1", 1)]);
    add_type(&mut d, "order_confirmation");
    let text = shipped(&d, "publication");
    ok(
        &mut d,
        json!({"op": "createTemplate", "template": {"name": "oc", "eventType": "order_confirmation", "subject": "Your order", "html": "<p>Thanks</p>"}}),
    );
    assert_eq!(progress(&d, &text)["steps"][1]["missing"], "oc is not published yet");
    ok(&mut d, json!({"op": "publish", "name": "oc"}));
    let p = progress(&d, &text);
    assert_eq!(p["current"], 2);
    assert_eq!(p["steps"][2]["missing"], "oc is published as it is: change its content and save it");
    // The label is not sent: it does not count as a change.
    ok(&mut d, json!({"op": "updateTemplate", "name": "oc", "patch": {"label": "Order confirmation"}}));
    assert_eq!(progress(&d, &text)["current"], 2);
    ok(&mut d, json!({"op": "updateTemplate", "name": "oc", "patch": {"subject": "Your order is confirmed"}}));
    let p = progress(&d, &text);
    assert_eq!(p["current"], 3);
    ok(&mut d, json!({"op": "publish", "name": "oc"}));
    let reached = p["reached"].clone();
    assert_eq!(reached, json!([0, 1, 2]));
    ok(&mut d, json!({"op": "publish", "name": "oc"}));
    // Step 3 ("modified since publication") no longer holds once published again: evaluated
    // alone, it is not done; with what was reached, it stays done and the exercise completes.
    assert_eq!(done(&progress(&d, &text)), [true, true, false, false]);
    let p = q(&d, json!({"q": "exercise", "text": text, "reached": reached}));
    assert_eq!(p["complete"], true, "{p}");
    assert_eq!(p["reached"], json!([0, 1, 2, 3]));
}

#[test]
fn the_archiving_and_load_balancer_exercises_complete() {
    let mut d = setup_instances(6, &[("mcExec1", 1)]);
    add_type(&mut d, "order_confirmation");
    start_exec(&mut d, "mcExec1");
    email_template(&mut d, "oc", "order_confirmation", "Your order", "<p>Hi</p>");
    ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "mcExec1"}));
    let archiving = shipped(&d, "archiving");
    for _ in 0..3 {
        push1_xml(&mut d, "mcExec1", "<rtEvent type='order_confirmation' email='sent@mc-sim.test'><ctx/></rtEvent>");
    }
    advance(&mut d, 10 * MIN);
    assert_eq!(progress(&d, &archiving)["current"], 3);
    advance(&mut d, HOUR);
    assert_eq!(progress(&d, &archiving)["complete"], true);

    let lb = shipped(&d, "load-balancer");
    assert_eq!(progress(&d, &lb)["steps"][1]["missing"], "no execution instance mcExec2 with id 2 yet");
    add_instance(&mut d, "mcExec2", 2);
    ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "mcExec2"}));
    start_exec(&mut d, "mcExec2");
    ok(&mut d, json!({"op": "publish", "name": "oc"}));
    for _ in 0..4 {
        push1_xml(&mut d, "loadBalancer", "<rtEvent type='order_confirmation' email='sent@mc-sim.test'><ctx/></rtEvent>");
    }
    advance(&mut d, 2 * HOUR);
    assert_eq!(progress(&d, &lb)["complete"], true, "{}", progress(&d, &lb));
}

/// The trainee's sandbox as a trainer imports it: the snapshot's records (sessions left out,
/// secrets stripped) in a new store, opened.
fn exported(d: &message_center::driver::MemDriver) -> message_center::driver::MemDriver {
    let keys: Vec<String> = d.store.keys().cloned().collect();
    let edits = q(d, json!({"q": "snapshotEdits", "keys": keys}));
    let mut store = d.store.clone();
    for e in edits.as_array().unwrap() {
        match e[1].as_str() {
            Some(v) => store.insert(e[0].as_str().unwrap().to_string(), v.to_string()),
            None => store.remove(e[0].as_str().unwrap()),
        };
    }
    let mut twin = message_center::driver::MemDriver { store, ..Default::default() };
    twin.reopen().unwrap();
    twin
}

fn statuses_done(seed: u64) -> (message_center::driver::MemDriver, String, Value) {
    let mut d = setup_instances(seed, &[("mcExec1", 1)]);
    ok(&mut d, json!({"op": "configure", "config": {"rejectUnknownEventType": false}}));
    start_exec(&mut d, "mcExec1");
    add_type(&mut d, "order_confirmation");
    email_template(&mut d, "oc", "order_confirmation", "Your order", "<p>Hi</p>");
    let text = shipped(&d, "event-statuses");
    let past = iso(d.now() - HOUR);
    for xml in [
        "<rtEvent type='order_confirmation' email='sent@mc-sim.test'><ctx/></rtEvent>".to_string(),
        "<rtEvent type='order_confirmation' email='hard@mc-sim.test'><ctx/></rtEvent>".to_string(),
        "<rtEvent type='order_confirmation' email='hard@mc-sim.test'><ctx/></rtEvent>".to_string(),
        "<rtEvent type='cart_abandoned' email='a@example.com'><ctx/></rtEvent>".to_string(),
        format!("<rtEvent type='order_confirmation' email='a@example.com' expiration='{past}'><ctx/></rtEvent>"),
    ] {
        push1_xml(&mut d, "mcExec1", &xml);
        advance(&mut d, 10 * MIN);
    }
    let p = progress(&d, &text);
    assert_eq!(p["complete"], true, "{p}");
    let record = q(&d, json!({"q": "exerciseRecord", "text": text, "reached": p["reached"]}));
    (d, text, record)
}

fn findings(v: &Value) -> Vec<(String, bool)> {
    v["findings"].as_array().unwrap().iter().map(|f| (f["what"].as_str().unwrap().to_string(), f["ok"].as_bool().unwrap())).collect()
}

#[test]
fn a_completion_record_carries_the_seed_and_the_state_and_verifies_on_the_imported_sandbox() {
    let (d, text, record) = statuses_done(11);
    assert_eq!(record["format"], "message-center-exercise-record/1");
    assert_eq!(record["exercise"]["id"], "event-statuses");
    assert_eq!(record["seed"], "11");
    assert_eq!(record["clock"], iso(d.now()));
    assert_eq!(record["complete"], true);
    assert!(record["stateDigest"].as_str().unwrap().starts_with("sha256:") && record["stateDigest"].as_str().unwrap().len() == 71);
    assert!(record["steps"].as_array().unwrap().iter().all(|s| s["done"] == true));
    // The same state gives the same record: nothing in it depends on when or where it was made.
    let again = q(&d, json!({"q": "exerciseRecord", "text": text, "reached": []}));
    assert_eq!(again, record);

    // The trainer imports the trainee's export and verifies the record there.
    let twin = exported(&d);
    let v = q(&twin, json!({"q": "verifyExerciseRecord", "record": record.to_string()}));
    assert_eq!(v["verified"], true, "{v}");
    assert_eq!(
        findings(&v),
        [
            ("The record is as it was made".to_string(), true),
            ("The exercise is known".to_string(), true),
            ("The sandbox is the one the record was made in".to_string(), true),
            ("The sandbox is in the state the record was made in".to_string(), true),
            ("Every step was done".to_string(), true),
            ("The exercise's outcome holds in this sandbox".to_string(), true),
        ]
    );
    assert_eq!(v["title"], record["exercise"]["title"]);
    assert_eq!(v["stepsHoldingNow"].as_array().unwrap().len(), record["steps"].as_array().unwrap().len());
}

#[test]
fn a_record_edited_made_elsewhere_or_outdated_is_not_verified_and_says_why() {
    let (mut d, text, record) = statuses_done(11);
    let verify = |d: &message_center::driver::MemDriver, r: &Value| q(d, json!({"q": "verifyExerciseRecord", "record": r.to_string()}));
    let failed = |v: &Value| -> Vec<String> {
        v["findings"].as_array().unwrap().iter().filter(|f| f["ok"] == false).map(|f| f["what"].as_str().unwrap().to_string()).collect()
    };

    // A step ticked by hand: the seal no longer matches.
    let mut edited = record.clone();
    edited["steps"][0]["text"] = json!("Anything");
    let v = verify(&d, &edited);
    assert_eq!(v["verified"], false);
    assert_eq!(failed(&v), ["The record is as it was made"]);

    // Another trainee's sandbox (another seed, the same work).
    let (other, _, _) = statuses_done(12);
    let v = verify(&other, &record);
    assert_eq!(failed(&v), ["The sandbox is the one the record was made in", "The sandbox is in the state the record was made in"]);
    assert_eq!(v["findings"][2]["detail"], "this sandbox's seed is 12; the record's is 11");

    // The same sandbox, later: the state moved on.
    advance(&mut d, HOUR);
    let v = verify(&d, &record);
    assert_eq!(failed(&v), ["The sandbox is in the state the record was made in"]);
    assert!(v["findings"][3]["detail"].as_str().unwrap().starts_with("its state changed since the record"), "{v}");

    // A record of an incomplete exercise, sealed as made: not verified, says how far.
    let fresh = bare(5);
    let part = q(&fresh, json!({"q": "exerciseRecord", "text": text}));
    let v = verify(&fresh, &part);
    assert_eq!(failed(&v), ["Every step was done", "The exercise's outcome holds in this sandbox"]);
    assert_eq!(v["findings"][4]["detail"], format!("0 of {} steps", part["steps"].as_array().unwrap().len()));

    // A trainer's own exercise: unknown until its file is given, and then only that file.
    let own = text.replace("\"version\": 1", "\"version\": 2");
    assert_ne!(own, text, "the shipped file names its version as \"version\": 1");
    let r2 = q(&d, json!({"q": "exerciseRecord", "text": own}));
    let v = verify(&d, &r2);
    assert_eq!(failed(&v), ["The exercise is known"]);
    assert!(v["findings"][1]["detail"].as_str().unwrap().contains("load the trainer's file"), "{v}");
    let v = q(&d, json!({"q": "verifyExerciseRecord", "record": r2.to_string(), "text": own}));
    assert_eq!(v["verified"], true, "{v}");
    let v = q(&d, json!({"q": "verifyExerciseRecord", "record": r2.to_string(), "text": text}));
    assert_eq!(failed(&v), ["The exercise is known"]);
}

#[test]
fn a_file_that_is_not_a_completion_record_is_refused_with_where_and_what() {
    let d = bare(1);
    let e = |record: &str| {
        let e = error(d.query(&json!({"q": "verifyExerciseRecord", "record": record})));
        assert_eq!(e.code, ErrorCode::InvalidExercise, "{record}");
        e.message
    };
    assert!(e("{").starts_with("not a completion record: line 1, column 1"), "{}", e("{"));
    assert!(e("{\"format\": 3}").starts_with("not a completion record: line 1"));
    let text = shipped(&d, "event-statuses");
    let mut r = q(&d, json!({"q": "exerciseRecord", "text": text}));
    r["format"] = json!("message-center-exercise-record/9");
    assert_eq!(
        e(&r.to_string()),
        "not a completion record: format 'message-center-exercise-record/9' is not message-center-exercise-record/1"
    );
    r["format"] = json!("message-center-exercise-record/1");
    r["extra"] = json!(1);
    assert!(e(&r.to_string()).contains("unknown field `extra`"));
    let big = format!("{{\"format\": \"{}\"}}", "x".repeat(70_000));
    assert_eq!(e(&big), "not a completion record: the file is 70014 bytes: a record is at most 65536");
    // The exercise file given must itself be an exercise.
    let r = q(&d, json!({"q": "exerciseRecord", "text": text}));
    let err = error(d.query(&json!({"q": "verifyExerciseRecord", "record": r.to_string(), "text": "nope"})));
    assert_eq!(err.code, ErrorCode::InvalidExercise);
}
