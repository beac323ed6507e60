//! The control's catalogue: event types, templates, publication, unpublication, preview.

mod common;

use common::*;
use serde_json::{json, Value};

fn names(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap().to_string()).collect()
}

#[test]
fn event_types() {
    let mut d = bare(1);
    let t = ok(&mut d, json!({"op": "addEventType", "name": "purchase_order", "label": "Purchase order"}));
    assert_eq!(t, json!({"name": "purchase_order", "label": "Purchase order"}));
    let t = ok(&mut d, json!({"op": "addEventType", "name": "reset"}));
    assert_eq!(t["label"], "reset");
    let before = d.store.clone();
    let e = error(d.run(&json!({"op": "addEventType", "name": "reset", "label": "Other"})));
    assert_eq!(e.code.as_str(), "DUPLICATE_EVENT_TYPE");
    assert!(e.message.contains("reset"));
    assert_eq!(code(d.run(&json!({"op": "addEventType", "name": "2fa"}))), "INVALID_ARGUMENT");
    assert_eq!(code(d.run(&json!({"op": "addEventType", "name": ""}))), "INVALID_ARGUMENT");
    assert_eq!(d.store, before);
    assert_eq!(
        q(&d, json!({"q": "eventTypes"})),
        json!([{"name": "purchase_order", "label": "Purchase order"}, {"name": "reset", "label": "reset"}])
    );
}

#[test]
fn templates_create_update_delete() {
    let mut d = bare(1);
    add_type(&mut d, "order");
    add_type(&mut d, "reset");
    let t = ok(
        &mut d,
        json!({"op": "createTemplate", "template": {"name": "confirm", "label": "Order confirmation", "eventType": "order", "subject": "S", "html": "H"}}),
    );
    assert_eq!(t["publication"], "Being edited");
    assert_eq!(t["channel"], "email");
    assert_eq!(t["eventType"], "order");
    assert_eq!(t["label"], "Order confirmation");
    assert_null(&t, "publishedAt");
    assert_eq!(t["created"], iso(t0()));

    advance(&mut d, MIN);
    let u = ok(&mut d, json!({"op": "updateTemplate", "name": "confirm", "patch": {"subject": "S2", "eventType": "reset"}}));
    assert_eq!(u["subject"], "S2");
    assert_eq!(u["html"], "H");
    assert_eq!(u["eventType"], "reset");
    assert_eq!(u["lastModified"], iso(t0() + MIN));
    assert_eq!(u["created"], iso(t0()));
    let u = ok(&mut d, json!({"op": "updateTemplate", "name": "confirm", "patch": {"eventType": null}}));
    assert_null(&u, "eventType");
    assert_eq!(q(&d, json!({"q": "template", "name": "confirm"})), u);
    assert_eq!(code(d.run(&json!({"op": "updateTemplate", "name": "confirm", "patch": {"eventType": "nope"}}))), "UNKNOWN_EVENT_TYPE");
    assert_eq!(code(d.run(&json!({"op": "updateTemplate", "name": "nope", "patch": {"subject": "x"}}))), "UNKNOWN_TEMPLATE");
    assert_eq!(code(d.query(&json!({"q": "template", "name": "nope"}))), "UNKNOWN_TEMPLATE");

    let r = ok(&mut d, json!({"op": "deleteTemplate", "name": "confirm"}));
    assert_eq!(r["deleted"], "confirm");
    assert!(!d.store.contains_key("m/tpl/confirm"));
    assert_eq!(q(&d, json!({"q": "templates"})), json!([]));
    assert_eq!(code(d.run(&json!({"op": "deleteTemplate", "name": "confirm"}))), "UNKNOWN_TEMPLATE");
    assert_eq!(code(d.run(&json!({"op": "publish", "name": "confirm"}))), "UNKNOWN_TEMPLATE");
}

