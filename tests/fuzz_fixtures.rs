//! The fuzz regression suite: every input kept in `tests/fixtures/fuzz/<target>/` (the seeds of
//! each target, and each input a fuzzer found a crash with, once fixed) runs through its target
//! (`message_center::sim::fuzz`), which panics on a finding.

use std::path::Path;

use message_center::sim::fuzz::TARGETS;

/// Runs one input through a target: the panic's message, if it panics.
fn run(target: fn(&[u8]), data: &[u8]) -> Result<(), String> {
    std::panic::catch_unwind(|| target(data))
        .map_err(|p| p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default())
}

#[test]
fn every_fixture_runs_clean_through_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    for (name, target) in TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> =
            std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).map(|e| e.unwrap().path()).collect();
        files.sort();
        assert!(!files.is_empty(), "{name} has no fixture");
        for f in files {
            let data = std::fs::read(&f).unwrap();
            if let Err(why) = run(*target, &data) {
                panic!("{}: {why}", f.display());
            }
        }
    }
}

#[test]
fn a_finding_fails_the_suite() {
    // A target that panics on an input is reported with its message (the suite then fails).
    let why = run(|d| assert!(d.is_empty(), "found {} bytes", d.len()), b"abc").unwrap_err();
    assert_eq!(why, "found 3 bytes");
    assert!(run(|_| {}, b"abc").is_ok());
}
