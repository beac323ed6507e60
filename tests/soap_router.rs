//! The SOAP router with authentication: Logon / Logoff, the four ways Campaign authenticates,
//! GetEntityIfMoreRecent, ExecuteQuery on an event, the faults of refused callers (which write
//! nothing), the WSDL.

mod common;

use common::*;
use serde_json::{json, Value};

const ENTROPY: &str = "0123456789abcdef0123456789abcdef00112233445566778899aabbccddeeff";

fn call(d: &mut message_center::driver::MemDriver, text: &str, caller: Value) -> Value {
    ok(d, json!({"op": "soap", "target": "exec1", "text": text, "caller": caller}))
}

fn local(extra: Value) -> Value {
    let mut c = json!({"remote": "127.0.0.1", "entropy": ENTROPY});
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

fn far(extra: Value) -> Value {
    let mut c = local(extra);
    c["remote"] = json!("203.0.113.7");
    c
}

fn env(ns: &str, method: &str, params: &str) -> String {
    format!(
        r#"<SOAP-ENV:Envelope xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="http://xml.apache.org/xml-soap"><SOAP-ENV:Header><X-Security-Token/></SOAP-ENV:Header><SOAP-ENV:Body><m:{method} xmlns:m="urn:{ns}" SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">{params}</m:{method}></SOAP-ENV:Body></SOAP-ENV:Envelope>"#
    )
}

fn logon(login: &str, password: &str) -> String {
    env(
        "xtk:session",
        "Logon",
        &format!(
            r#"<sessiontoken xsi:type="xsd:string"/><login xsi:type="xsd:string">{login}</login><password xsi:type="xsd:string">{password}</password><parameters xsi:type="ns:Element" SOAP-ENV:encodingStyle="http://xml.apache.org/xml-soap/literalxml"/>"#
        ),
    )
}

fn push(token: &str, email: &str) -> String {
    env(
        "nms:rtEvent",
        "PushEvent",
        &format!(
            r#"<sessiontoken xsi:type="xsd:string">{token}</sessiontoken><event xsi:type="" SOAP-ENV:encodingStyle="http://xml.apache.org/xml-soap/literalxml"><rtEvent type="order" email="{email}"><ctx/></rtEvent></event>"#
        ),
    )
}

fn body(r: &Value) -> &str {
    r["body"].as_str().unwrap()
}

fn between<'a>(s: &'a str, a: &str, b: &str) -> &'a str {
    let i = s.find(a).unwrap_or_else(|| panic!("no {a} in {s}")) + a.len();
    &s[i..i + s[i..].find(b).unwrap()]
}

fn with_mc(d: &mut message_center::driver::MemDriver) {
    ok(
        d,
        json!({"op": "configure", "entropy": ENTROPY, "config": {"operators": [
            {"login": "admin", "allowEmptyPassword": true},
            {"login": "mc", "password": "s3cret", "bearerToken": "ims-technical-account-token-1"},
            {"login": "ims", "bearerToken": "a-bearer-only-operator-token"}
        ]}}),
    );
}

/// The session records of a store.
fn session_records(d: &message_center::driver::MemDriver) -> Vec<(String, String)> {
    d.store.range("m/sess/".to_string().."m/sess0".to_string()).map(|(k, v)| (k.clone(), v.clone())).collect()
}

