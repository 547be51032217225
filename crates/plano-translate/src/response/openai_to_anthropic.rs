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
use plano_wire::openai::ChatCompletion;
use serde_json::{Map, Value};

use crate::{ResponseContext, TranslateError, openai_to_anthropic_stop};

/// Bytes → bytes.
pub fn translate(body: &[u8], ctx: &ResponseContext) -> Result<Vec<u8>, TranslateError> {
    let resp: ChatCompletion =
        serde_json::from_slice(body).map_err(TranslateError::response(Api::OpenAiChat))?;
    let out = convert(resp, ctx)?;
    serde_json::to_vec(&out).map_err(TranslateError::serialize(Api::AnthropicMessages))
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
