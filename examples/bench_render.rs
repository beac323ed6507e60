//! Native side of the personalization benchmark (`npm run bench` runs it): renders each template
//! case given (corpus format) again and again, and prints one JSON line per case:
//! `{"case", "renders", "microseconds", "perSecond", "storedMicroseconds", "storedPerSecond"}`:
//! the best of five timed runs of `renders` renders each, after a warm-up, with the event's ctx
//! parsed once, then parsed from its stored XML at each render (as the engine renders a message).
//!
//! Usage: `cargo run --release --example bench_render --features bench -- CASE.json… [renders]`

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let renders: u32 = args.iter().find_map(|a| a.parse().ok()).unwrap_or(20_000);
    for file in args.iter().filter(|a| a.ends_with(".json")) {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let case = match message_center::bench::RenderCase::new(&text) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("bench_render: {file}: {e}");
                std::process::exit(1);
            }
        };
        if let Err(e) = case.render() {
            eprintln!("bench_render: {file}: {e}");
            std::process::exit(1);
        }
        let time = |stored: bool| {
            let mut best = f64::MAX;
            for _ in 0..5 {
                let t = Instant::now();
                for _ in 0..renders {
                    let _ = std::hint::black_box(if stored { case.render_stored() } else { case.render() });
                }
                best = best.min(t.elapsed().as_secs_f64());
            }
            best
        };
        let (once, stored) = (time(false), time(true));
        println!(
            "{{\"case\":{:?},\"renders\":{renders},\"microseconds\":{},\"perSecond\":{},\"storedMicroseconds\":{},\"storedPerSecond\":{}}}",
            file,
            once * 1e6 / f64::from(renders),
            (f64::from(renders) / once).round(),
            stored * 1e6 / f64::from(renders),
            (f64::from(renders) / stored).round()
        );
    }
}