#[test]
fn logon_gives_tokens_that_authenticate_pushes_until_logoff() {
    let mut d = setup(1);
    with_mc(&mut d);
    let r = call(&mut d, &logon("mc", "s3cret"), far(json!({})));
    assert_eq!(r["status"], 200, "{}", body(&r));
    let b = body(&r);
    let session = between(b, "<pstrSessionToken xsi:type=\"xsd:string\">", "<").to_string();
    let security = between(b, "<pstrSecurityToken xsi:type=\"xsd:string\">", "<").to_string();
    assert_eq!(session, "___01234567-89ab-4def-8123-456789abcdef");
    assert_eq!(security, "@00112233445566778899aabbccddeeff==");
    assert!(b.contains("<userInfo login=\"mc\"") && b.contains("<serverInfo "));
    // Stored as hashes: no token that works, no password, no bearer token in the store.
    let stored: String = d.store.iter().map(|(k, v)| format!("{k} {v}\n")).collect();
    for secret in [session.as_str(), security.as_str(), "s3cret", "ims-technical-account-token-1", "a-bearer-only-operator-token"] {
        assert!(!stored.contains(secret), "{secret} is stored in clear");
    }
    assert!(d.store.contains_key(&format!("m/sess/{}", message_center::secrets::token_hash(&session))));

    // The session token in the body, with the security token in a header.
    let r = call(&mut d, &push(&session, "a@example.com"), far(json!({"securityToken": security})));
    assert_eq!(r["status"], 200, "{}", body(&r));
    assert_eq!(r["events"].as_array().unwrap().len(), 1);
    // A wrong security token: the expired-session fault the SDK reconnects on.
    let r = call(&mut d, &push(&session, "b@example.com"), far(json!({"securityToken": "@wrong=="})));
    assert_eq!(r["status"], 500);
    assert!(body(&r).contains("XSV-350008"), "{}", body(&r));
    assert_eq!(r["fault"]["code"], "SESSION_INVALID");

    // The session survives a reopen (it is stored), and ends with Logoff.
    d.reopen().unwrap();
    let r = call(&mut d, &push("", "c@example.com"), far(json!({"sessionToken": session, "securityToken": security})));
    assert_eq!(r["status"], 200, "token in the X-Session-Token header: {}", body(&r));
    // From the cookie: with the security token in the SOAP header, not without it (a cross-site
    // request carries the cookie by itself).
    let cookie = far(json!({"cookie": format!("__sessiontoken={session}")}));
    let with_header = push("", "e@example.com").replace("<X-Security-Token/>", &format!("<X-Security-Token>{security}</X-Security-Token>"));
    assert_eq!(call(&mut d, &with_header, cookie.clone())["status"], 200);
    assert!(body(&call(&mut d, &push("", "f@example.com"), cookie)).contains("XSV-350008"));
    let logoff = env("xtk:session", "Logoff", &format!("<sessiontoken>{session}</sessiontoken>"));
    let r = call(&mut d, &logoff, far(json!({})));
    assert_eq!(r["status"], 200);
    assert!(body(&r).contains("<LogoffResponse xmlns=\"urn:xtk:session\""));
    let r = call(&mut d, &push(&session, "d@example.com"), far(json!({})));
    assert!(body(&r).contains("XSV-350008"), "logged off: {}", body(&r));
}

#[test]
fn sessions_expire_after_the_session_timeout() {
    let mut d = setup(1);
    with_mc(&mut d);
    ok(&mut d, json!({"op": "configure", "config": {"sessionTimeoutMs": 60_000}}));
    let r = call(&mut d, &logon("mc", "s3cret"), far(json!({})));
    let session = between(body(&r), "<pstrSessionToken xsi:type=\"xsd:string\">", "<").to_string();
    assert_eq!(call(&mut d, &push(&session, "a@example.com"), far(json!({})))["status"], 200);
    d.advance(60_000).unwrap();
    let r = call(&mut d, &push(&session, "a@example.com"), far(json!({})));
    assert!(body(&r).contains("XSV-350008"));
}

