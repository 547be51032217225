//! OpenAI `chat.completion` → Anthropic Messages response.
//!
//! Only the first choice is used (the gateway serves `n = 1`). `reasoning_content` (DeepSeek, vLLM, ...)
//! becomes a thinking block with an empty signature; a `refusal` becomes text with `stop_reason: refusal`.
//! Tool arguments are parsed back into `input` objects; arguments that are not valid JSON (a truncated
//! call, typically with `finish_reason: length`) yield an empty object rather than failing the response.

use plano_catalog::Api;
use plano_wire::anthropic::{
    ContentBlock, MessagesResponse, Role, StopReason, ThinkingBlock, ToolUseBlock, Usage,
};
use plano_wire::openai::{
    ChatCompletion, ChatMessage, ChatRole, Choice, FinishReason, FunctionCall, MessageContent,
    PromptTokensDetails, ToolCall, Usage as OpenAiUsage,
};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::lean::{self, AnyStr, MapOnly, OnlyText, Skip};
use crate::{ResponseContext, TranslateError, openai_to_anthropic_stop};

/// Bytes → bytes.
pub fn translate(body: &[u8], ctx: &ResponseContext) -> Result<Vec<u8>, TranslateError> {
    let resp = match lean::parse::<LeanCompletion>(body) {
        Some(lean) => lean.into_completion(),
        None => serde_json::from_slice(body).map_err(TranslateError::response(Api::OpenAiChat))?,
    };
    let out = convert(resp, ctx)?;
    let mut buf = Vec::with_capacity(body.len() + 256);
    serde_json::to_writer(&mut buf, &out)
        .map_err(TranslateError::serialize(Api::AnthropicMessages))?;
    Ok(buf)
}

/// The common shape of a `chat.completion` (see [`crate::lean`]): what [`convert`] reads, plus the keys
/// OpenAI sends that it drops. Content given as parts takes the lossless path.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "keys that are parsed only to be dropped")]
struct LeanCompletion {
    #[serde(default)]
    id: String,
    #[serde(default)]
    object: AnyStr,
    #[serde(default)]
    created: u64,
    #[serde(default)]
    model: String,
    choices: Vec<MapOnly<LeanChoice>>,
    #[serde(default)]
    usage: Option<MapOnly<LeanUsage>>,
    #[serde(default)]
    system_fingerprint: Option<Skip>,
    #[serde(default)]
    service_tier: Option<Skip>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "keys that are parsed only to be dropped")]
struct LeanChoice {
    #[serde(default)]
    index: u32,
    message: MapOnly<LeanMessage>,
    #[serde(default)]
    finish_reason: Option<String>,
    #[serde(default)]
    logprobs: Option<Skip>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "keys that are parsed only to be dropped")]
struct LeanMessage {
    role: AnyStr,
    #[serde(default)]
    content: Option<OnlyText>,
    #[serde(default)]
    name: Option<AnyStr>,
    #[serde(default)]
    tool_calls: Option<Vec<MapOnly<LeanToolCall>>>,
    #[serde(default)]
    tool_call_id: Option<AnyStr>,
    #[serde(default)]
    reasoning_content: Option<String>,
    #[serde(default)]
    refusal: Option<String>,
    #[serde(default)]
    annotations: Option<Skip>,
    #[serde(default)]
    audio: Option<Skip>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "keys that are parsed only to be dropped")]
struct LeanToolCall {
    id: String,
    #[serde(rename = "type", default)]
    kind: Option<AnyStr>,
    #[serde(default)]
    function: Option<MapOnly<LeanFunction>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeanFunction {
    name: String,
    #[serde(default)]
    arguments: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "keys that are parsed only to be dropped")]
struct LeanUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
    #[serde(default)]
    total_tokens: u64,
    #[serde(default)]
    prompt_tokens_details: Option<MapOnly<LeanPromptDetails>>,
    #[serde(default)]
    completion_tokens_details: Option<MapOnly<LeanCompletionDetails>>,
    #[serde(default)]
    prompt_cache_hit_tokens: Option<Value>,
    #[serde(default)]
    prompt_cache_miss_tokens: Option<Skip>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "keys that are parsed only to be dropped")]
struct LeanPromptDetails {
    #[serde(default)]
    cached_tokens: Option<u64>,
    #[serde(default)]
    audio_tokens: Option<Skip>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "keys that are parsed only to be dropped")]
struct LeanCompletionDetails {
    #[serde(default)]
    reasoning_tokens: Option<u64>,
    #[serde(default)]
    audio_tokens: Option<Skip>,
    #[serde(default)]
    accepted_prediction_tokens: Option<Skip>,
    #[serde(default)]
    rejected_prediction_tokens: Option<Skip>,
}

