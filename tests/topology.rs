//! Topology: external accounts of execution instances, their workflows, the archiving workflow, the
//! load balancer and event ids.

mod common;

use common::*;
use message_center::error::ErrorCode;
use serde_json::{json, Value};

const WARNING: &str = "The archiving workflow does not seem to exist for this execution instance.";

#[test]
fn execution_instance_ids_are_0_to_255_and_unique() {
    let mut d = bare(1);
    let a = add_instance(&mut d, "exec0", 0);
    assert_eq!(a["executionInstanceId"], 0);
    assert_eq!(a["enabled"], true);
    assert_eq!(a["type"], "Message Center execution instance");
    assert_eq!(a["url"], "http://exec0.example.com:8080");
    add_instance(&mut d, "exec255", 255);
    let before = d.store.clone();
    let snap = snapshot(&d);
    for (name, id, want) in [
        ("execX", 256, "INVALID_ARGUMENT"),
        ("execY", -1, "INVALID_ARGUMENT"),
        ("exec0", 5, "DUPLICATE_INSTANCE"),
        ("other", 255, "DUPLICATE_INSTANCE"),
        ("control", 9, "INVALID_ARGUMENT"),
        ("9lives", 9, "INVALID_ARGUMENT"),
        ("bad-name", 9, "INVALID_ARGUMENT"),
    ] {
        let r = d.run(&json!({"op": "addExecutionInstance", "name": name, "executionInstanceId": id}));
        assert_eq!(code(r), want, "{name} {id}");
        assert_eq!(d.store, before, "{name} {id} changed the store");
        assert_eq!(snapshot(&d), snap);
    }
    let e = error(d.run(&json!({"op": "addExecutionInstance", "name": "other", "executionInstanceId": 255})));
    assert!(e.message.contains("exec255"), "{}", e.message);
    let accounts = q(&d, json!({"q": "accounts"}));
    assert_eq!(accounts.as_array().unwrap().len(), 2);
}

#[test]
fn account_fields_and_update() {
    let mut d = bare(1);
    let a = ok(
        &mut d,
        json!({"op": "addExecutionInstance", "name": "mcExec1", "label": "Exec one", "url": "http://inst1.example.com:8080", "executionInstanceId": 3, "enabled": false}),
    );
    assert_eq!(a["label"], "Exec one");
    assert_eq!(a["url"], "http://inst1.example.com:8080");
    assert_eq!(a["enabled"], false);
    let u = ok(&mut d, json!({"op": "updateExecutionInstance", "name": "mcExec1", "patch": {"enabled": true, "label": "One"}}));
    assert_eq!(u["enabled"], true);
    assert_eq!(u["label"], "One");
    assert_eq!(u["url"], "http://inst1.example.com:8080");
    assert_eq!(code(d.run(&json!({"op": "updateExecutionInstance", "name": "nope", "patch": {"enabled": true}}))), "UNKNOWN_INSTANCE");
}

#[test]
fn archiving_warning_until_the_workflow_exists() {
    let mut d = setup(1);
    let acc = &q(&d, json!({"q": "accounts"}))[0];
    assert_eq!(acc["warning"], WARNING);
    assert_null(acc, "archivingWorkflow");

    let wf = ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "exec1"}));
    assert_eq!(wf["name"], "mcSynch_exec1");
    assert_eq!(wf["label"], "Message Center exec1");
    assert_eq!(wf["instance"], "control");
    assert_eq!(wf["state"], "started");
    assert_eq!(wf["stateLabel"], "Started");
    assert_eq!(wf["schedule"]["periodMs"], HOUR);
    assert_eq!(wf["folder"], "Administration > Production > Message Center");
    // "Database cleanup" is a technical workflow of every instance, not a Message Center one.
    let folders: Vec<(String, String)> = q(&d, json!({"q": "workflows", "instance": "exec1"}))
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["name"].as_str().unwrap().to_string(), w["folder"].as_str().unwrap().to_string()))
        .collect();
    for (name, folder) in &folders {
        let want = match name.as_str() {
            "cleanup" => "Administration > Production > Technical workflows",
            "mta" => "Administration > Production > Processes",
            _ => "Administration > Production > Message Center",
        };
        assert_eq!(folder, want, "{name}");
    }
    let cleanup = q(&d, json!({"q": "workflows", "instance": "control"}));
    let cleanup = cleanup.as_array().unwrap().iter().find(|w| w["name"] == "cleanup").unwrap();
    assert_eq!(
        (&cleanup["label"], &cleanup["folder"]),
        (&json!("Database cleanup"), &json!("Administration > Production > Technical workflows"))
    );

    let acc = &q(&d, json!({"q": "accounts"}))[0];
    assert_null(acc, "warning");
    assert_eq!(acc["archivingWorkflow"], "mcSynch_exec1");

    let before = d.store.clone();
    let e = error(d.run(&json!({"op": "createArchivingWorkflow", "account": "exec1"})));
    assert_eq!(e.code.as_str(), "WORKFLOW_EXISTS");
    assert!(e.message.contains("mcSynch_exec1"));
    assert_eq!(d.store, before);
    assert_eq!(code(d.run(&json!({"op": "createArchivingWorkflow", "account": "nope"}))), "UNKNOWN_INSTANCE");

    let control: Vec<String> = q(&d, json!({"q": "workflows", "instance": "control"}))
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(control, ["cleanup", "mcSynch_exec1"]);
}

