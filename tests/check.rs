//! `check::check_record`, the restore's check of a snapshot: every record a real store holds
//! passes (no false refusal), and a record garbled in any of the ways the engine would later
//! trip on is refused, naming it.

mod common;

use common::*;
use message_center::check::check_record;
use serde_json::json;

/// A store with every kind of record: events of each outcome, quarantine, denylist, archiving,
/// journals, summaries, queues, waves, status copies, change log, a template and a block.
fn busy_store() -> message_center::driver::MemDriver {
    let mut d = running(3);
    ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "exec1"}));
    ok(&mut d, json!({"op": "denylist", "instance": "exec1", "address": "deny@example.com"}));
    for a in ["sent@mc-sim.test", "hard@mc-sim.test", "soft@mc-sim.test", "bounce-2h@mc-sim.test", "deny@example.com", "x@example.com"] {
        push1(&mut d, "exec1", a);
    }
    push1_xml(&mut d, "exec1", "<rtEvent type='reset' email='a@example.com'><ctx/></rtEvent>");
    advance(&mut d, 2 * SEC);
    advance(&mut d, HOUR);
    push1(&mut d, "exec1", "sent@mc-sim.test");
    advance(&mut d, 2 * SEC);
    d
}

#[test]
fn every_record_of_a_real_store_passes() {
    let d = busy_store();
    let prefixes: std::collections::BTreeSet<&str> = d.store.keys().map(|k| k.split('/').next().unwrap()).collect();
    // (u/ records are consumed in the step that writes them here; the unit tests hold one.)
    for p in ["m", "e", "h", "x", "d", "t", "c", "q", "j"] {
        assert!(prefixes.contains(p), "the store has {p}/ records: {prefixes:?}");
    }
    for (k, v) in &d.store {
        check_record(k, v).unwrap_or_else(|e| panic!("{k}: {}", e.message));
    }
}

#[test]
fn garbled_records_of_a_real_store_are_refused() {
    let d = busy_store();
    let mut refused = 0;
    for (k, v) in &d.store {
        if k.starts_with("m/") {
            continue;
        }
        // A framing character anywhere, a value cut in half, a key with a stray part.
        let mid = v.char_indices().nth(v.chars().count() / 2).map_or(0, |(i, _)| i);
        let framed = format!("{}\u{2}{}", &v[..mid], &v[mid..]);
        assert!(check_record(k, &framed).unwrap_err().message.contains(k.as_str()), "{k}: framing");
        assert!(check_record(&format!("{k}/zz"), v).is_err(), "{k}/zz");
        if v.len() > 8 && check_record(k, &v[..v.len() / 2]).is_err() {
            refused += 1;
        }
    }
    assert!(refused > 10, "values cut in half are refused ({refused})");
}