#[test]
fn refused_callers_get_campaigns_faults_and_nothing_is_written() {
    let mut d = setup(1);
    with_mc(&mut d);
    let before = d.store.len();
    // Logon: a wrong password, an unknown operator, an empty password from afar; an operator
    // with a bearer token only, with an empty password even from loopback, or any password.
    for (login, password, caller) in [
        ("mc", "nope", far(json!({}))),
        ("nobody", "s3cret", far(json!({}))),
        ("admin", "", far(json!({}))),
        ("ims", "", local(json!({}))),
        ("ims", "a-bearer-only-operator-token", local(json!({}))),
    ] {
        let r = call(&mut d, &logon(login, password), caller);
        assert_eq!(r["status"], 500, "{login}");
        assert!(body(&r).contains("XSV-350022 Invalid login or password. Connection denied."), "{}", body(&r));
        assert_eq!(r["fault"]["code"], "ACCESS_DENIED");
    }
    // PushEvent: the documented fault for a bad login.
    for (token, caller) in [
        ("mc/nope", far(json!({}))),
        ("ghost/s3cret", far(json!({}))),
        ("admin/", far(json!({}))),
        ("ims/", local(json!({}))),
        ("", local(json!({"sessionToken": "ims/"}))),
        ("", far(json!({}))),
        ("", far(json!({"authorization": "Bearer not-the-right-token-at-all"}))),
        ("", far(json!({"cookie": "__sessiontoken=undefined"}))),
    ] {
        let r = call(&mut d, &push(token, "a@example.com"), caller.clone());
        assert_eq!(r["status"], 500, "{token} {caller}");
        assert_eq!(r["fault"]["faultstring"], "Error while reading parameters of method 'PushEvent' of service 'nms:rtEvent'.");
        assert_eq!(r["fault"]["detail"], "Invalid login or password. Connection denied.");
        assert!(r["events"].as_array().unwrap().is_empty());
    }
    assert_eq!(d.store.len(), before, "a refusal writes nothing");
    // Unknown session token.
    let r = call(&mut d, &push("___not-a-session", "a@example.com"), far(json!({})));
    assert!(body(&r).contains("XSV-350008"));
}

#[test]
fn the_other_ways_in_load_balancer_trusted_range_bearer() {
    let mut d = setup(1);
    with_mc(&mut d);
    for (token, caller) in [
        ("mc/s3cret", far(json!({}))),
        ("admin/", local(json!({}))),
        ("admin/", local(json!({"remote": "::ffff:127.0.0.1"}))),
        ("", far(json!({"authorization": "Bearer ims-technical-account-token-1"}))),
        ("", local(json!({"cookie": "x=1; __sessiontoken=admin/"}))),
    ] {
        let r = call(&mut d, &push(token, "a@example.com"), caller.clone());
        assert_eq!(r["status"], 200, "{token} {caller}: {}", body(&r));
    }
    // Trusted ranges are configurable.
    ok(&mut d, json!({"op": "configure", "config": {"trustedRanges": ["203.0.113.0/24"]}}));
    assert_eq!(call(&mut d, &push("admin/", "a@example.com"), far(json!({})))["status"], 200);
    assert_eq!(call(&mut d, &push("admin/", "a@example.com"), local(json!({})))["status"], 500);
    let e = d.run(&json!({"op": "configure", "config": {"trustedRanges": ["10.0.0.0/33"]}})).unwrap_err();
    assert_eq!(e.code.as_str(), "INVALID_ARGUMENT");
    assert!(e.message.contains("10.0.0.0/33"));
}