#[test]
fn archiving_workflows_are_per_account() {
    let mut d = setup_instances(1, &[("exec1", 1), ("exec2", 2)]);
    ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "exec2"}));
    let accs = q(&d, json!({"q": "accounts"}));
    assert_eq!(accs[0]["name"], "exec1");
    assert_eq!(accs[0]["warning"], WARNING);
    assert_eq!(accs[1]["name"], "exec2");
    assert_null(&accs[1], "warning");
    ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "exec1"}));
    let accs = q(&d, json!({"q": "accounts"}));
    assert_null(&accs[0], "warning");
}

#[test]
fn execution_workflows_are_created_stopped() {
    let mut d = setup(1);
    let wfs = q(&d, json!({"q": "workflows", "instance": "exec1"}));
    let by = |n: &str| wfs.as_array().unwrap().iter().find(|w| w["name"] == n).unwrap().clone();
    for (n, label) in [
        ("rtEventsProcessing", "Processing real time events"),
        ("batchEventsProcessing", "Processing batch events"),
        ("updateEventsStatus", "Update event status"),
    ] {
        let w = by(n);
        assert_eq!(w["stateLabel"], "Stopped", "{n}");
        assert_eq!(w["label"], label);
        assert_null(&w, "nextRun");
    }
    assert_eq!(by("cleanup")["stateLabel"], "Started");
    assert_eq!(by("mta")["stateLabel"], "Started");
    assert_eq!(by("cleanup")["nextRun"], "2026-03-11T04:00:00.000Z");

    let id = push1(&mut d, "exec1", "sent@mc-sim.test");
    advance(&mut d, 6 * HOUR);
    assert_eq!(status(&mut d, &id), "pending");
    assert!(blocked(&mut d, &id, "sent").contains("rtEventsProcessing"));
    // Only the daily cleanups ran.
    assert!(journal(&mut d, "exec1", "rtEventsProcessing").is_empty());

    start(&mut d, "exec1", "rtEventsProcessing");
    advance(&mut d, MIN);
    assert_eq!(status(&mut d, &id), "pendingDelivery");
    advance(&mut d, HOUR);
    assert_eq!(status(&mut d, &id), "pendingDelivery", "updateEventsStatus is still stopped");

    // The seed page's spelling is accepted.
    let w = start(&mut d, "exec1", "updateEventStatus");
    assert_eq!(w["name"], "updateEventsStatus");
    assert_eq!(w["stateLabel"], "Started");
    advance(&mut d, MIN);
    assert_eq!(status(&mut d, &id), "sent");
    assert_eq!(ok(&mut d, json!({"op": "stopWorkflow", "instance": "exec1", "name": "updateEventStatus"}))["stateLabel"], "Stopped");
    assert_eq!(code(d.run(&json!({"op": "startWorkflow", "instance": "exec1", "name": "updateEventStatuses"}))), "UNKNOWN_WORKFLOW");
    assert_eq!(code(d.run(&json!({"op": "startWorkflow", "instance": "exec9", "name": "updateEventsStatus"}))), "UNKNOWN_INSTANCE");
}

