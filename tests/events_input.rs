//! Receiving events: PushEvent / PushEvents as XML, JSON objects and arrays, and every way input
//! is refused (with nothing written).

mod common;

use common::*;
use message_center::driver::MemDriver;
use serde_json::json;

#[test]
fn push_event_xml_keeps_every_field() {
    let mut d = setup(1);
    let xml = r#"<rtEvent type="order" email="esther.hall@example.com" origin="eShopping" wishedChannel="0" externalId="1596" language="english" country="EN" emailFormat="2" mobilePhone="+447700123123" scheduled="2026-03-10T13:00:00Z" expiration="2026-03-11 12:00:00Z">
  <ctx>
    <website name="eShopping" url="http://www.eShopping.uk"/>
    <customer title="Ms" firstName="Esther">Hall &amp; Co</customer>
  </ctx>
</rtEvent>"#;
    let r = ok(&mut d, json!({"op": "push", "target": "exec1", "format": "xml", "text": xml, "single": true}));
    assert_eq!(r["events"].as_array().unwrap().len(), 1);
    assert_eq!(r["events"][0]["instance"], "exec1");
    assert_eq!(r["events"][0]["queue"], "rt");
    let id = r["events"][0]["id"].as_str().unwrap().to_string();
    let e = &get(&mut d, &id)["event"];
    assert_eq!(e["type"], "order");
    assert_eq!(e["email"], "esther.hall@example.com");
    assert_eq!(e["origin"], "eShopping");
    assert_eq!(e["externalId"], "1596");
    assert_eq!(e["language"], "english");
    assert_eq!(e["country"], "EN");
    assert_eq!(e["emailFormat"], 2);
    assert_eq!(e["mobilePhone"], "+447700123123");
    assert_eq!(e["wishedChannel"], "email");
    assert_eq!(e["wishedChannelCode"], 0);
    assert_eq!(e["scheduled"], "2026-03-10T13:00:00.000Z");
    assert_eq!(e["expiration"], "2026-03-11T12:00:00.000Z");
    assert_eq!(e["processRequestedOn"], "2026-03-10T13:00:00.000Z");
    assert_eq!(e["created"], iso(t0()));
    assert_eq!(e["status"], "pending");
    assert_eq!(e["statusLabel"], "Pending");
    assert_eq!(e["restStatus"], "pending");
    assert_eq!(e["errors"], 0);
    assert_eq!(e["queue"], "rt");
    let ctx = e["ctx"].as_str().unwrap();
    assert!(ctx.starts_with("<ctx>"), "{ctx}");
    assert!(ctx.contains("firstName=\"Esther\""), "{ctx}");
    assert!(ctx.contains("Hall &amp; Co"), "{ctx}");
    assert_eq!(e["history"], json!([{"status": "pending", "statusLabel": "Pending", "at": iso(t0()), "by": "PushEvent", "note": null}]));
}

#[test]
fn push_events_wrapper_and_both_queues() {
    let mut d = setup(1);
    let xml = "<Events>\
        <rtEvent type='order' email='a@example.com'><ctx/></rtEvent>\
        <batchEvent type='reset' email='b@example.com' wishedChannel='email'><ctx><link>https://x/2</link></ctx></batchEvent>\
        <urn:rtEvent xmlns:urn='urn:nms:rtEvent' type='order' mobilePhone='+33620202020' wishedChannel='mobile'><ctx/></urn:rtEvent>\
      </Events>";
    let r = push_xml(&mut d, "exec1", xml).unwrap();
    let evs = r["events"].as_array().unwrap();
    assert_eq!(evs.len(), 3);
    assert_eq!(evs.iter().map(|e| e["queue"].as_str().unwrap()).collect::<Vec<_>>(), ["rt", "batch", "rt"]);
    let ids: Vec<String> = evs.iter().map(|e| e["id"].as_str().unwrap().to_string()).collect();
    let b = get(&mut d, &ids[1]);
    assert_eq!(b["event"]["history"][0]["by"], "PushEvents");
    assert_eq!(b["event"]["type"], "reset");
    assert_eq!(b["event"]["ctx"], "<ctx><link>https://x/2</link></ctx>");
    assert_eq!(get(&mut d, &ids[2])["event"]["wishedChannel"], "sms");
    // Ids follow the order of the document.
    let n: Vec<u64> = ids.iter().map(|i| i.parse().unwrap()).collect();
    assert!(n[0] < n[1] && n[1] < n[2]);

    // PushEvent takes exactly one event.
    let before = d.store.clone();
    let two = "<Events><rtEvent type='order' email='a@example.com'><ctx/></rtEvent><rtEvent type='order' email='a@example.com'><ctx/></rtEvent></Events>";
    let e = error(d.run(&json!({"op": "push", "target": "exec1", "format": "xml", "text": two, "single": true})));
    assert_eq!(e.code.as_str(), "INVALID_EVENT");
    assert_eq!(d.store, before);
}

