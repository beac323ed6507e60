//! The soak (`npm run simulate -- --soak [--events N] [--days D]`): N events (1,000,000) over D
//! virtual days (30) on two execution instances with their workflows, archiving and cleanup. Once
//! a virtual day it checks that no event older than the retry budget is still Pending or Pending
//! delivery (so every event is final before cleanup purges it), and prints the store's size and
//! the process's peak memory; at the end it waits out the budget, checks that nothing is pending
//! anywhere, and that memory stopped growing once cleanup purged as fast as events came.

use std::process::ExitCode;
use std::time::Instant;

use message_center::sim::{Outcome, SimDriver};
use serde::Deserialize;
use serde_json::{json, Value};

use message_center::config::{DAY, HOUR};

/// What the soak does.
pub struct Options {
    /// Events pushed.
    pub events: u64,
    /// Virtual days they are spread over.
    pub days: i64,
}

impl Default for Options {
    fn default() -> Self {
        Options { events: 1_000_000, days: 30 }
    }
}

fn run_ok(d: &mut SimDriver, req: Value) -> Vec<Value> {
    match d.exec(&req, None) {
        Outcome::Done(r) => r,
        Outcome::Failed(_, e) => panic!("{} failed: {e}", req["op"]),
        Outcome::StorageFailed(_) | Outcome::Died(_) => panic!("{} failed in storage", req["op"]),
    }
}

/// Peak resident memory of this process, in KiB (VmHWM).
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

fn pending(d: &SimDriver, instance: &str) -> i64 {
    let c = d.query(&json!({ "q": "counts", "instance": instance })).unwrap_or(Value::Null);
    c["byStatus"]["pending"].as_i64().unwrap_or(0) + c["byStatus"]["pendingDelivery"].as_i64().unwrap_or(0)
}

