//! json_scan tests: hand-picked edge cases and a differential property test against serde_json.

use proptest::prelude::*;
use serde_json::Value;

use super::*;

fn model_of(body: &str) -> Option<String> {
    let scan = scan_request(body.as_bytes()).unwrap();
    scan.model.map(|m| m.value(body.as_bytes()).into_owned())
}

#[test]
fn finds_top_level_model_not_nested() {
    let body = r#" {"messages":[{"model":"inner","content":"\"model\": \"x\""}],"meta":{"model":"deep"},"model" : "gpt-4o" ,"stream":true} "#;
    assert_eq!(model_of(body).as_deref(), Some("gpt-4o"));
    assert_eq!(scan_request(body.as_bytes()).unwrap().stream, Some(true));
}

#[test]
fn escaped_key_and_value() {
    let body = r#"{"mod\u0065l":"a\"b\\c\u00e9\ud83d\ude00"}"#;
    assert_eq!(model_of(body).as_deref(), Some("a\"b\\cé😀"));
}

#[test]
fn stream_null_false_and_absent() {
    assert_eq!(scan_request(br#"{"stream":null}"#).unwrap().stream, None);
    assert_eq!(
        scan_request(br#"{"stream":false}"#).unwrap().stream,
        Some(false)
    );
    assert_eq!(
        scan_request(br#"{}"#).unwrap(),
        RequestScan {
            model: None,
            stream: None,
            routing_preferences: false,
            open_brace: 0,
            empty: true
        }
    );
    assert!(
        scan_request(br#"{"model":"m","routing_preferences":[]}"#)
            .unwrap()
            .routing_preferences
    );
    assert_eq!(
        scan_request(br#"{"stream":"yes"}"#),
        Err(ScanError::StreamNotBool)
    );
}

#[test]
fn rejects_malformed() {
    let cases: &[&[u8]] = &[
        b"",
        b"   ",
        b"[]",
        b"\"model\"",
        b"{",
        b"{\"model\":\"x\"",
        b"{\"model\":\"x\"}}",
        b"{\"model\":\"x\"} x",
        b"{\"a\":1,}",
        b"{\"a\":[1,]}",
        b"{\"a\":01}",
        b"{\"a\":1.}",
        b"{\"a\":-}",
        b"{\"a\":tru}",
        b"{\"a\":\"\x01\"}",
        b"{\"a\":\"\\x\"}",
        b"{\"a\":\"\\ud800\"}",
        b"{\"a\":\"\\udc00\"}",
        b"{a:1}",
        b"{\"a\" 1}",
        b"{\"a\":\xff}",
        b"{\"model\":1}",
        b"{\"model\":\"a\",\"model\":\"b\"}",
    ];
    for case in cases {
        assert!(
            scan_request(case).is_err(),
            "accepted {:?}",
            String::from_utf8_lossy(case)
        );
    }
}

#[test]
fn deep_nesting_does_not_recurse() {
    let depth = 100_000;
    let body = format!("{{\"a\":{}{}}}", "[".repeat(depth), "]".repeat(depth));
    assert!(scan_request(body.as_bytes()).is_ok());
}

#[test]
fn replace_keeps_every_other_byte() {
    let body = "{ \"z\": 1,\n  \"model\" : \"old\", \"extra\": {\"model\": \"keep\"} }";
    let scan = scan_request(body.as_bytes()).unwrap();
    let out = replace_top_level_string(body.as_bytes(), scan.model.unwrap().span, "new\"one");
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "{ \"z\": 1,\n  \"model\" : \"new\\\"one\", \"extra\": {\"model\": \"keep\"} }"
    );
}

#[test]
fn insert_and_set_model() {
    assert_eq!(set_model(b" { } ", "m").unwrap(), b" {\"model\":\"m\" } ");
    assert_eq!(
        set_model(b"{\"a\":1}", "m").unwrap(),
        b"{\"model\":\"m\",\"a\":1}"
    );
    assert_eq!(
        set_model(b"{\"model\":\"x\"}", "m").unwrap(),
        b"{\"model\":\"m\"}"
    );
    assert_eq!(
        insert_top_level_field(
            b"{\"a\":1}",
            "stream_options",
            b" {\"include_usage\":true} "
        )
        .unwrap(),
        b"{\"stream_options\": {\"include_usage\":true} ,\"a\":1}"
    );
    assert_eq!(
        insert_top_level_field(b"{}", "k", b"{"),
        Err(ScanError::InvalidValue)
    );
    assert_eq!(
        insert_top_level_field(b"{}", "k", b"1 2"),
        Err(ScanError::InvalidValue)
    );
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-1000i64..1000).prop_map(Value::from),
        (-1000i32..1000).prop_map(|n| Value::from(f64::from(n) / 8.0)),
        "[a-zA-Z0-9 \"\\\\/\n\t\u{1}é😀]{0,8}".prop_map(Value::String),
        Just(Value::String("model".into())),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("model".to_owned()),
        Just("stream".to_owned()),
        "[a-z\"\\\\é]{0,6}"
    ]
}

fn object() -> impl Strategy<Value = Value> {
    (
        proptest::collection::vec((key(), value()), 0..6),
        proptest::option::of("[a-zA-Z0-9/\"\\\\é.-]{0,12}"),
        proptest::option::of(proptest::option::of(any::<bool>())),
    )
        .prop_map(|(kv, model, stream)| {
            let mut map: serde_json::Map<String, Value> = kv
                .into_iter()
                .filter(|(k, _)| k != "model" && k != "stream")
                .collect();
            if let Some(m) = model {
                map.insert("model".into(), Value::String(m));
            }
            if let Some(s) = stream {
                map.insert("stream".into(), s.map_or(Value::Null, Value::Bool));
            }
            Value::Object(map)
        })
}

/// Serializes compactly or pretty, and sometimes with `\u` escapes everywhere, to vary the byte layout.
fn render(v: &Value, style: u8) -> Vec<u8> {
    match style % 3 {
        0 => serde_json::to_vec(v).unwrap(),
        1 => serde_json::to_vec_pretty(v).unwrap(),
        _ => {
            let s = serde_json::to_string(v).unwrap();
            // Escape every non-ASCII character as \u (valid JSON, exercises key/value unescaping).
            let mut out = String::new();
            for c in s.chars() {
                if c.is_ascii() {
                    out.push(c);
                } else {
                    let mut buf = [0u16; 2];
                    for unit in c.encode_utf16(&mut buf) {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
            }
            out.into_bytes()
        }
    }
}

proptest! {
    #[test]
    fn agrees_with_serde_json(v in object(), style in any::<u8>(), new_model in "[a-z\"é\\\\\n]{0,8}") {
        let body = render(&v, style);
        let scan = scan_request(&body).unwrap();
        let expected_model = v.get("model").and_then(Value::as_str);
        let found = scan.model.map(|m| m.value(&body).into_owned());
        prop_assert_eq!(found.as_deref(), expected_model);
        prop_assert_eq!(scan.stream, v.get("stream").and_then(Value::as_bool));

        let replaced = set_model_scanned(&body, &scan, &new_model);
        let mut expected = v.clone();
        expected["model"] = Value::String(new_model.clone());
        let reparsed: Value = serde_json::from_slice(&replaced).unwrap();
        prop_assert_eq!(&reparsed, &expected);
        // Everything outside the model value is byte-identical.
        if let Some(m) = scan.model {
            prop_assert_eq!(&replaced[..m.span.start], &body[..m.span.start]);
            prop_assert_eq!(&replaced[replaced.len() - (body.len() - m.span.end)..], &body[m.span.end..]);
        }
    }

    #[test]
    fn validity_agrees_with_serde_json_under_mutation(
        v in object(),
        at in any::<prop::sample::Index>(),
        byte in prop::sample::select(b"{}[],:\"\\ 0-1e.tfnux\x01".to_vec()),
        op in 0u8..3,
        truncate in any::<prop::sample::Index>(),
    ) {
        let mut body = serde_json::to_vec(&v).unwrap();
        let i = at.index(body.len());
        match op {
            0 => body[i] = byte,
            1 => body.insert(i, byte),
            _ => body.truncate(truncate.index(body.len())),
        }
        let ours = visit_top_level(&body, &mut |_, _| Ok(())).is_ok();
        let theirs = serde_json::from_slice::<Value>(&body).map(|v| v.is_object()).unwrap_or(false);
        prop_assert_eq!(ours, theirs, "body: {}", String::from_utf8_lossy(&body));
    }
}
