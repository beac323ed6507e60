//! The storage layout table (`keys::LAYOUT`) is the truth HACKING.md shows: the page holds it
//! verbatim, every key a rich scenario writes matches one of its rows, and every row is used.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use message_center::driver::MemDriver;
use message_center::keys::{layout_markdown, LAYOUT};
use serde_json::json;

#[test]
fn hacking_md_holds_the_layout_table_of_keys_rs() {
    let hacking = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/HACKING.md")).unwrap();
    assert!(
        hacking.contains(&layout_markdown()),
        "HACKING.md does not hold the layout table of src/keys.rs; paste this in its place:\n\n{}",
        layout_markdown()
    );
}

/// Whether `key` matches `pattern`, whose `<placeholders>` stand for a run of characters of a class.
fn matches(pattern: &str, key: &str) -> bool {
    let Some(open) = pattern.find('<') else { return pattern == key };
    let (lit, rest) = pattern.split_at(open);
    let Some(key) = key.strip_prefix(lit) else { return false };
    let close = rest.find('>').unwrap();
    let (name, after) = (&rest[1..close], &rest[close + 1..]);
    let hex = |n: usize| -> Box<dyn Fn(&str) -> bool> {
        Box::new(move |s: &str| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
    };
    let class: Box<dyn Fn(&str) -> bool> = match name {
        "ii" | "ss" => hex(2),
        "pg" | "~pg" => hex(13),
        "time" => hex(12),
        "n" => hex(16),
        "hash" => hex(64),
        "run" => Box::new(|s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())),
        "q" => Box::new(|s: &str| s == "r" || s == "b"),
        "name" | "instance" | "workflow" | "address" => Box::new(|s: &str| !s.is_empty() && !s.contains('/')),
        other => panic!("unknown placeholder <{other}> in the layout table"),
    };
    // Every split of the key: the placeholder takes a prefix, the rest matches the rest.
    (1..=key.len()).filter(|&i| key.is_char_boundary(i)).any(|i| class(&key[..i]) && matches(after, &key[i..]))
}

fn patterns() -> Vec<(usize, &'static str)> {
    LAYOUT.iter().enumerate().flat_map(|(i, r)| r.key.split(", ").map(move |p| (i, p))).collect()
}

/// Every key seen in the store after each step of a scenario that uses every kind of record.
fn keys_seen() -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let note = |d: &MemDriver, seen: &mut BTreeSet<String>| seen.extend(d.store.keys().cloned());
    let mut d = running(1);
    add_instance(&mut d, "exec2", 2);
    start_exec(&mut d, "exec2");
    ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "exec1"}));
    ok(&mut d, json!({"op": "configure", "config": {"eventPurgeDelayMs": HOUR, "eventHistoPurgeDelayMs": HOUR, "batchSize": 5}}));
    ok(&mut d, json!({"op": "denylist", "instance": "exec1", "address": "denied@example.com"}));
    ok(&mut d, json!({"op": "createPersonalizationBlock", "block": {"name": "footer", "source": "Bye"}}));
    ok(&mut d, json!({"op": "setOption", "name": "NmsServer_URL", "value": "https://shop.example.com"}));
    let logon =
        r#"<Envelope><Body><Logon xmlns="urn:xtk:session"><sessiontoken/><login>admin</login><password/></Logon></Body></Envelope>"#;
    ok(&mut d, json!({"op": "soap", "text": logon}));
    note(&d, &mut seen);
    let addresses = ["sent", "hard", "soft", "bounce-1m", "procerr-1", "ignored"];
    let evs: String = addresses.iter().map(|a| rt_xml(&format!("{a}@mc-sim.test"))).collect();
    push_xml(&mut d, "exec1", &format!("<E>{evs}<batchEvent type='order' email='b@example.com'><ctx/></batchEvent></E>")).unwrap();
    push_xml(&mut d, "loadBalancer", &rt_xml("lb@example.com")).unwrap();
    note(&d, &mut seen);
    // Every workflow step of two days, one at a time.
    let until = d.now() + 2 * DAY;
    loop {
        let n = q(&d, json!({"q": "nextDue", "until": until}));
        if n.is_null() {
            break;
        }
        ok(&mut d, json!({"op": "runWorkflow", "instance": n["instance"], "name": n["name"], "at": n["at"]}));
        note(&d, &mut seen);
    }
    // A store of format 3 migrated, a step at a time (`m/migration` lives between two steps).
    let mut d = MemDriver { store: fixture_store("format3-store.json"), ..MemDriver::default() };
    let (_, mut next) = d.step(&json!({"op": "open"})).unwrap();
    while let Some(n) = next {
        (_, next) = d.step(&n).unwrap();
        note(&d, &mut seen);
    }
    seen
}

#[test]
fn every_key_written_matches_one_row_and_every_row_is_used() {
    let seen = keys_seen();
    let pats = patterns();
    let mut used: BTreeMap<usize, usize> = BTreeMap::new();
    for k in &seen {
        let rows: Vec<usize> = pats.iter().filter(|(_, p)| matches(p, k)).map(|(i, _)| *i).collect();
        assert!(!rows.is_empty(), "the key {k} is in no row of keys::LAYOUT");
        let distinct: BTreeSet<_> = rows.iter().collect();
        assert_eq!(distinct.len(), 1, "the key {k} matches several rows of keys::LAYOUT: {rows:?}");
        *used.entry(rows[0]).or_default() += 1;
    }
    for (i, r) in LAYOUT.iter().enumerate() {
        assert!(used.contains_key(&i), "no key of the scenario matches the row {} of keys::LAYOUT", r.key);
    }
}

#[test]
fn the_matcher_tells_keys_apart() {
    assert!(matches("e/<ii>/<pg>/d<ss>", "e/01/0000000000003/d7f"));
    assert!(!matches("e/<ii>/<pg>/d<ss>", "e/01/0000000000003/s"));
    assert!(!matches("e/<ii>/<pg>/s", "e/1/0000000000003/s"));
    assert!(matches("m/wf/<instance>/<name>", "m/wf/mcExec1/rtEventsProcessing"));
    assert!(!matches("m/wf/<instance>/<name>", "m/wf/mcExec1/a/b"));
    assert!(matches("d/<ii>/<q>/<time>/<n>", "d/01/r/019c2d4a6800/0000000000000001"));
    assert!(!matches("d/<ii>/<q>/<time>/<n>", "d/01/x/019c2d4a6800/0000000000000001"));
}
