//! SOAP PushEvent / PushEvents through the engine: the envelope as integrators send it, the reply
//! as Campaign gives it, faults that push nothing.

mod common;

use common::*;
use serde_json::{json, Value};

fn soap(d: &mut message_center::driver::MemDriver, target: &str, text: &str, action: Option<&str>) -> Value {
    ok(d, json!({"op": "soap", "target": target, "soapAction": action, "text": text}))
}

const ONE: &str = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:nms:rtEvent">
  <soapenv:Header/>
  <soapenv:Body>
    <urn:PushEvent>
      <urn:sessiontoken>mc/</urn:sessiontoken>
      <urn:domEvent>
        <rtEvent type="order" email="john.doe@example.com" wishedChannel="Email" externalId="1242">
          <ctx><client><firstname>John</firstname></client></ctx>
        </rtEvent>
      </urn:domEvent>
    </urn:PushEvent>
  </soapenv:Body>
</soapenv:Envelope>"#;

#[test]
fn push_event_replies_with_the_plid_of_the_stored_event() {
    let mut d = setup(1);
    let r = soap(&mut d, "exec1", ONE, Some("nms:rtEvent#PushEvent"));
    assert_eq!(r["status"], 200);
    assert_eq!(r["contentType"], "text/xml; charset=utf-8");
    assert_eq!(r["fault"], Value::Null);
    let id = r["events"][0]["id"].as_str().unwrap().to_string();
    assert!(r["body"].as_str().unwrap().contains(&format!("<plId xsi:type=\"xsd:long\">{id}</plId>")), "{}", r["body"]);
    let e = &get(&mut d, &id)["event"];
    assert_eq!((e["queue"].as_str(), e["wishedChannel"].as_str(), e["externalId"].as_str()), (Some("rt"), Some("email"), Some("1242")));
    assert_eq!(e["history"][0]["by"], "PushEvent");
}

#[test]
fn push_events_to_the_batch_service_through_the_load_balancer() {
    let mut d = setup_instances(1, &[("exec1", 1), ("exec2", 2)]);
    let text = r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><b:PushEvents xmlns:b="urn:nms:batchEvent">
        <b:sessiontoken>mc/secret</b:sessiontoken><b:domEventCollection><Events>
          <batchEvent type="order" email="a@example.com" wishedChannel="0"><ctx/></batchEvent>
          <batchEvent type="order" mobilePhone="+33620202020" wishedChannel="1"><ctx/></batchEvent>
        </Events></b:domEventCollection></b:PushEvents></e:Body></e:Envelope>"#;
    let r = soap(&mut d, "loadBalancer", text, None);
    assert_eq!(r["status"], 200, "{}", r["body"]);
    let evs = r["events"].as_array().unwrap();
    assert_eq!(evs.len(), 2);
    assert!(evs.iter().all(|e| e["queue"] == "batch" && e["instance"] == evs[0]["instance"]), "one call, one instance: {evs:?}");
    assert!(r["body"].as_str().unwrap().contains("<PushEventsResponse xmlns=\"urn:nms:batchEvent\""));
    assert!(!r["body"].as_str().unwrap().contains("plId"), "empty reply by default");
    ok(&mut d, json!({"op": "configure", "config": {"soapPushEventsIds": true}}));
    let r = soap(&mut d, "loadBalancer", text, None);
    assert_eq!(r["body"].as_str().unwrap().matches("<plId").count(), 2);
    assert_eq!(r["events"][0]["instance"], "exec2", "the next call goes to the next instance");
}

#[test]
fn faults_push_nothing() {
    let mut d = setup(1);
    let before = snapshot(&d);
    let bad_email = ONE.replace("john.doe@example.com", "john.doe@");
    let r = soap(&mut d, "exec1", &bad_email, None);
    assert_eq!(r["status"], 500);
    assert_eq!(r["fault"]["code"], "INVALID_EMAIL");
    assert_eq!(r["fault"]["faultstring"], "Error while executing the method 'PushEvent' of service 'nms:rtEvent'.");
    let malformed = ONE.replace("</rtEvent>", "</rtevent>");
    let r = soap(&mut d, "exec1", &malformed, None);
    assert_eq!(r["fault"]["faultstring"], "The XML SOAP message is invalid (service 'PushEvent', method 'nms:rtEvent').");
    assert!(r["fault"]["detail"].as_str().unwrap().starts_with("(9:9) : "), "{}", r["fault"]["detail"]);
    let r = soap(&mut d, "nope", ONE, None);
    assert_eq!(r["fault"]["code"], "UNKNOWN_INSTANCE");
    let two = ONE.replace("<urn:domEvent>", "<urn:domEvent><rtEvent type=\"order\" email=\"x@example.com\"><ctx/></rtEvent>");
    let r = soap(&mut d, "exec1", &two, None);
    assert_eq!(r["fault"]["code"], "INVALID_EVENT", "{}", r["fault"]);
    assert_eq!(snapshot(&d), before, "a fault writes nothing");
    // A method name other than PushEvent / PushEvents: plId 0, HTTP 200 (reference §3.5).
    let r = soap(&mut d, "exec1", &ONE.replace("PushEvent>", "PushEvnt>"), None);
    assert_eq!(r["status"], 200);
    assert!(r["body"].as_str().unwrap().contains(">0</plId>"));
    assert_eq!(snapshot(&d), before);
}

/// Namespaces in XML and one call per envelope: a method in a namespace the router does not serve
/// is not run as the SOAPAction's, an unbound prefix and two `Body` elements are Client faults,
/// and none writes anything.
#[test]
fn envelopes_that_namespaces_or_soap_refuse() {
    let mut d = setup(1);
    let before = snapshot(&d);
    let foreign = ONE.replace("xmlns:urn=\"urn:nms:rtEvent\"", "xmlns:urn=\"urn:example:orders\"");
    let unbound = ONE.replace(" xmlns:urn=\"urn:nms:rtEvent\"", "");
    let two_bodies = ONE.replace(
        "</soapenv:Body>",
        "</soapenv:Body><soapenv:Body><urn:PushEvent><urn:sessiontoken>mc/</urn:sessiontoken></urn:PushEvent></soapenv:Body>",
    );
    for (text, why) in [
        (&foreign, "The service 'example:orders' is unknown"),
        (&unbound, "the prefix 'urn' of <urn:PushEvent> is bound to no namespace"),
        (&two_bodies, "two <Body> elements"),
    ] {
        let r = soap(&mut d, "exec1", text, Some("nms:rtEvent#PushEvent"));
        assert_eq!(r["status"], 500, "{why}");
        assert_eq!(r["fault"]["faultcode"], "SOAP-ENV:Client", "{why}: {}", r["fault"]);
        assert!(r["fault"]["detail"].as_str().unwrap().contains(why), "{why}: {}", r["fault"]);
        assert!(r["events"].as_array().is_none_or(Vec::is_empty), "{why}");
    }
    assert_eq!(snapshot(&d), before, "a refused envelope writes nothing");
    // A method in no namespace still takes the SOAPAction's service.
    let plain = ONE.replace(" xmlns:urn=\"urn:nms:rtEvent\"", "").replace("urn:", "");
    let r = soap(&mut d, "exec1", &plain, Some("nms:rtEvent#PushEvent"));
    assert_eq!(r["status"], 200, "{}", r["body"]);
}
