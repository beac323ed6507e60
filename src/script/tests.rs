//! Tests of the language: templates rendered against events.

use super::*;

struct Ev(Vec<(&'static str, String)>, Option<Node>);

impl Event for Ev {
    fn field(&self, name: &str) -> Option<String> {
        self.0.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())
    }
    fn ctx(&self) -> Option<&Node> {
        self.1.as_ref()
    }
}

fn ctx(xml: &str) -> Option<Node> {
    Some(crate::ctx::parse_stored(xml).expect("ctx parses"))
}

fn render_with(src: &str, ev: &Ev) -> Result<String, ScriptError> {
    let p = compile(src, &jssp::NoIncludes)?;
    let env = Env { bounds: Bounds::default(), now: 1_772_438_400_000.0, seed: 12345, tz: TimeZone::utc(), event: ev };
    p.render(&env)
}

fn render(src: &str, ctx_xml: &str) -> String {
    let ev = Ev(vec![("email", "ada@example.com".into()), ("type", "order".into())], ctx(ctx_xml));
    match render_with(src, &ev) {
        Ok(s) => s,
        Err(e) => format!("ERROR {e}"),
    }
}

#[test]
fn plain_paths() {
    let c = "<ctx><customer firstName=\"Ada\"><last>Lovelace</last></customer></ctx>";
    assert_eq!(render("Hello <%= rtEvent.ctx.customer.@firstName %> <%= rtEvent.ctx.customer.last %>!", c), "Hello Ada Lovelace!");
    assert_eq!(render("<%= rtEvent.email %>", c), "ada@example.com");
    assert_eq!(render("[<%= rtEvent.ctx.nothing %>]", c), "[]");
}

// ---- the corpus: templates from Adobe's documentation with Rhino's output ----

mod corpus {
    use serde_json::Value as J;

    fn dir() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templates")
    }

    pub(super) use super::super::case::run_case;

    #[test]
    fn every_case_renders_as_rhino_renders_it() {
        let mut files: Vec<_> = std::fs::read_dir(dir().join("corpus")).unwrap().map(|e| e.unwrap().path()).collect();
        files.extend(std::fs::read_dir(dir().join("bench")).unwrap().map(|e| e.unwrap().path()));
        files.sort();
        let mut failures = Vec::new();
        for f in &files {
            let case: J = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
            if std::env::var("CORPUS_TRACE").is_ok() {
                eprintln!("{}", f.display());
            }
            let expected = &case["expected"];
            let got = run_case(&case);
            let ok = match (&got, expected.get("output"), expected.get("error")) {
                (Ok(out), Some(J::String(want)), _) => out == want,
                (Err((name, _)), _, Some(err)) => {
                    let want = err["name"].as_str().unwrap_or_default();
                    // Rhino's names for a template error and ours agree; a limit is a limit.
                    name == want
                        || (want == "TemplateError" && name == "SyntaxError")
                        || (err.get("limit").is_some() && (name == "LimitError" || name == "InternalError"))
                }
                _ => false,
            };
            if !ok {
                failures.push(format!("{}:\n  want {}\n  got  {:?}", f.file_name().unwrap().to_string_lossy(), expected, got));
            }
        }
        assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), files.len(), failures.join("\n"));
    }
}
