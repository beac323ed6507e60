//! Deterministic mutation testing of everything a caller can push: XML and JSON documents are
//! mutated (bytes flipped, cut, duplicated, spliced with hostile fragments) and pushed. Every
//! call must end in Ok or a coded error, never a panic (a panic in wasm poisons the engine), a
//! refused call must leave the store untouched, and the engine must keep working afterwards.

mod common;

use common::*;
use serde_json::json;

/// splitmix64: the test's own generator.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const SEEDS_XML: &[&str] = &[
    r#"<rtEvent type="order" email="sent@mc-sim.test" wishedChannel="0" externalId="1" language="english" country="EN" emailFormat="2"><ctx><customer firstName="Ada" lastName="Lovelace"/><order number="CN1">text &amp; more</order></ctx></rtEvent>"#,
    r#"<Events><rtEvent type="order" email="a@example.com"><ctx><a><b><c>deep</c></b></a></ctx></rtEvent><batchEvent type="order" email="b@example.com" scheduled="2026-06-01T10:00:00Z"><ctx/></batchEvent></Events>"#,
    r#"<batchEvent type="order" mobilePhone="+33620202020" wishedChannel="sms"><mobileApp _operation="none" uuid="x"/><ctx><![CDATA[<raw>]]></ctx></batchEvent>"#,
];

const SEEDS_JSON: &[&str] = &[
    r#"{"type":"order","email":"sent@mc-sim.test","ctx":{"customer":{"@firstName":"Ada"},"items":[{"@sku":"1"},{"@sku":"2"}]}}"#,
    r#"[{"type":"order","email":"a@example.com","ctx":{}},{"type":"order","mobilePhone":"+99900001","wishedChannel":1,"ctx":"<ctx><x/></ctx>"}]"#,
    r#"{"type":"order","email":"x@example.com","expiration":"2026-01-01","scheduled":"2026-05-28 10:00","emailFormat":"html","ctx":{"$":"text"}}"#,
];

const HOSTILE: &[&str] = &[
    "<!DOCTYPE x [<!ENTITY a \"aaaa\">]>",
    "&a;",
    "&#0;",
    "<![CDATA[",
    "]]>",
    "\u{0}",
    "\u{fffe}",
    "é",
    "<ctx>",
    "</ctx>",
    "<rtEvent>",
    "\"",
    "'",
    "{",
    "}",
    "[",
    "]",
    "\\u0000",
    "\\ud800",
    "99999999999999999999999",
    "-1",
    "null",
    "@",
    "<?xml version=\"1.0\"?>",
    "<?pi x?>",
    "<!-- c -->",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = mix(self.0);
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut b: Vec<u8> = seed.as_bytes().to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(b.len() + 1);
        match rng.below(6) {
            0 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] = (rng.next() & 0xff) as u8;
            }
            1 => b.truncate(at),
            2 => {
                let h = HOSTILE[rng.below(HOSTILE.len())].as_bytes();
                b.splice(at..at, h.iter().copied());
            }
            3 if at < b.len() => {
                let end = (at + rng.below(40)).min(b.len());
                let chunk: Vec<u8> = b[at..end].to_vec();
                b.splice(at..at, chunk);
            }
            4 if at < b.len() => {
                let end = (at + rng.below(20)).min(b.len());
                b.drain(at..end);
            }
            _ => {
                let depth = rng.below(200);
                let open = "<a>".repeat(depth);
                let close = "</a>".repeat(depth);
                let frag = format!("{open}{close}");
                b.splice(at..at, frag.bytes());
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

#[test]
fn mutated_documents_never_panic_and_refusals_write_nothing() {
    let mut d = running(7);
    let mut rng = Rng(2026);
    let (mut accepted, mut refused) = (0, 0);
    for i in 0..4_000 {
        let xml = i % 2 == 0;
        let seeds = if xml { SEEDS_XML } else { SEEDS_JSON };
        let pick = rng.below(seeds.len());
        let doc = mutate(&mut rng, seeds[pick]);
        let before = d.store.clone();
        let r = d.run(&json!({ "op": "push", "target": "exec1", "format": if xml { "xml" } else { "json" }, "text": doc }));
        match r {
            Ok(v) => {
                accepted += 1;
                assert!(!v["events"].as_array().unwrap().is_empty());
            }
            Err(e) => {
                refused += 1;
                assert!(!e.message.is_empty() && e.message.len() <= message_center::error::MAX_MESSAGE + 3, "{e}");
                assert_eq!(d.store, before, "refused push #{i} wrote something: {e}\n{doc}");
            }
        }
    }
    // Both outcomes occur, so the mutations reach past the parser into validation and storage.
    assert!(accepted > 50 && refused > 1_000, "accepted {accepted}, refused {refused}");
    // The engine still works, and what was accepted goes through the pipeline.
    advance(&mut d, HOUR);
    check_integrity(&d);
    let counts = q(&d, json!({"q": "counts", "instance": "exec1"}));
    assert_eq!(counts["total"], accepted_events(&d));
}

fn accepted_events(d: &message_center::driver::MemDriver) -> i64 {
    events(d, 'e').len() as i64
}