#[test]
fn push_json_object_and_array() {
    let mut d = setup(1);
    let r = push_json(&mut d, "exec1", json!({"type": "order", "email": "a@example.com", "wishedChannel": 0, "emailFormat": "html", "ctx": {"customer": {"@firstName": "Ada", "lastName": "Lovelace"}}})).unwrap();
    let id = r["events"][0]["id"].as_str().unwrap().to_string();
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["ctx"], "<ctx><customer firstName=\"Ada\"><lastName>Lovelace</lastName></customer></ctx>");
    assert_eq!(e["event"]["emailFormat"], 2);
    assert_eq!(e["event"]["queue"], "rt");

    let r = push_json(
        &mut d,
        "exec1",
        json!([
            {"type": "order", "email": "a@example.com", "ctx": {}},
            {"type": "order", "email": "b@example.com", "queue": "batch", "ctx": "<ctx a='1'/>"},
            {"type": "reset", "mobilePhone": "+33620202020", "wishedChannel": "sms", "ctx": {}}
        ]),
    )
    .unwrap();
    let qs: Vec<&str> = r["events"].as_array().unwrap().iter().map(|e| e["queue"].as_str().unwrap()).collect();
    assert_eq!(qs, ["rt", "batch", "rt"]);
    let id = r["events"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(get(&mut d, &id)["event"]["history"][0]["by"], "PushEvents");

    // The push-level queue is the default of JSON events that do not say.
    let r = ok(
        &mut d,
        json!({"op": "push", "target": "exec1", "format": "json", "queue": "batch", "text": json!([{"type": "order", "email": "a@example.com", "ctx": {}}, {"type": "order", "email": "a@example.com", "queue": "rt", "ctx": {}}]).to_string()}),
    );
    let qs: Vec<&str> = r["events"].as_array().unwrap().iter().map(|e| e["queue"].as_str().unwrap()).collect();
    assert_eq!(qs, ["batch", "rt"]);

    let before = d.store.clone();
    for (req, want) in [
        (json!({"op": "push", "target": "exec1", "format": "json", "queue": "later", "text": "{}"}), "INVALID_ARGUMENT"),
        (json!({"op": "push", "target": "exec1", "format": "yaml", "text": "{}"}), "INVALID_ARGUMENT"),
        (json!({"op": "push", "target": "exec1", "format": "json", "text": "{\"type\": "}), "INVALID_JSON"),
        (json!({"op": "push", "target": "exec1", "format": "json", "text": "[]"}), "INVALID_EVENT"),
        (
            json!({"op": "push", "target": "exec1", "format": "json", "text": "{\"type\":\"order\",\"email\":\"a@example.com\",\"ctx\":{},\"typo\":1}"}),
            "INVALID_EVENT",
        ),
        (
            json!({"op": "push", "target": "exec1", "format": "json", "text": "{\"type\":\"order\",\"email\":\"a@example.com\",\"ctx\":{},\"queue\":\"later\"}"}),
            "INVALID_EVENT",
        ),
    ] {
        assert_eq!(code(d.run(&req)), want, "{req}");
        assert_eq!(d.store, before, "{req}");
    }
}

/// One bad-input case: the event (as an XML element) and the error it must give.
struct Case {
    what: &'static str,
    xml: String,
    code: &'static str,
    needle: &'static str,
}

fn good(i: usize) -> String {
    format!("<rtEvent type='order' email='good{i}@example.com'><ctx n='{i}'/></rtEvent>")
}