#[test]
fn schemas_and_an_event_read_by_execute_query() {
    let mut d = running(1);
    let get_entity = |pk: &str| {
        env(
            "xtk:persist",
            "GetEntityIfMoreRecent",
            &format!(
                r#"<sessiontoken xsi:type="xsd:string">admin/</sessiontoken><pk xsi:type="xsd:string">{pk}</pk><md5 xsi:type="xsd:string"/><mustExist xsi:type="xsd:boolean">false</mustExist>"#
            ),
        )
    };
    let r = call(&mut d, &get_entity("xtk:schema|nms:rtEvent"), local(json!({})));
    assert_eq!(r["status"], 200);
    assert!(body(&r).contains("<GetEntityIfMoreRecentResponse xmlns=\"urn:xtk:persist\""));
    assert!(body(&r).contains("<schema namespace=\"nms\" name=\"rtEvent\""));
    let r = call(&mut d, &get_entity("xtk:schema|nms:recipient"), local(json!({})));
    assert!(body(&r).contains("<pdomDoc xsi:type=\"ns:Element\" SOAP-ENV:encodingStyle=\"http://xml.apache.org/xml-soap/literalxml\"/>"));

    let r = call(&mut d, &push("admin/", "jane@example.com"), local(json!({})));
    let id: u64 = r["events"][0]["id"].as_str().unwrap().parse().unwrap();
    let query = |op: &str, id: u64| {
        env(
            "xtk:queryDef",
            "ExecuteQuery",
            &format!(
                r#"<sessiontoken xsi:type="xsd:string">admin/</sessiontoken><document xsi:type="" SOAP-ENV:encodingStyle="http://xml.apache.org/xml-soap/literalxml"><queryDef schema="nms:rtEvent" operation="{op}" xtkschema="xtk:queryDef"><select><node expr="@id"/><node expr="@status"/><node expr="@created"/><node expr="@processed"/><node expr="@email"/></select><where><condition expr="@id={id}"/></where></queryDef></document>"#
            ),
        )
    };
    let low = id & 0x00FF_FFFF_FFFF_FFFF;
    let r = call(&mut d, &query("get", low), local(json!({})));
    assert_eq!(r["status"], 200, "{}", body(&r));
    let b = body(&r);
    assert!(b.contains(&format!("<rtEvent id=\"{low}\" status=\"0\" created=\"")), "{b}");
    assert!(b.contains("email=\"jane@example.com\"/>") && !b.contains("processed="), "{b}");
    // The whole id (with its instance byte) works too; once sent, the status and processed move.
    d.advance(3_600_000).unwrap();
    let r = call(&mut d, &query("get", id), local(json!({})));
    let b = body(&r);
    let status = get(&mut d, &id.to_string())["event"]["statusCode"].as_u64().unwrap();
    assert!(b.contains(&format!("status=\"{status}\"")) && b.contains("processed=\""), "{b}");
    // No such event: get faults, getIfExists gives an empty element, select an empty collection.
    let r = call(&mut d, &query("get", low + 1000), local(json!({})));
    assert_eq!(r["status"], 500);
    assert!(body(&r).contains("SOP-330011"));
    assert!(body(&call(&mut d, &query("getIfExists", low + 1000), local(json!({})))).contains(
        "<pdomOutput xsi:type=\"ns:Element\" SOAP-ENV:encodingStyle=\"http://xml.apache.org/xml-soap/literalxml\"><rtEvent/></pdomOutput>"
    ));
    assert!(body(&call(&mut d, &query("select", low + 1000), local(json!({})))).contains("<rtEvent-collection/>"));
    assert!(body(&call(&mut d, &query("select", low), local(json!({})))).contains(&format!("<rtEvent-collection><rtEvent id=\"{low}\"")));
    assert!(body(&call(&mut d, &query("count", low), local(json!({})))).contains("<rtEvent count=\"1\"/>"));
    assert!(body(&call(&mut d, &query("count", low + 1000), local(json!({})))).contains("<rtEvent count=\"0\"/>"));
    // A batch event is not in nms:rtEvent.
    let q = query("getIfExists", low).replace("schema=\"nms:rtEvent\"", "schema=\"nms:batchEvent\"");
    assert!(body(&call(&mut d, &q, local(json!({})))).contains("<batchEvent/>"));
    // ExecuteQuery needs a login like any call.
    let r = call(&mut d, &query("get", low).replace("admin/", "mc/x"), far(json!({})));
    assert!(body(&r).contains("Invalid login or password"));
}

#[test]
fn unknown_services_and_methods_and_the_wsdl() {
    let mut d = setup(1);
    let r = call(&mut d, &env("nms:recipient", "Get", "<sessiontoken>admin/</sessiontoken>"), local(json!({})));
    assert_eq!(r["status"], 500);
    assert!(body(&r).contains("SOP-330006 The service 'nms:recipient' is unknown"), "{}", body(&r));
    let r = call(&mut d, &env("xtk:session", "Write", "<sessiontoken>admin/</sessiontoken>"), local(json!({})));
    assert!(body(&r).contains("SOP-330006 The method 'Write' of service 'xtk:session' is unknown."), "{}", body(&r));
    // An unknown method of an event service: plId 0, as the product does.
    let r = call(&mut d, &env("nms:rtEvent", "PushEvnt", "<sessiontoken>admin/</sessiontoken>"), local(json!({})));
    assert_eq!(r["status"], 200);
    assert!(body(&r).contains("<plId xsi:type=\"xsd:long\">0</plId>"));
    // Without a caller (the in-page simulator) nothing is authenticated.
    let r = ok(&mut d, json!({"op": "soap", "target": "exec1", "text": push("nobody/x", "a@example.com")}));
    assert_eq!(r["status"], 200);
    let w = d.query(&json!({"q": "wsdl", "schema": "nms:rtEvent", "location": "http://127.0.0.1:8080/nl/jsp/soaprouter.jsp"})).unwrap();
    assert!(w.as_str().unwrap().contains("soapAction=\"nms:rtEvent#PushEvent\""));
    let e = d.query(&json!({"q": "wsdl", "schema": "nms:recipient", "location": "x"})).unwrap_err();
    assert_eq!(e.code.as_str(), "INVALID_ARGUMENT");
}

