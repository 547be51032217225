//! The router call's request body (spec §4.2).
//!
//! One OpenAI chat completion with the whole prompt as a single user message and near-zero temperature, so
//! the same request routes the same way. `stream` is spelled out as `false`: the answer is a few bytes and
//! must be parsed whole, and some OpenAI-compatible servers default to streaming.

use serde::Serialize;

#[derive(Serialize)]
struct Body<'a> {
    model: &'a str,
    messages: [Message<'a>; 1],
    temperature: f64,
    stream: bool,
}

#[derive(Serialize)]
struct Message<'a> {
    role: &'a str,
    content: &'a str,
}

/// `{"model":"<model>","messages":[{"role":"user","content":"<prompt>"}],"temperature":0.01,"stream":false}`.
pub fn router_request_body(model: &str, prompt: &str) -> Vec<u8> {
    let body = Body {
        model,
        messages: [Message {
            role: "user",
            content: prompt,
        }],
        temperature: 0.01,
        stream: false,
    };
    // A struct of strings, a float and a bool always serializes.
    serde_json::to_vec(&body).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_body() {
        assert_eq!(
            String::from_utf8(router_request_body(
                "Plano-Orchestrator",
                "\nhi \"there\" 🎉"
            ))
            .unwrap(),
            r#"{"model":"Plano-Orchestrator","messages":[{"role":"user","content":"\nhi \"there\" 🎉"}],"temperature":0.01,"stream":false}"#
        );
    }
}
