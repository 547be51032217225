//! Bedrock Converse response → Anthropic Messages response.
//!
//! The id is the gateway request id and the model the prompt router's `invokedModelId` or the model
//! requested (Converse responses carry neither). Blocks map one to one: text, reasoning (with its
//! signature) → thinking, redacted reasoning → redacted thinking, `toolUse` → `tool_use`. Usage keeps
//! Anthropic's convention, which Bedrock shares (cache writes → `cache_creation_input_tokens`).

use plano_catalog::Api;
use plano_wire::anthropic::{
    ContentBlock, MessagesResponse, RedactedThinkingBlock, Role, StopReason, ThinkingBlock,
    ToolUseBlock, Usage,
};
use plano_wire::bedrock::{self, ConverseResponse, ReasoningContent};
use serde_json::Map;

use crate::stop_reason::bedrock_to_anthropic_stop;
use crate::{ResponseContext, TranslateError};

/// Bytes → bytes.
pub fn translate(body: &[u8], ctx: &ResponseContext) -> Result<Vec<u8>, TranslateError> {
    let resp: ConverseResponse =
        serde_json::from_slice(body).map_err(TranslateError::response(Api::BedrockConverse))?;
    serde_json::to_vec(&convert(resp, ctx))
        .map_err(TranslateError::serialize(Api::AnthropicMessages))
}

/// Typed → typed.
pub fn convert(resp: ConverseResponse, ctx: &ResponseContext) -> MessagesResponse {
    let model = resp
        .invoked_model_id()
        .map_or_else(|| ctx.fallback_model.clone(), str::to_owned);
    let mut content = Vec::new();
    for block in resp.output.message.map(|m| m.content).unwrap_or_default() {
        content.push(match block {
            bedrock::ContentBlock::Text(t) => ContentBlock::text(t),
            bedrock::ContentBlock::ReasoningContent(ReasoningContent::ReasoningText(r)) => {
                ContentBlock::Thinking(ThinkingBlock {
                    thinking: r.text,
                    signature: Some(r.signature.unwrap_or_default()),
                    extra: Map::new(),
                })
            }
            bedrock::ContentBlock::ReasoningContent(ReasoningContent::RedactedContent(data)) => {
                ContentBlock::RedactedThinking(RedactedThinkingBlock {
                    data,
                    extra: Map::new(),
                })
            }
            bedrock::ContentBlock::ToolUse(tool) => ContentBlock::ToolUse(ToolUseBlock {
                id: tool.tool_use_id,
                name: tool.name,
                input: tool.input,
                extra: Map::new(),
            }),
            // Images, citations, guard content, ...: nothing an Anthropic client could act on.
            _ => continue,
        });
    }
    let stop = resp
        .stop_reason
        .as_ref()
        .map_or("end_turn", |r| bedrock_to_anthropic_stop(r.as_str()));
    let usage = resp.usage.unwrap_or_default();
    MessagesResponse {
        id: ctx.request_id.clone(),
        kind: "message".into(),
        role: Role::Assistant,
        model,
        content,
        stop_reason: Some(Some(StopReason::parse(stop))),
        stop_sequence: Some(None),
        usage: Usage {
            input_tokens: usage.input_tokens,
            output_tokens: usage.output_tokens,
            cache_creation_input_tokens: Some(Some(usage.cache_write_input_tokens.unwrap_or(0))),
            cache_read_input_tokens: Some(Some(usage.cache_read_input_tokens.unwrap_or(0))),
            extra: Map::new(),
        },
        extra: Map::new(),
    }
}
