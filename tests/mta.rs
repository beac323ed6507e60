//! The simulated MTA: outcome-directed test addresses, quarantine, denylist, SMS, seeded draws and
//! configurable rates.

mod common;

use common::*;
use message_center::driver::MemDriver;
use serde_json::{json, Value};

fn log_times(bl: &Value) -> Vec<i64> {
    bl["log"].as_array().unwrap().iter().map(|l| ms(l["at"].as_str().unwrap())).collect()
}

fn log_texts(bl: &Value) -> Vec<String> {
    bl["log"].as_array().unwrap().iter().map(|l| l["text"].as_str().unwrap().to_string()).collect()
}

/// `running` plus an SMS template for `order`.
fn with_sms(seed: u64) -> MemDriver {
    let mut d = running(seed);
    ok(
        &mut d,
        json!({"op": "createTemplate", "template": {"name": "sms", "eventType": "order", "channel": "sms", "text": "Order <%= rtEvent.ctx.@number %>"}}),
    );
    ok(&mut d, json!({"op": "publish", "name": "sms"}));
    d
}

fn push_sms(d: &mut MemDriver, phone: &str) -> String {
    push1_xml(d, "exec1", &format!("<rtEvent type='order' wishedChannel='1' mobilePhone='{phone}'><ctx number='1'/></rtEvent>"))
}

#[test]
fn sent_and_ignored_addresses() {
    let mut d = running(1);
    let sent = push1(&mut d, "exec1", "sent@mc-sim.test");
    let sent_tag = push1(&mut d, "exec1", "Sent+42@MC-SIM.test");
    let ignored = push1(&mut d, "exec1", "ignored@mc-sim.test");
    advance(&mut d, 2 * MIN);
    for id in [&sent, &sent_tag] {
        let e = get(&mut d, id);
        assert_eq!(e["event"]["status"], "sent");
        assert_eq!(e["event"]["statusLabel"], "Sent");
        assert_eq!(e["event"]["restStatus"], "processed");
        assert_eq!(e["broadLog"]["status"], "Sent");
        assert_eq!(e["broadLog"]["statusCode"], 1);
        assert_eq!(e["broadLog"]["tries"], 1);
        let sent_at = ms(e["broadLog"]["sentAt"].as_str().unwrap());
        // Default email delay: 2 s plus up to 3 s of jitter.
        assert!((t0() + 2 * SEC..=t0() + 5 * SEC).contains(&sent_at), "{}", iso(sent_at));
    }
    let e = get(&mut d, &ignored);
    assert_eq!(e["event"]["status"], "ignored");
    assert_eq!(e["event"]["statusLabel"], "Ignored by the delivery");
    assert_eq!(e["broadLog"]["status"], "Ignored");
    assert_eq!(e["broadLog"]["statusCode"], 0);
    assert_eq!(e["broadLog"]["failureType"], "ignored");
    assert_null(&e, "broadLog.sentAt");
}

#[test]
fn hard_bounce_quarantines_the_address() {
    let mut d = running(1);
    let first = push1(&mut d, "exec1", "hard@mc-sim.test");
    advance(&mut d, 2 * MIN);
    let e = get(&mut d, &first);
    assert_eq!(e["event"]["status"], "deliveryFailed");
    assert_eq!(e["broadLog"]["status"], "Failed");
    assert_eq!(e["broadLog"]["failureType"], "hard");
    assert_eq!(e["broadLog"]["tries"], 1);
    let rec: Value = serde_json::from_str(&d.store["q/01/hard@mc-sim.test"]).unwrap();
    assert_eq!(rec["kind"], "quarantine");
    assert_eq!(rec["address"], "hard@mc-sim.test");
    let sent_at = log_times(&e["broadLog"])[1];
    assert_eq!(rec["since"], sent_at);

    // A later message to the address (in any case) is not even tried.
    let later = push1(&mut d, "exec1", "HARD@mc-sim.test");
    advance(&mut d, 2 * MIN);
    let e = get(&mut d, &later);
    assert_eq!(e["event"]["status"], "ignored");
    assert_eq!(e["broadLog"]["failureReason"], "Address on quarantine");
    assert_eq!(e["broadLog"]["tries"], 0);
    // The quarantine is per execution instance.
    assert_eq!(keys(&d, "q/"), ["q/01/hard@mc-sim.test"]);
}

