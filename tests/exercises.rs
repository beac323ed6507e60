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
