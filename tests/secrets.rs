//! Secrets and sessions (issue 15, items 3 and 6): no secret in clear in a store or a snapshot,
//! sessions as records of their own with O(1) writes per Logon, a store of storage format 2
//! (sessions and secrets in clear) migrated in place, and a restored snapshot keeping the target's
//! operators. `logon_cost_at_1_and_10000_live_sessions` prints figures (never asserted).

mod common;

use common::*;
use message_center::driver::MemDriver;
use message_center::secrets::token_hash;
use message_center::sessions::MAX_SESSIONS;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const ENTROPY: &str = "0123456789abcdef0123456789abcdef00112233445566778899aabbccddeeff";

/// What `tests/fixtures/format2-store.json` holds in clear (its `writtenBy` says so).
const SECRETS: [&str; 7] = [
    "s3cret",
    "ims-technical-account-token-1",
    "a-bearer-only-operator-token",
    "___01234567-89ab-4def-8123-456789abcdef",
    "@00112233445566778899aabbccddeeff==",
    "___fedcba98-7654-4210-aedc-ba9876543210",
    "@ffeeddccbbaa99887766554433221100==",
];

fn logon(login: &str, password: &str) -> String {
    format!(
        r#"<Envelope><Body><Logon xmlns="urn:xtk:session"><sessiontoken/><login>{login}</login><password>{password}</password></Logon></Body></Envelope>"#
    )
}

fn local(entropy: &str) -> Value {
    json!({"remote": "127.0.0.1", "entropy": entropy})
}

fn format2_store() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/format2-store.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["entries"].as_array().unwrap().iter().map(|e| (e[0].as_str().unwrap().to_string(), e[1].as_str().unwrap().to_string())).collect()
}

fn in_clear(store: &BTreeMap<String, String>) -> Vec<&'static str> {
    let all: String = store.iter().map(|(k, v)| format!("{k}\n{v}\n")).collect();
    SECRETS.iter().copied().filter(|s| all.contains(s)).collect()
}

fn auth(d: &MemDriver, caller: Value, token: &str) -> Result<String, String> {
    d.query(&json!({"q": "authenticate", "caller": caller, "token": token}))
        .map(|v| v.as_str().unwrap().to_string())
        .map_err(|e| e.code.as_str().to_string())
}

fn sessions_stored(d: &MemDriver) -> usize {
    d.store.range("m/sess/".to_string().."m/sess0".to_string()).count()
}

