//! "Why?" of every status, final ones included, in the product's words (issue 16, item 1): what
//! the MTA did for Sent and Delivery failed, why routing refused an event, why it expired, which
//! denylist or quarantine entry the delivery ignored it for and since when. The status list
//! carries the same explanation per row, and its search finds an event by its id (`id:`).

mod common;

use common::*;
use message_center::error::ErrorCode;
use serde_json::{json, Value};

fn why(d: &mut message_center::driver::MemDriver, id: &str) -> String {
    let s = get(d, id);
    s["why"].as_str().unwrap_or_else(|| panic!("no why for a {} event: {s}", s["event"]["status"])).to_string()
}

fn list(d: &mut message_center::driver::MemDriver, query: &str) -> Vec<Value> {
    let page = ok(d, json!({"op": "listEvents", "filter": {"instance": "exec1", "query": query}}));
    page["events"].as_array().unwrap().clone()
}

#[test]
fn every_final_status_says_why_in_the_products_words() {
    let mut d = running(1);
    // As the service (and Campaign) do: an unknown event type is taken, then not routed.
    ok(&mut d, json!({"op": "configure", "config": {"rejectUnknownEventType": false}}));
    ok(&mut d, json!({"op": "denylist", "instance": "exec1", "address": "deny@example.com"}));
    let sent = push1(&mut d, "exec1", "sent@mc-sim.test");
    let hard = push1(&mut d, "exec1", "hard@mc-sim.test");
    let soft = push1(&mut d, "exec1", "soft@mc-sim.test");
    let denied = push1(&mut d, "exec1", "deny@example.com");
    let unknown = push1_xml(&mut d, "exec1", "<rtEvent type='nosuchtype' email='x@example.com'><ctx/></rtEvent>");
    let no_template = push1_xml(&mut d, "exec1", "<rtEvent type='reset' email='x@example.com'><ctx/></rtEvent>");
    let past = iso(t0() - HOUR);
    let expired = push1_xml(&mut d, "exec1", &format!("<rtEvent type='order' email='a@example.com' expiration='{past}'><ctx/></rtEvent>"));
    let procerr = push1(&mut d, "exec1", "procerr@mc-sim.test");
    advance(&mut d, 2 * DAY);

    assert_eq!(status(&mut d, &sent), "sent");
    let w = why(&mut d, &sent);
    assert!(w.starts_with("Sent: delivered by the MTA at "), "{w}");
    assert!(w.contains("after 1 try") && w.contains("(mta#"), "{w}");

    assert_eq!(status(&mut d, &hard), "deliveryFailed");
    let w = why(&mut d, &hard);
    assert!(w.starts_with("Delivery failed: hard bounce at "), "{w}");
    assert!(w.contains("Hard bounce: user unknown") && w.contains("hard@mc-sim.test is on quarantine since "), "{w}");

    assert_eq!(status(&mut d, &soft), "deliveryFailed");
    let w = why(&mut d, &soft);
    assert!(w.starts_with("Delivery failed: soft bounce retries exhausted after "), "{w}");
    assert!(w.contains("Soft bounce: mailbox full"), "{w}");

    assert_eq!(status(&mut d, &denied), "ignored");
    let w = why(&mut d, &denied);
    assert!(w.starts_with("Ignored by the delivery: deny@example.com is on the denylist of exec1 since "), "{w}");
    assert!(w.contains("(Denylisted)"), "{w}");

    assert_eq!(status(&mut d, &unknown), "notTakenIntoAccount");
    let w = why(&mut d, &unknown);
    assert!(w.starts_with("Event not taken into account: "), "{w}");
    assert!(w.contains("no published template for event type 'nosuchtype'"), "{w}");
    assert!(w.contains("the event type 'nosuchtype' is unknown on the control"), "{w}");
    let w = why(&mut d, &no_template);
    assert!(w.contains("no published template for event type 'reset' and channel 'email'"), "{w}");
    assert!(!w.contains("unknown"), "{w}");

    assert_eq!(status(&mut d, &expired), "expired");
    let w = why(&mut d, &expired);
    assert!(
        w.starts_with(&format!("Event expired: its expiration date ({}) passed before processing", past[..19].replace('T', " ") + " UTC")),
        "{w}"
    );

    assert_eq!(status(&mut d, &procerr), "expired");
    let w = why(&mut d, &procerr);
    assert!(w.starts_with("Event expired: 5 processing errors: the maximum number of tries is reached"), "{w}");
    assert!(w.contains("simulated processing error 5"), "{w}");

    // The list row says the same, without reading anything more.
    let rows = list(&mut d, "");
    for (id, start) in [
        (&denied, "Ignored by the delivery: deny@example.com is on the denylist"),
        (&hard, "Delivery failed: hard bounce at "),
        (&unknown, "Event not taken into account: "),
        (&sent, "Sent: delivered by the MTA at "),
    ] {
        let row = rows.iter().find(|r| r["id"] == json!(id)).unwrap();
        assert!(row["why"].as_str().unwrap().starts_with(start), "{row}");
    }
}

#[test]
fn an_ignored_event_names_the_quarantine_entry_a_hard_bounce_made() {
    let mut d = running(1);
    let first = push1(&mut d, "exec1", "hard@mc-sim.test");
    advance(&mut d, 5 * MIN);
    assert_eq!(status(&mut d, &first), "deliveryFailed");
    let again = push1(&mut d, "exec1", "hard@mc-sim.test");
    advance(&mut d, 5 * MIN);
    assert_eq!(status(&mut d, &again), "ignored");
    let w = why(&mut d, &again);
    assert!(w.starts_with("Ignored by the delivery: hard@mc-sim.test is on quarantine on exec1 since "), "{w}");
    assert!(w.contains("(Address on quarantine)"), "{w}");
}

#[test]
fn the_search_finds_an_event_by_its_id() {
    let mut d = setup_instances(1, &[("exec1", 1), ("exec2", 2)]);
    let a = push1(&mut d, "exec1", "a@example.com");
    let b = push1(&mut d, "exec1", "b@example.com");
    let other = push1(&mut d, "exec2", "c@example.com");
    let ids = |rows: Vec<Value>| rows.iter().map(|r| r["id"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(ids(list(&mut d, &format!("id:{a}"))), vec![a.clone()]);
    assert_eq!(ids(list(&mut d, &format!("id:{b} status:pending"))), vec![b.clone()]);
    assert_eq!(ids(list(&mut d, &format!("id:{a},{b}"))), vec![b.clone(), a.clone()]);
    assert_eq!(ids(list(&mut d, &format!("-id:{a}"))), vec![b.clone()]);
    assert!(list(&mut d, &format!("id:{other}")).is_empty(), "another instance's id finds nothing here");
    assert!(list(&mut d, &format!("id:{b} status:sent")).is_empty());
    // The id is a string of the whole 64 bits: ids above 2^53 are found exactly.
    assert!(num(&a) > (1u64 << 53));
    let near = (num(&a) + 1000).to_string();
    assert!(list(&mut d, &format!("id:{near}")).is_empty());
    // The counts cannot apply an id: they say so.
    let c = q(&d, json!({"q": "counts", "instance": "exec1", "query": format!("id:{a}")}));
    assert_eq!(c["exact"], false);
    for (query, col) in [("id:12x", 1), ("status:sent id:-4", 13), ("id:99999999999999999999", 1), ("id:", 1)] {
        let e = d.run(&json!({"op": "listEvents", "filter": {"instance": "exec1", "query": query}})).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidQuery, "{query}");
        assert_eq!(e.at.map(|a| a.column), Some(col), "{query}: {}", e.message);
    }
}
