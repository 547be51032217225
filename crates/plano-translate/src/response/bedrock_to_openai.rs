//! Bedrock Converse response → OpenAI `chat.completion`.
//!
//! Converse responses carry no id and usually no model: the id is the gateway request id and the model is
//! the prompt router's `invokedModelId` when there is one, else the model requested. Text blocks are
//! concatenated; reasoning goes to `reasoning_content`; `toolUse` blocks become `tool_calls` with their ids.
//! Usage follows Anthropic's convention upstream (cache reads and writes beside `inputTokens`) and is
//! converted to OpenAI's.

use plano_catalog::Api;
use plano_wire::bedrock::{ContentBlock, ConverseResponse, ReasoningContent};
use plano_wire::openai::{
    ChatCompletion, ChatMessage, ChatRole, Choice, FinishReason, FunctionCall, MessageContent,
    ToolCall,
};
use serde_json::{Map, Value};

use super::anthropic_to_openai::openai_usage;
use crate::stop_reason::bedrock_to_openai_finish;
use crate::{ResponseContext, TranslateError};

/// Bytes → bytes.
pub fn translate(body: &[u8], ctx: &ResponseContext) -> Result<Vec<u8>, TranslateError> {
    let resp: ConverseResponse =
        serde_json::from_slice(body).map_err(TranslateError::response(Api::BedrockConverse))?;
    serde_json::to_vec(&convert(resp, ctx)).map_err(TranslateError::serialize(Api::OpenAiChat))
}

/// Typed → typed.
pub fn convert(resp: ConverseResponse, ctx: &ResponseContext) -> ChatCompletion {
    let model = resp
        .invoked_model_id()
        .map_or_else(|| ctx.fallback_model.clone(), str::to_owned);
    let mut text = String::new();
    let mut reasoning = String::new();
    let mut calls = Vec::new();
    let content = resp.output.message.map(|m| m.content).unwrap_or_default();
    for block in content {
        match block {
            ContentBlock::Text(t) => text.push_str(&t),
            ContentBlock::ReasoningContent(ReasoningContent::ReasoningText(r)) => {
                reasoning.push_str(&r.text);
            }
            ContentBlock::ToolUse(tool) => calls.push(ToolCall {
                id: tool.tool_use_id,
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
        .as_ref()
        .map_or("stop", |r| bedrock_to_openai_finish(r.as_str()));

    let mut message = ChatMessage::new(
        ChatRole::Assistant,
        (!text.is_empty()).then_some(MessageContent::Text(text)),
    );
    message.refusal = Some(None);
    message.reasoning_content = (!reasoning.is_empty()).then_some(reasoning);
    message.tool_calls = (!calls.is_empty()).then_some(calls);

    let usage = resp.usage.map_or_else(crate::Usage::default, |u| {
        crate::Usage::from_anthropic(
            u.input_tokens,
            u.output_tokens,
            u.cache_read_input_tokens.unwrap_or(0),
            u.cache_write_input_tokens.unwrap_or(0),
        )
    });
    let mut choice_extra = Map::new();
    choice_extra.insert("logprobs".into(), Value::Null);
    ChatCompletion {
        id: ctx.request_id.clone(),
        object: "chat.completion".into(),
        created: ctx.created_unix,
        model,
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