#[test]
fn two_messages_to_a_hard_address_in_one_step() {
    let mut d = running(1);
    let r = push_xml(&mut d, "exec1", &format!("<E>{}{}</E>", rt_xml("hard@mc-sim.test"), rt_xml("hard@mc-sim.test"))).unwrap();
    advance(&mut d, 2 * MIN);
    let ids: Vec<String> = r["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect();
    let a = get(&mut d, &ids[0]);
    let b = get(&mut d, &ids[1]);
    let outcomes = [a["broadLog"]["failureType"].clone(), b["broadLog"]["failureType"].clone()];
    // Whichever is tried first bounces; the other one finds the address quarantined.
    assert!(outcomes.contains(&json!("hard")) && outcomes.contains(&json!("ignored")), "{outcomes:?}");
    assert_eq!(keys(&d, "q/").len(), 1);
}

#[test]
fn soft_bounces_are_retried_with_back_off_then_fail() {
    let mut d = running(1);
    let id = push1(&mut d, "exec1", "soft@mc-sim.test");
    advance(&mut d, 3 * HOUR);
    assert_eq!(status(&mut d, &id), "pendingDelivery", "still retrying");
    advance(&mut d, HOUR);
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["status"], "deliveryFailed");
    let bl = &e["broadLog"];
    assert_eq!(bl["tries"], 5);
    assert_eq!(bl["failureType"], "soft");
    assert_eq!(bl["failureReason"], "Soft bounce: mailbox full, 5 tries made");
    let t = log_times(bl);
    assert_eq!(t.len(), 6, "{bl}");
    assert_eq!(t[0], t0());
    let first = t[1];
    assert!((t0() + 2 * SEC..=t0() + 5 * SEC).contains(&first));
    // 15 min, then doubling: 15, 30, 60, 120.
    assert_eq!(t[2..].iter().map(|x| x - first).collect::<Vec<_>>(), [15 * MIN, 45 * MIN, 105 * MIN, 225 * MIN]);
    let texts = log_texts(bl);
    assert!(texts[1].starts_with(&format!("Soft bounce (try 1), next try at {}", iso(first + 15 * MIN))), "{}", texts[1]);
    assert!(texts[4].starts_with(&format!("Soft bounce (try 4), next try at {}", iso(first + 225 * MIN))), "{}", texts[4]);
    assert!(texts[5].starts_with("Failed (Soft bounce"), "{}", texts[5]);
    assert_null(bl, "nextAction");
    assert!(keys(&d, "t/").is_empty());
}

#[test]
fn soft_bounce_tries_and_delay_are_configurable() {
    let mut d = running(1);
    ok(&mut d, json!({"op": "configure", "config": {"mtaMaxTries": 3, "mtaRetryMs": 60000}}));
    let id = push1(&mut d, "exec1", "soft@mc-sim.test");
    advance(&mut d, 10 * MIN);
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["status"], "deliveryFailed");
    assert_eq!(e["broadLog"]["tries"], 3);
    let t = log_times(&e["broadLog"]);
    assert_eq!(t[2..].iter().map(|x| x - t[1]).collect::<Vec<_>>(), [MIN, 3 * MIN]);
}

#[test]
fn soft_n_is_sent_after_n_retries() {
    let mut d = running(1);
    let id = push1(&mut d, "exec1", "soft-2@mc-sim.test");
    advance(&mut d, 20 * MIN);
    assert_eq!(status(&mut d, &id), "pendingDelivery");
    advance(&mut d, 30 * MIN);
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["status"], "sent");
    let bl = &e["broadLog"];
    assert_eq!(bl["tries"], 3);
    let t = log_times(bl);
    assert_eq!(ms(bl["sentAt"].as_str().unwrap()), t[1] + 45 * MIN);
    let texts = log_texts(bl);
    assert!(texts[3].starts_with("Sent"), "{texts:?}");
}