#[test]
fn load_balancer_spreads_round_robin_over_enabled_instances() {
    let mut d = setup_instances(1, &[("exec3", 3), ("exec1", 1), ("exec2", 2)]);
    let six: String = (0..6).map(|i| rt_xml(&format!("sent+{i}@mc-sim.test"))).collect();
    let r = push_xml(&mut d, "loadBalancer", &format!("<Events>{six}</Events>")).unwrap();
    let inst: Vec<&str> = r["events"].as_array().unwrap().iter().map(|e| e["instance"].as_str().unwrap()).collect();
    assert_eq!(inst, ["exec1"; 6], "one PushEvents call is one request: one instance takes it all");
    let next: Vec<String> = (0..3)
        .map(|i| {
            push_xml(&mut d, "loadBalancer", &rt_xml(&format!("sent+n{i}@mc-sim.test"))).unwrap()["events"][0]["instance"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(next, ["exec2", "exec3", "exec1"], "calls go round robin in execution instance id order");
    // Each event lives on the instance that took it.
    for e in r["events"].as_array().unwrap() {
        let id: u64 = e["id"].as_str().unwrap().parse().unwrap();
        let want = e["instance"].as_str().unwrap()[4..].parse::<u64>().unwrap();
        assert_eq!(id >> 56, want);
    }

    ok(&mut d, json!({"op": "updateExecutionInstance", "name": "exec2", "patch": {"enabled": false}}));
    let mut got = Vec::new();
    for i in 0..4 {
        let r = push_xml(&mut d, "loadBalancer", &rt_xml(&format!("sent+x{i}@mc-sim.test"))).unwrap();
        got.push(r["events"][0]["instance"].as_str().unwrap().to_string());
    }
    assert!(!got.contains(&"exec2".to_string()), "{got:?}");
    assert_ne!(got[0], got[1]);
    assert_eq!(got[0], got[2]);
    assert_eq!(got[1], got[3]);

    for n in ["exec1", "exec3"] {
        ok(&mut d, json!({"op": "updateExecutionInstance", "name": n, "patch": {"enabled": false}}));
    }
    let before = d.store.clone();
    let snap = snapshot(&d);
    assert_eq!(code(push_xml(&mut d, "loadBalancer", &rt_xml("a@example.com"))), "NO_INSTANCE_AVAILABLE");
    assert_eq!(d.store, before);
    assert_eq!(snapshot(&d), snap);
}

#[test]
fn load_balancer_without_any_instance() {
    let mut d = bare(1);
    add_type(&mut d, "order");
    assert_eq!(code(push_xml(&mut d, "loadBalancer", &rt_xml("a@example.com"))), "NO_INSTANCE_AVAILABLE");
}

#[test]
fn ids_carry_the_instance_id_and_a_per_instance_sequence() {
    let mut d = setup_instances(1, &[("exec1", 1), ("exec7", 7), ("exec0", 0), ("exec255", 255)]);
    let mut ids = Vec::new();
    for target in ["exec1", "exec7", "exec1", "exec0", "exec7", "exec1", "exec255"] {
        let id: u64 = push1(&mut d, target, "a@example.com").parse().unwrap();
        ids.push(id);
    }
    let mask = 0x00FF_FFFF_FFFF_FFFFu64;
    let want: [(u64, u64); 7] = [(1, 1), (7, 1), (1, 2), (0, 1), (7, 2), (1, 3), (255, 1)];
    for (id, (inst, seq)) in ids.iter().zip(want) {
        assert_eq!(id >> 56, inst, "{id:x}");
        assert_eq!(id & mask, seq, "{id:x}");
    }
    assert_eq!(ids[0], 72_057_594_037_927_937);
    // Ids above i64::MAX are fine (cell 255).
    let big = ids[6].to_string();
    let ev = get(&mut d, &big);
    assert_eq!(ev["event"]["executionInstanceId"], 255);
    assert_eq!(ev["event"]["instance"], "exec255");
    assert_eq!(ev["event"]["id"], big);
    assert!(events(&d, 'e').contains_key(&ids[6]));
}

#[test]
fn configure_refuses_unknown_and_misspelt_keys() {
    let mut d = message_center::driver::MemDriver::new(1, 1_780_000_000_000);
    for bad in [
        serde_json::json!({ "maxCtxByte": 10 }),
        serde_json::json!({ "email": { "hardPPM": 10 } }),
        serde_json::json!({ "schedules": { "cleanup": { "periodMs": 86_400_000, "offset": 0 } } }),
    ] {
        let before = d.store.clone();
        let e = d.run(&serde_json::json!({ "op": "configure", "config": bad })).unwrap_err();
        assert_eq!(e.code, message_center::ErrorCode::InvalidArgument, "{bad}");
        assert!(e.message.contains("unknown field"), "{}", e.message);
        assert_eq!(before, d.store);
    }
}

#[test]
fn an_external_account_has_its_operator_a_password_kept_nowhere_a_connection_method_and_a_connection_test() {
    let mut d = bare(1);
    let a = ok(&mut d, json!({"op": "addExecutionInstance", "name": "mcExec1", "executionInstanceId": 1}));
    assert_eq!((&a["account"], &a["passwordSet"], &a["connectionMethod"]), (&json!("mc"), &json!(false), &json!("webService")));
    assert_eq!(a["connectionMethodLabel"], "Web service");
    let b = ok(
        &mut d,
        json!({"op": "addExecutionInstance", "name": "mcExec2", "executionInstanceId": 2, "account": "mc2", "password": "s3cret!", "connectionMethod": "fda"}),
    );
    assert_eq!(
        (&b["account"], &b["passwordSet"], &b["connectionMethodLabel"]),
        (&json!("mc2"), &json!(true), &json!("Federated Data Access (FDA)"))
    );
    assert!(!d.store.values().any(|v| v.contains("s3cret!")), "the password is stored nowhere");

    let t = q(&d, json!({"q": "testConnection", "account": "mcExec1"}));
    assert_eq!(t["ok"], true);
    assert_eq!(t["text"], "Connection successful: mcExec1 (execution instance id 1) answers the operator 'mc' by Web service.");
    assert_eq!(t["mcPing"]["status"], "Ok");
    ok(
        &mut d,
        json!({"op": "updateExecutionInstance", "name": "mcExec1", "patch": {"enabled": false, "account": "mc_1", "password": "x"}}),
    );
    let t = q(&d, json!({"q": "testConnection", "account": "mcExec1"}));
    assert_eq!(
        (&t["ok"], &t["text"], &t["mcPing"]),
        (&json!(false), &json!("The external account mcExec1 is disabled: tick \"Enabled\" to use it."), &Value::Null)
    );
    let a = &q(&d, json!({"q": "accounts"}))[0];
    assert_eq!((&a["account"], &a["passwordSet"]), (&json!("mc_1"), &json!(true)));
    ok(&mut d, json!({"op": "updateExecutionInstance", "name": "mcExec1", "patch": {"password": ""}}));
    assert_eq!(q(&d, json!({"q": "accounts"}))[0]["passwordSet"], false, "an empty password clears it");

    // Bad input: a clear error, nothing written.
    let before = d.store.clone();
    for (req, msg) in [
        (
            json!({"op": "addExecutionInstance", "name": "x", "executionInstanceId": 3, "account": "a b"}),
            "account: the operator's login, 1 to 64 letters, digits, '_', '-' or '.'",
        ),
        (
            json!({"op": "addExecutionInstance", "name": "x", "executionInstanceId": 3, "account": ""}),
            "account: the operator's login, 1 to 64 letters, digits, '_', '-' or '.'",
        ),
        (
            json!({"op": "addExecutionInstance", "name": "x", "executionInstanceId": 3, "password": "p".repeat(257)}),
            "password: at most 256 bytes",
        ),
        (
            json!({"op": "updateExecutionInstance", "name": "mcExec1", "patch": {"account": "<script>"}}),
            "account: the operator's login, 1 to 64 letters, digits, '_', '-' or '.'",
        ),
    ] {
        let e = error(d.run(&req));
        assert_eq!((e.code, e.message.as_str()), (ErrorCode::InvalidArgument, msg), "{req}");
    }
    let e = error(d.run(&json!({"op": "addExecutionInstance", "name": "x", "executionInstanceId": 3, "connectionMethod": "telnet"})));
    assert_eq!(e.code, ErrorCode::InvalidArgument, "{}", e.message);
    assert_eq!(d.store, before);
    let e = error(d.query(&json!({"q": "testConnection", "account": "nope"})));
    assert_eq!(e.code, ErrorCode::UnknownInstance);

    // A remote execution instance is its host's to test: this engine makes no call, and says so.
    ok(
        &mut d,
        json!({"op": "addExecutionInstance", "name": "far", "executionInstanceId": 9, "remote": true, "url": "http://far.example.com:8080"}),
    );
    let t = q(&d, json!({"q": "testConnection", "account": "far"}));
    assert_eq!(
        (&t["ok"], &t["text"], &t["mcPing"]),
        (
            &json!(false),
            &json!(
                "far runs in another process: its host tests the connection to http://far.example.com:8080 (this engine makes no call)."
            ),
            &Value::Null
        )
    );
}