#[test]
fn a_logon_needs_the_hosts_entropy_and_never_reuses_a_token() {
    let mut d = setup(1);
    let text = logon("admin", "");
    let e = d.run(&json!({"op": "soap", "target": "exec1", "text": text, "caller": {"remote": "127.0.0.1"}})).unwrap_err();
    assert_eq!(e.code.as_str(), "INVALID_ARGUMENT");
    assert!(e.message.contains("entropy"), "{}", e.message);
    assert_eq!(call(&mut d, &logon("admin", ""), local(json!({})))["status"], 200);
    let e = d.run(&json!({"op": "soap", "target": "exec1", "text": logon("admin", ""), "caller": local(json!({}))})).unwrap_err();
    assert!(e.message.contains("in use"), "{}", e.message);
    // Without a caller (the simulator) tokens come from the seed: two Logons, two sessions.
    for _ in 0..2 {
        assert_eq!(ok(&mut d, json!({"op": "soap", "text": logon("admin", "")}))["status"], 200);
    }
    assert_eq!(session_records(&d).len(), 3);
}

#[test]
fn logon_floods_keep_the_sessions_bounded() {
    let mut d = setup(1);
    for i in 0..50u32 {
        let e = format!("{i:032x}{i:032x}");
        let r = call(&mut d, &logon("admin", ""), local(json!({"entropy": e})));
        assert_eq!(r["status"], 200);
    }
    assert_eq!(session_records(&d).len(), 50);
    // Expired sessions go a few at each Logon (more than it adds), the first to expire first.
    d.advance(86_400_000).unwrap();
    call(&mut d, &logon("admin", ""), local(json!({})));
    assert_eq!(session_records(&d).len(), 50 - message_center::sessions::PRUNE_PER_LOGON + 1);
    for i in 0..3u32 {
        call(&mut d, &logon("admin", ""), local(json!({"entropy": format!("{:032x}{:032x}", 1000 + i, i)})));
    }
    assert_eq!(session_records(&d).len(), 4, "every expired session is gone, the four new ones stay");
}

#[test]
fn the_harness_draws_from_the_seed_and_its_faults_speak_campaign() {
    let d = setup(7);
    let draw = |purpose: &str, n: u64| q(&d, json!({"q": "draw", "purpose": purpose, "n": n})).as_u64().unwrap();
    let a: Vec<u64> = (0..200).map(|n| draw("fault:1", n)).collect();
    assert_eq!(a, (0..200).map(|n| draw("fault:1", n)).collect::<Vec<_>>(), "the same seed, the same draws");
    assert!(a.iter().all(|x| *x < 1_000_000));
    let below = a.iter().filter(|x| **x < 500_000).count();
    assert!((60..140).contains(&below), "about half under 50%: {below}");
    assert_ne!(a, (0..200).map(|n| draw("fault:2", n)).collect::<Vec<_>>(), "another purpose, other draws");
    assert_ne!(a, (0..200).map(|n| q(&setup(8), json!({"q": "draw", "purpose": "fault:1", "n": n})).as_u64().unwrap()).collect::<Vec<_>>());
    let f = q(&d, json!({"q": "injectedFault", "soapAction": "\"nms:batchEvent#PushEvents\""}));
    assert_eq!(f["status"], 500);
    assert_eq!(f["fault"]["faultcode"], "SOAP-ENV:Server");
    assert_eq!(f["fault"]["faultstring"], "Error while executing the method 'PushEvents' of service 'nms:batchEvent'.");
    assert!(f["body"].as_str().unwrap().contains("xmlns:ns=\"urn:nms:batchEvent\""));
    let f = q(&d, json!({"q": "injectedFault"}));
    assert_eq!(f["fault"]["faultstring"], "Error while executing the method 'PushEvent' of service 'nms:rtEvent'.");
}
