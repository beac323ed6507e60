//! The setup checklist (issue 16, problem 5): a new sandbox says what to set up, in order, each
//! item done or what it misses, and where to do it; it follows the state as the trainee works.

mod common;

use common::*;
use serde_json::{json, Value};

fn items(d: &message_center::driver::MemDriver) -> Value {
    q(d, json!({"q": "setupChecklist"}))
}

fn row(c: &Value, id: &str) -> (bool, String, String, String) {
    let i = c["items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap_or_else(|| panic!("no item {id}: {c}"));
    (
        i["done"].as_bool().unwrap(),
        i["detail"].as_str().unwrap().to_string(),
        i["place"].as_str().unwrap().to_string(),
        i["instance"].as_str().unwrap().to_string(),
    )
}

#[test]
fn a_new_sandbox_lists_what_to_set_up_and_each_item_follows_the_state() {
    let mut d = bare(1);
    let c = items(&d);
    let ids: Vec<&str> = c["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["instance", "archiving", "workflows", "eventType", "template", "event", "sent"]);
    assert_eq!((c["done"].clone(), c["complete"].clone()), (json!(0), json!(false)));
    assert_eq!(row(&c, "instance"), (false, "none yet".into(), "externalAccounts".into(), "control".into()));
    assert_eq!(row(&c, "workflows"), (false, "no execution instance yet".into(), "externalAccounts".into(), "control".into()));
    assert_eq!(row(&c, "sent").2, "externalAccounts");

    add_instance(&mut d, "mcExec1", 1);
    let c = items(&d);
    assert_eq!(row(&c, "instance"), (true, "mcExec1 (id 1)".into(), "externalAccounts".into(), "control".into()));
    assert_eq!(row(&c, "archiving").1, "mcSynch_mcExec1 not created or not started");
    assert_eq!(
        row(&c, "workflows"),
        (
            false,
            "not started: rtEventsProcessing on mcExec1, batchEventsProcessing on mcExec1, updateEventsStatus on mcExec1".into(),
            "workflows".into(),
            "mcExec1".into()
        )
    );
    ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "mcExec1"}));
    start(&mut d, "mcExec1", "rtEventsProcessing");
    let c = items(&d);
    assert_eq!(row(&c, "archiving"), (true, "mcSynch_mcExec1 started".into(), "externalAccounts".into(), "control".into()));
    assert_eq!(row(&c, "workflows").1, "not started: batchEventsProcessing on mcExec1, updateEventsStatus on mcExec1");
    start_exec(&mut d, "mcExec1");
    add_type(&mut d, "order_confirmation");
    ok(
        &mut d,
        json!({"op": "createTemplate", "template": {"name": "oc", "eventType": "order_confirmation", "subject": "Your order", "html": "<p>Hi</p>"}}),
    );
    let c = items(&d);
    assert_eq!(row(&c, "workflows").1, "all started");
    assert_eq!(row(&c, "eventType"), (true, "order_confirmation".into(), "eventTypes".into(), "control".into()));
    assert_eq!(row(&c, "template"), (false, "oc not published yet".into(), "templates".into(), "control".into()));
    ok(&mut d, json!({"op": "publish", "name": "oc"}));
    assert_eq!(row(&items(&d), "template").1, "published: oc");
    assert_eq!(row(&items(&d), "event"), (false, "no event yet".into(), "push".into(), String::new()));

    push1_xml(&mut d, "mcExec1", "<rtEvent type='order_confirmation' email='sent@mc-sim.test'><ctx/></rtEvent>");
    let c = items(&d);
    assert_eq!(row(&c, "event").1, "1 on the execution instances, 0 in the control's history");
    assert_eq!(row(&c, "sent"), (false, "no event Sent yet".into(), "events".into(), "mcExec1".into()));
    advance(&mut d, HOUR);
    let c = items(&d);
    assert_eq!(row(&c, "sent").1, "Sent: 1 on the execution instances, 1 in the control's history");
    assert_eq!((c["done"].clone(), c["complete"].clone()), (json!(7), json!(true)), "{c}");

    // A second instance: its archiving workflow and its workflows are missing again.
    add_instance(&mut d, "mcExec2", 2);
    let c = items(&d);
    assert_eq!(c["complete"], false);
    assert_eq!(row(&c, "archiving").1, "mcSynch_mcExec2 not created or not started");
    assert_eq!(row(&c, "workflows").3, "mcExec2");
}