fn bad_event_cases() -> Vec<Case> {
    let big_ctx: String = (0..5).map(|i| format!("<p{i}>{}</p{i}>", "x".repeat(15_000))).collect();
    vec![
        Case { what: "no type", xml: "<rtEvent email='a@example.com'><ctx/></rtEvent>".into(), code: "MISSING_EVENT_TYPE", needle: "type" },
        Case {
            what: "empty type",
            xml: "<rtEvent type='  ' email='a@example.com'><ctx/></rtEvent>".into(),
            code: "MISSING_EVENT_TYPE",
            needle: "type",
        },
        Case {
            what: "unknown type",
            xml: "<rtEvent type='nope' email='a@example.com'><ctx/></rtEvent>".into(),
            code: "UNKNOWN_EVENT_TYPE",
            needle: "nope",
        },
        Case {
            what: "unknown channel",
            xml: "<rtEvent type='order' email='a@example.com' wishedChannel='77'><ctx/></rtEvent>".into(),
            code: "UNKNOWN_CHANNEL",
            needle: "77",
        },
        Case {
            what: "channel name",
            xml: "<rtEvent type='order' email='a@example.com' wishedChannel='pigeon'><ctx/></rtEvent>".into(),
            code: "UNKNOWN_CHANNEL",
            needle: "pigeon",
        },
        Case {
            what: "bad email",
            xml: "<rtEvent type='order' email='not-an-email'><ctx/></rtEvent>".into(),
            code: "INVALID_EMAIL",
            needle: "not-an-email",
        },
        Case {
            what: "unknown directive",
            xml: "<rtEvent type='order' email='explode@mc-sim.test'><ctx/></rtEvent>".into(),
            code: "INVALID_EMAIL",
            needle: "explode",
        },
        Case {
            what: "bad phone",
            xml: "<rtEvent type='order' email='a@example.com' mobilePhone='call me'><ctx/></rtEvent>".into(),
            code: "INVALID_PHONE",
            needle: "call me",
        },
        Case {
            what: "bad scheduled",
            xml: "<rtEvent type='order' email='a@example.com' scheduled='tomorrow'><ctx/></rtEvent>".into(),
            code: "INVALID_DATE",
            needle: "scheduled",
        },
        Case {
            what: "bad expiration",
            xml: "<rtEvent type='order' email='a@example.com' expiration='2026-13-01T00:00:00Z'><ctx/></rtEvent>".into(),
            code: "INVALID_DATE",
            needle: "expiration",
        },
        Case { what: "no ctx", xml: "<rtEvent type='order' email='a@example.com'/>".into(), code: "INVALID_EVENT", needle: "ctx" },
        Case {
            what: "email channel without email",
            xml: "<rtEvent type='order' mobilePhone='+33620202020'><ctx/></rtEvent>".into(),
            code: "INVALID_EVENT",
            needle: "email",
        },
        Case {
            what: "sms without phone",
            xml: "<rtEvent type='order' email='a@example.com' wishedChannel='1'><ctx/></rtEvent>".into(),
            code: "INVALID_EVENT",
            needle: "mobilePhone",
        },
        Case {
            what: "bad emailFormat",
            xml: "<rtEvent type='order' email='a@example.com' emailFormat='9'><ctx/></rtEvent>".into(),
            code: "INVALID_EVENT",
            needle: "emailFormat",
        },
        Case {
            what: "ctx over 64 KiB",
            xml: format!("<rtEvent type='order' email='a@example.com'><ctx>{big_ctx}</ctx></rtEvent>"),
            code: "CTX_TOO_LARGE",
            needle: "65536",
        },
    ]
}

#[test]
fn every_bad_event_is_refused_and_nothing_is_written() {
    let mut d = setup(1);
    let mut twin = setup(1);
    for c in bad_event_cases() {
        let before = d.store.clone();
        let snap = snapshot(&d);
        // PushEvent of the bad event alone.
        let e = error(d.run(&json!({"op": "push", "target": "exec1", "format": "xml", "text": c.xml, "single": true})));
        assert_eq!(e.code.as_str(), c.code, "{}: {}", c.what, e.message);
        assert!(e.message.contains(c.needle), "{}: {}", c.what, e.message);
        assert_eq!(d.store, before, "{}", c.what);
        assert_eq!(snapshot(&d), snap, "{}", c.what);
        // PushEvents with the bad event among good ones: none is written.
        let coll = format!("<Events>{}{}{}</Events>", good(1), c.xml, good(3));
        let e = error(push_xml(&mut d, "exec1", &coll));
        assert_eq!(e.code.as_str(), c.code, "{} (collection)", c.what);
        // Parser limits and validation errors both name the event: "event 2 of 3: …".
        assert!(e.message.starts_with("event 2 of 3: "), "{}: {}", c.what, e.message);
        assert_eq!(d.store, before, "{} (collection)", c.what);
        assert_eq!(snapshot(&d), snap, "{} (collection)", c.what);
        // Through the load balancer too.
        assert_eq!(code(push_xml(&mut d, "loadBalancer", &coll)), c.code, "{} (load balancer)", c.what);
        assert_eq!(d.store, before, "{} (load balancer)", c.what);
    }
    // The refused calls used no id and no load-balancer turn: same store as never calling.
    for dr in [&mut d, &mut twin] {
        push_xml(dr, "exec1", &format!("<Events>{}{}</Events>", good(1), good(2))).unwrap();
        push_xml(dr, "loadBalancer", &good(3)).unwrap();
    }
    assert_eq!(d.store, twin.store);
}

