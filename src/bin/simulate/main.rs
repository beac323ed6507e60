//! `npm run simulate -- --seeds N [--from S] [--steps K]`: runs the histories of seeds S … S+N−1,
//! checks every invariant after every step, and for a failing seed prints a shrunk history and the
//! commands that replay it. `--replay FILE` runs a history file; `--emit DIR` writes each history
//! with the digest of its final store (for the wasm comparison under Node); `--soak` runs the soak.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use message_center::sim::{self, Action, GenOptions};

mod soak;

struct Args {
    seeds: u64,
    from: u64,
    steps: usize,
    jobs: usize,
    replay: Option<PathBuf>,
    emit: Option<PathBuf>,
    trace: bool,
    soak: Option<soak::Options>,
}

fn usage() -> ! {
    eprintln!(
        "usage: simulate [--seeds N] [--from S] [--steps K] [--jobs J] [--emit DIR]\n       simulate --replay FILE\n       simulate --soak [--events N] [--days D]"
    );
    std::process::exit(2)
}

fn parse() -> Args {
    let mut a =
        Args { seeds: 100, from: 1, steps: GenOptions::default().steps, jobs: 2, replay: None, emit: None, trace: false, soak: None };
    let mut it = std::env::args().skip(1);
    let num = |v: Option<String>, what: &str| -> u64 {
        v.and_then(|s| s.replace('_', "").parse().ok()).unwrap_or_else(|| {
            eprintln!("{what} takes a number");
            usage()
        })
    };
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--seeds" => a.seeds = num(it.next(), "--seeds"),
            "--from" => a.from = num(it.next(), "--from"),
            "--steps" => a.steps = num(it.next(), "--steps") as usize,
            "--jobs" => a.jobs = num(it.next(), "--jobs").max(1) as usize,
            "--replay" => a.replay = Some(it.next().unwrap_or_else(|| usage()).into()),
            "--emit" => a.emit = Some(it.next().unwrap_or_else(|| usage()).into()),
            "--trace" => a.trace = true,
            "--soak" => a.soak = Some(a.soak.take().unwrap_or_default()),
            "--events" => a.soak.get_or_insert_with(Default::default).events = num(it.next(), "--events"),
            "--days" => a.soak.get_or_insert_with(Default::default).days = num(it.next(), "--days") as i64,
            "-h" | "--help" => usage(),
            other => {
                eprintln!("unknown argument {other}");
                usage()
            }
        }
    }
    a
}

fn show(h: &[Action]) -> String {
    h.iter().map(|a| serde_json::to_string(a).unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

fn main() -> ExitCode {
    let args = parse();
    if let Some(o) = &args.soak {
        return soak::run(o);
    }
    // A panic in the engine is a finding, reported with its seed: not printed as it happens.
    std::panic::set_hook(Box::new(|_| {}));
    if let Some(file) = &args.replay {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| {
            eprintln!("{}: {e}", file.display());
            std::process::exit(2)
        });
        let h: Vec<Action> = match text.lines().filter(|l| !l.trim().is_empty()).map(serde_json::from_str).collect() {
            Ok(h) => h,
            Err(e) => {
                eprintln!("{}: not a history (one action per line): {e}", file.display());
                return ExitCode::from(2);
            }
        };
        let r = sim::run_with(&h, args.trace);
        if args.trace {
            for (k, v) in &r.store {
                eprintln!("{k} = {v}");
            }
        }
        println!("replayed {} of {} actions, {} transactions, digest {:016x}", r.steps, h.len(), r.transactions, r.digest);
        return match r.violation {
            Some((i, v)) => {
                println!("action {i} broke {v}\n  {}", serde_json::to_string(&h[i]).unwrap_or_default());
                ExitCode::FAILURE
            }
            None => {
                println!("no invariant broken");
                ExitCode::SUCCESS
            }
        };
    }
    let opts = GenOptions { steps: args.steps, ..GenOptions::default() };
    if let Some(dir) = &args.emit {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("{}: {e}", dir.display());
            return ExitCode::from(2);
        }
    }
    let started = Instant::now();
    let next = AtomicU64::new(args.from);
    let end = args.from + args.seeds;
    let (steps, transactions, faults, events) = (AtomicUsize::new(0), AtomicU64::new(0), AtomicUsize::new(0), AtomicUsize::new(0));
    let tally = Mutex::new(sim::Tally::default());
    let failures: Mutex<Vec<(u64, usize, sim::Violation)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..args.jobs {
            s.spawn(|| loop {
                let seed = next.fetch_add(1, Ordering::Relaxed);
                if seed >= end {
                    break;
                }
                let h = sim::generate(seed, &opts);
                let r = if args.emit.is_some() { sim::run_transcribed(&h) } else { sim::run_with(&h, args.trace) };
                steps.fetch_add(r.steps, Ordering::Relaxed);
                transactions.fetch_add(r.transactions, Ordering::Relaxed);
                faults.fetch_add(r.faults, Ordering::Relaxed);
                events.fetch_add(r.events, Ordering::Relaxed);
                if let Ok(mut t) = tally.lock() {
                    *t += r.tally;
                }
                if let Some(dir) = &args.emit {
                    // What the driver ran, each with how it ended, then the digest of the store.
                    let mut body: Vec<String> = r.transcript.iter().map(|(a, out)| serde_json::json!([a, out]).to_string()).collect();
                    body.push(serde_json::json!({ "digest": format!("{:016x}", r.digest), "records": r.store.len() }).to_string());
                    let _ = std::fs::write(dir.join(format!("{seed}.jsonl")), body.join("\n") + "\n");
                }
                if let Some((i, v)) = r.violation {
                    if let Ok(mut f) = failures.lock() {
                        f.push((seed, i, v));
                    }
                }
            });
        }
    });
    let secs = started.elapsed().as_secs_f64();
    let mut failures = failures.into_inner().unwrap_or_default();
    failures.sort_by_key(|f| f.0);
    println!(
        "simulated {} histories (seeds {}..{}), {} steps, {} transactions, {} requests with a fault, {} events acknowledged, in {:.1} s ({:.0} histories/s)",
        args.seeds,
        args.from,
        end - 1,
        steps.into_inner(),
        transactions.into_inner(),
        faults.into_inner(),
        events.into_inner(),
        secs,
        args.seeds as f64 / secs.max(1e-9)
    );
    let t = tally.into_inner().unwrap_or_default();
    println!(
        "requests: {} done, {} refused by the engine, {} failed in storage (a fault fired), {} died with the process (a fault fired; the store opened again)",
        t.done, t.refused, t.storage_failed, t.died
    );
    if failures.is_empty() {
        println!("found nothing: every invariant held after every step");
        return ExitCode::SUCCESS;
    }
    println!("found {} failing histories", failures.len());
    let dir = PathBuf::from("target/simulate");
    let _ = std::fs::create_dir_all(&dir);
    for (seed, i, v) in failures.iter().take(5) {
        let h = sim::generate(*seed, &opts);
        let small = sim::shrink(&h, 400);
        let file = dir.join(format!("failure-{seed}.jsonl"));
        let _ = std::fs::write(&file, format!("{}\n", show(&small)));
        println!("\nseed {seed}: action {i} of {} broke {v}", h.len());
        println!("shrunk to {} actions ({}):\n{}", small.len(), file.display(), show(&small));
        println!("replay: npm run simulate -- --seeds 1 --from {seed} --steps {}", args.steps);
        println!("        npm run simulate -- --replay {}", file.display());
    }
    ExitCode::FAILURE
}
