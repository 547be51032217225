//! The router's answer → route names (spec §4.4, §4.11).
//!
//! Small models wrap JSON in code fences, add a sentence around it, use single quotes, answer in the legacy
//! single-string shape, or just say "other". Upstream rewrites every `'` to `"` before parsing, which corrupts
//! well-formed answers whose route names contain apostrophes, and rejects the legacy shape outright. Here the
//! answer is parsed as-is first, and the same fix-ups are only a second attempt; both shapes are accepted.
//!
//! Which names map to which models is the caller's business: this module returns names in the order given,
//! without the "no route" markers (`other`, `none`) and empty names.

use serde_json::Value;

/// Why a router response could not be turned into routes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// The HTTP body is not an OpenAI chat completion.
    #[error("router response is not a chat completion: {0}")]
    BadResponse(String),
    /// The model's text is not a route answer; carries an excerpt of it.
    #[error("router answer is not a route selection: {0:?}")]
    Unparsable(String),
}

/// Longest excerpt of an answer kept in an error, in characters.
const EXCERPT_CHARS: usize = 200;

/// `choices[0].message.content` of an OpenAI chat completion body; `Ok(None)` when there is no choice or the
/// content is `null`/absent. Content given as a list of text parts is concatenated.
pub fn router_answer_text(response_body: &[u8]) -> Result<Option<String>, AnswerError> {
    let value: Value = serde_json::from_slice(response_body)
        .map_err(|e| AnswerError::BadResponse(format!("not JSON: {e}")))?;
    let Some(object) = value.as_object() else {
        return Err(AnswerError::BadResponse("not a JSON object".into()));
    };
    let choices = match object.get("choices") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(choices)) => choices,
        Some(_) => return Err(AnswerError::BadResponse("`choices` is not an array".into())),
    };
    let Some(first) = choices.first() else {
        return Ok(None);
    };
    match first.get("message").and_then(|m| m.get("content")) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(Value::Array(parts)) => Ok(Some(
            parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect(),
        )),
        Some(_) => Err(AnswerError::BadResponse(
            "`choices[0].message.content` is not a string".into(),
        )),
    }
}

/// The route names in a router answer, in the order given; empty means "no route".
///
/// Accepted: `{"route": ["a", "b"]}`, `{"route": "a"}`, `{"route": null}`, `{}`, `[]`, `["a"]`, `"a"`, `null`,
/// and the bare words `other`/`none` or nothing at all — optionally inside a code fence or surrounded by prose
/// (the first `{` through the last `}` is tried). If strict JSON fails, single quotes are turned into double
/// quotes and literal `\n` sequences removed, and parsing is retried once.
pub fn parse_answer(content: &str) -> Result<Vec<String>, AnswerError> {
    let text = strip_fence(content.trim()).trim();
    if text.is_empty() || is_no_route_word(text) {
        return Ok(Vec::new());
    }
    let candidate = match (text.find('{'), text.rfind('}')) {
        (Some(open), Some(close)) if open < close && !text.starts_with(['[', '"']) => {
            &text[open..=close]
        }
        _ => text,
    };
    let value = serde_json::from_str::<Value>(candidate).or_else(|_| {
        let fixed = candidate.replace('\'', "\"").replace("\\n", "");
        serde_json::from_str::<Value>(&fixed)
    });
    let Some(names) = value.as_ref().ok().and_then(names) else {
        return Err(AnswerError::Unparsable(excerpt(content)));
    };
    Ok(names
        .into_iter()
        .map(str::trim)
        .filter(|n| !n.is_empty() && !is_no_route_word(n))
        .map(str::to_owned)
        .collect())
}

/// The names a parsed answer holds, or `None` when it has an unexpected shape.
fn names(value: &Value) -> Option<Vec<&str>> {
    match value {
        Value::Object(object) => match object.get("route") {
            None => Some(Vec::new()),
            Some(route) => names_of_route(route),
        },
        other => names_of_route(other),
    }
}

fn names_of_route(route: &Value) -> Option<Vec<&str>> {
    match route {
        Value::Null => Some(Vec::new()),
        Value::String(name) => Some(vec![name.as_str()]),
        Value::Array(items) => items
            .iter()
            .filter(|item| !item.is_null())
            .map(Value::as_str)
            .collect(),
        _ => None,
    }
}

/// `other` / `none` (any case) mean "no route".
fn is_no_route_word(text: &str) -> bool {
    text.eq_ignore_ascii_case("other") || text.eq_ignore_ascii_case("none")
}

/// The inside of a ```` ``` ```` or ```` ```json ```` fence wrapping the whole text; otherwise the text itself.
fn strip_fence(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("```") else {
        return text;
    };
    // Drop the info string (`json`, `JSON`…) up to the end of the opening line.
    let body = match rest.find('\n') {
        Some(newline) => &rest[newline + 1..],
        None => rest.trim_start_matches(|c: char| c.is_ascii_alphabetic()),
    };
    body.strip_suffix("```").unwrap_or(body)
}

/// At most [`EXCERPT_CHARS`] characters of `text`, with `…` when cut.
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests;