#[test]
fn bad_json_events_in_an_array_write_nothing() {
    let mut d = setup(1);
    let before = d.store.clone();
    let cases = [
        (json!({"email": "a@example.com", "ctx": {}}), "MISSING_EVENT_TYPE"),
        (json!({"type": "nope", "email": "a@example.com", "ctx": {}}), "UNKNOWN_EVENT_TYPE"),
        (json!({"type": "order", "email": "a@example.com", "wishedChannel": 99, "ctx": {}}), "UNKNOWN_CHANNEL"),
        (json!({"type": "order", "email": "a@@example.com", "ctx": {}}), "INVALID_EMAIL"),
        (json!({"type": "order", "email": "a@example.com", "mobilePhone": "12", "ctx": {}}), "INVALID_PHONE"),
        (json!({"type": "order", "email": "a@example.com", "expiration": "soon", "ctx": {}}), "INVALID_DATE"),
        (json!({"type": "order", "email": "a@example.com"}), "INVALID_EVENT"),
        (json!({"type": "order", "email": "a@example.com", "ctx": "<ctx>"}), "MALFORMED_XML"),
        (json!({"type": "order", "email": "a@example.com", "ctx": "<!DOCTYPE ctx><ctx/>"}), "XML_DTD_REFUSED"),
    ];
    for (ev, want) in cases {
        let arr =
            json!([{"type": "order", "email": "a@example.com", "ctx": {}}, ev, {"type": "order", "email": "b@example.com", "ctx": {}}]);
        let e = error(push_json(&mut d, "exec1", arr));
        assert_eq!(e.code.as_str(), want, "{ev}: {}", e.message);
        assert_eq!(d.store, before, "{ev}");
    }
}

/// Errors of the whole document (it does not parse, or is refused before any event is read).
#[test]
fn document_errors_write_nothing() {
    let mut d = setup(1);
    let before = d.store.clone();
    let snap = snapshot(&d);
    let check = |d: &mut MemDriver, what: &str, target: &str, xml: &str, want: &str, needle: &str| {
        let e = error(push_xml(d, target, xml));
        assert_eq!(e.code.as_str(), want, "{what}: {}", e.message);
        assert!(e.message.contains(needle), "{what}: {}", e.message);
        assert_eq!(d.store, before, "{what}");
        assert_eq!(snapshot(d), snap, "{what}");
    };
    check(
        &mut d,
        "unclosed ctx",
        "exec1",
        "<rtEvent type='order' email='a@example.com'>\n  <ctx>\n</rtEvent>",
        "MALFORMED_XML",
        "line 3, column",
    );
    check(&mut d, "garbage", "exec1", "not xml at all", "MALFORMED_XML", "line 1, column");
    check(&mut d, "unquoted attribute", "exec1", "<rtEvent type=order><ctx/></rtEvent>", "MALFORMED_XML", "line 1, column");
    check(&mut d, "collection cut", "exec1", &format!("<Events>{}<rtEvent type='order'", good(1)), "MALFORMED_XML", "line 1");
    check(
        &mut d,
        "entity declaration",
        "exec1",
        "<!DOCTYPE rtEvent [<!ENTITY x \"boom\">]><rtEvent type='order' email='a@example.com'><ctx>&x;</ctx></rtEvent>",
        "XML_DTD_REFUSED",
        "",
    );
    check(
        &mut d,
        "external entity",
        "exec1",
        "<!DOCTYPE rtEvent SYSTEM 'file:///etc/passwd'><rtEvent type='order' email='a@example.com'><ctx/></rtEvent>",
        "XML_DTD_REFUSED",
        "",
    );
    check(
        &mut d,
        "undeclared entity",
        "exec1",
        "<rtEvent type='order' email='a@example.com'><ctx>&x;</ctx></rtEvent>",
        "XML_DTD_REFUSED",
        "&x;",
    );
    check(&mut d, "unknown instance", "exec9", &good(1), "UNKNOWN_INSTANCE", "exec9");
    check(&mut d, "no event", "exec1", "<Events/>", "INVALID_EVENT", "");
    check(&mut d, "not an event", "exec1", "<order type='order'><ctx/></order>", "INVALID_EVENT", "");
}

