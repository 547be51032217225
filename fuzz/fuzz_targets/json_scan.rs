//! `json_scan`: the passthrough scanner accepts exactly the objects serde_json accepts, finds the same
//! `model`, and splicing a new model changes nothing else.

#![no_main]

use libfuzzer_sys::fuzz_target;
use plano_wire::json_scan::{scan_request, set_model_scanned, visit_top_level};
use serde_json::Value;

fuzz_target!(|body: &[u8]| {
    let parsed = serde_json::from_slice::<Value>(body).ok().filter(Value::is_object);
    let ours = visit_top_level(body, &mut |_, _| Ok(()));
    // serde_json rejects numbers beyond f64 and nesting deeper than 128, which we accept on purpose.
    if ours.is_err() {
        assert!(parsed.is_none(), "scanner rejected what serde_json accepts");
    }
    let (Some(value), Ok(scan)) = (parsed, scan_request(body)) else { return };
    let model = scan.model.map(|m| m.value(body).into_owned());
    assert_eq!(model.as_deref(), value.get("model").and_then(Value::as_str));
    assert_eq!(scan.stream, value.get("stream").and_then(Value::as_bool));
    let spliced = set_model_scanned(body, &scan, "new\"model");
    let mut expected = value;
    expected["model"] = Value::String("new\"model".into());
    let reparsed: Value = serde_json::from_slice(&spliced).expect("spliced body is JSON");
    assert_eq!(reparsed, expected);
});
