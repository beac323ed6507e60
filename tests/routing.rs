//! Routing of events to published templates, execution deliveries and rendering.

mod common;

use common::*;
use serde_json::json;

#[test]
fn routed_by_type_channel_and_queue() {
    let mut d = running(1);
    ok(
        &mut d,
        json!({"op": "createTemplate", "template": {"name": "sms_confirm", "eventType": "order", "channel": "sms", "text": "Order <%= rtEvent.ctx.@number %>"}}),
    );
    ok(&mut d, json!({"op": "publish", "name": "sms_confirm"}));
    let email = push1(&mut d, "exec1", "sent@mc-sim.test");
    let sms = push1_xml(
        &mut d,
        "exec1",
        "<rtEvent type='order' wishedChannel='1' mobilePhone='+99900001' email='x@example.com'><ctx number='7'/></rtEvent>",
    );
    let batch = push1_xml(&mut d, "exec1", "<batchEvent type='order' email='sent@mc-sim.test'><ctx/></batchEvent>");
    let other_type = push1_xml(&mut d, "exec1", "<rtEvent type='reset' email='sent@mc-sim.test'><ctx/></rtEvent>");
    let push = push1_xml(&mut d, "exec1", "<rtEvent type='order' wishedChannel='41' registrationToken='tok'><ctx/></rtEvent>");
    advance(&mut d, 10 * MIN);

    let e = get(&mut d, &email);
    assert_eq!(e["event"]["template"], "confirm_rt");
    assert_eq!(e["template"]["template"], "confirm");
    assert_eq!(e["event"]["status"], "sent");
    let s = get(&mut d, &sms);
    assert_eq!(s["event"]["template"], "sms_confirm_rt");
    assert_eq!(s["broadLog"]["address"], "+99900001");
    assert_eq!(s["broadLog"]["channel"], "sms");
    assert_eq!(s["broadLog"]["text"], "Order 7");
    assert_eq!(s["event"]["status"], "sent");
    let b = get(&mut d, &batch);
    assert_eq!(b["event"]["template"], "confirm_batch");
    assert_eq!(b["event"]["delivery"], "confirm_batch_2026-03");
    for id in [&other_type, &push] {
        let e = get(&mut d, id);
        assert_eq!(e["event"]["status"], "notTakenIntoAccount", "{id}");
        assert_eq!(e["event"]["statusLabel"], "Event not taken into account");
        assert_null(&e, "event.template");
        assert_null(&e, "broadLog");
    }
    let note = get(&mut d, &other_type)["event"]["history"][1]["note"].as_str().unwrap().to_string();
    assert!(note.contains("'reset'") && note.contains("'email'") && note.contains("real-time"), "{note}");
    let note = get(&mut d, &push)["event"]["history"][1]["note"].as_str().unwrap().to_string();
    assert!(note.contains("'order'") && note.contains("'ios'"), "{note}");
}

#[test]
fn most_recently_published_template_wins() {
    let mut d = running(1);
    email_template(&mut d, "second", "order", "Second", "x");
    let a = push1(&mut d, "exec1", "sent@mc-sim.test");
    advance(&mut d, 10 * SEC);
    assert_eq!(get(&mut d, &a)["event"]["template"], "second_rt");
    assert_eq!(get(&mut d, &a)["broadLog"]["subject"], "Second");
    // Republishing the first one (same millisecond as nothing else) makes it the newest.
    ok(&mut d, json!({"op": "publish", "name": "confirm"}));
    let b = push1(&mut d, "exec1", "sent@mc-sim.test");
    advance(&mut d, 10 * SEC);
    assert_eq!(get(&mut d, &b)["event"]["template"], "confirm_rt");
    // Same millisecond: the publication order decides.
    ok(&mut d, json!({"op": "publish", "name": "second"}));
    ok(&mut d, json!({"op": "publish", "name": "confirm"}));
    ok(&mut d, json!({"op": "publish", "name": "second"}));
    let c = push1(&mut d, "exec1", "sent@mc-sim.test");
    advance(&mut d, 10 * SEC);
    assert_eq!(get(&mut d, &c)["event"]["template"], "second_rt");
}