#[test]
fn duplicate_template_and_bad_input() {
    let mut d = bare(1);
    add_type(&mut d, "order");
    ok(&mut d, json!({"op": "createTemplate", "template": {"name": "t", "eventType": "order", "subject": "S"}}));
    let before = d.store.clone();
    assert_eq!(code(d.run(&json!({"op": "createTemplate", "template": {"name": "t", "subject": "other"}}))), "DUPLICATE_TEMPLATE");
    assert_eq!(code(d.run(&json!({"op": "createTemplate", "template": {"name": "t2", "eventType": "nope"}}))), "UNKNOWN_EVENT_TYPE");
    assert_eq!(code(d.run(&json!({"op": "createTemplate", "template": {"name": "t 2"}}))), "INVALID_ARGUMENT");
    assert_eq!(code(d.run(&json!({"op": "createTemplate", "template": {"name": "t2", "bogus": 1}}))), "INVALID_ARGUMENT");
    for ch in [json!("fax"), json!("bogus"), json!(99), json!(4), json!(true), json!("paper")] {
        let e = error(d.run(&json!({"op": "createTemplate", "template": {"name": "t2", "channel": ch}})));
        assert_eq!(e.code.as_str(), "UNKNOWN_CHANNEL", "{ch}");
    }
    assert_eq!(code(d.run(&json!({"op": "updateTemplate", "name": "t", "patch": {"channel": "fax"}}))), "UNKNOWN_CHANNEL");
    assert_eq!(d.store, before);
    for (ch, want) in [
        (json!("sms"), "sms"),
        (json!(1), "sms"),
        (json!("mobile"), "sms"),
        (json!(41), "ios"),
        (json!("android"), "android"),
        (json!(40), "mobileApp"),
    ] {
        let name = format!("c{}", want.len() + ch.to_string().len());
        let _ = d.run(&json!({"op": "deleteTemplate", "name": name}));
        let t = ok(&mut d, json!({"op": "createTemplate", "template": {"name": name, "channel": ch}}));
        assert_eq!(t["channel"], want);
    }
}

#[test]
fn template_syntax_errors_carry_line_and_column() {
    let mut d = bare(1);
    add_type(&mut d, "order");
    let before = d.store.clone();
    let e = error(d.run(&json!({"op": "createTemplate", "template": {"name": "t", "eventType": "order", "subject": "S", "html": "line1\n  <%= rtEvent.ctx.@name"}})));
    assert_eq!(e.code.as_str(), "TEMPLATE_SYNTAX");
    assert!(e.message.starts_with("HTML body: line 2, column 3:"), "{}", e.message);
    let e = error(d.run(&json!({"op": "createTemplate", "template": {"name": "t", "subject": "Hi <% if (x) %>"}})));
    assert_eq!(e.code.as_str(), "TEMPLATE_SYNTAX");
    assert!(e.message.starts_with("subject: line 1, column 14: syntax error: the template ends"), "{}", e.message);
    let e = error(d.run(&json!({"op": "createTemplate", "template": {"name": "t", "subject": "Hi <%= a +* b %>"}})));
    assert_eq!(e.code.as_str(), "TEMPLATE_SYNTAX");
    assert!(e.message.starts_with("subject: line 1, column 11: syntax error: unexpected '*'"), "{}", e.message);
    let e = error(d.run(&json!({"op": "createTemplate", "template": {"name": "t", "text": "a\nb\n\nxx <%= trim( %>"}})));
    assert_eq!(e.code.as_str(), "TEMPLATE_SYNTAX");
    assert!(e.message.starts_with("text body: line 4,"), "{}", e.message);
    assert_eq!(d.store, before);

    ok(&mut d, json!({"op": "createTemplate", "template": {"name": "t", "eventType": "order", "subject": "S", "html": "ok"}}));
    let before = d.store.clone();
    let e = error(d.run(&json!({"op": "updateTemplate", "name": "t", "patch": {"html": "<%= %>"}})));
    assert_eq!(e.code.as_str(), "TEMPLATE_SYNTAX");
    assert!(e.message.contains("line 1, column"), "{}", e.message);
    assert_eq!(d.store, before);
    assert_eq!(q(&d, json!({"q": "template", "name": "t"}))["html"], "ok");
}

