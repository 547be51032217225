//! The targets of a run: who is called (mock, floor, gateway), with which client API,
//! which upstream API ends up answering, and the request bodies they receive.
//!
//! Each target is compared with the `direct` and `floor` targets that share its *upstream*
//! API: the gateway's OpenAI→Anthropic cell makes an Anthropic call to the mock, so what it
//! adds is measured against a direct Anthropic call and against the floor relaying one.

use bytes::Bytes;
use http::HeaderValue;
use http::header::HeaderName;

/// A provider wire format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    OpenAi,
    Anthropic,
}

impl Api {
    pub fn path(self) -> &'static str {
        match self {
            Api::OpenAi => "/v1/chat/completions",
            Api::Anthropic => "/v1/messages",
        }
    }

    pub fn short(self) -> &'static str {
        match self {
            Api::OpenAi => "openai",
            Api::Anthropic => "anthropic",
        }
    }
}

/// Which process answers the load generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Direct,
    Floor,
    Gateway,
}

/// One row of the report.
#[derive(Clone, Debug)]
pub struct Target {
    /// Stable id, used in the JSON.
    pub key: String,
    pub label: String,
    pub via: Via,
    /// The API the load generator speaks.
    pub client: Api,
    /// The API the mock answers.
    pub upstream: Api,
    /// Model name in the request body.
    pub model: &'static str,
}

impl Target {
    fn new(via: Via, client: Api, upstream: Api, model: &'static str) -> Target {
        let (key, label) = match via {
            Via::Direct => (
                format!("direct-{}", upstream.short()),
                format!("direct → mock ({})", upstream.short()),
            ),
            Via::Floor => (
                format!("floor-{}", upstream.short()),
                format!("floor proxy ({})", upstream.short()),
            ),
            Via::Gateway if client == upstream => (
                format!("gateway-{}", client.short()),
                format!("gateway {} passthrough", client.short()),
            ),
            Via::Gateway => (
                format!("gateway-{}-to-{}", client.short(), upstream.short()),
                format!("gateway {} → {}", client.short(), upstream.short()),
            ),
        };
        Target {
            key,
            label,
            via,
            client,
            upstream,
            model,
        }
    }

    /// The `direct` key this target's added latency is measured against.
    pub fn direct_key(&self) -> String {
        format!("direct-{}", self.upstream.short())
    }

    /// The `floor` key this gateway target's ratios are taken against.
    pub fn floor_key(&self) -> String {
        format!("floor-{}", self.upstream.short())
    }

    /// The request body, about 300 bytes like a short chat turn.
    pub fn body(&self, stream: bool) -> Bytes {
        request_body(self.client, self.model, stream)
    }

    /// Headers a real SDK of the client API would send (the mock and the floor ignore them).
    pub fn headers(&self) -> Vec<(HeaderName, HeaderValue)> {
        let mut h = vec![(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )];
        match self.client {
            Api::OpenAi => h.push((
                http::header::AUTHORIZATION,
                HeaderValue::from_static("Bearer sk-bench"),
            )),
            Api::Anthropic => {
                h.push((
                    HeaderName::from_static("x-api-key"),
                    HeaderValue::from_static("sk-bench"),
                ));
                h.push((
                    HeaderName::from_static("anthropic-version"),
                    HeaderValue::from_static("2023-06-01"),
                ));
            }
        }
        h
    }

    /// A substring every well-formed non-streaming answer in the client API contains; the
    /// probe checks it so a gateway that forwards untranslated bodies fails loudly.
    pub fn expect_marker(&self) -> &'static str {
        match self.client {
            Api::OpenAi => "\"choices\"",
            Api::Anthropic => "\"content\"",
        }
    }

    /// Same for a streaming answer: OpenAI chunks vs Anthropic typed events.
    pub fn expect_stream_marker(&self) -> &'static str {
        match self.client {
            Api::OpenAi => "chat.completion.chunk",
            Api::Anthropic => "message_start",
        }
    }
}

/// Every target of a run, in report order.
pub fn targets() -> Vec<Target> {
    use Api::{Anthropic, OpenAi};
    // Direct and floor bodies carry the upstream model id, as the gateway would send it.
    vec![
        Target::new(Via::Direct, OpenAi, OpenAi, "gpt-4o"),
        Target::new(Via::Direct, Anthropic, Anthropic, "claude-sonnet-4-5"),
        Target::new(Via::Floor, OpenAi, OpenAi, "gpt-4o"),
        Target::new(Via::Floor, Anthropic, Anthropic, "claude-sonnet-4-5"),
        Target::new(Via::Gateway, OpenAi, OpenAi, "openai/gpt-4o"),
        Target::new(
            Via::Gateway,
            Anthropic,
            Anthropic,
            "anthropic/claude-sonnet-4-5",
        ),
        Target::new(
            Via::Gateway,
            OpenAi,
            Anthropic,
            "anthropic/claude-sonnet-4-5",
        ),
        Target::new(Via::Gateway, Anthropic, OpenAi, "openai/gpt-4o"),
    ]
}

const SYSTEM: &str = "You are a concise assistant for a networking team.";
const USER: &str = "Explain in two short sentences why an HTTP reverse proxy should reuse \
keep-alive connections to its upstream, and what TCP_NODELAY changes.";

fn request_body(api: Api, model: &str, stream: bool) -> Bytes {
    let v = match api {
        Api::OpenAi => serde_json::json!({
            "model": model,
            "messages": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": USER},
            ],
            "max_tokens": 64,
            "temperature": 0.2,
            "stream": stream,
        }),
        Api::Anthropic => serde_json::json!({
            "model": model,
            "system": SYSTEM,
            "messages": [{"role": "user", "content": USER}],
            "max_tokens": 64,
            "temperature": 0.2,
            "stream": stream,
        }),
    };
    Bytes::from(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_about_300_bytes() {
        for t in targets() {
            let n = t.body(false).len();
            assert!((250..=360).contains(&n), "{}: {n} bytes", t.key);
        }
    }

    #[test]
    fn baselines_exist() {
        let ts = targets();
        for t in &ts {
            assert!(ts.iter().any(|d| d.key == t.direct_key()));
            assert!(ts.iter().any(|d| d.key == t.floor_key()));
        }
    }
}
