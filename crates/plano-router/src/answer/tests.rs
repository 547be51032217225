use super::*;

fn ok(content: &str) -> Vec<String> {
    match parse_answer(content) {
        Ok(names) => names,
        Err(e) => panic!("{content:?} should parse: {e}"),
    }
}

fn none() -> Vec<String> {
    Vec::new()
}

#[test]
fn list_shape() {
    assert_eq!(ok(r#"{"route": ["code", "docs"]}"#), ["code", "docs"]);
    assert_eq!(ok(r#"{"route": ["docs", "code"]}"#), ["docs", "code"]);
    assert_eq!(ok(r#"{"route":[]}"#), none());
    assert_eq!(ok(r#"  {"route": ["code"]}  "#), ["code"]);
}

#[test]
fn string_shape() {
    assert_eq!(ok(r#"{"route": "code"}"#), ["code"]);
    assert_eq!(ok(r#""code""#), ["code"]);
    assert_eq!(ok(r#"["code", "docs"]"#), ["code", "docs"]);
}

#[test]
fn no_route_shapes() {
    for answer in [
        r#"{"route": null}"#,
        "{}",
        r#"{"other_key": 1}"#,
        "[]",
        "null",
        "",
        "   \n ",
        "other",
        "None",
        "OTHER",
        r#"{"route": "other"}"#,
        r#"{"route": "none"}"#,
        r#"{"route": ["other"]}"#,
        r#"{"route": [""]}"#,
        r#"{"route": ""}"#,
        r#""other""#,
        "```json\n{\"route\": []}\n```",
    ] {
        assert_eq!(ok(answer), none(), "{answer:?}");
    }
}

#[test]
fn markers_and_empty_names_are_dropped_in_lists() {
    assert_eq!(
        ok(r#"{"route": ["", "code", "other", " docs ", "none", null]}"#),
        ["code", "docs"]
    );
}

#[test]
fn code_fences() {
    assert_eq!(ok("```json\n{\"route\": [\"code\"]}\n```"), ["code"]);
    assert_eq!(ok("```\n{\"route\": [\"code\"]}\n```"), ["code"]);
    assert_eq!(ok("```JSON\n{\"route\": \"code\"}```"), ["code"]);
    assert_eq!(ok("```{\"route\": [\"code\"]}```"), ["code"]);
    assert_eq!(ok("```json {\"route\": [\"code\"]}```"), ["code"]);
}

#[test]
fn prose_around_the_object() {
    assert_eq!(
        ok("Sure! Here is the answer:\n{\"route\": [\"code\"]}\nHope that helps."),
        ["code"]
    );
    assert_eq!(
        ok("The best fit is:\n```json\n{\"route\": \"docs\"}\n```\nbecause it explains."),
        ["docs"]
    );
}

#[test]
fn fix_ups_only_when_needed() {
    assert_eq!(ok("{'route': ['code', 'docs']}"), ["code", "docs"]);
    assert_eq!(ok(r#"{"route": ["code"]}\n"#), ["code"]);
    assert_eq!(ok(r#"{\n"route": ["code"]\n}"#), ["code"]);
    // Well-formed JSON is not mangled: an apostrophe inside a name survives.
    assert_eq!(ok(r#"{"route": ["user's code"]}"#), ["user's code"]);
    // And an escaped newline inside a valid string is decoded, not deleted.
    assert_eq!(ok(r#"{"route": ["a\nb"]}"#), ["a\nb"]);
}

#[test]
fn garbage_is_an_error() {
    for answer in [
        "I think you want the coding route",
        "code",
        r#"{"route": 5}"#,
        r#"{"route": true}"#,
        r#"{"route": [1, 2]}"#,
        r#"{"route": {"name": "code"}}"#,
        "The best fit:\n```json\n{\"route\": {\"x\": 1} }\n```",
        r#"{"route": ["code""#,
        "42",
        "true",
        "{",
    ] {
        assert!(
            matches!(parse_answer(answer), Err(AnswerError::Unparsable(_))),
            "{answer:?} should fail"
        );
    }
}

#[test]
fn excerpt_is_short_and_char_safe() {
    let long = "日本語🎉".repeat(200);
    let Err(AnswerError::Unparsable(excerpt)) = parse_answer(&long) else {
        panic!("should fail");
    };
    assert_eq!(excerpt.chars().count(), EXCERPT_CHARS + 1);
    assert!(excerpt.ends_with('…'));
    let Err(AnswerError::Unparsable(short)) = parse_answer("nope") else {
        panic!("should fail");
    };
    assert_eq!(short, "nope");
}

#[test]
fn answer_text_from_completion() {
    let body = br#"{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"{\"route\": [\"code\"]}"}}]}"#;
    assert_eq!(
        router_answer_text(body).unwrap().as_deref(),
        Some(r#"{"route": ["code"]}"#)
    );
    assert_eq!(router_answer_text(br#"{"choices":[]}"#), Ok(None));
    assert_eq!(router_answer_text(br#"{"id":"x"}"#), Ok(None));
    assert_eq!(
        router_answer_text(br#"{"choices":[{"message":{"role":"assistant","content":null}}]}"#),
        Ok(None)
    );
    assert_eq!(
        router_answer_text(br#"{"choices":[{"message":{"content":[{"type":"text","text":"ot"},{"type":"text","text":"her"}]}}]}"#),
        Ok(Some("other".into()))
    );
    for bad in [
        &b"not json"[..],
        b"[1]",
        br#"{"choices":{}}"#,
        br#"{"choices":[{"message":{"content":3}}]}"#,
    ] {
        assert!(
            matches!(router_answer_text(bad), Err(AnswerError::BadResponse(_))),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
}
