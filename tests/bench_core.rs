//! The core benchmark's workload (`bench::route_and_derive`, timed by `npm run bench` natively and
//! in wasm) must keep doing the whole pipeline, deterministically: otherwise the figures compare
//! nothing. And the storage layout's promise: few records per event.

#[test]
fn route_and_derive_is_deterministic_and_writes_few_records_per_event() {
    let a = message_center::bench::route_and_derive(3000, 7).unwrap();
    let b = message_center::bench::route_and_derive(3000, 7).unwrap();
    assert_eq!(a, b);
    // Push, routing, MTA waves, status update: pages, summaries, queue records, journals.
    assert!(a <= 3000 * 2, "{a} records for 3000 events: the layout promises at most 2 per event from push to Sent");
    assert!(a >= 3000 / 128 * 4, "{a} records for 3000 events: too few to have done the pipeline");
    assert!(message_center::bench::route_and_derive(6000, 7).unwrap() > a);
}
