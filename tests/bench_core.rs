//! The core benchmark's workload (`bench::route_and_derive`, timed by `npm run bench` natively and
//! in wasm) must keep doing the whole pipeline, deterministically: otherwise the figures compare
//! nothing.

#[test]
fn route_and_derive_is_deterministic_and_does_the_whole_pipeline() {
    let a = message_center::bench::route_and_derive(300, 7).unwrap();
    let b = message_center::bench::route_and_derive(300, 7).unwrap();
    assert_eq!(a, b);
    // Push, routing, MTA, status update: well over 20 records per event (indexes, queues, logs).
    assert!(a > 300 * 20, "{a} records for 300 events");
    assert!(message_center::bench::route_and_derive(600, 7).unwrap() > a);
}