#[test]
fn a_store_of_format_2_is_migrated_in_place_and_its_sessions_go_on() {
    let old = format2_store();
    assert_eq!(old.get("m/format").map(String::as_str), Some("message-center/2"));
    assert_eq!(in_clear(&old).len(), SECRETS.len(), "the fixture holds its secrets in clear");

    // Without the host's entropy (for the salts of the passwords it hashes) the open is refused
    // and the store is left as it was.
    let mut d = MemDriver { store: old.clone(), ..MemDriver::default() };
    let e = d.run(&json!({"op": "open"})).unwrap_err();
    assert_eq!(e.code.as_str(), "INVALID_ARGUMENT");
    assert!(e.message.contains("entropy"), "{e}");
    assert_eq!(d.store, old);

    let mut d = MemDriver { store: old.clone(), ..MemDriver::default() };
    d.command(&json!({"op": "open", "entropy": ENTROPY})).unwrap();
    assert_eq!(d.store.get("m/format").map(String::as_str), Some("message-center/4"));
    assert!(!d.store.contains_key("m/sessions"));
    assert_eq!(in_clear(&d.store), Vec::<&str>::new(), "no secret left in clear");
    for token in [SECRETS[3], SECRETS[5]] {
        assert!(d.store.contains_key(&format!("m/sess/{}", token_hash(token))), "{token}");
    }
    assert_eq!(sessions_stored(&d), 2);
    // The events and the rest are untouched.
    for (k, v) in &old {
        if !k.starts_with("m/") {
            assert_eq!(d.store.get(k), Some(v), "{k}");
        }
    }

    // Reopened (the migrated store, as it is now): everything works as before the migration.
    d.reopen().unwrap();
    let far = json!({"remote": "203.0.113.7"});
    let with_security = json!({"remote": "203.0.113.7", "securityToken": SECRETS[4]});
    assert_eq!(auth(&d, with_security, SECRETS[3]), Ok("mc".into()), "a live session of format 2");
    assert_eq!(auth(&d, far.clone(), "mc/s3cret"), Ok("mc".into()));
    assert_eq!(auth(&d, far.clone(), "mc/wrong"), Err("ACCESS_DENIED".into()));
    assert_eq!(auth(&d, json!({"remote": "127.0.0.1"}), "admin/"), Ok("admin".into()), "the default admin, from loopback");
    assert_eq!(auth(&d, far.clone(), "admin/"), Err("ACCESS_DENIED".into()));
    assert_eq!(auth(&d, json!({"remote": "127.0.0.1", "authorization": "Bearer a-bearer-only-operator-token"}), ""), Ok("ims".into()));
    // The bearer-only operator of format 2 had an empty password by default: no longer.
    assert_eq!(auth(&d, json!({"remote": "127.0.0.1"}), "ims/"), Err("ACCESS_DENIED".into()));
    let settings = q(&d, json!({"q": "settings"}));
    assert_eq!(
        settings["config"]["operators"],
        json!([
            {"login": "admin", "allowEmptyPassword": true},
            {"login": "mc", "passwordHash": "********", "bearerTokenHash": "********"},
            {"login": "ims", "bearerTokenHash": "********"}
        ])
    );
    // A reopen of the migrated store writes nothing.
    let before = d.store.clone();
    d.reopen_with(&json!({"op": "open", "entropy": ENTROPY})).unwrap();
    assert_eq!(d.store, before);
}

#[test]
fn a_bearer_only_operator_cannot_log_on_with_an_empty_password() {
    let mut d = setup(1);
    ok(
        &mut d,
        json!({"op": "configure", "entropy": ENTROPY, "config": {"operators": [
            {"login": "admin", "allowEmptyPassword": true},
            {"login": "ims", "bearerToken": "a-bearer-only-operator-token"}
        ]}}),
    );
    let loopback = json!({"remote": "127.0.0.1"});
    assert_eq!(auth(&d, loopback.clone(), "admin/"), Ok("admin".into()));
    assert_eq!(auth(&d, loopback.clone(), "ims/"), Err("ACCESS_DENIED".into()));
    assert_eq!(auth(&d, json!({"remote": "127.0.0.1", "sessionToken": "ims/"}), ""), Err("ACCESS_DENIED".into()));
    let r = ok(&mut d, json!({"op": "soap", "text": logon("ims", ""), "caller": local(ENTROPY)}));
    assert_eq!(r["fault"]["code"], "ACCESS_DENIED");
    // An empty password in a configuration must say so.
    let e = d.run(&json!({"op": "configure", "config": {"operators": [{"login": "admin", "password": ""}]}})).unwrap_err();
    assert!(e.message.contains("allowEmptyPassword"), "{e}");
}

