//! Anthropic Messages response → OpenAI `chat.completion`.
//!
//! Text blocks are concatenated as they are (Anthropic splits text around citations, not at paragraph
//! boundaries); thinking goes to `reasoning_content`, never into `content`; `tool_use` blocks become
//! `tool_calls` with their ids unchanged. Server-side tool blocks (web search and friends) already ran on
//! Anthropic's side and are not exposed as calls the client should execute.

use plano_catalog::Api;
use plano_wire::anthropic::{
    self, ContentBlock, MessagesResponse, Role, StopReason, TextBlock, ThinkingBlock, ToolUseBlock,
};
use plano_wire::openai::{
    ChatCompletion, ChatMessage, ChatRole, Choice, FinishReason, FunctionCall, MessageContent,
    PromptTokensDetails, ToolCall, Usage,
};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::lean::{self, AnyStr, MapOnly, Skip};
use crate::{ResponseContext, TranslateError, anthropic_to_openai_finish};

/// Bytes → bytes.
pub fn translate(body: &[u8], ctx: &ResponseContext) -> Result<Vec<u8>, TranslateError> {
    let resp = match lean::parse::<LeanResponse>(body) {
        Some(lean) => lean.into_response(),
        None => serde_json::from_slice(body)
            .map_err(TranslateError::response(Api::AnthropicMessages))?,
    };
    let out = convert(resp, ctx);
    let mut buf = Vec::with_capacity(body.len() + 256);
    serde_json::to_writer(&mut buf, &out).map_err(TranslateError::serialize(Api::OpenAiChat))?;
    Ok(buf)
}

/// The common shape of a Messages response (see [`crate::lean`]): what [`convert`] reads, plus the keys
/// Anthropic sends that it drops. Blocks with other keys (images, ...) take the lossless path.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "keys that are parsed only to be dropped")]
struct LeanResponse {
    #[serde(default)]
    id: String,
    #[serde(rename = "type", default)]
    kind: AnyStr,
    #[serde(default)]
    role: AnyStr,
    #[serde(default)]
    model: String,
    #[serde(default)]
    content: Vec<MapOnly<LeanBlock>>,
    #[serde(default)]
    stop_reason: Option<String>,
    #[serde(default)]
    stop_sequence: Option<String>,
    #[serde(default)]
    usage: MapOnly<LeanUsage>,
    #[serde(default)]
    container: Option<Skip>,
    #[serde(default)]
    context_management: Option<Skip>,
}

/// A content block. Blocks of other types, and `text`, `thinking` and `tool_use` blocks that lack their
/// required fields, are dropped: [`convert`] drops them (the latter are unknown blocks to the lossless
/// parse).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "keys that are parsed only to be dropped")]
struct LeanBlock {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    thinking: Option<String>,
    #[serde(default)]
    signature: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    input: Value,
    #[serde(default)]
    citations: Option<Skip>,
    #[serde(default)]
    cache_control: Option<Skip>,
    // Server tool results and redacted thinking.
    #[serde(default)]
    tool_use_id: Option<Skip>,
    #[serde(default)]
    content: Option<Skip>,
    #[serde(default)]
    data: Option<Skip>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "keys that are parsed only to be dropped")]
struct LeanUsage {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
    #[serde(default)]
    cache_creation_input_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
    #[serde(default)]
    cache_creation: Option<Skip>,
    #[serde(default)]
    service_tier: Option<Skip>,
    #[serde(default)]
    server_tool_use: Option<Skip>,
}

