//! The status list: filters, order, paging, counts, refusals.

mod common;

use common::*;
use message_center::driver::MemDriver;
use serde_json::{json, Value};

/// ~60 events over an hour: two types, both queues, email and SMS, several addresses and
/// outcomes; some pushed together (same millisecond).
fn dataset() -> MemDriver {
    let mut d = running(5);
    ok(&mut d, json!({"op": "createTemplate", "template": {"name": "sms", "eventType": "order", "channel": "sms", "text": "x"}}));
    ok(&mut d, json!({"op": "publish", "name": "sms"}));
    let emails = ["sent@mc-sim.test", "ignored@mc-sim.test", "hard@mc-sim.test", "Person@Example.com", "soft-1@mc-sim.test"];
    for i in 0..40usize {
        let ty = if i % 2 == 0 { "order" } else { "reset" };
        let el = if i % 3 == 0 { "batchEvent" } else { "rtEvent" };
        let xml = if i % 4 == 1 && ty == "order" {
            format!("<{el} type='{ty}' wishedChannel='1' mobilePhone='+9990{i:04}'><ctx/></{el}>")
        } else {
            format!("<{el} type='{ty}' email='{}'><ctx/></{el}>", emails[i % emails.len()])
        };
        if i % 10 == 9 {
            // Three in one call: same created time.
            push_xml(&mut d, "exec1", &format!("<E>{xml}{xml}{}</E>", rt_xml("sent@mc-sim.test"))).unwrap();
        } else {
            push1_xml(&mut d, "exec1", &xml);
        }
        advance(&mut d, 97 * SEC);
    }
    advance(&mut d, HOUR);
    d
}

/// Every event of exec1 from a scan of the store, newest first.
fn scan(d: &MemDriver) -> Vec<Value> {
    let mut v: Vec<Value> = events(d, 'e').iter().map(|(id, e)| flat(*id, e)).collect();
    v.sort_by_key(|e| std::cmp::Reverse((e["created"].as_i64().unwrap(), e["id"].as_u64().unwrap())));
    v
}

fn ids_of(v: &[Value]) -> Vec<String> {
    v.iter().map(|e| e["id"].as_u64().map_or_else(|| e["id"].as_str().unwrap().to_string(), |n| n.to_string())).collect()
}

/// Every page of a filter (which may carry an offset), following `next`.
fn all_pages(d: &mut MemDriver, filter: Value, limit: u32) -> Vec<String> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..1000 {
        let mut f = filter.clone();
        f["limit"] = json!(limit);
        if let Some(a) = &after {
            // The token carries the position: an offset counts from it, so it is given once.
            f["after"] = json!(a);
            f.as_object_mut().unwrap().remove("offset");
        }
        let page = ok(d, json!({"op": "listEvents", "filter": f}));
        let evs = page["events"].as_array().unwrap();
        assert!(evs.len() <= limit as usize);
        out.extend(ids_of(evs));
        match page["next"].as_str() {
            // A token that comes back is a list that does not move on.
            Some(n) if after.as_deref() == Some(n) => panic!("the same token twice: {n}"),
            Some(n) => after = Some(n.to_string()),
            None => return out,
        }
    }
    panic!("paging does not end");
}

#[test]
fn newest_first_and_complete() {
    let mut d = dataset();
    let all = scan(&d);
    assert_eq!(all.len(), 48);
    let page = ok(&mut d, json!({"op": "listEvents", "filter": {"instance": "exec1", "limit": 500}}));
    assert_null(&page, "next");
    let listed = page["events"].as_array().unwrap();
    assert_eq!(ids_of(listed), ids_of(&all));
    // Ties on the created time: the higher id first.
    let created: Vec<&str> = listed.iter().map(|e| e["created"].as_str().unwrap()).collect();
    assert!(created.windows(2).any(|w| w[0] == w[1]));
    // The list shows the API form of the event.
    let one = get(&mut d, listed[0]["id"].as_str().unwrap());
    // With its "Why?", which getEvent has beside the event (and which may add what the list
    // does not read: the date of a quarantine entry).
    let mut row = listed[0].clone();
    assert_eq!(row["why"], one["why"]);
    row["why"] = serde_json::Value::Null;
    assert_eq!(row, one["event"]);
    // Default page size: 50.
    for _ in 0..5 {
        push1(&mut d, "exec1", "a@example.com");
    }
    let page = ok(&mut d, json!({"op": "listEvents", "filter": {"instance": "exec1"}}));
    assert_eq!(page["events"].as_array().unwrap().len(), 50);
    assert!(page["next"].is_string());
}

