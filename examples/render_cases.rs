//! Template cases (the corpus format of tests/fixtures/templates), one JSON line each on stdin,
//! rendered by the language; one result line each on stdout (`{"output"}` or `{"error"}`), in
//! order. The differential fuzzer's side of the comparison with Rhino (`scripts/oracle/`).

use std::io::{BufRead, Write};

fn main() {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let r = message_center::bench::render_case_json(&line);
        if writeln!(out, "{r}").and_then(|()| out.flush()).is_err() {
            break;
        }
    }
}
