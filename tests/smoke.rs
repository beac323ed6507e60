use message_center::driver::MemDriver;
use serde_json::json;

#[test]
fn smoke() {
    let n = message_center::bench::route_and_derive(50, 7).unwrap();
    assert!(n > 0);
    let mut d = MemDriver::new(1, 1_780_000_000_000);
    d.run(&json!({"op":"addEventType","name":"order"})).unwrap();
    d.run(&json!({"op":"addExecutionInstance","name":"exec1","executionInstanceId":1})).unwrap();
    d.run(&json!({"op":"createTemplate","template":{"name":"t","eventType":"order","subject":"Hi <%= rtEvent.ctx.@name %>","html":"x"}})).unwrap();
    d.run(&json!({"op":"publish","name":"t"})).unwrap();
    let r = d.run(&json!({"op":"push","target":"exec1","format":"xml","text":"<rtEvent type='order' email='sent@mc-sim.test'><ctx name='Ada'/></rtEvent>","single":true})).unwrap();
    println!("{r}");
    for wf in ["rtEventsProcessing","updateEventsStatus"] { d.run(&json!({"op":"startWorkflow","instance":"exec1","name":wf})).unwrap(); }
    let steps = d.advance(120_000).unwrap();
    println!("steps {steps}");
    let id = r["events"][0]["id"].as_str().unwrap();
    let ev = d.run(&json!({"op":"getEvent","id":id})).unwrap();
    println!("{}", serde_json::to_string_pretty(&ev).unwrap());
    println!("{}", d.query(&json!({"q":"counts","instance":"exec1"})).unwrap());
    println!("{}", d.run(&json!({"op":"listEvents","filter":{"instance":"exec1"}})).unwrap());
    assert_eq!(ev["event"]["status"], "sent");
}