#[test]
fn paging_gives_every_event_exactly_once() {
    let mut d = dataset();
    let want = ids_of(&scan(&d));
    for limit in [1, 3, 7, 50, 500] {
        assert_eq!(all_pages(&mut d, json!({"instance": "exec1"}), limit), want, "limit {limit}");
    }
    // With a filter too.
    let sent: Vec<Value> = scan(&d).into_iter().filter(|e| e["status"] == "sent").collect();
    assert_eq!(all_pages(&mut d, json!({"instance": "exec1", "status": "sent"}), 4), ids_of(&sent));
}

#[test]
fn filters() {
    let mut d = dataset();
    let all = scan(&d);
    let pick = |f: &dyn Fn(&Value) -> bool| ids_of(&all.iter().filter(|e| f(e)).cloned().collect::<Vec<_>>());
    let mid = all[all.len() / 2]["created"].as_i64().unwrap();
    let lo = all[all.len() * 3 / 4]["created"].as_i64().unwrap();
    let cases: Vec<(Value, Vec<String>)> = vec![
        (json!({"queue": "batch"}), pick(&|e| e["queue"] == "batch")),
        (json!({"queue": "rt"}), pick(&|e| e["queue"] == "rt")),
        (json!({"status": "sent"}), pick(&|e| e["status"] == "sent")),
        (json!({"status": "Ignored by the delivery"}), pick(&|e| e["status"] == "ignored")),
        (json!({"status": "routingFailed"}), pick(&|e| e["status"] == "notTakenIntoAccount")),
        (json!({"status": "pendingDelivery"}), pick(&|e| e["status"] == "pendingDelivery")),
        (json!({"type": "reset"}), pick(&|e| e["type"] == "reset")),
        (json!({"channel": "sms"}), pick(&|e| e["wishedChannel"] == "sms")),
        (json!({"channel": 0}), pick(&|e| e["wishedChannel"] == "email")),
        (json!({"address": "person@EXAMPLE.com"}), pick(&|e| e["email"] == "Person@Example.com")),
        (json!({"address": "+99900005"}), pick(&|e| e["mobilePhone"] == "+99900005")),
        (json!({"from": mid}), pick(&|e| e["created"].as_i64().unwrap() >= mid)),
        (json!({"to": iso(mid)}), pick(&|e| e["created"].as_i64().unwrap() <= mid)),
        (json!({"from": iso(lo), "to": mid}), pick(&|e| (lo..=mid).contains(&e["created"].as_i64().unwrap()))),
        (json!({"from": mid, "to": mid}), pick(&|e| e["created"].as_i64().unwrap() == mid)),
        (
            json!({"type": "order", "status": "sent", "queue": "rt", "channel": "email"}),
            pick(&|e| e["type"] == "order" && e["status"] == "sent" && e["queue"] == "rt" && e["wishedChannel"] == "email"),
        ),
        (
            json!({"address": "sent@mc-sim.test", "type": "reset", "to": mid}),
            pick(&|e| e["email"] == "sent@mc-sim.test" && e["type"] == "reset" && e["created"].as_i64().unwrap() <= mid),
        ),
        (json!({"type": "nope"}), vec![]),
    ];
    for (f, want) in cases {
        let mut filter = f.clone();
        filter["instance"] = json!("exec1");
        assert_eq!(all_pages(&mut d, filter.clone(), 500), want, "{f}");
        assert_eq!(all_pages(&mut d, filter, 3), want, "{f} by 3");
    }
    // Sanity of the dataset: every filter above had something to find.
    for s in ["sent", "ignored", "deliveryFailed", "notTakenIntoAccount"] {
        assert!(all.iter().any(|e| e["status"] == s), "{s}");
    }
}

