//! Personalization blocks (`<%@ include view='…' %>`) and options (`<%@ include option='…' %>`):
//! the built-in ones, the control's own, what a save and a publication do with them, and the
//! editor's check of fields not saved yet.

mod common;

use common::*;
use message_center::driver::MemDriver;
use serde_json::{json, Value};

fn block<'a>(list: &'a Value, name: &str) -> &'a Value {
    list.as_array().unwrap().iter().find(|b| b["name"] == name).unwrap_or_else(|| panic!("no block {name} in {list:#}"))
}

fn footer_template(d: &mut MemDriver) {
    ok(
        d,
        json!({"op": "createTemplate", "template": {
            "name": "receipt", "eventType": "order", "subject": "Receipt",
            "html": "<p>Thanks</p><%@ include view='shopFooter' %>",
            "seeds": [{"name": "ada", "email": "ada@example.com", "ctx": "<ctx name='Ada'/>"}]
        }}),
    );
}

#[test]
fn built_in_blocks_and_options_exist_and_render() {
    let mut d = setup(1);
    let blocks = q(&d, json!({"q": "personalizationBlocks"}));
    for name in ["MirrorPage", "MirrorPageUrl", "Greetings", "UnsubscriptionLink", "toSmartCase", "NotificationStyle"] {
        let b = block(&blocks, name);
        assert_eq!(b["builtin"], true, "{b:#}");
        assert_eq!(b["changed"], false);
        assert!(!b["source"].as_str().unwrap().is_empty());
    }
    assert_eq!(block(&blocks, "MirrorPage")["label"], "Link to mirror page");
    let options = q(&d, json!({"q": "options"}));
    let url = options.as_array().unwrap().iter().find(|o| o["name"] == "NmsServer_URL").unwrap();
    assert_eq!(url["value"], "https://mc.example.com");
    assert_eq!(url["set"], false);

    ok(
        &mut d,
        json!({"op": "createTemplate", "template": {
            "name": "welcome", "eventType": "reset", "subject": "Welcome",
            "html": "<%@ include view='Greetings' %> <%@ include view='MirrorPage' %>",
            "seeds": [{"name": "ada", "email": "ada@example.com", "ctx": "<ctx><firstName>ada</firstName><lastName>Lovelace</lastName></ctx>"}]
        }}),
    );
    let p = q(&d, json!({"q": "preview", "name": "welcome"}));
    assert_eq!(
        p["html"],
        "Hello ada Lovelace, If you are unable to view this message correctly, <a href=\"https://mc.example.com/nl/jsp/m.jsp?c=0\" _type=\"mirrorPage\" _label=\"Mirror Page\">click here</a>"
    );
    let blocks = q(&d, json!({"q": "personalizationBlocks"}));
    assert_eq!(block(&blocks, "MirrorPage")["usedBy"], json!(["welcome"]));
    assert_eq!(block(&blocks, "MirrorPageUrl")["usedBy"], json!(["welcome"]), "used through another block");
    let options = q(&d, json!({"q": "options"}));
    let url = options.as_array().unwrap().iter().find(|o| o["name"] == "NmsServer_URL").unwrap();
    assert_eq!(url["usedBy"], json!(["welcome"]));
}

#[test]
fn a_block_of_the_control_is_included_and_published_with_the_template() {
    let mut d = running(1);
    let before = d.store.clone();
    assert_eq!(
        error(d.run(&json!({"op": "createTemplate", "template": {"name": "receipt", "html": "<%@ include view='shopFooter' %>"}})))
            .code
            .as_str(),
        "TEMPLATE_SYNTAX"
    );
    assert_eq!(d.store, before, "a refused save writes nothing");

    let b = ok(
        &mut d,
        json!({"op": "createPersonalizationBlock", "block": {"name": "shopFooter", "label": "Shop footer", "source": "<p>Shop of <%= rtEvent.ctx.@name %></p>"}}),
    );
    assert_eq!(b["label"], "Shop footer");
    assert_eq!(b["builtin"], false);
    assert_eq!(b["usedBy"], json!([]));
    footer_template(&mut d);
    assert_eq!(q(&d, json!({"q": "preview", "name": "receipt"}))["html"], "<p>Thanks</p><p>Shop of Ada</p>");
    ok(&mut d, json!({"op": "publish", "name": "receipt"}));

    // A change of the block reaches execution instances at the next publication, as in Campaign.
    ok(
        &mut d,
        json!({"op": "updatePersonalizationBlock", "name": "shopFooter", "patch": {"source": "<p>Shop <%= rtEvent.ctx.@name.toString().toUpperCase() %></p>"}}),
    );
    assert_eq!(
        q(&d, json!({"q": "preview", "name": "receipt"}))["html"],
        "<p>Thanks</p><p>Shop ADA</p>",
        "the preview uses the control's block"
    );
    let first = push1_xml(&mut d, "exec1", "<rtEvent type='order' email='a@example.com'><ctx name='Bob'/></rtEvent>");
    advance(&mut d, 10 * MIN);
    assert_eq!(
        get(&mut d, &first)["broadLog"]["html"],
        "<p>Thanks</p><p>Shop of Bob</p>",
        "the published copy keeps the block as published"
    );
    ok(&mut d, json!({"op": "publish", "name": "receipt"}));
    let second = push1_xml(&mut d, "exec1", "<rtEvent type='order' email='a@example.com'><ctx name='Bob'/></rtEvent>");
    advance(&mut d, 10 * MIN);
    assert_eq!(get(&mut d, &second)["broadLog"]["html"], "<p>Thanks</p><p>Shop BOB</p>");

    let blocks = q(&d, json!({"q": "personalizationBlocks"}));
    assert_eq!(block(&blocks, "shopFooter")["usedBy"], json!(["receipt"]));
}

