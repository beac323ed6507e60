//! The fuzz regression suite: every input kept in `tests/fixtures/fuzz/<target>/` (the seeds of
//! each target, and each input a fuzzer found a crash with, once fixed) runs through its target
//! (`message_center::sim::fuzz`), which panics on a finding.

use std::path::Path;

use message_center::sim::fuzz::TARGETS;

#[test]
fn every_fixture_runs_clean_through_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut ran = 0;
    for (name, target) in TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> =
            std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).map(|e| e.unwrap().path()).collect();
        files.sort();
        assert!(!files.is_empty(), "{name} has no fixture");
        for f in files {
            let data = std::fs::read(&f).unwrap();
            if let Err(p) = std::panic::catch_unwind(|| target(&data)) {
                let msg = p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()));
                panic!("{}: {}", f.display(), msg.unwrap_or_default());
            }
            ran += 1;
        }
    }
    assert!(ran >= TARGETS.len());
}

#[test]
fn a_target_panics_on_a_finding() {
    // The stored target refuses a STORAGE_CORRUPT error that does not name its key: here a state
    // page garbled is named, so it passes; an INTERNAL error or a panic would not.
    let (_, stored) = TARGETS.iter().find(|(n, _)| *n == "stored").unwrap();
    stored(b"\x01\x00not json at all");
    // A pushed document the engine takes is then checked whole: a store whose counters were off
    // would panic here. What is checked panics on a broken store:
    let broken = std::panic::catch_unwind(|| {
        let mut store = std::collections::BTreeMap::new();
        store.insert("e/01/0000000000000/s".to_string(), "{".to_string());
        message_center::sim::check::scan(&store).map_err(|v| v.to_string()).unwrap();
    });
    assert!(broken.is_err());
}