#[test]
fn publish_refusals() {
    let mut d = bare(1);
    add_type(&mut d, "order");
    add_instance(&mut d, "exec1", 1);
    ok(&mut d, json!({"op": "createTemplate", "template": {"name": "notype", "subject": "S"}}));
    ok(&mut d, json!({"op": "createTemplate", "template": {"name": "badref", "eventType": "order", "subject": "S", "html": "x"}}));
    ok(&mut d, json!({"op": "createTemplate", "template": {"name": "badfield", "eventType": "order", "subject": "Hi"}}));
    // Stored before the language checked what it checks now (a store of an earlier version):
    // publication compiles the fields again and refuses them.
    for (name, field, src) in [("badref", "html", "x\n  <%= foo.bar( %>"), ("badfield", "subject", "Hi <%= rtEvent.ctx.@ %>")] {
        let key = format!("m/tpl/{name}");
        let mut t: serde_json::Value = serde_json::from_str(d.store.get(&key).unwrap()).unwrap();
        t[field] = json!(src);
        d.store.insert(key, t.to_string());
    }
    d.reopen().unwrap();
    ok(&mut d, json!({"op": "createTemplate", "template": {"name": "nosubject", "eventType": "order", "html": "x"}}));
    let before = d.store.clone();
    let snap = snapshot(&d);
    for (name, needle) in [
        ("notype", "event type"),
        ("badref", "HTML body: line 2, column 16: syntax error: '<%= %>' ends"),
        ("badfield", "subject: line 1, column 22: syntax error: an attribute name is missing"),
        ("nosubject", "subject"),
    ] {
        let e = error(d.run(&json!({"op": "publish", "name": name})));
        assert_eq!(e.code.as_str(), "TEMPLATE_NOT_PUBLISHABLE", "{name}");
        assert!(e.message.contains(needle), "{name}: {}", e.message);
        assert_eq!(d.store, before, "{name}");
        assert_eq!(snapshot(&d), snap, "{name}");
    }
    // An SMS template needs no subject; paths under ctx are open; a name that does not exist
    // fails at render, not at publication (it may exist then: the language is JavaScript).
    ok(
        &mut d,
        json!({"op": "createTemplate", "template": {"name": "sms", "eventType": "order", "channel": "sms", "text": "Code <%= rtEvent.ctx.a.b.@c %> <%= batchEvent.mobilePhone %>"}}),
    );
    ok(&mut d, json!({"op": "publish", "name": "sms"}));
}

