//! Native side of the core benchmark (`npm run bench` runs it): times
//! `message_center::bench::route_and_derive`, the same code the wasm export `benchCore` runs.
//!
//! Usage: `cargo run --release --example bench_core -- [events] [repeats] [seed]`
//! (defaults 20000, 5, 1). Prints one JSON line: `{"events", "seconds", "recordsWritten", "runs"}`
//! where `seconds` is the fastest of the timed runs (after one warm-up run) and `runs` all of them.

use std::time::Instant;

fn arg(i: usize, default: u64) -> u64 {
    std::env::args().nth(i).and_then(|s| s.parse().ok()).unwrap_or(default)
}

fn main() {
    let events = u32::try_from(arg(1, 20_000)).unwrap_or(20_000);
    let repeats = arg(2, 5).max(1);
    let seed = arg(3, 1);
    let mut written = match message_center::bench::route_and_derive(events, seed) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("bench_core: {e}");
            std::process::exit(1);
        }
    };
    let mut runs = Vec::new();
    for _ in 0..repeats {
        let t = Instant::now();
        written = message_center::bench::route_and_derive(events, seed).unwrap_or(written);
        runs.push(t.elapsed().as_secs_f64());
    }
    let best = runs.iter().copied().fold(f64::INFINITY, f64::min);
    let list: Vec<String> = runs.iter().map(|s| format!("{s:.6}")).collect();
    println!(r#"{{"events":{events},"seconds":{best:.6},"recordsWritten":{written},"runs":[{}]}}"#, list.join(","));
}