impl LeanCompletion {
    /// The lossless value with everything [`convert`] reads.
    fn into_completion(self) -> ChatCompletion {
        let choices = self
            .choices
            .into_iter()
            .map(|MapOnly(c)| {
                let m = c.message.0;
                let mut message = ChatMessage::new(
                    ChatRole::Assistant,
                    m.content.map(|t| MessageContent::Text(t.0)),
                );
                message.reasoning_content = m.reasoning_content;
                message.refusal = Some(m.refusal);
                message.tool_calls = m.tool_calls.map(|calls| {
                    calls
                        .into_iter()
                        .map(|MapOnly(call)| ToolCall {
                            id: call.id,
                            kind: None,
                            function: call.function.map(|MapOnly(f)| FunctionCall {
                                name: f.name,
                                arguments: f.arguments,
                                extra: Map::new(),
                            }),
                            extra: Map::new(),
                        })
                        .collect()
                });
                Choice {
                    index: c.index,
                    message,
                    finish_reason: c.finish_reason.as_deref().map(FinishReason::parse),
                    extra: Map::new(),
                }
            })
            .collect();
        let usage = self.usage.map(|MapOnly(u)| {
            let mut extra = Map::new();
            if let Some(hit) = u.prompt_cache_hit_tokens {
                extra.insert("prompt_cache_hit_tokens".to_owned(), hit);
            }
            OpenAiUsage {
                prompt_tokens: u.prompt_tokens,
                completion_tokens: u.completion_tokens,
                total_tokens: u.total_tokens,
                prompt_tokens_details: u.prompt_tokens_details.map(|MapOnly(d)| {
                    PromptTokensDetails {
                        cached_tokens: d.cached_tokens,
                        extra: Map::new(),
                    }
                }),
                completion_tokens_details: None,
                extra,
            }
        });
        ChatCompletion {
            id: self.id,
            object: "chat.completion".into(),
            created: self.created,
            model: self.model,
            choices,
            usage,
            extra: Map::new(),
        }
    }
}

/// Typed → typed.
pub fn convert(
    resp: ChatCompletion,
    ctx: &ResponseContext,
) -> Result<MessagesResponse, TranslateError> {
    let Some(choice) = resp.choices.into_iter().min_by_key(|c| c.index) else {
        return Err(TranslateError::InvalidResponse {
            api: Api::OpenAiChat,
            detail: "response has no choices".into(),
        });
    };
    let message = choice.message;
    let mut content = Vec::new();
    if let Some(reasoning) = message
        .reasoning_content
        .as_deref()
        .filter(|r| !r.is_empty())
    {
        content.push(ContentBlock::Thinking(ThinkingBlock {
            thinking: reasoning.to_owned(),
            signature: Some(String::new()),
            extra: Map::new(),
        }));
    }
    if let Some(text) = message
        .content()
        .map(|c| c.joined_text(""))
        .filter(|t| !t.is_empty())
    {
        content.push(ContentBlock::text(text));
    }
    let refused = match message.refusal() {
        Some(refusal) if !refusal.is_empty() => {
            content.push(ContentBlock::text(refusal));
            true
        }
        _ => false,
    };
    for call in message.tool_calls.into_iter().flatten() {
        let Some(function) = call.function else {
            continue;
        };
        let input = serde_json::from_str::<Value>(&function.arguments)
            .ok()
            .filter(Value::is_object)
            .unwrap_or_else(|| Value::Object(Map::new()));
        content.push(ContentBlock::ToolUse(ToolUseBlock {
            id: call.id,
            name: function.name,
            input,
            extra: Map::new(),
        }));
    }

    let stop = if refused {
        "refusal"
    } else {
        choice
            .finish_reason
            .as_ref()
            .map_or("end_turn", |f| openai_to_anthropic_stop(f.as_str()))
    };
    let usage = resp.usage.map_or_else(crate::Usage::default, |u| {
        // DeepSeek reports cache hits as `prompt_cache_hit_tokens` instead of `prompt_tokens_details`.
        let cached = u
            .prompt_tokens_details
            .as_ref()
            .and_then(|d| d.cached_tokens)
            .or_else(|| {
                u.extra
                    .get("prompt_cache_hit_tokens")
                    .and_then(Value::as_u64)
            })
            .unwrap_or(0);
        crate::Usage::from_openai(u.prompt_tokens, u.completion_tokens, cached)
    });
    Ok(MessagesResponse {
        id: resp.id,
        kind: "message".into(),
        role: Role::Assistant,
        model: if resp.model.is_empty() {
            ctx.fallback_model.clone()
        } else {
            resp.model
        },
        content,
        stop_reason: Some(Some(StopReason::parse(stop))),
        stop_sequence: Some(None),
        usage: anthropic_usage(usage),
        extra: Map::new(),
    })
}

pub(crate) fn anthropic_usage(usage: crate::Usage) -> Usage {
    Usage {
        input_tokens: usage.anthropic_input_tokens(),
        output_tokens: usage.output_tokens,
        cache_creation_input_tokens: Some(Some(0)),
        cache_read_input_tokens: Some(Some(usage.cached_input_tokens)),
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
                "../../tests/fixtures/anthropic_client_openai_upstream/responses/tool_calls.json"
            )[..],
            &include_bytes!(
                "../../tests/fixtures/anthropic_client_openai_upstream/responses/text_cached.json"
            )[..],
        ] {
            assert!(lean::parse::<LeanCompletion>(body).is_some());
        }
    }
}