#[test]
fn asynchronous_bounce_turns_sent_into_delivery_failed() {
    let mut d = running(1);
    let id = push1(&mut d, "exec1", "bounce-30m@mc-sim.test");
    advance(&mut d, 10 * SEC);
    let e = get(&mut d, &id);
    assert_eq!(e["broadLog"]["status"], "Sent");
    assert_eq!(e["bouncePending"], true);
    let sent_at = ms(e["broadLog"]["sentAt"].as_str().unwrap());
    assert_eq!(e["broadLog"]["bounceAt"], iso(sent_at + 30 * MIN));
    advance(&mut d, MIN);
    assert_eq!(status(&mut d, &id), "sent");

    advance_to(&mut d, sent_at + 30 * MIN);
    let e = get(&mut d, &id);
    assert_eq!(e["broadLog"]["status"], "Failed");
    assert_eq!(e["broadLog"]["failureType"], "async");
    assert_eq!(e["bouncePending"], false);
    assert_eq!(e["event"]["status"], "sent", "not before the next updateEventsStatus");
    assert!(d.store.contains_key("q/01/bounce-30m@mc-sim.test"));

    advance(&mut d, MIN);
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["status"], "deliveryFailed");
    let hist: Vec<&str> = e["event"]["history"].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect();
    assert_eq!(hist, ["pending", "pendingDelivery", "sent", "deliveryFailed"]);
    let last = &e["event"]["history"][3];
    let at = ms(last["at"].as_str().unwrap());
    assert_eq!(at % MIN, 0);
    assert!(at > sent_at + 30 * MIN && at <= sent_at + 31 * MIN);
    assert!(last["by"].as_str().unwrap().starts_with("updateEventsStatus#"));
}

#[test]
fn delay_directive_sets_the_sending_time() {
    let mut d = running(1);
    let id = push1(&mut d, "exec1", "delay-90s@mc-sim.test");
    let h = push1(&mut d, "exec1", "delay-2h@mc-sim.test");
    advance(&mut d, MIN);
    assert_eq!(status(&mut d, &id), "pendingDelivery");
    advance(&mut d, MIN);
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["status"], "sent");
    assert_eq!(e["broadLog"]["sentAt"], iso(t0() + 90 * SEC));
    advance(&mut d, 2 * HOUR);
    assert_eq!(get(&mut d, &h)["broadLog"]["sentAt"], iso(t0() + 2 * HOUR));
}

#[test]
fn processing_errors_are_retried_later() {
    let mut d = running(1);
    let id = push1(&mut d, "exec1", "procerr-2@mc-sim.test");
    advance(&mut d, 5 * SEC);
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["status"], "pending");
    assert_eq!(e["event"]["errors"], 1);
    assert_eq!(e["event"]["processRequestedOn"], iso(t0() + MIN));
    assert_eq!(e["event"]["lastError"], "simulated processing error 1 (procerr-2@mc-sim.test)");
    advance_to(&mut d, t0() + MIN);
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["errors"], 2);
    assert_eq!(e["event"]["processRequestedOn"], iso(t0() + 3 * MIN), "the delay doubles");
    advance(&mut d, MIN);
    assert_eq!(status(&mut d, &id), "pending");
    advance_to(&mut d, t0() + 5 * MIN);
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["status"], "sent");
    assert_eq!(e["event"]["errors"], 2);
    let hist = e["event"]["history"].as_array().unwrap();
    assert_eq!(hist[1]["status"], "pending");
    assert_eq!(hist[1]["note"], format!("processing error 1/5: retry at {}", iso(t0() + MIN)));
    assert_eq!(hist[2]["note"], format!("processing error 2/5: retry at {}", iso(t0() + 3 * MIN)));
    assert_eq!(hist[3]["status"], "pendingDelivery");
    assert_eq!(hist[3]["at"], iso(t0() + 3 * MIN));
    let runs = journal(&mut d, "exec1", "rtEventsProcessing");
    let errs: u64 = runs.iter().map(|r| r["counts"]["processingErrors"].as_u64().unwrap_or(0)).sum();
    assert_eq!(errs, 2);
}