#[test]
fn counts_equal_a_full_scan() {
    let d = dataset();
    let all = scan(&d);
    for (f, pred) in [
        (json!({}), Box::new(|_: &Value| true) as Box<dyn Fn(&Value) -> bool>),
        (json!({"queue": "rt"}), Box::new(|e: &Value| e["queue"] == "rt")),
        (json!({"queue": "batch", "type": "order"}), Box::new(|e: &Value| e["queue"] == "batch" && e["type"] == "order")),
        (json!({"channel": "sms"}), Box::new(|e: &Value| e["wishedChannel"] == "sms")),
        (json!({"type": "reset", "channel": "email"}), Box::new(|e: &Value| e["type"] == "reset" && e["wishedChannel"] == "email")),
    ] {
        let mut qf = f.clone();
        qf["q"] = json!("counts");
        qf["instance"] = json!("exec1");
        let c = q(&d, qf);
        let mut total = 0;
        for (st, n) in c["byStatus"].as_object().unwrap() {
            let want = all.iter().filter(|e| pred(e) && e["status"] == *st).count();
            assert_eq!(n.as_u64().unwrap() as usize, want, "{f} {st}");
            total += want;
        }
        assert_eq!(c["total"].as_u64().unwrap() as usize, total, "{f}");
    }
    check_integrity(&d);
}

#[test]
fn bad_filters_are_refused() {
    let mut d = dataset();
    for (f, want) in [
        (json!({"instance": "nope"}), "UNKNOWN_INSTANCE"),
        (json!({"instance": "exec1", "status": "bogus"}), "INVALID_ARGUMENT"),
        (json!({"instance": "exec1", "queue": "fast"}), "INVALID_ARGUMENT"),
        (json!({"instance": "exec1", "limit": 0}), "INVALID_ARGUMENT"),
        (json!({"instance": "exec1", "limit": 501}), "INVALID_ARGUMENT"),
        (json!({"instance": "exec1", "from": 2000, "to": 1000}), "INVALID_ARGUMENT"),
        (json!({"instance": "exec1", "from": "yesterday"}), "INVALID_DATE"),
        (json!({"instance": "exec1", "to": true}), "INVALID_ARGUMENT"),
        (json!({"instance": "exec1", "channel": "pigeon"}), "UNKNOWN_CHANNEL"),
        (json!({"instance": "exec1", "sort": "asc"}), "INVALID_ARGUMENT"),
        (json!({"queue": "rt"}), "INVALID_ARGUMENT"),
        (json!({"instance": "exec1", "after": "garbage"}), "INVALID_ARGUMENT"),
    ] {
        let before = d.store.clone();
        assert_eq!(code(d.run(&json!({"op": "listEvents", "filter": f}))), want, "{f}");
        assert_eq!(d.store, before);
    }
}

#[test]
fn a_token_from_another_filter_is_refused() {
    let mut d = dataset();
    let p = ok(&mut d, json!({"op": "listEvents", "filter": {"instance": "exec1", "status": "sent", "limit": 2}}));
    let token = p["next"].as_str().unwrap().to_string();
    for f in [
        json!({"instance": "exec1", "after": token}),
        json!({"instance": "exec1", "status": "ignored", "after": token}),
        json!({"instance": "exec1", "type": "order", "after": token}),
        json!({"instance": "control", "status": "sent", "after": token}),
        // Same index (status) but another post-filter: the token carries the whole filter.
        json!({"instance": "exec1", "status": "sent", "queue": "batch", "after": token}),
        json!({"instance": "exec1", "status": "sent", "channel": "sms", "after": token}),
        json!({"instance": "exec1", "status": "sent", "after": format!("{token}x")}),
    ] {
        let e = error(d.run(&json!({"op": "listEvents", "filter": f})));
        assert_eq!(e.code.as_str(), "INVALID_ARGUMENT", "{f}");
        assert!(e.message.contains("token"), "{}", e.message);
    }
    // The same filter accepts it.
    let p2 = ok(&mut d, json!({"op": "listEvents", "filter": {"instance": "exec1", "status": "sent", "limit": 2, "after": token}}));
    assert_eq!(p2["events"].as_array().unwrap().len(), 2);
    assert_ne!(p2["events"][0]["id"], p["events"][0]["id"]);
}

