use super::*;

const PREFS: &str = r#"[{"name": "code", "description": "write code", "models": ["openai/gpt-4o", "anthropic/claude"]}]"#;

fn take(body: &str) -> (String, Result<Vec<InlinePreference>, String>) {
    let inline = take_inline_preferences(body.as_bytes()).expect("member present");
    let out = String::from_utf8(inline.body).unwrap();
    serde_json::from_str::<serde_json::Value>(&out)
        .unwrap_or_else(|e| panic!("stripped body is not JSON ({e}): {out:?}"));
    (out, inline.preferences)
}

fn expected() -> Vec<InlinePreference> {
    vec![InlinePreference {
        name: "code".into(),
        description: "write code".into(),
        models: vec!["openai/gpt-4o".into(), "anthropic/claude".into()],
    }]
}

#[test]
fn strips_first_middle_last_and_only_member() {
    let cases = [
        (
            format!(r#"{{"routing_preferences": {PREFS}, "model":"m",  "x" : 1.50}}"#),
            r#"{"model":"m",  "x" : 1.50}"#,
        ),
        (
            format!(r#"{{"model":"m" , "routing_preferences":{PREFS} ,"x":"\u00e9"}}"#),
            r#"{"model":"m" ,"x":"\u00e9"}"#,
        ),
        (
            format!(r#"{{"model":"m","x":[1, 2],"routing_preferences":{PREFS}}}"#),
            r#"{"model":"m","x":[1, 2]}"#,
        ),
        (format!(r#"{{"routing_preferences":{PREFS}}}"#), "{}"),
        (
            format!(" \n{{ \"routing_preferences\" : {PREFS} }} \n"),
            " \n{  } \n",
        ),
    ];
    for (body, want) in cases {
        let (out, prefs) = take(&body);
        assert_eq!(out, want, "from {body:?}");
        assert_eq!(prefs, Ok(expected()));
    }
}

#[test]
fn pretty_printed_body_keeps_its_layout() {
    let body = format!(
        "{{\n  \"model\": \"m\",\n  \"routing_preferences\": {PREFS},\n  \"messages\": [\n    {{\"role\": \"user\", \"content\": \"héllo\"}}\n  ]\n}}\n"
    );
    let (out, _) = take(&body);
    assert_eq!(
        out,
        "{\n  \"model\": \"m\",\n  \"messages\": [\n    {\"role\": \"user\", \"content\": \"héllo\"}\n  ]\n}\n"
    );
    let body = format!("{{\n  \"routing_preferences\": {PREFS},\n  \"model\": \"m\"\n}}");
    assert_eq!(take(&body).0, "{\n  \"model\": \"m\"\n}");
}

#[test]
fn absent_or_not_an_object() {
    assert_eq!(take_inline_preferences(br#"{"model":"m"}"#), None);
    assert_eq!(take_inline_preferences(b"{}"), None);
    assert_eq!(
        take_inline_preferences(br#"[{"routing_preferences":[]}]"#),
        None
    );
    assert_eq!(take_inline_preferences(br#"{"routing_preferences":"#), None);
    assert_eq!(take_inline_preferences(b"not json"), None);
    // Nested members are not ours.
    assert_eq!(
        take_inline_preferences(br#"{"metadata":{"routing_preferences":[]}}"#),
        None
    );
}

#[test]
fn malformed_values_are_errors_but_still_stripped() {
    let cases = [
        (r#""code""#, "must be a list"),
        ("null", "must be a list"),
        (r#"{"name":"a"}"#, "must be a list"),
        ("[1]", "must be an object"),
        (r#"[{"description":"d","models":["m"]}]"#, "`name`"),
        (
            r#"[{"name":"","description":"d","models":["m"]}]"#,
            "`name`",
        ),
        (r#"[{"name":"a","models":["m"]}]"#, "`description`"),
        (r#"[{"name":"a","description":"d"}]"#, "`models` list"),
        (
            r#"[{"name":"a","description":"d","models":[]}]"#,
            "must not be empty",
        ),
        (
            r#"[{"name":"a","description":"d","models":[""]}]"#,
            "non-empty strings",
        ),
        (
            r#"[{"name":"a","description":"d","models":[1]}]"#,
            "non-empty strings",
        ),
        (
            r#"[{"name":"a","description":"d","models":["m"]},{"name":"a","description":"e","models":["n"]}]"#,
            "duplicate",
        ),
    ];
    for (value, reason) in cases {
        let body = format!(r#"{{"model":"m","routing_preferences":{value},"stream":true}}"#);
        let (out, prefs) = take(&body);
        assert_eq!(out, r#"{"model":"m","stream":true}"#);
        let err = prefs.expect_err(value);
        assert!(err.contains(reason), "{value}: {err}");
    }
}

#[test]
fn empty_list_and_extra_fields() {
    let (_, prefs) = take(r#"{"routing_preferences":[]}"#);
    assert_eq!(prefs, Ok(vec![]));
    let (_, prefs) = take(
        r#"{"routing_preferences":[{"name":"code","description":"write code","models":["openai/gpt-4o","anthropic/claude"],"selection_policy":{"prefer":"cheapest"}}]}"#,
    );
    assert_eq!(prefs, Ok(expected()));
}

#[test]
fn repeated_key_is_removed_everywhere() {
    for (body, want) in [
        (
            r#"{"routing_preferences":[],"routing_preferences":[],"model":"m"}"#,
            r#"{"model":"m"}"#,
        ),
        (
            r#"{"model":"m","routing_preferences":[],"routing_preferences":[]}"#,
            r#"{"model":"m"}"#,
        ),
        (
            r#"{"routing_preferences":[],"model":"m","routing_preferences":[]}"#,
            r#"{"model":"m"}"#,
        ),
        (
            r#"{"routing_preferences":[],"routing_preferences":[]}"#,
            "{}",
        ),
        (
            r#"{"routing_\u0070references":[],"model":"m"}"#,
            r#"{"model":"m"}"#,
        ),
    ] {
        let (out, prefs) = take(body);
        assert_eq!(out, want, "from {body}");
        if body.matches("routing_").count() > 1 {
            assert!(prefs.unwrap_err().contains("more than once"));
        }
    }
}