impl LeanResponse {
    /// The lossless value with everything [`convert`] reads.
    fn into_response(self) -> MessagesResponse {
        let content = self
            .content
            .into_iter()
            .filter_map(|MapOnly(b)| match b.kind.as_str() {
                "text" => b.text.map(|text| {
                    ContentBlock::Text(TextBlock {
                        text,
                        extra: Map::new(),
                    })
                }),
                "thinking" => b.thinking.map(|thinking| {
                    ContentBlock::Thinking(ThinkingBlock {
                        thinking,
                        signature: b.signature,
                        extra: Map::new(),
                    })
                }),
                "tool_use" => match (b.id, b.name) {
                    (Some(id), Some(name)) => Some(ContentBlock::ToolUse(ToolUseBlock {
                        id,
                        name,
                        input: b.input,
                        extra: Map::new(),
                    })),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let usage = self.usage.0;
        MessagesResponse {
            id: self.id,
            kind: "message".into(),
            role: Role::Assistant,
            model: self.model,
            content,
            stop_reason: Some(self.stop_reason.as_deref().map(StopReason::parse)),
            stop_sequence: Some(self.stop_sequence),
            usage: anthropic::Usage {
                input_tokens: usage.input_tokens,
                output_tokens: usage.output_tokens,
                cache_creation_input_tokens: Some(usage.cache_creation_input_tokens),
                cache_read_input_tokens: Some(usage.cache_read_input_tokens),
                extra: Map::new(),
            },
            extra: Map::new(),
        }
    }
}

/// Typed → typed.
pub fn convert(resp: MessagesResponse, ctx: &ResponseContext) -> ChatCompletion {
    let mut text = String::new();
    let mut reasoning = String::new();
    let mut calls = Vec::new();
    for block in resp.content {
        match block {
            ContentBlock::Text(t) => text.push_str(&t.text),
            ContentBlock::Thinking(t) => reasoning.push_str(&t.thinking),
            ContentBlock::ToolUse(tool) => calls.push(ToolCall {
                id: tool.id,
                kind: Some("function".into()),
                function: Some(FunctionCall {
                    name: tool.name,
                    arguments: tool.input.to_string(),
                    extra: Map::new(),
                }),
                extra: Map::new(),
            }),
            _ => {}
        }
    }
    let finish = resp
        .stop_reason
        .flatten()
        .map_or("stop", |r| anthropic_to_openai_finish(r.as_str()));

    let mut message = ChatMessage::new(
        ChatRole::Assistant,
        (!text.is_empty()).then_some(MessageContent::Text(text)),
    );
    // OpenAI always sends `refusal: null`; some clients read it unconditionally.
    message.refusal = Some(None);
    message.reasoning_content = (!reasoning.is_empty()).then_some(reasoning);
    message.tool_calls = (!calls.is_empty()).then_some(calls);

    let usage = crate::Usage::from_anthropic(
        resp.usage.input_tokens,
        resp.usage.output_tokens,
        resp.usage.cache_read(),
        resp.usage.cache_creation(),
    );
    let mut choice_extra = Map::new();
    choice_extra.insert("logprobs".into(), Value::Null);
    ChatCompletion {
        id: resp.id,
        object: "chat.completion".into(),
        created: ctx.created_unix,
        model: if resp.model.is_empty() {
            ctx.fallback_model.clone()
        } else {
            resp.model
        },
        choices: vec![Choice {
            index: 0,
            message,
            finish_reason: Some(FinishReason::parse(finish)),
            extra: choice_extra,
        }],
        usage: Some(openai_usage(usage)),
        extra: Map::new(),
    }
}

pub(crate) fn openai_usage(usage: crate::Usage) -> Usage {
    Usage {
        prompt_tokens: usage.input_tokens,
        completion_tokens: usage.output_tokens,
        total_tokens: usage.total_tokens(),
        prompt_tokens_details: Some(PromptTokensDetails {
            cached_tokens: Some(usage.cached_input_tokens),
            extra: Map::new(),
        }),
        completion_tokens_details: None,
        extra: Map::new(),
    }
}

#[cfg(test)]
mod lean_tests {
    use super::*;

    /// Common bodies must take the fast path (`tests/lean_equivalence.rs` checks it changes nothing).
    #[test]
    fn common_bodies_take_the_lean_path() {
        for body in [
            &include_bytes!(
                "../../tests/fixtures/openai_client_anthropic_upstream/responses/tool_use.json"
            )[..],
            &include_bytes!(
                "../../tests/fixtures/openai_client_anthropic_upstream/responses/text_cached.json"
            )[..],
            &include_bytes!(
                "../../tests/fixtures/openai_client_anthropic_upstream/responses/server_tools_unknown_reason.json"
            )[..],
            &include_bytes!(
                "../../tests/fixtures/openai_client_anthropic_upstream/responses/thinking_max_tokens.json"
            )[..],
        ] {
            assert!(lean::parse::<LeanResponse>(body).is_some());
        }
    }
}
