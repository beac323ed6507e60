use message_center::driver::MemDriver;
use serde_json::json;
#[test]
fn explore() {
    let t0 = message_center::dates::parse_iso8601("2026-03-10T12:00:00Z").unwrap();
    let mut d = MemDriver::new(1, t0);
    d.run(&json!({"op":"addEventType","name":"order"})).unwrap();
    println!("{}", d.run(&json!({"op":"addExecutionInstance","name":"exec1","executionInstanceId":1})).unwrap());
    d.run(&json!({"op":"createTemplate","template":{"name":"t","eventType":"order","subject":"Hi <%= rtEvent.ctx.@name %>","html":"x"}})).unwrap();
    println!("{}", d.run(&json!({"op":"publish","name":"t"})).unwrap());
    println!("{:?}", d.run(&json!({"op":"createTemplate","template":{"name":"t2","eventType":"order","subject":"Hi","html":"line1\n  <%= rtEvent.ctx.@name"}})));
    println!("{:?}", d.run(&json!({"op":"createTemplate","template":{"name":"t2","eventType":"order","subject":"Hi","html":"line1\n  <%= foo.bar %>"}})));
    println!("{:?}", d.run(&json!({"op":"publish","name":"t2"})));
    let r = d.run(&json!({"op":"push","target":"exec1","format":"xml","text":"<rtEvent type='order' email='soft@mc-sim.test'><ctx name='Ada'/></rtEvent>","single":true})).unwrap();
    println!("{:?}", d.run(&json!({"op":"push","target":"exec1","format":"xml","text":"<rtEvent type='order'><ctx></rtEvent>","single":true})));
    println!("{:?}", d.run(&json!({"op":"push","target":"exec1","format":"xml","text":"<Events><rtEvent type='order' email='a@b.co'><ctx/></rtEvent><rtEvent type='order' email='bad'><ctx/></rtEvent></Events>"})));
    for wf in ["rtEventsProcessing","updateEventStatus"] { println!("{}", d.run(&json!({"op":"startWorkflow","instance":"exec1","name":wf})).unwrap()); }
    let steps = d.advance(6*3600_000).unwrap();
    println!("steps {steps}");
    let id = r["events"][0]["id"].as_str().unwrap();
    let ev = d.run(&json!({"op":"getEvent","id":id})).unwrap();
    println!("{}", serde_json::to_string_pretty(&ev).unwrap());
    println!("{}", d.run(&json!({"op":"journal","instance":"exec1","name":"mta","limit":3})).unwrap());
    println!("{}", d.query(&json!({"q":"workflows","instance":"exec1"})).unwrap());
    println!("{}", d.query(&json!({"q":"deliveries","instance":"exec1"})).unwrap());
    for k in d.store.keys() { println!("{k}"); }
}