#[test]
fn publication_log_and_copies_on_every_instance() {
    let mut d = bare(1);
    add_type(&mut d, "order");
    add_instance(&mut d, "exec1", 1);
    add_instance(&mut d, "exec2", 2);
    ok(
        &mut d,
        json!({"op": "createTemplate", "template": {"name": "DM10", "label": "Order confirmation", "eventType": "order", "subject": "S"}}),
    );
    let r = ok(&mut d, json!({"op": "publish", "name": "DM10"}));
    assert_eq!(r["publication"], "Published");
    let log: Vec<&str> = r["log"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert_eq!(log.first(), Some(&"Starting transactional message publication (1)."));
    assert_eq!(log.get(1), Some(&"Publication of the 'Order confirmation (DM10)' transactional message..."));
    assert_eq!(log[log.len() - 2], "Publication of 'Order confirmation (DM10)' complete.");
    assert_eq!(log.last(), Some(&"Transactional message publication complete."));
    for inst in ["exec1", "exec2"] {
        for copy in ["DM10_rt", "DM10_batch"] {
            let line = format!("Template '{copy}' deployed on the execution instance '{inst}'.");
            assert!(log.contains(&line.as_str()), "{line}");
        }
        let p = q(&d, json!({"q": "published", "instance": inst}));
        assert_eq!(names(&p), ["DM10_batch", "DM10_rt"]);
        for c in p.as_array().unwrap() {
            assert_eq!(c["template"], "DM10");
            assert_eq!(c["eventType"], "order");
            assert_eq!(c["channel"], "email");
            assert_eq!(c["publicationStatus"], "In production");
            assert_eq!(c["mode"], "Bulk delivery");
            assert_eq!(c["queue"], if c["name"] == "DM10_rt" { "rt" } else { "batch" });
            assert_eq!(c["publishedAt"], iso(t0()));
        }
    }
    let t = q(&d, json!({"q": "template", "name": "DM10"}));
    assert_eq!(t["publication"], "Published");
    assert_eq!(t["publishedAt"], iso(t0()));
    assert_eq!(code(d.query(&json!({"q": "published", "instance": "nope"}))), "UNKNOWN_INSTANCE");
}

#[test]
fn republish_replaces_and_changes_need_republishing() {
    let mut d = running(1);
    let a = push1(&mut d, "exec1", "sent@mc-sim.test");
    advance(&mut d, 10 * SEC);
    assert_eq!(get(&mut d, &a)["broadLog"]["subject"], "Order 42");

    ok(&mut d, json!({"op": "updateTemplate", "name": "confirm", "patch": {"subject": "Your order <%= rtEvent.ctx.@number %>"}}));
    let b = push1(&mut d, "exec1", "sent@mc-sim.test");
    advance(&mut d, 10 * SEC);
    assert_eq!(get(&mut d, &b)["broadLog"]["subject"], "Order 42", "not republished yet");

    let t1 = d.now();
    ok(&mut d, json!({"op": "publish", "name": "confirm"}));
    let p = q(&d, json!({"q": "published", "instance": "exec1"}));
    assert_eq!(names(&p), ["confirm_batch", "confirm_rt"]);
    assert_eq!(p[0]["publishedAt"], iso(t1));
    let c = push1(&mut d, "exec1", "sent@mc-sim.test");
    advance(&mut d, 10 * SEC);
    assert_eq!(get(&mut d, &c)["broadLog"]["subject"], "Your order 42");
    assert_eq!(q(&d, json!({"q": "template", "name": "confirm"}))["publishedAt"], iso(t1));
}

#[test]
fn unpublish_and_delete() {
    let mut d = setup_instances(1, &[("exec1", 1), ("exec2", 2)]);
    ok(&mut d, json!({"op": "createTemplate", "template": {"name": "other", "eventType": "reset", "subject": "S"}}));
    ok(&mut d, json!({"op": "publish", "name": "other"}));
    let before = d.store.clone();
    let e = error(d.run(&json!({"op": "deleteTemplate", "name": "confirm"})));
    assert_eq!(e.code.as_str(), "TEMPLATE_PUBLISHED");
    assert!(e.message.contains("unpublish"));
    assert_eq!(d.store, before);

    let r = ok(&mut d, json!({"op": "unpublish", "name": "confirm"}));
    assert_eq!(r["publication"], "Being edited");
    let log: Vec<&str> = r["log"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert!(log.contains(&"Template 'confirm_rt' deleted from the execution instance 'exec2'."), "{log:?}");
    assert_eq!(log.last(), Some(&"Unpublication complete."));
    for inst in ["exec1", "exec2"] {
        assert_eq!(names(&q(&d, json!({"q": "published", "instance": inst}))), ["other_batch", "other_rt"]);
    }
    assert_eq!(q(&d, json!({"q": "template", "name": "confirm"}))["publication"], "Being edited");
    assert_eq!(code(d.run(&json!({"op": "unpublish", "name": "confirm"}))), "INVALID_ARGUMENT");

    // Events of its type are no longer taken into account.
    start_exec(&mut d, "exec1");
    let id = push1(&mut d, "exec1", "sent@mc-sim.test");
    advance(&mut d, MIN);
    assert_eq!(status(&mut d, &id), "notTakenIntoAccount");

    ok(&mut d, json!({"op": "deleteTemplate", "name": "confirm"}));
    assert_eq!(names(&q(&d, json!({"q": "templates"}))), ["other"]);
}

#[test]
fn preview_with_seed_addresses() {
    let mut d = bare(1);
    add_type(&mut d, "order");
    let seeds = json!([
        {"name": "ada", "label": "Ada", "email": "ada@example.com", "externalId": "1596", "ctx": "<ctx><customer firstName='Ada' lastName='O&apos;Neil &amp; Co'/></ctx>"},
        {"name": "bob", "mobilePhone": "+33620202020", "ctx": {"customer": {"@firstName": "Bob"}}},
        {"ctx": null}
    ]);
    let t = ok(
        &mut d,
        json!({"op": "createTemplate", "template": {
        "name": "t", "eventType": "order",
        "subject": "Hi <%= rtEvent.ctx.customer.@firstName %>",
        "html": "<p><%= escapeXMLString(rtEvent.ctx.customer.@lastName) %> <%= rtEvent.email %></p>",
        "text": "<%= rtEvent.externalId %>|<%= rtEvent.mobilePhone %>|<%= rtEvent.type %>",
        "seeds": seeds}}),
    );
    assert_eq!(t["seeds"][2]["name"], "seed3");
    let p = q(&d, json!({"q": "preview", "name": "t"}));
    assert_eq!(p["seed"], "ada");
    assert_eq!(p["subject"], "Hi Ada");
    // escapeXMLString escapes & < > " (Campaign's escapeXmlStr), not the apostrophe.
    assert_eq!(p["html"], "<p>O'Neil &amp; Co ada@example.com</p>");
    assert_eq!(p["text"], "1596||order");
    let p = q(&d, json!({"q": "preview", "name": "t", "seed": "bob"}));
    assert_eq!(p["subject"], "Hi Bob");
    assert_eq!(p["html"], "<p> </p>");
    assert_eq!(p["text"], "|+33620202020|order");
    let p = q(&d, json!({"q": "preview", "name": "t", "seed": "seed3"}));
    assert_eq!(p["subject"], "Hi ");
    let e = error(d.query(&json!({"q": "preview", "name": "t", "seed": "zed"})));
    assert_eq!(e.code.as_str(), "UNKNOWN_SEED");
    assert!(e.message.contains("zed"));
    assert_eq!(code(d.query(&json!({"q": "preview", "name": "nope"}))), "UNKNOWN_TEMPLATE");

    ok(&mut d, json!({"op": "createTemplate", "template": {"name": "noseed", "subject": "S"}}));
    assert_eq!(code(d.query(&json!({"q": "preview", "name": "noseed"}))), "UNKNOWN_SEED");

    let before = d.store.clone();
    for (seed, want) in [
        (json!({"email": "not-an-email"}), "INVALID_EMAIL"),
        (json!({"mobilePhone": "abc"}), "INVALID_PHONE"),
        (json!({"ctx": "<ctx>"}), "MALFORMED_XML"),
        (json!({"ctx": "<other/>"}), "INVALID_EVENT"),
        (json!({"ctx": 3}), "INVALID_ARGUMENT"),
        (json!({"name": "1x"}), "INVALID_ARGUMENT"),
    ] {
        let r = d.run(&json!({"op": "updateTemplate", "name": "noseed", "patch": {"seeds": [seed]}}));
        assert_eq!(code(r), want, "{seed}");
    }
    let r = d.run(&json!({"op": "updateTemplate", "name": "noseed", "patch": {"seeds": [{"name": "a"}, {"name": "a"}]}}));
    assert_eq!(code(r), "INVALID_ARGUMENT");
    assert_eq!(d.store, before);
}