#[test]
fn endless_processing_errors_expire_the_event() {
    let mut d = running(1);
    let id = push1(&mut d, "exec1", "procerr@mc-sim.test");
    advance(&mut d, 14 * MIN);
    assert_eq!(status(&mut d, &id), "pending");
    advance(&mut d, 2 * MIN);
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["status"], "expired");
    assert_eq!(e["event"]["errors"], 5);
    // Errors at 0, 1, 3, 7 and 15 minutes.
    assert_eq!(e["event"]["processed"], iso(t0() + 15 * MIN));
    let last = e["event"]["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["note"], "5 processing errors: the maximum number of tries is reached");
    assert_null(&e, "broadLog");
    assert!(keys(&d, "d/").is_empty());

    ok(&mut d, json!({"op": "configure", "config": {"maxProcessingErrors": 2}}));
    let id = push1(&mut d, "exec1", "procerr@mc-sim.test");
    advance(&mut d, 2 * MIN);
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["status"], "expired");
    assert_eq!(e["event"]["errors"], 2);
}

#[test]
fn denylisted_addresses_are_ignored() {
    let mut d = with_sms(1);
    let r = ok(&mut d, json!({"op": "denylist", "instance": "exec1", "address": " Deny@Example.com "}));
    assert_eq!(r["kind"], "denylist");
    assert_eq!(r["reason"], "Denylisted");
    ok(&mut d, json!({"op": "denylist", "instance": "exec1", "address": "+99900077"}));
    assert_eq!(keys(&d, "q/"), ["q/01/+99900077", "q/01/deny@example.com"]);
    let before = d.store.clone();
    assert_eq!(code(d.run(&json!({"op": "denylist", "instance": "exec1", "address": "nobody"}))), "INVALID_ARGUMENT");
    assert_eq!(code(d.run(&json!({"op": "denylist", "instance": "exec9", "address": "a@example.com"}))), "UNKNOWN_INSTANCE");
    assert_eq!(d.store, before);

    let e1 = push1(&mut d, "exec1", "deny@example.com");
    let e2 = push_sms(&mut d, "+99900077");
    let e3 = push_sms(&mut d, "+99900078");
    advance(&mut d, 2 * MIN);
    for id in [&e1, &e2] {
        let e = get(&mut d, id);
        assert_eq!(e["event"]["status"], "ignored");
        assert_eq!(e["broadLog"]["failureReason"], "Denylisted");
    }
    assert_eq!(status(&mut d, &e3), "sent");
}

#[test]
fn sms_test_numbers() {
    let mut d = with_sms(1);
    let sent = push_sms(&mut d, "+99900001");
    let ignored = push_sms(&mut d, "+99910001");
    let hard = push_sms(&mut d, "+99920001");
    let soft = push_sms(&mut d, "+99930001");
    let bounce = push_sms(&mut d, "+99940001");
    advance(&mut d, 2 * MIN);
    assert_eq!(status(&mut d, &sent), "sent");
    assert_eq!(status(&mut d, &ignored), "ignored");
    let e = get(&mut d, &hard);
    assert_eq!(e["event"]["status"], "deliveryFailed");
    assert_eq!(e["broadLog"]["failureType"], "hard");
    assert_eq!(e["broadLog"]["channel"], "sms");
    assert!(d.store.contains_key("q/01/+99920001"));
    assert_eq!(status(&mut d, &soft), "pendingDelivery");
    let e = get(&mut d, &bounce);
    assert_eq!(e["event"]["status"], "sent");
    // Default asynchronous bounce delay: 30 minutes.
    let sent_at = ms(e["broadLog"]["sentAt"].as_str().unwrap());
    assert_eq!(e["broadLog"]["bounceAt"], iso(sent_at + 30 * MIN));
    // SMS delay: 1 s plus up to 2 s.
    assert!((t0() + SEC..=t0() + 3 * SEC).contains(&sent_at));
    advance(&mut d, 5 * HOUR);
    assert_eq!(status(&mut d, &soft), "deliveryFailed");
    assert_eq!(status(&mut d, &bounce), "deliveryFailed");
    // A quarantined number is ignored afterwards.
    let again = push_sms(&mut d, "+99920001");
    advance(&mut d, MIN);
    assert_eq!(status(&mut d, &again), "ignored");
}