#[test]
fn configured_limits() {
    let mut d = setup(1);
    ok(&mut d, json!({"op": "configure", "config": {"maxCtxBytes": 100, "maxDocumentBytes": 1000, "maxEventsPerBatch": 2}}));
    assert_eq!(q(&d, json!({"q": "settings"}))["config"]["maxCtxBytes"], 100);
    let before = d.store.clone();
    // ctx over the configured 100 bytes.
    let ctx = format!("<ctx a='{}'/>", "x".repeat(100));
    let e = error(push_xml(&mut d, "exec1", &format!("<rtEvent type='order' email='a@example.com'>{ctx}</rtEvent>")));
    assert_eq!(e.code.as_str(), "CTX_TOO_LARGE");
    assert!(e.message.contains("100"), "{}", e.message);
    // ...in JSON too.
    let e = error(push_json(&mut d, "exec1", json!({"type": "order", "email": "a@example.com", "ctx": {"@a": "x".repeat(100)}})));
    assert_eq!(e.code.as_str(), "CTX_TOO_LARGE");
    // ...and inside a collection, with nothing of it written.
    let e = error(push_xml(&mut d, "exec1", &format!("<E>{}<rtEvent type='order' email='a@example.com'>{ctx}</rtEvent></E>", good(1))));
    assert_eq!(e.code.as_str(), "CTX_TOO_LARGE");
    // Document over 1000 bytes.
    let padding = " ".repeat(1000);
    let e = error(push_xml(&mut d, "exec1", &format!("{}{padding}", good(1))));
    assert_eq!(e.code.as_str(), "INPUT_TOO_LARGE");
    // Three events where two are allowed.
    let e = error(push_xml(&mut d, "exec1", &format!("<E>{}{}{}</E>", good(1), good(2), good(3))));
    assert_eq!(e.code.as_str(), "INPUT_TOO_LARGE");
    let e = error(push_json(
        &mut d,
        "exec1",
        json!([{"type": "order", "email": "a@example.com", "ctx": {}}, {"type": "order", "email": "a@example.com", "ctx": {}}, {"type": "order", "email": "a@example.com", "ctx": {}}]),
    ));
    assert_eq!(e.code.as_str(), "INPUT_TOO_LARGE");
    assert_eq!(d.store, before);
    push_xml(&mut d, "exec1", &format!("<E>{}{}</E>", good(1), good(2))).unwrap();
    push_xml(&mut d, "exec1", &format!("<rtEvent type='order' email='a@example.com'><ctx a='{}'/></rtEvent>", "x".repeat(80))).unwrap();

    // Bad configuration values are refused and change nothing.
    let before = d.store.clone();
    for c in [
        json!({"maxCtxBytes": 10}),
        json!({"batchSize": 0}),
        json!({"email": {"hardPpm": 2000000}}),
        json!({"mtaMaxTries": 0}),
        json!("x"),
        json!({"schedules": {"cleanup": {"periodMs": 10}}}),
        json!({"eventPurgeDelayMs": 1}),
    ] {
        assert_eq!(code(d.run(&json!({"op": "configure", "config": c}))), "INVALID_ARGUMENT", "{c}");
        assert_eq!(d.store, before);
    }
}

#[test]
fn unknown_type_is_refused_only_when_configured() {
    let mut d = running(1);
    ok(&mut d, json!({"op": "configure", "config": {"rejectUnknownEventType": false}}));
    let id = push1_xml(&mut d, "exec1", "<rtEvent type='mystery' email='a@example.com'><ctx/></rtEvent>");
    advance(&mut d, MIN);
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["status"], "notTakenIntoAccount");
    assert_eq!(e["event"]["restStatus"], "routingFailed");
}

#[test]
fn value_and_nesting_limits() {
    let mut d = setup(1);
    let before = d.store.clone();
    let deep = format!("{}{}", "<a>".repeat(40), "</a>".repeat(40));
    let e = error(push_xml(&mut d, "exec1", &format!("<rtEvent type='order' email='a@example.com'><ctx>{deep}</ctx></rtEvent>")));
    assert_eq!(e.code.as_str(), "INPUT_TOO_LARGE");
    let e = error(push_xml(
        &mut d,
        "exec1",
        &format!("<rtEvent type='order' email='a@example.com'><ctx a='{}'/></rtEvent>", "x".repeat(17_000)),
    ));
    assert_eq!(e.code.as_str(), "INPUT_TOO_LARGE");
    assert_eq!(d.store, before);
}

