//! Anthropic Messages request → OpenAI Chat Completions request.
//!
//! - `system` (string or text blocks, joined with a blank line) → a leading `system` message.
//! - `tool_result` blocks → `tool` messages placed before the rest of their turn (OpenAI requires them right
//!   after the assistant's tool calls); images inside tool results move to a user message after them.
//! - `tool_use` → assistant `tool_calls` (ids kept exactly, `input` serialized as `arguments`).
//! - Images: base64 → `data:` URL, url → URL; PDF documents → `file` parts; text documents → text.
//! - `thinking` → `reasoning_effort` (see [`crate::ThinkingMapping`]); thinking blocks in history are dropped.
//! - Streams get `stream_options.include_usage` so the final usage reaches the Anthropic client.
//! - Dropped (no equivalent): `top_k`, `metadata` other than `user_id`, server tools and server tool blocks,
//!   `cache_control` markers, and the rest of [`DROPPED`].

use plano_catalog::Api;
use plano_wire::anthropic::{
    ContentBlock, DocumentBlock, MediaSource, Message, MessageContent, MessagesRequest, Metadata,
    Role, SystemPrompt, ThinkingConfig, ThinkingType, Tool, ToolChoice, ToolChoiceKind,
    ToolResultBlock, ToolResultContent, ToolUseBlock,
};
use plano_wire::openai::{
    self, ChatCompletionRequest, ChatMessage, ChatRole, ContentPart, FilePart, FileRef,
    FunctionCall, FunctionDef, FunctionTool, ImagePart, ImageUrl, NamedFunction, NamedToolChoice,
    ReasoningEffort, StopSequences, StreamOptions, TextPart, ToolCall, ToolChoiceMode,
};
use serde::Deserialize;
use serde_json::{Map, Number, Value};

use super::{invalid, pass_through_extras};
use crate::lean::{self, AnyStr, MapOnly, Skip, TextOr};
use crate::media::data_url;
use crate::{MaxTokensField, RequestOptions, ThinkingMapping, TranslateError};

/// Anthropic request fields with no OpenAI equivalent.
pub const DROPPED: &[&str] = &[
    "service_tier",
    "container",
    "mcp_servers",
    "context_management",
    "cache_control",
];

/// Bytes → bytes.
pub fn translate(body: &[u8], opts: &RequestOptions) -> Result<Vec<u8>, TranslateError> {
    let req = match lean::parse::<LeanRequest>(body) {
        Some(lean) => lean.into_request(),
        None => {
            serde_json::from_slice(body).map_err(TranslateError::body(Api::AnthropicMessages))?
        }
    };
    let out = convert(req, opts)?;
    let mut buf = Vec::with_capacity(body.len() + 256);
    serde_json::to_writer(&mut buf, &out)
        .map_err(|e| TranslateError::InvalidRequest(format!("serialization failed: {e}")))?;
    Ok(buf)
}