pub fn run(o: &Options) -> ExitCode {
    let started = Instant::now();
    let t0 = 1_773_144_000_000i64;
    let mut d = SimDriver::new();
    run_ok(&mut d, json!({ "op": "open", "seed": "20261201", "now": t0 }));
    // Events are purged 2 days after their creation, archived ones after 4: the store holds a few
    // days of events whatever the number pushed.
    run_ok(&mut d, json!({ "op": "configure", "config": { "eventPurgeDelayMs": 2 * DAY, "eventHistoPurgeDelayMs": 4 * DAY } }));
    run_ok(&mut d, json!({ "op": "addEventType", "name": "order" }));
    for (n, id) in [("exec1", 1), ("exec2", 2)] {
        run_ok(&mut d, json!({ "op": "addExecutionInstance", "name": n, "executionInstanceId": id }));
    }
    run_ok(
        &mut d,
        json!({ "op": "createTemplate", "template": { "name": "confirm", "eventType": "order", "subject": "Order <%= rtEvent.ctx.@number %>", "html": "<p>Hello <%= rtEvent.ctx.@name %></p>", "text": "t" } }),
    );
    run_ok(&mut d, json!({ "op": "publish", "name": "confirm" }));
    for n in ["exec1", "exec2"] {
        for wf in ["rtEventsProcessing", "batchEventsProcessing", "updateEventsStatus", "cleanup"] {
            run_ok(&mut d, json!({ "op": "startWorkflow", "instance": n, "name": wf }));
        }
        run_ok(&mut d, json!({ "op": "createArchivingWorkflow", "account": n }));
        run_ok(&mut d, json!({ "op": "startWorkflow", "instance": "control", "name": format!("mcSynch_{n}") }));
    }
    run_ok(&mut d, json!({ "op": "startWorkflow", "instance": "control", "name": "cleanup" }));

    let per_push = 10u64;
    let pushes = o.events.div_ceil(per_push);
    let gap = (o.days * DAY) / pushes.max(1) as i64;
    let addresses = ["sent", "sent", "sent", "ignored", "hard", "soft-1", "bounce-10m", "procerr-1", "delay-30s"];
    // 20,000 customers: the quarantine holds the addresses that bounced, whatever the events.
    let customers = 20_000u64;
    let budget = 6 * HOUR;
    let mut pushed = 0u64;
    let mut day = 0i64;
    let mut peaks: Vec<(i64, u64, usize, usize)> = Vec::new();
    println!("soak: {} events in pushes of {per_push} every {} ms over {} virtual days on exec1 and exec2", o.events, gap, o.days);
    for p in 0..pushes {
        let target = if p % 2 == 0 { "exec1" } else { "exec2" };
        let el = if p % 7 == 0 { "batchEvent" } else { "rtEvent" };
        let mut xml = String::from("<events>");
        for i in 0..per_push.min(o.events - pushed) {
            let who = (p * per_push + i) % customers;
            let a = addresses[(who % addresses.len() as u64) as usize];
            xml.push_str(&format!("<{el} type='order' email='{a}+{who}@mc-sim.test'><ctx name='n{p}' number='{i}'/></{el}>"));
        }
        xml.push_str("</events>");
        let r = run_ok(&mut d, json!({ "op": "push", "target": target, "format": "xml", "text": xml }));
        pushed += r.first().and_then(|r| r["events"].as_array()).map_or(0, |e| e.len() as u64);
        run_ok(&mut d, json!({ "op": "advance", "by": gap }));
        let now = d.query(&json!({ "q": "now" })).ok().and_then(|v| v.as_i64()).unwrap_or(0);
        if now - t0 >= (day + 1) * DAY {
            day = (now - t0) / DAY;
            // Status and creation of every event, from the state pages (read lightly: the peak
            // memory printed is the engine's and the store's, not this check's).
            #[derive(Deserialize)]
            struct Line {
                s: u8,
                d: i64,
            }
            let (mut on_exec, mut archived) = (0usize, 0usize);
            for (k, v) in &d.store {
                let exec = k.starts_with("e/");
                if !(exec || k.starts_with("h/")) || !k.ends_with("/s") {
                    continue;
                }
                let Ok(v) = message_center::packed::unpack(k, v.clone()) else {
                    println!("day {day}: {k} is not packed text");
                    return ExitCode::FAILURE;
                };
                for line in v.split('\n').filter(|l| !l.is_empty()) {
                    let Ok(l) = serde_json::from_str::<Line>(line) else {
                        println!("day {day}: {k} holds a line that does not read: {line}");
                        return ExitCode::FAILURE;
                    };
                    if !exec {
                        archived += 1;
                        continue;
                    }
                    on_exec += 1;
                    if l.s <= 1 && l.d < now - budget {
                        let what = if l.s == 0 { "Pending" } else { "Pending delivery" };
                        println!("day {day}: an event of {k} is still {what} after {} h", budget / HOUR);
                        return ExitCode::FAILURE;
                    }
                }
            }
            let bytes: usize = d.store.iter().map(|(k, v)| k.len() + v.len()).sum();
            // Records by kind (`e/…/s`, `c/`, `j/`…): what grows, if anything does.
            let mut kinds: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
            for k in d.store.keys() {
                let mut parts = k.split('/');
                let first = parts.next().unwrap_or("");
                let kind = match first {
                    "e" | "h" => format!("{first}/{}", k.rsplit('/').next().unwrap_or("").chars().next().unwrap_or('?')),
                    "m" => format!("m/{}", parts.next().unwrap_or("")),
                    _ => first.to_string(),
                };
                *kinds.entry(kind).or_default() += 1;
            }
            let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
            peaks.push((day, peak_kib(), d.store.len(), bytes));
            println!(
                "day {day:>2}: {pushed:>8} pushed, {:>7} on the executions, {:>7} archived, {:>6} records, {:>6.1} MiB stored, peak RSS {:>6.1} MiB, {:.0} s",
                on_exec,
                archived,
                d.store.len(),
                bytes as f64 / 1048576.0,
                peak_kib() as f64 / 1024.0,
                started.elapsed().as_secs_f64()
            );
            println!("        records: {}", kinds.join(", "));
        }
    }
    run_ok(&mut d, json!({ "op": "advance", "by": budget }));
    let left: i64 = ["exec1", "exec2"].iter().map(|n| pending(&d, n)).sum();
    let secs = started.elapsed().as_secs_f64();
    let peak = peak_kib();
    println!(
        "soak: {pushed} events over {} virtual days in {secs:.0} s ({:.0} events/s), {} transactions; {left} not final at the end; peak RSS {:.1} MiB",
        o.days,
        pushed as f64 / secs,
        d.transactions,
        peak as f64 / 1024.0
    );
    if left != 0 || pushed != o.events {
        println!("FAILED: {left} events are not final");
        return ExitCode::FAILURE;
    }
    // Bounded: past the first third (cleanup purges as fast as events come), the store and the
    // peak memory grow by less than a quarter.
    let third = peaks.len() / 3;
    if let (Some(a), Some(b)) = (peaks.get(third), peaks.last()) {
        let grew = |x: u64, y: u64| y as f64 > x as f64 * 1.25 + 4096.0;
        if grew(a.1, b.1) || grew(a.3 as u64, b.3 as u64) {
            println!(
                "FAILED: memory grows with the events stored: day {} peak {} KiB, {} B stored; day {} peak {} KiB, {} B",
                a.0, a.1, a.3, b.0, b.1, b.3
            );
            return ExitCode::FAILURE;
        }
        println!(
            "bounded: from day {} to day {} the peak RSS went {:.1} → {:.1} MiB, the store {:.1} → {:.1} MiB",
            a.0,
            b.0,
            a.1 as f64 / 1024.0,
            b.1 as f64 / 1024.0,
            a.3 as f64 / 1048576.0,
            b.3 as f64 / 1048576.0
        );
    }
    ExitCode::SUCCESS
}