#[test]
fn characters_xml_cannot_carry_are_refused_in_json_and_xml() {
    // NUL, the other C0 controls but tab/newline/CR, U+FFFE/U+FFFF: an event holding one would make
    // every XML export and SOAP reply of it malformed.
    let mut d = setup(1);
    let before = d.store.clone();
    let json_cases: Vec<(serde_json::Value, &str)> = vec![
        (json!({"type": "order", "email": "a@example.com", "ctx": {"n": "a\u{0}b"}}), "ctx holds U+0000"),
        (json!({"type": "order", "email": "a@example.com", "ctx": {"@n": "a\u{1}b"}}), "ctx holds U+0001"),
        (json!({"type": "order", "email": "a@example.com", "ctx": {"n": {"m": "\u{1f}"}}}), "ctx holds U+001F"),
        (json!({"type": "order", "email": "a@example.com", "ctx": {"n": "\u{fffe}"}}), "ctx holds U+FFFE"),
        (json!({"type": "order", "email": "a@example.com", "ctx": {"n": "\u{ffff}"}}), "ctx holds U+FFFF"),
        (json!({"type": "order", "email": "a@example.com", "ctx": "<ctx><n>a\u{0}</n></ctx>"}), "ctx holds U+0000"),
        (json!({"type": "order", "email": "a\u{0}@example.com", "ctx": {}}), "email holds U+0000"),
        (json!({"type": "order", "email": "a@example.com", "externalId": "x\u{7}", "ctx": {}}), "externalId holds U+0007"),
        (json!({"type": "order", "email": "a@example.com", "origin": "\u{b}", "ctx": {}}), "origin holds U+000B"),
    ];
    for (ev, needle) in &json_cases {
        let e = error(d.run(&json!({"op": "push", "target": "exec1", "format": "json", "text": ev.to_string(), "single": true})));
        assert_eq!(e.code.as_str(), "INVALID_EVENT", "{ev}: {}", e.message);
        assert!(e.message.contains(needle) && e.message.contains("a character XML 1.0 cannot carry"), "{ev}: {}", e.message);
        // An escaped form in the JSON text is the same character.
        assert_eq!(d.store, before);
    }
    let e = error(d.run(&json!({"op": "push", "target": "exec1", "format": "json", "text": r#"{"type":"order","email":"a@example.com","ctx":{"n":"\u0000"}}"#, "single": true})));
    assert_eq!(e.code.as_str(), "INVALID_EVENT", "{}", e.message);
    // In XML: a raw control character is refused, a character reference to one is malformed XML.
    for (xml, code, needle) in [
        ("<rtEvent type='order' email='a@example.com'><ctx><n>a\u{1}b</n></ctx></rtEvent>", "INVALID_EVENT", "U+0001"),
        ("<rtEvent type='order' email='a@example.com'><ctx><n a='\u{fffe}'/></ctx></rtEvent>", "INVALID_EVENT", "U+FFFE"),
        ("<rtEvent type='order' email='a@example.com'><ctx><n>a&#0;b</n></ctx></rtEvent>", "MALFORMED_XML", "&#0;"),
        ("<rtEvent type='order' email='a@example.com'><ctx><n>a&#x1;b</n></ctx></rtEvent>", "MALFORMED_XML", "&#x1;"),
        ("<rtEvent type='order' email='a@example.com'><ctx><n>&#xFFFF;</n></ctx></rtEvent>", "MALFORMED_XML", "&#xFFFF;"),
        // (an attribute of the event is decoded first, then checked as a field)
        ("<rtEvent type='order' email='a@example.com' externalId='&#7;'><ctx/></rtEvent>", "INVALID_EVENT", "externalId holds U+0007"),
    ] {
        let e = error(d.run(&json!({"op": "push", "target": "exec1", "format": "xml", "text": xml, "single": true})));
        assert_eq!(e.code.as_str(), code, "{xml}: {}", e.message);
        assert!(e.message.contains(needle), "{xml}: {}", e.message);
        assert_eq!(d.store, before);
    }
    // Tab, newline and CR are text XML carries: accepted, and kept (CR as a character reference).
    let ok = d.run(&json!({"op": "push", "target": "exec1", "format": "json", "text": json!({"type": "order", "email": "a@example.com", "ctx": {"n": "t\tn\nr\r"}}).to_string(), "single": true}));
    assert!(ok.is_ok(), "{ok:?}");
}