/// The common shape of a Messages request (see [`crate::lean`]): string or block content with text,
/// `tool_use` and `tool_result` blocks, custom tools. Anything else (images,
/// documents, unknown keys in messages, ...) takes the lossless path. Unknown top-level keys are kept as
/// the lossless type keeps them.
#[derive(Deserialize)]
#[allow(dead_code, reason = "keys that are parsed only to be dropped")]
struct LeanRequest {
    #[serde(default)]
    model: AnyStr,
    #[serde(default)]
    messages: Vec<MapOnly<LeanMessage>>,
    #[serde(default)]
    max_tokens: Option<u64>,
    #[serde(default)]
    system: Option<TextOr<MapOnly<LeanBlock>>>,
    #[serde(default)]
    metadata: Option<MapOnly<LeanMetadata>>,
    #[serde(default)]
    stop_sequences: Option<Vec<String>>,
    #[serde(default)]
    stream: Option<bool>,
    #[serde(default)]
    temperature: Option<Number>,
    #[serde(default)]
    top_p: Option<Number>,
    #[serde(default)]
    top_k: Option<u64>,
    #[serde(default)]
    tools: Option<Vec<MapOnly<LeanTool>>>,
    #[serde(default)]
    tool_choice: Option<MapOnly<LeanToolChoice>>,
    #[serde(default)]
    thinking: Option<MapOnly<LeanThinking>>,
    /// Unknown keys, as in the lossless type (known keys are read directly; only these are buffered).
    #[serde(flatten)]
    extra: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeanMessage {
    role: String,
    content: TextOr<MapOnly<LeanBlock>>,
}

/// A content block with the fields of text, `tool_use` and `tool_result` blocks. Blocks of those types
/// that lack a required field, and blocks of other types that carry only these fields, are unknown blocks
/// to the lossless parse, which [`convert`] drops: they are dropped here too.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "keys that are parsed only to be dropped")]
struct LeanBlock {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    input: Value,
    #[serde(default)]
    tool_use_id: Option<String>,
    #[serde(default)]
    content: Option<TextOr<MapOnly<LeanBlock>>>,
    #[serde(default)]
    is_error: Option<bool>,
    #[serde(default)]
    thinking: Option<Skip>,
    #[serde(default)]
    signature: Option<Skip>,
    #[serde(default)]
    cache_control: Option<Skip>,
    #[serde(default)]
    citations: Option<Skip>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeanMetadata {
    #[serde(default)]
    user_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "keys that are parsed only to be dropped")]
struct LeanTool {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    input_schema: Option<Value>,
    #[serde(default)]
    cache_control: Option<Skip>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeanToolChoice {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    disable_parallel_tool_use: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeanThinking {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    budget_tokens: Option<u64>,
}

impl LeanBlock {
    /// The lossless block, or `None` for a block [`convert`] drops.
    fn into_block(self) -> Option<ContentBlock> {
        match self.kind.as_str() {
            "text" => self.text.map(ContentBlock::text),
            "tool_use" => match (self.id, self.name) {
                (Some(id), Some(name)) => Some(ContentBlock::ToolUse(ToolUseBlock {
                    id,
                    name,
                    input: self.input,
                    extra: Map::new(),
                })),
                _ => None,
            },
            "tool_result" => self.tool_use_id.map(|tool_use_id| {
                ContentBlock::ToolResult(ToolResultBlock {
                    tool_use_id,
                    content: self.content.map(|c| match c {
                        TextOr::Text(s) => ToolResultContent::Text(s),
                        TextOr::List(blocks) => ToolResultContent::Blocks(blocks_of(blocks)),
                    }),
                    is_error: self.is_error,
                    extra: Map::new(),
                })
            }),
            _ => None,
        }
    }
}

fn blocks_of(blocks: Vec<MapOnly<LeanBlock>>) -> Vec<ContentBlock> {
    blocks
        .into_iter()
        .filter_map(|MapOnly(b)| b.into_block())
        .collect()
}

impl LeanRequest {
    /// The lossless value with everything [`convert`] reads.
    fn into_request(self) -> MessagesRequest {
        let messages = self
            .messages
            .into_iter()
            .map(|MapOnly(m)| Message {
                role: Role::parse(&m.role),
                content: match m.content {
                    TextOr::Text(s) => MessageContent::Text(s),
                    TextOr::List(blocks) => MessageContent::Blocks(blocks_of(blocks)),
                },
                extra: Map::new(),
            })
            .collect();
        MessagesRequest {
            model: String::new(),
            messages,
            max_tokens: self.max_tokens,
            system: self.system.map(|s| match s {
                TextOr::Text(s) => SystemPrompt::Text(s),
                TextOr::List(blocks) => SystemPrompt::Blocks(blocks_of(blocks)),
            }),
            metadata: self.metadata.map(|MapOnly(m)| Metadata {
                user_id: m.user_id,
                extra: Map::new(),
            }),
            stop_sequences: self.stop_sequences,
            stream: self.stream,
            temperature: self.temperature,
            top_p: self.top_p,
            top_k: self.top_k,
            tools: self.tools.map(|tools| {
                tools
                    .into_iter()
                    .map(|MapOnly(t)| Tool {
                        kind: t.kind,
                        name: t.name,
                        description: t.description,
                        input_schema: t.input_schema,
                        extra: Map::new(),
                    })
                    .collect()
            }),
            tool_choice: self.tool_choice.map(|MapOnly(c)| ToolChoice {
                kind: ToolChoiceKind::parse(&c.kind),
                name: c.name,
                disable_parallel_tool_use: c.disable_parallel_tool_use,
                extra: Map::new(),
            }),
            thinking: self.thinking.map(|MapOnly(t)| ThinkingConfig {
                kind: ThinkingType::parse(&t.kind),
                budget_tokens: t.budget_tokens,
                extra: Map::new(),
            }),
            extra: self.extra,
        }
    }
}

/// Typed → typed.
pub fn convert(
    req: MessagesRequest,
    opts: &RequestOptions,
) -> Result<ChatCompletionRequest, TranslateError> {
    let mut messages = Vec::with_capacity(req.messages.len() + 1);
    if let Some(system) = req.system.and_then(system_text) {
        messages.push(ChatMessage::new(
            ChatRole::System,
            Some(openai::MessageContent::Text(system)),
        ));
    }
    for (i, msg) in req.messages.into_iter().enumerate() {
        convert_message(msg, i, &mut messages)?;
    }

    let tools: Vec<openai::Tool> = req
        .tools
        .unwrap_or_default()
        .into_iter()
        .filter_map(convert_tool)
        .collect();
    let has_tools = !tools.is_empty();
    let (tool_choice, parallel_tool_calls) = match req.tool_choice.filter(|_| has_tools) {
        Some(choice) => convert_tool_choice(choice),
        None => (None, None),
    };

    let (max_tokens, max_completion_tokens) = match opts.openai_max_tokens_field {
        MaxTokensField::MaxCompletionTokens => (None, req.max_tokens),
        MaxTokensField::MaxTokens => (req.max_tokens, None),
    };
    let streaming = req.stream == Some(true);
    let mut out = ChatCompletionRequest {
        model: opts.upstream_model.clone(),
        messages,
        max_tokens,
        max_completion_tokens,
        temperature: req.temperature,
        top_p: req.top_p,
        stop: req
            .stop_sequences
            .filter(|s| !s.is_empty())
            .map(StopSequences::Many),
        stream: req.stream,
        stream_options: streaming.then(|| StreamOptions {
            include_usage: Some(true),
            extra: Map::new(),
        }),
        tools: has_tools.then_some(tools),
        tool_choice,
        parallel_tool_calls,
        reasoning_effort: match opts.thinking_mapping {
            ThinkingMapping::ReasoningEffort => req.thinking.as_ref().and_then(reasoning_effort),
            ThinkingMapping::Drop => None,
        },
        user: req.metadata.and_then(|m| m.user_id),
        n: None,
        extra: Map::new(),
    };
    let mut extra = Map::new();
    pass_through_extras(
        req.extra,
        DROPPED,
        |k| openai_field_set(&out, k),
        &mut extra,
    );
    out.extra = extra;
    Ok(out)
}

/// Whether the typed part of `out` already emits `key`.
fn openai_field_set(out: &ChatCompletionRequest, key: &str) -> bool {
    match key {
        "model" | "messages" => true,
        "max_tokens" => out.max_tokens.is_some(),
        "max_completion_tokens" => out.max_completion_tokens.is_some(),
        "temperature" => out.temperature.is_some(),
        "top_p" => out.top_p.is_some(),
        "stop" => out.stop.is_some(),
        "stream" => out.stream.is_some(),
        "stream_options" => out.stream_options.is_some(),
        "tools" => out.tools.is_some(),
        "tool_choice" => out.tool_choice.is_some(),
        "parallel_tool_calls" => out.parallel_tool_calls.is_some(),
        "reasoning_effort" => out.reasoning_effort.is_some(),
        "user" => out.user.is_some(),
        _ => false,
    }
}

fn reasoning_effort(thinking: &ThinkingConfig) -> Option<ReasoningEffort> {
    match thinking.kind {
        ThinkingType::Enabled => Some(match thinking.budget_tokens.unwrap_or(0) {
            0..2048 => ReasoningEffort::Low,
            2048..8192 => ReasoningEffort::Medium,
            _ => ReasoningEffort::High,
        }),
        ThinkingType::Adaptive => Some(ReasoningEffort::Medium),
        _ => None,
    }
}

fn system_text(system: SystemPrompt) -> Option<String> {
    let text = match system {
        SystemPrompt::Text(s) => s,
        SystemPrompt::Blocks(blocks) => blocks
            .into_iter()
            .filter_map(|b| match b {
                ContentBlock::Text(t) => Some(t.text),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n\n"),
    };
    (!text.is_empty()).then_some(text)
}

fn convert_message(
    msg: Message,
    i: usize,
    out: &mut Vec<ChatMessage>,
) -> Result<(), TranslateError> {
    match (msg.role, msg.content) {
        (Role::User, MessageContent::Text(s)) => {
            out.push(ChatMessage::new(
                ChatRole::User,
                Some(openai::MessageContent::Text(s)),
            ));
        }
        (Role::Assistant, MessageContent::Text(s)) => {
            out.push(ChatMessage::new(
                ChatRole::Assistant,
                Some(openai::MessageContent::Text(s)),
            ));
        }
        (Role::User, MessageContent::Blocks(blocks)) => user_blocks(blocks, i, out)?,
        (Role::Assistant, MessageContent::Blocks(blocks)) => assistant_blocks(blocks, out),
        (Role::Other(role), _) => {
            return Err(invalid(i, &format!("role `{role}` is not supported")));
        }
    }
    Ok(())
}

fn user_blocks(
    blocks: Vec<ContentBlock>,
    i: usize,
    out: &mut Vec<ChatMessage>,
) -> Result<(), TranslateError> {
    let mut parts = Vec::new();
    for block in blocks {
        match block {
            ContentBlock::ToolResult(result) => tool_message(result, i, out, &mut parts)?,
            other => push_part(other, i, &mut parts)?,
        }
    }
    if let Some(content) = parts_content(parts) {
        out.push(ChatMessage::new(ChatRole::User, Some(content)));
    }
    Ok(())
}

/// A tool result becomes a `tool` message with its text; any images in it go to `pending` (the user message
/// that follows the tool messages), since OpenAI tool messages carry text only.
fn tool_message(
    result: ToolResultBlock,
    i: usize,
    out: &mut Vec<ChatMessage>,
    pending: &mut Vec<ContentPart>,
) -> Result<(), TranslateError> {
    let text = match result.content {
        None => String::new(),
        Some(ToolResultContent::Text(s)) => s,
        Some(ToolResultContent::Blocks(blocks)) => {
            let mut texts = Vec::new();
            for block in blocks {
                match block {
                    ContentBlock::Text(t) => texts.push(t.text),
                    other => push_part(other, i, pending)?,
                }
            }
            texts.join("\n")
        }
    };
    let mut msg = ChatMessage::new(ChatRole::Tool, Some(openai::MessageContent::Text(text)));
    msg.tool_call_id = Some(result.tool_use_id);
    out.push(msg);
    Ok(())
}

/// Converts one non-tool block into an OpenAI part. Blocks with no OpenAI meaning (thinking, server tool
/// blocks, search results, ...) are skipped.
fn push_part(
    block: ContentBlock,
    i: usize,
    parts: &mut Vec<ContentPart>,
) -> Result<(), TranslateError> {
    let part = match block {
        ContentBlock::Text(t) if t.text.is_empty() => return Ok(()),
        ContentBlock::Text(t) => text_part(t.text),
        ContentBlock::Image(img) => {
            let url = match img.source {
                MediaSource::Base64 {
                    media_type, data, ..
                } => data_url(&media_type, &data),
                MediaSource::Url { url, .. } => url,
                _ => return Err(invalid(i, "image sources must be base64 or url")),
            };
            ContentPart::ImageUrl(ImagePart {
                image_url: ImageUrl {
                    url,
                    detail: None,
                    extra: Map::new(),
                },
                extra: Map::new(),
            })
        }
        ContentBlock::Document(doc) => document_part(doc, i)?,
        _ => return Ok(()),
    };
    parts.push(part);
    Ok(())
}

fn text_part(text: String) -> ContentPart {
    ContentPart::Text(TextPart {
        text,
        extra: Map::new(),
    })
}

fn document_part(doc: DocumentBlock, i: usize) -> Result<ContentPart, TranslateError> {
    let filename = doc
        .extra
        .get("title")
        .and_then(Value::as_str)
        .map(str::to_owned);
    match doc.source {
        MediaSource::Base64 {
            media_type, data, ..
        } => Ok(ContentPart::File(FilePart {
            file: FileRef {
                file_data: Some(data_url(&media_type, &data)),
                file_id: None,
                filename,
                extra: Map::new(),
            },
            extra: Map::new(),
        })),
        MediaSource::Text { data, .. } => Ok(text_part(data)),
        _ => Err(invalid(i, "document sources must be base64 or text")),
    }
}

/// Text-only content collapses to a string, which every OpenAI-compatible server accepts.
fn parts_content(mut parts: Vec<ContentPart>) -> Option<openai::MessageContent> {
    match parts.as_slice() {
        [] => None,
        [ContentPart::Text(_)] => match parts.pop() {
            Some(ContentPart::Text(t)) => Some(openai::MessageContent::Text(t.text)),
            _ => None,
        },
        _ => Some(openai::MessageContent::Parts(parts)),
    }
}

fn assistant_blocks(blocks: Vec<ContentBlock>, out: &mut Vec<ChatMessage>) {
    let mut texts = Vec::new();
    let mut calls = Vec::new();
    for block in blocks {
        match block {
            ContentBlock::Text(t) if !t.text.is_empty() => texts.push(t.text),
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
            // Thinking needs Anthropic's signature and server tool blocks ran on Anthropic's side: neither
            // means anything to an OpenAI upstream.
            _ => {}
        }
    }
    if texts.is_empty() && calls.is_empty() {
        return;
    }
    let content = if texts.is_empty() {
        None
    } else {
        Some(openai::MessageContent::Text(texts.join("\n\n")))
    };
    let mut msg = ChatMessage::new(ChatRole::Assistant, content);
    if !calls.is_empty() {
        msg.tool_calls = Some(calls);
    }
    out.push(msg);
}

/// Custom tools become functions; Anthropic server tools (web search, code execution, ...) have no OpenAI
/// equivalent and are dropped.
fn convert_tool(tool: Tool) -> Option<openai::Tool> {
    if !tool.is_custom() {
        return None;
    }
    Some(openai::Tool::Function(FunctionTool {
        function: FunctionDef {
            name: tool.name,
            description: tool.description,
            parameters: Some(
                tool.input_schema
                    .unwrap_or_else(|| serde_json::json!({"type": "object", "properties": {}})),
            ),
            strict: None,
            extra: Map::new(),
        },
        extra: Map::new(),
    }))
}

fn convert_tool_choice(choice: ToolChoice) -> (Option<openai::ToolChoice>, Option<bool>) {
    let parallel = choice
        .disable_parallel_tool_use
        .and_then(|d| d.then_some(false));
    let mapped = match choice.kind {
        ToolChoiceKind::Auto => openai::ToolChoice::Mode(ToolChoiceMode::Auto),
        ToolChoiceKind::Any => openai::ToolChoice::Mode(ToolChoiceMode::Required),
        ToolChoiceKind::None => openai::ToolChoice::Mode(ToolChoiceMode::None),
        ToolChoiceKind::Tool => openai::ToolChoice::Named(NamedToolChoice {
            kind: "function".into(),
            function: NamedFunction {
                name: choice.name.unwrap_or_default(),
                extra: Map::new(),
            },
            extra: Map::new(),
        }),
        ToolChoiceKind::Other(_) => return (None, parallel),
    };
    (Some(mapped), parallel)
}

#[cfg(test)]
mod lean_tests {
    use super::*;

    /// Common bodies must take the fast path (`tests/lean_equivalence.rs` checks it changes nothing).
    #[test]
    fn common_bodies_take_the_lean_path() {
        for body in [
            &include_bytes!(
                "../../tests/fixtures/anthropic_client_openai_upstream/requests/basic.json"
            )[..],
            &include_bytes!(
                "../../tests/fixtures/anthropic_client_openai_upstream/requests/thinking_named_tool.json"
            )[..],
        ] {
            assert!(lean::parse::<LeanRequest>(body).is_some());
        }
    }
}