#[test]
fn list_reflects_status_changes() {
    let mut d = running(1);
    let id = push1(&mut d, "exec1", "sent@mc-sim.test");
    let l = ok(&mut d, json!({"op": "listEvents", "filter": {"instance": "exec1", "status": "pending"}}));
    assert_eq!(ids_of(l["events"].as_array().unwrap()), std::slice::from_ref(&id));
    advance(&mut d, 2 * MIN);
    let l = ok(&mut d, json!({"op": "listEvents", "filter": {"instance": "exec1", "status": "pending"}}));
    assert_eq!(l["events"], json!([]));
    let l = ok(&mut d, json!({"op": "listEvents", "filter": {"instance": "exec1", "status": "sent"}}));
    assert_eq!(ids_of(l["events"].as_array().unwrap()), [id]);
    assert_eq!(keys(&d, "x/e/01/").len(), 1, "one summary for the page");
    check_integrity(&d);
}

#[test]
fn a_filter_the_counters_hold_nothing_for_reads_no_page() {
    // 600 events over five pages, all Pending: listing Sent (or a type no event has) answers from
    // the counters at once, reading nothing, even on a reopened engine (an empty cache).
    let mut d = running(1);
    for k in 0..6 {
        let evs: String = (0..100).map(|i| rt_xml(&format!("c{k}x{i}@example.com"))).collect();
        push_xml(&mut d, "exec1", &format!("<E>{evs}</E>")).unwrap();
    }
    d.reopen().unwrap();
    for (filter, total) in [
        (json!({"instance": "exec1", "status": "sent"}), json!(0)),
        (json!({"instance": "exec1", "type": "nope"}), json!(0)),
        (json!({"instance": "exec1", "queue": "batch", "address": "c1x1@example.com"}), json!(null)),
    ] {
        let op = json!({"op": "listEvents", "filter": filter});
        assert_eq!(read_phases(&mut d, &op), 0, "{filter}");
        assert_eq!(ok(&mut d, op), json!({"events": [], "next": null, "scanned": 0, "total": total}), "{filter}");
    }
    // What the counters hold is still read page by page.
    let op = json!({"op": "listEvents", "filter": {"instance": "exec1", "status": "pending", "limit": 10}});
    assert!(read_phases(&mut d, &op) > 0);
    assert_eq!(ok(&mut d, op)["events"].as_array().unwrap().len(), 10);
}

/// A predicate over a flattened event.
type Keep = Box<dyn Fn(&Value) -> bool>;

/// The ids of a scan that pass `keep`, newest first.
fn scan_where(d: &MemDriver, keep: impl Fn(&Value) -> bool) -> Vec<String> {
    ids_of(&scan(d).into_iter().filter(|e| keep(e)).collect::<Vec<_>>())
}

#[test]
fn the_search_query_filters_as_a_scan_does() {
    let mut d = dataset();
    let email = |e: &Value| e["email"].as_str().unwrap_or("").to_ascii_lowercase();
    let created = |e: &Value| e["created"].as_i64().unwrap();
    let mid = t0() + 20 * 97 * SEC;
    let cases: Vec<(String, Keep)> = vec![
        ("status:sent".into(), Box::new(|e: &Value| e["status"] == "sent")),
        ("-status:sent".into(), Box::new(|e: &Value| e["status"] != "sent")),
        (
            "status:sent,ignored type:order".into(),
            Box::new(|e: &Value| (e["status"] == "sent" || e["status"] == "ignored") && e["type"] == "order"),
        ),
        (
            "-type:order channel:email queue:rt".into(),
            Box::new(|e: &Value| e["type"] != "order" && e["wishedChannel"] == "email" && e["queue"] == "rt"),
        ),
        ("email:PERSON@example.com".into(), Box::new(move |e: &Value| email(e) == "person@example.com")),
        (format!("after:{} -status:pending", iso(mid)), Box::new(move |e: &Value| created(e) >= mid && e["status"] != "pending")),
        (format!("before:{}", iso(mid)), Box::new(move |e: &Value| created(e) <= mid)),
    ];
    for (query, keep) in cases {
        let want = scan_where(&d, keep);
        assert!(!want.is_empty(), "{query} finds something");
        for limit in [1, 7, 500] {
            assert_eq!(all_pages(&mut d, json!({"instance": "exec1", "query": query}), limit), want, "{query} by {limit}");
        }
        let page = ok(&mut d, json!({"op": "listEvents", "filter": {"instance": "exec1", "query": query, "limit": 1}}));
        let exact = !query.contains("after:") && !query.contains("before:") && !query.contains("email:");
        assert_eq!(page["total"], if exact { json!(want.len()) } else { json!(null) }, "{query}");
    }
    // A query and a field must both hold.
    let both = all_pages(&mut d, json!({"instance": "exec1", "query": "type:order", "status": "sent"}), 50);
    assert_eq!(both, scan_where(&d, |e| e["type"] == "order" && e["status"] == "sent"));
    let none = ok(&mut d, json!({"op": "listEvents", "filter": {"instance": "exec1", "query": "status:sent", "status": "ignored"}}));
    assert_eq!(none["events"], json!([]), "sent and ignored at once: nothing");
    // Counts honour the type, channel and queue terms, ignore the status terms, and say when
    // they ignore a date or address term.
    let c = q(&d, json!({"q": "counts", "instance": "exec1", "query": "type:order -channel:sms status:sent"}));
    let n = scan_where(&d, |e| e["type"] == "order" && e["wishedChannel"] != "sms").len();
    assert_eq!((c["total"].as_u64().unwrap() as usize, &c["exact"]), (n, &json!(true)));
    let c = q(&d, json!({"q": "counts", "instance": "exec1", "query": "email:a@example.com"}));
    assert_eq!(c["exact"], false);
    // The date and address fields: the counts cannot apply them either, and say so.
    for f in [json!({"address": "a@example.com"}), json!({"from": iso(mid)}), json!({"to": iso(mid)})] {
        let mut filter = json!({"q": "counts", "instance": "exec1"});
        filter.as_object_mut().unwrap().extend(f.as_object().unwrap().clone());
        assert_eq!(q(&d, filter.clone())["exact"], false, "{filter}");
    }
    assert_eq!(q(&d, json!({"q": "counts", "instance": "exec1", "address": "  "}))["exact"], true);
    assert_eq!(code(d.query(&json!({"q": "counts", "instance": "exec1", "from": "soon"}))), "INVALID_DATE");
}