#[test]
fn not_taken_into_account_is_final() {
    let mut d = running(1);
    let id = push1_xml(&mut d, "exec1", "<rtEvent type='reset' email='sent@mc-sim.test'><ctx/></rtEvent>");
    advance(&mut d, MIN);
    assert_eq!(status(&mut d, &id), "notTakenIntoAccount");
    let processed = get(&mut d, &id)["event"]["processed"].clone();
    assert_eq!(processed, iso(t0()));
    assert!(keys(&d, "d/").is_empty(), "no queue entry is left to retry it");
    // A template for its type published later does not bring it back.
    email_template(&mut d, "reset_tpl", "reset", "Reset", "x");
    advance(&mut d, DAY);
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["status"], "notTakenIntoAccount");
    assert_eq!(e["event"]["history"].as_array().unwrap().len(), 2);
    let runs = journal(&mut d, "exec1", "rtEventsProcessing");
    assert_eq!(runs.len(), 1, "rtEventsProcessing had nothing more to do: {runs:?}");
    assert_eq!(runs[0]["counts"]["notTakenIntoAccount"], 1);
}

#[test]
fn scheduled_events_wait() {
    let mut d = running(1);
    let at = t0() + HOUR + 5 * SEC;
    let id =
        push1_xml(&mut d, "exec1", &format!("<rtEvent type='order' email='sent@mc-sim.test' scheduled='{}'><ctx/></rtEvent>", iso(at)));
    let now = push1(&mut d, "exec1", "sent@mc-sim.test");
    advance(&mut d, 30 * MIN);
    assert_eq!(status(&mut d, &now), "sent");
    assert_eq!(status(&mut d, &id), "pending");
    assert_eq!(q(&d, json!({"q": "nextDue", "until": at + 10 * SEC}))["at"], at + 5 * SEC);
    advance_to(&mut d, at + 5 * SEC);
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["status"], "pendingDelivery");
    assert_eq!(e["event"]["history"][1]["at"], iso(at + 5 * SEC), "first tick after the scheduled date");
    // A scheduled date in the past means now.
    let past =
        push1_xml(&mut d, "exec1", "<rtEvent type='order' email='sent@mc-sim.test' scheduled='2020-01-01T00:00:00Z'><ctx/></rtEvent>");
    assert_eq!(get(&mut d, &past)["event"]["processRequestedOn"], iso(d.now()));
}

#[test]
fn expired_events() {
    let mut d = running(1);
    let past = push1_xml(
        &mut d,
        "exec1",
        &format!("<rtEvent type='order' email='sent@mc-sim.test' expiration='{}'><ctx/></rtEvent>", iso(t0() - SEC)),
    );
    // Scheduled after its own expiration: expires when it comes due.
    let late = push1_xml(
        &mut d,
        "exec1",
        &format!(
            "<rtEvent type='order' email='sent@mc-sim.test' scheduled='{}' expiration='{}'><ctx/></rtEvent>",
            iso(t0() + HOUR),
            iso(t0() + MIN)
        ),
    );
    // Expires between routing and sending: the message is cancelled, the delivery failed.
    let cancelled = push1_xml(
        &mut d,
        "exec1",
        &format!("<rtEvent type='order' email='delay-90s@mc-sim.test' expiration='{}'><ctx/></rtEvent>", iso(t0() + 30 * SEC)),
    );
    let fine = push1_xml(
        &mut d,
        "exec1",
        &format!("<rtEvent type='order' email='sent@mc-sim.test' expiration='{}'><ctx/></rtEvent>", iso(t0() + HOUR)),
    );
    advance(&mut d, 2 * HOUR);
    let e = get(&mut d, &past);
    assert_eq!(e["event"]["status"], "expired");
    assert_eq!(e["event"]["statusLabel"], "Event expired");
    assert_eq!(e["event"]["restStatus"], "tooOld");
    assert!(e["event"]["history"][1]["note"].as_str().unwrap().contains("expiration"));
    assert_null(&e, "broadLog");
    let e = get(&mut d, &late);
    assert_eq!(e["event"]["status"], "expired");
    assert_eq!(e["event"]["processed"], iso(t0() + HOUR));
    let e = get(&mut d, &cancelled);
    assert_eq!(e["event"]["status"], "deliveryFailed");
    assert_eq!(e["broadLog"]["status"], "Delivery cancelled");
    assert_eq!(e["broadLog"]["statusCode"], 7);
    assert_null(&e, "broadLog.sentAt");
    assert_eq!(status(&mut d, &fine), "sent");
}