#[test]
fn configured_secrets_are_stored_hashed_and_a_snapshot_holds_none() {
    let mut d = setup(1);
    ok(
        &mut d,
        json!({"op": "configure", "entropy": ENTROPY, "config": {"operators": [
            {"login": "admin", "allowEmptyPassword": true},
            {"login": "mc", "password": "s3cret", "bearerToken": "ims-technical-account-token-1"}
        ]}}),
    );
    let r = ok(&mut d, json!({"op": "soap", "text": logon("mc", "s3cret"), "caller": {"remote": "203.0.113.7", "entropy": ENTROPY}}));
    assert_eq!(r["status"], 200);
    assert_eq!(in_clear(&d.store), Vec::<&str>::new());
    let settings = &d.store["m/settings"];
    assert!(settings.contains("\"passwordHash\":\"scrypt$ln=14,r=8,p=1$"), "{settings}");
    assert!(settings.contains(&format!("\"bearerTokenHash\":\"sha256${}\"", token_hash("ims-technical-account-token-1"))));

    // A snapshot: no session, no secret (no hash either); the rest as stored.
    let keys: Vec<&String> = d.store.keys().collect();
    let edits = q(&d, json!({"q": "snapshotEdits", "keys": keys}));
    let edits: BTreeMap<String, Value> =
        edits.as_array().unwrap().iter().map(|e| (e[0].as_str().unwrap().to_string(), e[1].clone())).collect();
    assert_eq!(edits.len(), 2, "the settings and the one session: {edits:?}");
    assert_eq!(edits[&format!("m/sess/{}", token_hash(SECRETS[3]))], Value::Null);
    let snapshot_settings = edits["m/settings"].as_str().unwrap();
    assert!(!snapshot_settings.contains("scrypt") && !snapshot_settings.contains("sha256"), "{snapshot_settings}");
    assert!(
        snapshot_settings.contains(r#""operators":[{"login":"admin","allowEmptyPassword":true},{"login":"mc"}]"#),
        "{snapshot_settings}"
    );
    let snapshot: BTreeMap<String, String> = d
        .store
        .iter()
        .filter_map(|(k, v)| match edits.get(k) {
            Some(Value::String(s)) => Some((k.clone(), s.clone())),
            Some(_) => None,
            None => Some((k.clone(), v.clone())),
        })
        .collect();

    // Restored into another store: the target keeps its own operators (and trusted ranges).
    let mut target = setup(2);
    ok(
        &mut target,
        json!({"op": "configure", "entropy": ENTROPY, "config": {"trustedRanges": ["10.0.0.0/8"], "operators": [{"login": "ops", "password": "t4rget"}]}}),
    );
    let records: Vec<(&String, &String)> = snapshot.iter().collect();
    let edits = q(&target, json!({"q": "restoreEdits", "records": records}));
    let mut restored = snapshot.clone();
    for e in edits.as_array().unwrap() {
        let k = e[0].as_str().unwrap().to_string();
        match e[1].as_str() {
            Some(v) => restored.insert(k, v.to_string()),
            None => restored.remove(&k),
        };
    }
    let mut r = MemDriver { store: restored, ..MemDriver::default() };
    r.run(&json!({"op": "open"})).unwrap();
    assert_eq!(auth(&r, json!({"remote": "203.0.113.7"}), "ops/t4rget"), Ok("ops".into()));
    assert_eq!(auth(&r, json!({"remote": "203.0.113.7"}), "mc/s3cret"), Err("ACCESS_DENIED".into()));
    assert_eq!(auth(&r, json!({"remote": "10.1.2.3"}), "admin/"), Err("ACCESS_DENIED".into()), "no admin on the target");
    assert_eq!(q(&r, json!({"q": "settings"}))["config"]["trustedRanges"], json!(["10.0.0.0/8"]));
    assert_eq!(q(&r, json!({"q": "settings"}))["seed"], "1", "the rest is the snapshot's");
}

#[test]
fn sessions_are_capped_and_pruned_a_few_at_each_logon() {
    let mut d = setup(1);
    let timeout = 86_400_000;
    let logon_n = |d: &mut MemDriver, i: u64| {
        let r = ok(d, json!({"op": "soap", "text": logon("admin", ""), "caller": local(&format!("{i:032x}{i:032x}"))}));
        assert_eq!(r["status"], 200);
    };
    // Half the cap, then the other half a minute later (so that they expire in two groups).
    for i in 0..(MAX_SESSIONS / 2) as u64 {
        logon_n(&mut d, i);
    }
    d.advance(60_000).unwrap();
    for i in (MAX_SESSIONS / 2) as u64..MAX_SESSIONS as u64 {
        logon_n(&mut d, i);
    }
    assert_eq!(sessions_stored(&d), MAX_SESSIONS);
    // At the cap, a Logon drops a session of those that expire first (the first half), and
    // writes two records.
    let token = |i: u64| -> String {
        let r = ok(&mut setup(1), json!({"op": "soap", "text": logon("admin", ""), "caller": local(&format!("{i:032x}{i:032x}"))}));
        let b = r["body"].as_str().unwrap();
        let s = &b[b.find("<pstrSessionToken xsi:type=\"xsd:string\">").unwrap() + 40..];
        s[..s.find('<').unwrap()].to_string()
    };
    let first_half: Vec<String> = [0u64, 1, 2].iter().map(|i| format!("m/sess/{}", token_hash(&token(*i)))).collect();
    assert!(first_half.iter().all(|k| d.store.contains_key(k)));
    let before: Vec<String> = d.store.keys().filter(|k| k.starts_with("m/sess/")).cloned().collect();
    let written = d.records_written;
    logon_n(&mut d, 1 << 40);
    assert_eq!((sessions_stored(&d), d.records_written - written), (MAX_SESSIONS, 2));
    let gone: Vec<&String> = before.iter().filter(|k| !d.store.contains_key(*k)).collect();
    assert_eq!(gone.len(), 1);
    let expires = |d: &MemDriver, k: &str| serde_json::from_str::<Value>(&d.store[k]).unwrap()["expires"].as_i64().unwrap();
    let newest = before.iter().filter(|k| d.store.contains_key(*k)).map(|k| expires(&d, k)).max().unwrap();
    assert!(newest > expires(&d, &first_half[0]), "the two halves expire a minute apart");
    // Once the first half expired, each Logon deletes at most PRUNE_PER_LOGON of them.
    d.advance(timeout - 60_000).unwrap();
    let written = d.records_written;
    logon_n(&mut d, (1 << 40) + 1);
    assert_eq!(d.records_written - written, 1 + message_center::sessions::PRUNE_PER_LOGON as u64);
    assert_eq!(sessions_stored(&d), MAX_SESSIONS - message_center::sessions::PRUNE_PER_LOGON + 1);
}

/// Wall time of `n` Logons (each its own transaction, committed) from the driver, in µs each.
/// Logons `from..from + n` (each its own caller): the records and bytes written per Logon.
fn logon_writes(d: &mut MemDriver, from: u64, n: u64) -> (f64, f64) {
    let (r0, b0) = (d.records_written, d.bytes_written);
    for i in from..from + n {
        let r = ok(d, json!({"op": "soap", "text": logon("admin", ""), "caller": local(&format!("{i:032x}{i:032x}"))}));
        assert_eq!(r["status"], 200);
    }
    ((d.records_written - r0) as f64 / n as f64, (d.bytes_written - b0) as f64 / n as f64)
}

/// A Logon's work does not grow with the live sessions: it writes its own session record (and,
/// at the cap, drops one), never a record of every session (format 2 rewrote `m/sessions`: 0.6
/// to 2.9 ms from the first to the 4,000th live session). Timings are the bench's, not a test's.
#[test]
fn a_logon_writes_the_same_whatever_the_number_of_live_sessions() {
    let mut d = setup(1);
    let (low_records, low_bytes) = logon_writes(&mut d, 1, 99);
    while sessions_stored(&d) < MAX_SESSIONS - 100 {
        let n = sessions_stored(&d) as u64;
        logon_writes(&mut d, n + 1_000_000, 500.min(MAX_SESSIONS as u64 - 100 - n));
    }
    let (high_records, high_bytes) = logon_writes(&mut d, 2_000_000, 100);
    let (cap_records, cap_bytes) = logon_writes(&mut d, 3_000_000, 100);
    assert!(
        high_records <= low_records + 0.01 && high_bytes <= low_bytes * 1.1,
        "{low_records}/{low_bytes} then {high_records}/{high_bytes}"
    );
    // At the cap each Logon also deletes the session that expires first: one more record.
    assert!(cap_records <= low_records + 1.01 && cap_bytes <= low_bytes * 1.5, "{low_records}/{low_bytes} then {cap_records}/{cap_bytes}");
}