#[test]
fn a_malformed_query_is_an_error_with_its_column_not_an_empty_list() {
    let mut d = dataset();
    let before = snapshot(&d);
    let e = error(d.run(&json!({"op": "listEvents", "filter": {"instance": "exec1", "query": "status:sent colour:red"}})));
    assert_eq!(e.code.as_str(), "INVALID_QUERY");
    assert!(e.message.starts_with("column 13: unknown key 'colour'"), "{}", e.message);
    assert_eq!(e.at.map(|a| (a.field, a.column)), Some(("query".to_string(), 13)));
    assert_eq!(code(d.query(&json!({"q": "counts", "instance": "exec1", "query": "status:"}))), "INVALID_QUERY");
    assert_eq!(snapshot(&d), before);
}

#[test]
fn offset_gives_the_rows_paging_gives_and_skips_whole_pages() {
    // 1,000 events over eight pages: an offset lands on the same row as paging there, with or
    // without a filter, and an unfiltered offset reads only the page it lands in.
    let mut d = running(3);
    for k in 0..10 {
        let evs: String = (0..100)
            .map(|i| {
                if i % 3 == 0 {
                    format!("<batchEvent type='reset' email='b{k}x{i}@example.com'><ctx/></batchEvent>")
                } else {
                    rt_xml(&format!("c{k}x{i}@example.com"))
                }
            })
            .collect();
        push_xml(&mut d, "exec1", &format!("<E>{evs}</E>")).unwrap();
        advance(&mut d, SEC);
    }
    for filter in [
        json!({"instance": "exec1"}),
        json!({"instance": "exec1", "query": "queue:batch"}),
        json!({"instance": "exec1", "query": "-type:reset"}),
    ] {
        let all = all_pages(&mut d, filter.clone(), 500);
        for offset in [0usize, 1, 127, 128, 129, 500, all.len() - 1, all.len(), all.len() + 5] {
            let mut f = filter.clone();
            f["offset"] = json!(offset);
            f["limit"] = json!(20);
            let got = all_pages(&mut d, f, 20);
            assert_eq!(got, all[offset.min(all.len())..].to_vec(), "{filter} offset {offset}");
        }
    }
    d.reopen().unwrap();
    let op = json!({"op": "listEvents", "filter": {"instance": "exec1", "offset": 700, "limit": 10}});
    assert_eq!(read_phases(&mut d, &op), 2, "the summaries, then the one page");
    // On the control's history (several streams merged), offset skips event by event.
    let mut d = setup_instances(4, &[("exec1", 1), ("exec2", 2)]);
    for n in ["exec1", "exec2"] {
        start_exec(&mut d, n);
        ok(&mut d, json!({"op": "createArchivingWorkflow", "account": n}));
        start(&mut d, "control", &format!("mcSynch_{n}"));
    }
    for k in 0..6 {
        for n in ["exec1", "exec2"] {
            let evs: String = (0..30).map(|i| rt_xml(&format!("{n}k{k}x{i}@example.com"))).collect();
            push_xml(&mut d, n, &format!("<E>{evs}</E>")).unwrap();
            advance(&mut d, SEC);
        }
    }
    advance(&mut d, 2 * HOUR);
    let all = all_pages(&mut d, json!({"instance": "control"}), 500);
    assert_eq!(all.len(), 360);
    for offset in [0usize, 1, 59, 200, 359, 360] {
        let got = all_pages(&mut d, json!({"instance": "control", "offset": offset, "limit": 50}), 50);
        assert_eq!(got, all[offset..].to_vec(), "control offset {offset}");
    }
}

