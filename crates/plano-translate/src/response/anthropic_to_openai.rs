//! Anthropic Messages response → OpenAI `chat.completion`.
//!
//! Text blocks are concatenated as they are (Anthropic splits text around citations, not at paragraph
//! boundaries); thinking goes to `reasoning_content`, never into `content`; `tool_use` blocks become
//! `tool_calls` with their ids unchanged. Server-side tool blocks (web search and friends) already ran on
//! Anthropic's side and are not exposed as calls the client should execute.

use plano_catalog::Api;
use plano_wire::anthropic::{ContentBlock, MessagesResponse};
use plano_wire::openai::{
    ChatCompletion, ChatMessage, ChatRole, Choice, FinishReason, FunctionCall, MessageContent,
    PromptTokensDetails, ToolCall, Usage,
};
use serde_json::{Map, Value};

use crate::{ResponseContext, TranslateError, anthropic_to_openai_finish};

/// Bytes → bytes.
pub fn translate(body: &[u8], ctx: &ResponseContext) -> Result<Vec<u8>, TranslateError> {
    let resp: MessagesResponse =
        serde_json::from_slice(body).map_err(TranslateError::response(Api::AnthropicMessages))?;
    serde_json::to_vec(&convert(resp, ctx)).map_err(TranslateError::serialize(Api::OpenAiChat))
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
