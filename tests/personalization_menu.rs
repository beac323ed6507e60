//! The template editor's insert-personalization menu (issue 16, problem 9): Campaign's "Real time
//! events > Email / Language / Event XML / Other…", with the paths of a seed's test data; each
//! item inserts an expression that renders that value.

mod common;

use common::*;
use message_center::error::ErrorCode;
use serde_json::{json, Value};

fn labels(g: &Value) -> Vec<String> {
    g["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
}

#[test]
fn the_menu_lists_the_event_fields_and_the_paths_of_a_seeds_ctx() {
    let mut d = bare(1);
    let m = q(&d, json!({"q": "personalizationMenu"}));
    let groups: Vec<&str> = m["groups"].as_array().unwrap().iter().map(|g| g["label"].as_str().unwrap()).collect();
    assert_eq!(groups, ["Email", "Language", "Event XML", "Other…"]);
    assert_eq!(m["groups"][0]["items"][0], json!({"label": "Email address", "insert": "<%= rtEvent.email %>"}));
    assert_eq!(m["groups"][2]["items"], json!([]), "no ctx: no Event XML item");

    let ctx = "<ctx><firstName>Ada</firstName><order number='1001' total='42.50'><line sku='A1'/><line sku='B2'/></order><account><label>Gold</label></account></ctx>";
    let m = q(&d, json!({"q": "personalizationMenu", "ctx": ctx}));
    let xml = &m["groups"][2];
    assert_eq!(labels(xml), ["firstName", "order › @number", "order › @total", "order › line › @sku", "account › label"]);
    assert_eq!(xml["items"][1]["insert"], "<%= rtEvent.ctx.order.@number %>");

    // Each inserted expression renders the seed's value.
    add_type(&mut d, "order_confirmation");
    let html: String = xml["items"].as_array().unwrap().iter().map(|i| format!("[{}]", i["insert"].as_str().unwrap())).collect();
    ok(
        &mut d,
        json!({"op": "createTemplate", "template": {"name": "oc", "eventType": "order_confirmation", "subject": "s", "html": html,
            "seeds": [{"name": "seed1", "email": "seed@example.com", "ctx": ctx}]}}),
    );
    let p = q(&d, json!({"q": "preview", "name": "oc", "seed": "seed1"}));
    assert_eq!(p["html"], "[Ada][1001][42.50][A1B2][Gold]", "{p}");

    // A ctx that is not one: the seed's error.
    for (bad, code) in [
        ("<ctx><a></ctx>", ErrorCode::MalformedXml),
        ("<!DOCTYPE x><ctx/>", ErrorCode::XmlDtdRefused),
        ("<other/>", ErrorCode::InvalidEvent),
    ] {
        assert_eq!(error(d.query(&json!({"q": "personalizationMenu", "ctx": bad}))).code, code, "{bad}");
    }
}

#[test]
fn send_a_proof_renders_with_each_seed_and_keeps_the_last_twenty_in_the_audit() {
    let mut d = bare(1);
    add_type(&mut d, "order_confirmation");
    ok(
        &mut d,
        json!({"op": "createTemplate", "template": {"name": "oc", "eventType": "order_confirmation", "subject": "Order <%= rtEvent.ctx.@n %>", "html": "<p>Hi</p>",
            "seeds": [{"name": "s1", "email": "a@example.com", "ctx": "<ctx n='1'/>"}, {"name": "s2", "email": "b@example.com", "ctx": "<ctx n='2'/>"}]}}),
    );
    let r = ok(&mut d, json!({"op": "sendProof", "name": "oc"}));
    let sent: Vec<(Value, Value, Value)> =
        r["proofs"].as_array().unwrap().iter().map(|p| (p["n"].clone(), p["to"].clone(), p["subject"].clone())).collect();
    assert_eq!(sent, [(json!(1), json!("a@example.com"), json!("Order 1")), (json!(2), json!("b@example.com"), json!("Order 2"))]);
    let r = ok(&mut d, json!({"op": "sendProof", "name": "oc", "seeds": ["s2"]}));
    assert_eq!(r["proofs"][0]["n"], 3);
    let t = q(&d, json!({"q": "template", "name": "oc"}));
    let audit: Vec<Value> = t["proofs"].as_array().unwrap().iter().map(|p| p["n"].clone()).collect();
    assert_eq!(audit, [json!(3), json!(2), json!(1)], "newest first");
    for _ in 0..10 {
        ok(&mut d, json!({"op": "sendProof", "name": "oc"}));
    }
    let t = q(&d, json!({"q": "template", "name": "oc"}));
    assert_eq!(t["proofs"].as_array().unwrap().len(), 20);
    assert_eq!((&t["proofs"][0]["n"], &t["proofs"][19]["n"]), (&json!(23), &json!(4)));

    // Analysis first: nothing is sent when a seed does not render or is unknown.
    let before = d.store.clone();
    let e = error(d.run(&json!({"op": "sendProof", "name": "oc", "seeds": ["s9"]})));
    assert_eq!(e.code, ErrorCode::UnknownSeed);
    let e = error(d.run(&json!({"op": "sendProof", "name": "oc", "seeds": []})));
    assert_eq!(e.code, ErrorCode::InvalidArgument);
    let e = error(d.run(&json!({"op": "sendProof", "name": "nope"})));
    assert_eq!(e.code, ErrorCode::UnknownTemplate);
    ok(&mut d, json!({"op": "updateTemplate", "name": "oc", "patch": {"html": "<%= rtEvent.ctx.x.y.z() %>"}}));
    let before_bad = d.store.clone();
    let e = error(d.run(&json!({"op": "sendProof", "name": "oc", "seeds": ["s1"]})));
    assert!(e.message.starts_with("proof with the seed 's1': "), "{}", e.message);
    assert_eq!(d.store, before_bad);
    assert_ne!(d.store, before, "the update was saved");
    let e = error(
        d.run(&json!({"op": "createTemplate", "template": {"name": "empty", "subject": "x"}}))
            .map(|_| Value::Null)
            .and_then(|_| d.run(&json!({"op": "sendProof", "name": "empty"}))),
    );
    assert_eq!((e.code, e.message.as_str()), (ErrorCode::UnknownSeed, "'empty' has no seed address: add one to send a proof"));
}