#[test]
fn block_refusals_leave_the_store_as_it_was() {
    let mut d = setup(1);
    ok(&mut d, json!({"op": "createPersonalizationBlock", "block": {"name": "shopFooter", "source": "<p>Shop</p>"}}));
    footer_template(&mut d);
    let before = d.store.clone();
    let cases = [
        (json!({"op": "createPersonalizationBlock", "block": {"name": "shopFooter", "source": "x"}}), "DUPLICATE_BLOCK"),
        (json!({"op": "createPersonalizationBlock", "block": {"name": "", "source": "x"}}), "INVALID_ARGUMENT"),
        (json!({"op": "createPersonalizationBlock", "block": {"name": "a/b", "source": "x"}}), "INVALID_ARGUMENT"),
        (json!({"op": "createPersonalizationBlock", "block": {"name": "bad", "source": "<% if (x) { %>"}}), "TEMPLATE_SYNTAX"),
        (json!({"op": "createPersonalizationBlock", "block": {"name": "big", "source": "x".repeat(300 * 1024)}}), "INPUT_TOO_LARGE"),
        (json!({"op": "createPersonalizationBlock", "block": {"name": "loop", "source": "<%@ include view='loop' %>"}}), "TEMPLATE_SYNTAX"),
        (json!({"op": "updatePersonalizationBlock", "name": "nope", "patch": {"source": "x"}}), "UNKNOWN_BLOCK"),
        // The change would make `receipt` stop compiling.
        (json!({"op": "updatePersonalizationBlock", "name": "shopFooter", "patch": {"source": "<% for (;; %>"}}), "TEMPLATE_SYNTAX"),
        (json!({"op": "deletePersonalizationBlock", "name": "shopFooter"}), "BLOCK_IN_USE"),
        (json!({"op": "deletePersonalizationBlock", "name": "MirrorPage"}), "UNKNOWN_BLOCK"),
        (json!({"op": "setOption", "name": "", "value": "x"}), "INVALID_ARGUMENT"),
    ];
    for (req, want) in cases {
        let e = error(d.run(&req));
        assert_eq!(e.code.as_str(), want, "{req}: {e:?}");
        assert!(e.message.len() < 500, "{e:?}");
        assert_eq!(d.store, before, "{req} wrote something");
    }
    let e = error(d.run(&json!({"op": "deletePersonalizationBlock", "name": "shopFooter"})));
    assert!(e.message.contains("'receipt'"), "says which template: {e:?}");
    let e = error(d.run(&json!({"op": "createPersonalizationBlock", "block": {"name": "bad", "source": "<p>\n<% if (x) { %>"}})));
    assert_eq!(e.message, "personalization block 'bad': line 2, column 11: missing } in compound statement: this '{' is never closed");
    let at = e.at.unwrap();
    assert_eq!((at.field.as_str(), at.line, at.column), ("source", 2, 11));
    let e = error(d.run(&json!({"op": "createPersonalizationBlock", "block": {"name": "loop", "source": "<%@ include view='loop' %>"}})));
    assert!(e.message.contains("includes itself"), "{e:?}");

    ok(&mut d, json!({"op": "deleteTemplate", "name": "receipt"}));
    assert_eq!(ok(&mut d, json!({"op": "deletePersonalizationBlock", "name": "shopFooter"})), json!({"deleted": "shopFooter"}));
    let blocks = q(&d, json!({"q": "personalizationBlocks"}));
    assert!(blocks.as_array().unwrap().iter().all(|b| b["name"] != "shopFooter"));
}