#[test]
fn paging_past_more_summaries_than_one_call_reads_moves_on() {
    // 100 events of a rare type, then more than one call's budget of summaries (8,192 pages) of
    // another: each call that passes pages without a match must move its token on, so that
    // following `next` reaches the rare events (it used to return the same token forever).
    let mut d = setup(1);
    let rare: String = (0..100).map(|i| format!("<rtEvent type='reset' email='r{i}@example.com'><ctx/></rtEvent>")).collect();
    push_xml(&mut d, "exec1", &format!("<E>{rare}</E>")).unwrap();
    let one = "<rtEvent type='order' email='c@example.com'><ctx/></rtEvent>".repeat(10_000);
    for _ in 0..106 {
        push_xml(&mut d, "exec1", &format!("<E>{one}</E>")).unwrap();
    }
    assert_eq!(all_pages(&mut d, json!({"instance": "exec1", "query": "type:reset"}), 500).len(), 100);
}

#[test]
fn a_forged_skip_in_a_token_is_refused_not_wrapped() {
    let mut d = dataset();
    let page = ok(&mut d, json!({"op": "listEvents", "filter": {"instance": "exec1", "limit": 2}}));
    let token = page["next"].as_str().unwrap().to_string();
    let (body, fp) = token.rsplit_once('#').unwrap();
    let forged = format!("{body}+18446744073709551615#{fp}");
    let r = d.run(&json!({"op": "listEvents", "filter": {"instance": "exec1", "limit": 2, "offset": 5, "after": forged}}));
    assert_eq!(code(r), "INVALID_ARGUMENT");
    let junk = format!("{body}+x#{fp}");
    assert_eq!(code(d.run(&json!({"op": "listEvents", "filter": {"instance": "exec1", "after": junk}}))), "INVALID_ARGUMENT");
}

#[test]
fn a_rare_filter_reads_the_pages_it_needs_in_few_rounds() {
    // 40 pages, one event in 32 of a rare type: a page of 100 of them comes in one call, and its
    // pages are read several at a time (the summaries say which), not one round per page.
    let mut d = running(2);
    for k in 0..10 {
        let evs: String = (0..512)
            .map(|i| {
                if i % 32 == 0 {
                    format!("<rtEvent type='reset' email='r{k}x{i}@example.com'><ctx/></rtEvent>")
                } else {
                    rt_xml(&format!("c{k}x{i}@example.com"))
                }
            })
            .collect();
        push_xml(&mut d, "exec1", &format!("<E>{evs}</E>")).unwrap();
    }
    d.reopen().unwrap();
    let op = json!({"op": "listEvents", "filter": {"instance": "exec1", "type": "reset", "limit": 100}});
    let phases = read_phases(&mut d, &op);
    assert!(phases <= 6, "{phases} rounds of reads");
    let page = ok(&mut d, op);
    assert_eq!(page["events"].as_array().unwrap().len(), 100);
    assert_eq!(page["total"], 160);
    let rest =
        ok(&mut d, json!({"op": "listEvents", "filter": {"instance": "exec1", "type": "reset", "limit": 100, "after": page["next"]}}));
    assert_eq!(rest["events"].as_array().unwrap().len(), 60);
    assert_eq!(rest["next"], Value::Null);
}
