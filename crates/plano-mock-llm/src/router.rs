//! Router mode: the mock answers routing questions by rule, so one mock can play both a
//! Plano router model and the providers it routes to.
//!
//! A request whose `model` is the configured router model gets a chat completion whose content
//! is `{"route": ["<name>"]}` for the first rule whose keyword occurs (case-insensitively) in the
//! conversation part of the prompt — the text between the last `<conversation>` and
//! `</conversation>`, or the whole last user message when the markers are absent — and
//! `{"route": []}` when none does. Router requests never consume scripted replies.

use serde_json::Value;

#[derive(Debug, Clone)]
pub(crate) struct RouterRules {
    model: String,
    /// (lower-cased keyword, route name), first match wins.
    rules: Vec<(String, String)>,
}

impl RouterRules {
    pub(crate) fn new(model: &str, rules: Vec<(String, String)>) -> Self {
        RouterRules {
            model: model.to_owned(),
            rules: rules
                .into_iter()
                .map(|(k, r)| (k.to_lowercase(), r))
                .collect(),
        }
    }

    /// The answer's content when `body` is a routing question for this router.
    pub(crate) fn answer(&self, body: &[u8]) -> Option<String> {
        let v: Value = serde_json::from_slice(body).ok()?;
        if v.get("model").and_then(Value::as_str) != Some(self.model.as_str()) {
            return None;
        }
        let prompt = v
            .get("messages")
            .and_then(Value::as_array)
            .and_then(|m| {
                m.iter()
                    .rev()
                    .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
            })
            .and_then(|m| m.get("content"))
            .map(text_of)
            .unwrap_or_default();
        let prompt = prompt.as_str();
        let conversation = match (
            prompt.rfind("<conversation>"),
            prompt.rfind("</conversation>"),
        ) {
            (Some(a), Some(b)) if b > a => &prompt[a..b],
            _ => prompt,
        }
        .to_lowercase();
        let route = self
            .rules
            .iter()
            .find(|(k, _)| conversation.contains(k.as_str()))
            .map(|(_, r)| r.as_str());
        Some(match route {
            Some(r) => serde_json::json!({ "route": [r] }).to_string(),
            None => r#"{"route": []}"#.to_owned(),
        })
    }
}

/// A message's text: a string, or the `text` of its parts/blocks (both APIs).
fn text_of(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_by_the_conversation_only() {
        let r = RouterRules::new("Plano-Orchestrator", vec![("python".into(), "code".into())]);
        let ask = |model: &str, prompt: &str| {
            let body = serde_json::json!({"model": model, "messages": [{"role": "user", "content": prompt}]});
            r.answer(body.to_string().as_bytes())
        };
        assert_eq!(
            ask(
                "Plano-Orchestrator",
                "<routes>python code</routes><conversation>write Python</conversation>"
            )
            .as_deref(),
            Some(r#"{"route":["code"]}"#)
        );
        assert_eq!(
            ask(
                "Plano-Orchestrator",
                "<routes>python code</routes><conversation>hello</conversation>"
            )
            .as_deref(),
            Some(r#"{"route": []}"#)
        );
        assert_eq!(ask("gpt-4o", "python"), None, "not the router model");
    }
}