#[test]
fn batch_queue_is_handled_by_batch_events_processing_only() {
    let mut d = setup(1);
    start(&mut d, "exec1", "rtEventsProcessing");
    start(&mut d, "exec1", "updateEventsStatus");
    let id = push1_xml(&mut d, "exec1", "<batchEvent type='order' email='sent@mc-sim.test'><ctx/></batchEvent>");
    advance(&mut d, 2 * HOUR);
    assert_eq!(status(&mut d, &id), "pending");
    assert!(journal(&mut d, "exec1", "rtEventsProcessing").is_empty());
    advance(&mut d, 3 * MIN);
    start(&mut d, "exec1", "batchEventsProcessing");
    advance(&mut d, 10 * MIN);
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["status"], "sent");
    // The batch workflow runs every 10 minutes: the first tick after it was started.
    assert_eq!(e["event"]["history"][1]["at"], iso(t0() + 2 * HOUR + 10 * MIN));
    assert_eq!(e["event"]["history"][1]["by"], "batchEventsProcessing#1");
    assert_eq!(e["event"]["template"], "confirm_batch");
}

#[test]
fn execution_deliveries_per_copy_and_month() {
    let mut d = running(1);
    let a = push1(&mut d, "exec1", "sent@mc-sim.test");
    let b = push1(&mut d, "exec1", "a@example.com");
    push1_xml(&mut d, "exec1", "<batchEvent type='order' email='sent@mc-sim.test'><ctx/></batchEvent>");
    assert_eq!(q(&d, json!({"q": "deliveries", "instance": "exec1"})), json!([]));
    advance(&mut d, 10 * MIN);
    assert_eq!(get(&mut d, &a)["event"]["delivery"], "confirm_rt_2026-03");
    assert_eq!(get(&mut d, &b)["broadLog"]["delivery"], "confirm_rt_2026-03");
    let ds = q(&d, json!({"q": "deliveries", "instance": "exec1"}));
    assert_eq!(
        ds,
        json!([
            {"name": "confirm_batch_2026-03", "template": "confirm_batch", "month": "2026-03", "created": iso(t0()), "messages": 1},
            {"name": "confirm_rt_2026-03", "template": "confirm_rt", "month": "2026-03", "created": iso(t0()), "messages": 2}
        ])
    );
    // Reused within the month, a new one the next month.
    advance_to(&mut d, ms("2026-03-31T23:59:00Z"));
    push1(&mut d, "exec1", "sent@mc-sim.test");
    advance_to(&mut d, ms("2026-04-01T00:00:30Z"));
    let c = push1(&mut d, "exec1", "sent@mc-sim.test");
    advance(&mut d, MIN);
    assert_eq!(get(&mut d, &c)["event"]["delivery"], "confirm_rt_2026-04");
    let ds = q(&d, json!({"q": "deliveries", "instance": "exec1"}));
    let names: Vec<(&str, u64)> =
        ds.as_array().unwrap().iter().map(|x| (x["name"].as_str().unwrap(), x["messages"].as_u64().unwrap())).collect();
    assert_eq!(names, [("confirm_batch_2026-03", 1), ("confirm_rt_2026-03", 3), ("confirm_rt_2026-04", 1)]);
}