/// A scenario with ordinary addresses whose outcomes are drawn from the seed.
fn ordinary(seed: u64, config: Option<Value>) -> (MemDriver, Vec<String>) {
    let mut d = running(seed);
    if let Some(c) = config {
        ok(&mut d, json!({"op": "configure", "config": c}));
    }
    let mut ids = Vec::new();
    for chunk in 0..6 {
        let evs: String = (0..50).map(|i| rt_xml(&format!("customer{}@example.com", chunk * 50 + i))).collect();
        let r = push_xml(&mut d, "exec1", &format!("<Events>{evs}</Events>")).unwrap();
        ids.extend(r["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()));
        advance(&mut d, 7 * MIN);
    }
    advance(&mut d, 6 * HOUR);
    (d, ids)
}

fn outcomes(d: &mut MemDriver, ids: &[String]) -> Vec<Value> {
    ids.iter()
        .map(|id| {
            let e = get(d, id);
            json!([
                e["event"]["status"],
                e["broadLog"]["tries"],
                e["broadLog"]["failureType"],
                e["broadLog"]["sentAt"],
                e["broadLog"]["log"]
            ])
        })
        .collect()
}

#[test]
fn same_seed_same_store_other_seed_other_outcomes() {
    let (mut a, ids) = ordinary(7, None);
    let (b, _) = ordinary(7, None);
    assert_eq!(a.store, b.store, "same seed, same inputs: byte-for-byte the same store");
    let (mut c, ids_c) = ordinary(8, None);
    assert_eq!(ids, ids_c);
    let oa = outcomes(&mut a, &ids);
    let oc = outcomes(&mut c, &ids);
    let statuses = |o: &[Value]| o.iter().map(|x| x[0].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_ne!(statuses(&oa), statuses(&oc), "another seed draws other outcomes");
    // The default rates give a mix of outcomes, mostly sent.
    let sa = statuses(&oa);
    let sent = sa.iter().filter(|s| *s == "sent").count();
    assert!(sent > 250 && sent < 300, "{sent}");
    assert!(sa.iter().any(|s| s == "deliveryFailed"));
    let counts = q(&a, json!({"q": "counts", "instance": "exec1"}));
    assert_eq!(counts["total"], 300);
    assert_eq!(counts["byStatus"]["sent"], sent);
}

#[test]
fn outcomes_do_not_depend_on_batching() {
    let (mut a, ids) = ordinary(11, None);
    let (mut b, _) = ordinary(11, Some(json!({"batchSize": 7})));
    assert_eq!(outcomes(&mut a, &ids), outcomes(&mut b, &ids));
    let steps: u64 = journal(&mut b, "exec1", "rtEventsProcessing").iter().map(|r| r["steps"].as_u64().unwrap()).sum();
    assert!(steps > 6 * 7, "small batches took several steps per run: {steps}");
}

#[test]
fn rates_are_configurable() {
    let mut d = with_sms(3);
    let before = d.store.clone();
    let e = error(d.run(&json!({"op": "configure", "config": {"email": {"hardPpm": 1000000}}})));
    assert_eq!(e.code.as_str(), "INVALID_ARGUMENT");
    assert!(e.message.contains("email"), "{}", e.message);
    assert_eq!(d.store, before);
    let c = ok(
        &mut d,
        json!({"op": "configure", "config": {"email": {"hardPpm": 1000000, "softPpm": 0, "asyncBouncePpm": 0}, "sms": {"hardPpm": 0, "softPpm": 0}}}),
    );
    assert_eq!(c["email"]["hardPpm"], 1_000_000);
    assert_eq!(c["email"]["sendDelayMs"], 2000, "other values are kept");
    let emails: Vec<String> = (0..20).map(|i| push1(&mut d, "exec1", &format!("person{i}@example.com"))).collect();
    let phones: Vec<String> = (0..20).map(|i| push_sms(&mut d, &format!("+3362020{i:04}"))).collect();
    let directed = push1(&mut d, "exec1", "sent@mc-sim.test");
    advance(&mut d, 5 * MIN);
    for id in &emails {
        let e = get(&mut d, id);
        assert_eq!(e["event"]["status"], "deliveryFailed");
        assert_eq!(e["broadLog"]["failureType"], "hard");
    }
    for id in &phones {
        assert_eq!(status(&mut d, id), "sent");
    }
    assert_eq!(status(&mut d, &directed), "sent", "test addresses ignore the rates");
    assert_eq!(keys(&d, "q/").len(), 20);
}

#[test]
fn async_bounce_rate_and_delay() {
    let mut d = running(3);
    ok(
        &mut d,
        json!({"op": "configure", "config": {"email": {"hardPpm": 0, "softPpm": 0, "asyncBouncePpm": 1000000, "sendJitterMs": 0}, "asyncBounceDelayMs": 600000}}),
    );
    let id = push1(&mut d, "exec1", "someone@example.com");
    advance(&mut d, MIN);
    let e = get(&mut d, &id);
    assert_eq!(e["event"]["status"], "sent");
    assert_eq!(e["broadLog"]["sentAt"], iso(t0() + 2 * SEC));
    assert_eq!(e["broadLog"]["bounceAt"], iso(t0() + 2 * SEC + 10 * MIN));
    advance(&mut d, 10 * MIN);
    assert_eq!(status(&mut d, &id), "deliveryFailed");
}

#[test]
fn a_bounce_does_not_overwrite_a_denylist_entry() {
    let mut d = running(1);
    let id = push1(&mut d, "exec1", "bounce-30m@mc-sim.test");
    advance(&mut d, MIN);
    assert_eq!(status(&mut d, &id), "sent");
    advance(&mut d, MIN);
    let deny = ok(&mut d, json!({"op": "denylist", "instance": "exec1", "address": "bounce-30m@mc-sim.test"}));
    advance(&mut d, HOUR);
    assert_eq!(status(&mut d, &id), "deliveryFailed");
    let rec: Value = serde_json::from_str(&d.store["q/01/bounce-30m@mc-sim.test"]).unwrap();
    assert_eq!((&rec["kind"], &rec["reason"]), (&deny["kind"], &deny["reason"]), "the address stays denylisted");
    assert_eq!(iso(rec["since"].as_i64().unwrap()), deny["since"], "with its date");
    // Same for an address quarantined earlier: the first bounce's date is kept.
    let first = push1(&mut d, "exec1", "bounce-30m+a@mc-sim.test");
    advance(&mut d, 5 * MIN);
    let second = push1(&mut d, "exec1", "bounce-30m+a@mc-sim.test");
    advance(&mut d, HOUR);
    assert_eq!(status(&mut d, &first), "deliveryFailed");
    assert_eq!(status(&mut d, &second), "deliveryFailed");
    let a: Value = serde_json::from_str(&d.store["q/01/bounce-30m+a@mc-sim.test"]).unwrap();
    assert_eq!(a["kind"], "quarantine");
    let b = get(&mut d, &first);
    assert_eq!(b["broadLog"]["failureType"], "async");
    assert_eq!(a["since"], ms(b["broadLog"]["lastModified"].as_str().unwrap()));
}

#[test]
fn quarantine_is_per_execution_instance() {
    let mut d = setup_instances(1, &[("exec1", 1), ("exec2", 2)]);
    start_exec(&mut d, "exec1");
    start_exec(&mut d, "exec2");
    let a = push1(&mut d, "exec1", "hard@mc-sim.test");
    advance(&mut d, MIN);
    assert_eq!(status(&mut d, &a), "deliveryFailed");
    let b = push1(&mut d, "exec1", "hard@mc-sim.test");
    let c = push1(&mut d, "exec2", "hard@mc-sim.test");
    advance(&mut d, MIN);
    assert_eq!(status(&mut d, &b), "ignored");
    let e = get(&mut d, &c);
    assert_eq!(e["event"]["status"], "deliveryFailed", "exec2 tries it: its own bounce");
    assert_eq!(e["broadLog"]["failureType"], "hard");
    assert_eq!(keys(&d, "q/"), ["q/01/hard@mc-sim.test", "q/02/hard@mc-sim.test"]);
}

#[test]
fn processing_errors_are_in_the_run_journal() {
    let mut d = running(1);
    let id = push1(&mut d, "exec1", "procerr-1@mc-sim.test");
    advance(&mut d, 20_000);
    let runs = journal(&mut d, "exec1", "rtEventsProcessing");
    let with_errors: Vec<&Value> = runs.iter().filter(|r| !r["errors"].as_array().unwrap().is_empty()).collect();
    assert_eq!(with_errors.len(), 1, "{runs:?}");
    assert_eq!(with_errors[0]["errors"][0], format!("event {id}: simulated processing error 1 (procerr-1@mc-sim.test)"));
    assert_eq!(with_errors[0]["counts"]["processingErrors"], 1);
}