#[test]
fn a_built_in_block_changed_becomes_the_controls_and_deleting_it_restores_it() {
    let mut d = setup(1);
    let shipped = block(&q(&d, json!({"q": "personalizationBlocks"})), "Greetings")["source"].clone();
    let b =
        ok(&mut d, json!({"op": "updatePersonalizationBlock", "name": "Greetings", "patch": {"source": "Dear <%= rtEvent.ctx.@name %>,"}}));
    assert_eq!(b["builtin"], true);
    assert_eq!(b["changed"], true);
    assert_eq!(b["label"], "Greetings");
    ok(
        &mut d,
        json!({"op": "createTemplate", "template": {"name": "hi", "html": "<%@ include view='Greetings' %>", "seeds": [{"email": "a@example.com", "ctx": "<ctx name='Ada'/>"}]}}),
    );
    assert_eq!(q(&d, json!({"q": "preview", "name": "hi"}))["html"], "Dear Ada,");
    ok(&mut d, json!({"op": "deletePersonalizationBlock", "name": "Greetings"}));
    let b = block(&q(&d, json!({"q": "personalizationBlocks"})), "Greetings").clone();
    assert_eq!(b["changed"], false);
    assert_eq!(b["source"], shipped);
    assert_eq!(q(&d, json!({"q": "preview", "name": "hi"}))["html"], "Hello,", "no first or last name in that ctx");
}

#[test]
fn options_are_set_reset_and_included() {
    let mut d = setup(1);
    let tpl = json!({"op": "createTemplate", "template": {"name": "link", "html": "<a href=\"<%@ include option='NmsServer_URL' %>/x\">x</a> <%@ include option='shopName' %>", "seeds": [{"email": "a@example.com", "ctx": "<ctx/>"}]}});
    let e = error(d.run(&tpl));
    assert_eq!(e.code.as_str(), "TEMPLATE_SYNTAX");
    assert!(e.message.contains("there is no option 'shopName'"), "{e:?}");
    ok(&mut d, json!({"op": "setOption", "name": "shopName", "value": "Ada"}));
    ok(&mut d, tpl);
    assert_eq!(q(&d, json!({"q": "preview", "name": "link"}))["html"], "<a href=\"https://mc.example.com/x\">x</a> Ada");
    let o = ok(&mut d, json!({"op": "setOption", "name": "NmsServer_URL", "value": "https://shop.example.com"}));
    assert_eq!(o, json!({"name": "NmsServer_URL", "value": "https://shop.example.com", "builtin": true, "set": true, "usedBy": ["link"]}));
    ok(&mut d, json!({"op": "setOption", "name": "shopName", "value": "Ada & Co"}));
    assert_eq!(
        q(&d, json!({"q": "preview", "name": "link"}))["html"],
        "<a href=\"https://shop.example.com/x\">x</a> Ada & Co",
        "an option is included as is"
    );
    let o = ok(&mut d, json!({"op": "setOption", "name": "NmsServer_URL", "value": null}));
    assert_eq!(o["value"], "https://mc.example.com");
    assert_eq!(o["set"], false);
    let before = d.store.clone();
    assert_eq!(code(d.run(&json!({"op": "setOption", "name": "shopName", "value": null}))), "TEMPLATE_SYNTAX", "'link' includes it");
    assert_eq!(d.store, before);
    let opts = q(&d, json!({"q": "options"}));
    let shop = opts.as_array().unwrap().iter().find(|o| o["name"] == "shopName").unwrap();
    assert_eq!(shop["builtin"], false);
    assert_eq!(shop["value"], "Ada & Co");
}

#[test]
fn check_template_reports_every_field_without_saving() {
    let d = setup(1);
    let before = d.store.clone();
    let r = q(
        &d,
        json!({"q": "checkTemplate", "subject": "Order <%= rtEvent.ctx.@number %>", "html": "<p>\n<% if (x) { %>", "text": "a <%= ) %>"}),
    );
    let list = r.as_array().unwrap();
    assert_eq!(list.len(), 2, "{r:#}");
    assert_eq!(list[0]["field"], "html");
    assert_eq!(list[0]["line"], 2);
    assert!(list[0]["message"].as_str().unwrap().starts_with("HTML body: line 2"), "{r:#}");
    assert_eq!(list[1]["field"], "text");
    assert_eq!(list[1]["line"], 1);
    assert_eq!(list[1]["column"], 7);
    assert_eq!(q(&d, json!({"q": "checkTemplate", "html": "<%@ include view='MirrorPage' %>"})), json!([]));
    assert_eq!(code(d.query(&json!({"q": "checkTemplate", "html": "x".repeat(2 * 1024 * 1024)}))), "INPUT_TOO_LARGE");
    assert_eq!(code(d.query(&json!({"q": "checkTemplate", "html": 3}))), "INVALID_ARGUMENT");
    assert_eq!(d.store, before);
}