#[test]
fn rendered_message_is_kept_on_the_delivery_log() {
    let mut d = running(1);
    ok(
        &mut d,
        json!({"op": "createTemplate", "template": {
            "name": "rich", "eventType": "reset",
            "subject": "Order <%= rtEvent.ctx.order.@number %> for <%= rtEvent.ctx.customer.firstName %>",
            "html": "<p><%= escapeXMLString(rtEvent.ctx.customer.lastName) %></p><a href=\"https://x.test/?q=<%= encodeURIComponent(rtEvent.ctx.q) %>\">go</a>[<%= rtEvent.ctx.missing.@x %>]<%@ include view='MirrorPage' %>",
            "text": "Raw: <%= rtEvent.ctx.customer.lastName %> / <%= rtEvent.email %> / <%= batchEvent.externalId %> / <%= rtEvent.origin %>."
        }}),
    );
    ok(&mut d, json!({"op": "publish", "name": "rich"}));
    let xml = "<rtEvent type='reset' email='sent@mc-sim.test' externalId='1596'><ctx><order number='CN23453'/><customer><firstName>John</firstName><lastName>O'Neil &amp; &lt;Co&gt;</lastName></customer><q>a b&amp;c/é</q></ctx></rtEvent>";
    let id = push1_xml(&mut d, "exec1", xml);
    advance(&mut d, MIN);
    let bl = &get(&mut d, &id)["broadLog"];
    assert_eq!(bl["subject"], "Order CN23453 for John");
    assert_eq!(
        bl["html"],
        "<p>O'Neil &amp; &lt;Co&gt;</p><a href=\"https://x.test/?q=a%20b%26c%2F%C3%A9\">go</a>[]If you are unable to view this message correctly, <a href=\"https://mc.example.com/nl/jsp/m.jsp?c=72057594037927937\" _type=\"mirrorPage\" _label=\"Mirror Page\">click here</a>"
    );
    assert_eq!(bl["text"], "Raw: O'Neil & <Co> / sent@mc-sim.test / 1596 / .");
    assert_eq!(bl["template"], "rich_rt");
}

/// A template whose script fails for one event's data fails that message only: its delivery log
/// is Failed (failure type personalization, Campaign's JST-310000 text with the field's script,
/// line and error), updateEventsStatus makes the event "Delivery failed", the "Why?" says it,
/// and an event whose data the script can read is sent.
#[test]
fn a_script_error_fails_that_message_only() {
    let mut d = running(1);
    ok(
        &mut d,
        json!({"op": "createTemplate", "template": {
            "name": "coupon", "eventType": "reset", "subject": "Your coupon",
            "html": "<p>Hello</p>\n<p>Code: <%= rtEvent.ctx.coupon.@code.toUpperCase() %></p>"
        }}),
    );
    ok(&mut d, json!({"op": "publish", "name": "coupon"}));
    let good = push1_xml(&mut d, "exec1", "<rtEvent type='reset' email='sent@mc-sim.test'><ctx><coupon code='spring'/></ctx></rtEvent>");
    let bad = push1_xml(&mut d, "exec1", "<rtEvent type='reset' email='sent@mc-sim.test'><ctx><coupon/><coupon/></ctx></rtEvent>");
    advance(&mut d, 10 * MIN);
    assert_eq!(status(&mut d, &good), "sent");
    assert_eq!(get(&mut d, &good)["broadLog"]["html"], "<p>Hello</p>\n<p>Code: SPRING</p>");
    let e = get(&mut d, &bad);
    assert_eq!(e["event"]["status"], "deliveryFailed", "{e:#}");
    let bl = &e["broadLog"];
    assert_eq!(bl["status"], "Failed", "{bl:#}");
    assert_eq!(bl["failureType"], "personalization", "{bl:#}");
    let reason = bl["failureReason"].as_str().unwrap();
    assert!(
        reason.starts_with("JST-310000 Error while compiling script 'content htmlContent' line 2: TypeError: rtEvent.ctx.coupon.@code.toUpperCase is not a function"),
        "{reason}"
    );
    let last = e["event"]["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["note"].as_str(), Some(reason), "the status change says why: {e:#}");
    let runs = journal(&mut d, "exec1", "rtEventsProcessing");
    assert!(runs.iter().any(|r| r["counts"]["personalizationErrors"] == 1), "{runs:#?}");
}
