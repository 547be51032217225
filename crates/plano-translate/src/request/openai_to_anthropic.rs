//! OpenAI Chat Completions request → Anthropic Messages request.
//!
//! - `system`/`developer` messages, wherever they appear, become the `system` prompt, in order (all of them,
//!   not only the last), as text blocks so per-block `cache_control` survives.
//! - `tool` messages become `tool_result` blocks in a user turn; consecutive same-role turns are merged,
//!   because Anthropic requires alternating roles, and tool results are moved to the front of their turn.
//! - Image parts: `data:` URLs → base64 sources, `http(s)` URLs → url sources; PDF `file` parts → documents.
//! - `reasoning_effort` → `thinking` with a budget (low 1024, medium 2048, high 4096, xhigh 8192 tokens);
//!   `max_tokens` is raised above the budget if needed, and sampling parameters Anthropic forbids with
//!   thinking are dropped.
//! - Dropped (no equivalent): penalties, `logit_bias`, `logprobs`, `seed`, `n` (> 1 is an error),
//!   `response_format`, `modalities`, `audio`, `prediction`, `store`, `metadata`, `service_tier`,
//!   `stream_options`, `web_search_options`, legacy `functions`, and the rest of [`DROPPED`].

use plano_catalog::Api;
use plano_wire::anthropic::{
    self, ContentBlock, Message, MessagesRequest, Metadata, Role, SystemPrompt, ThinkingConfig,
    ThinkingType, ToolChoiceKind, ToolResultBlock, ToolResultContent, ToolUseBlock,
};
use plano_wire::openai::{
    ChatCompletionRequest, ChatMessage, ChatRole, ContentPart, FunctionCall, FunctionDef,
    FunctionTool, MessageContent, ReasoningEffort, StreamOptions, TextPart, Tool, ToolCall,
    ToolChoice, ToolChoiceMode,
};
use serde::Deserialize;
use serde_json::{Map, Number, Value};

use crate::lean::{self, AnyStr, LeanStop, MapOnly, TextOr};

mod content;

use content::content_blocks;

use super::{invalid, pass_through_extras};
use crate::{RequestOptions, TranslateError};

/// OpenAI request fields with no Anthropic equivalent.
pub const DROPPED: &[&str] = &[
    "frequency_penalty",
    "presence_penalty",
    "logit_bias",
    "logprobs",
    "top_logprobs",
    "seed",
    "service_tier",
    "store",
    "modalities",
    "audio",
    "prediction",
    "web_search_options",
    "response_format",
    "metadata",
    "functions",
    "function_call",
    "prompt_cache_key",
    "safety_identifier",
    "verbosity",
    "top_k",
    "stop_token_ids",
    "continue_final_message",
    "add_generation_prompt",
];

/// Bytes → bytes.
pub fn translate(body: &[u8], opts: &RequestOptions) -> Result<Vec<u8>, TranslateError> {
    let req = match lean::parse::<LeanRequest>(body).and_then(LeanRequest::into_request) {
        Some(req) => req,
        None => serde_json::from_slice(body).map_err(TranslateError::body(Api::OpenAiChat))?,
    };
    let out = convert(req, opts)?;
    let mut buf = Vec::with_capacity(body.len() + 256);
    serde_json::to_writer(&mut buf, &out)
        .map_err(|e| TranslateError::InvalidRequest(format!("serialization failed: {e}")))?;
    Ok(buf)
}

/// The common shape of a Chat Completions request (see [`crate::lean`]): string or text-part content,
/// function tools and calls, mode `tool_choice`. Unknown top-level keys are kept as the lossless type
/// keeps them; anything else (images, named tool choices, unknown keys in messages, ...) takes the
/// lossless path.
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
    max_completion_tokens: Option<u64>,
    #[serde(default)]
    temperature: Option<Number>,
    #[serde(default)]
    top_p: Option<Number>,
    #[serde(default)]
    stop: Option<LeanStop>,
    #[serde(default)]
    stream: Option<bool>,
    #[serde(default)]
    stream_options: Option<MapOnly<LeanStreamOptions>>,
    #[serde(default)]
    tools: Option<Vec<MapOnly<LeanTool>>>,
    #[serde(default)]
    tool_choice: Option<String>,
    #[serde(default)]
    parallel_tool_calls: Option<bool>,
    #[serde(default)]
    reasoning_effort: Option<ReasoningEffort>,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    n: Option<u32>,
    /// Unknown keys, as in the lossless type (known keys are read directly; only these are buffered).
    #[serde(flatten)]
    extra: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeanStreamOptions {
    #[serde(default)]
    include_usage: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeanMessage {
    role: String,
    #[serde(default)]
    content: Option<TextOr<MapOnly<LeanTextPart>>>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    tool_calls: Option<Vec<MapOnly<LeanToolCall>>>,
    #[serde(default)]
    tool_call_id: Option<String>,
    #[serde(default)]
    reasoning_content: Option<String>,
    #[serde(default)]
    refusal: Option<String>,
}

/// A text part; other part types take the lossless path.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeanTextPart {
    #[serde(rename = "type")]
    kind: String,
    text: String,
    #[serde(default, deserialize_with = "lean::present")]
    cache_control: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeanToolCall {
    id: String,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    function: Option<MapOnly<LeanFunctionCall>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeanFunctionCall {
    name: String,
    #[serde(default)]
    arguments: String,
}

/// A function tool; other tool types take the lossless path.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeanTool {
    #[serde(rename = "type")]
    kind: String,
    function: MapOnly<LeanFunctionDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeanFunctionDef {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    parameters: Option<Value>,
    #[serde(default)]
    strict: Option<bool>,
}

impl LeanRequest {
    /// The lossless value, or `None` for shapes the lean types cannot tell apart exactly.
    fn into_request(self) -> Option<ChatCompletionRequest> {
        let mut messages = Vec::with_capacity(self.messages.len());
        for MapOnly(m) in self.messages {
            let content = match m.content {
                None => None,
                Some(TextOr::Text(s)) => Some(MessageContent::Text(s)),
                Some(TextOr::List(parts)) => {
                    let mut out = Vec::with_capacity(parts.len());
                    for MapOnly(p) in parts {
                        // Lossless parsing keeps text-shaped parts of another type as unknown parts.
                        if p.kind != "text" {
                            return None;
                        }
                        let mut extra = Map::new();
                        if let Some(cc) = p.cache_control {
                            extra.insert("cache_control".to_owned(), cc);
                        }
                        out.push(ContentPart::Text(TextPart {
                            text: p.text,
                            extra,
                        }));
                    }
                    Some(MessageContent::Parts(out))
                }
            };
            messages.push(ChatMessage {
                role: ChatRole::parse(&m.role),
                content: Some(content),
                name: m.name,
                tool_calls: m.tool_calls.map(|calls| {
                    calls
                        .into_iter()
                        .map(|MapOnly(c)| ToolCall {
                            id: c.id,
                            kind: c.kind,
                            function: c.function.map(|MapOnly(f)| FunctionCall {
                                name: f.name,
                                arguments: f.arguments,
                                extra: Map::new(),
                            }),
                            extra: Map::new(),
                        })
                        .collect()
                }),
                tool_call_id: m.tool_call_id,
                reasoning_content: m.reasoning_content,
                refusal: Some(m.refusal),
                extra: Map::new(),
            });
        }
        let tools = match self.tools {
            None => None,
            Some(tools) => {
                let mut out = Vec::with_capacity(tools.len());
                for MapOnly(t) in tools {
                    if t.kind != "function" {
                        return None;
                    }
                    let f = t.function.0;
                    out.push(Tool::Function(FunctionTool {
                        function: FunctionDef {
                            name: f.name,
                            description: f.description,
                            parameters: f.parameters,
                            strict: f.strict,
                            extra: Map::new(),
                        },
                        extra: Map::new(),
                    }));
                }
                Some(out)
            }
        };
        Some(ChatCompletionRequest {
            model: String::new(),
            messages,
            max_tokens: self.max_tokens,
            max_completion_tokens: self.max_completion_tokens,
            temperature: self.temperature,
            top_p: self.top_p,
            stop: self.stop.map(|s| s.0),
            stream: self.stream,
            stream_options: self.stream_options.map(|MapOnly(o)| StreamOptions {
                include_usage: o.include_usage,
                extra: Map::new(),
            }),
            tools,
            tool_choice: self
                .tool_choice
                .map(|mode| ToolChoice::Mode(ToolChoiceMode::parse(&mode))),
            parallel_tool_calls: self.parallel_tool_calls,
            reasoning_effort: self.reasoning_effort,
            user: self.user,
            n: self.n,
            extra: self.extra,
        })
    }
}

/// Typed → typed.
pub fn convert(
    req: ChatCompletionRequest,
    opts: &RequestOptions,
) -> Result<MessagesRequest, TranslateError> {
    if req.n.is_some_and(|n| n > 1) {
        return Err(TranslateError::InvalidRequest(
            "`n` greater than 1 is not supported by this model's API".into(),
        ));
    }
    let (system, messages) = convert_messages(req.messages)?;

    let mut max_tokens = req
        .max_completion_tokens
        .or(req.max_tokens)
        .unwrap_or(opts.default_max_tokens);
    let thinking = req
        .reasoning_effort
        .as_ref()
        .and_then(thinking_budget)
        .map(|budget| {
            // Anthropic requires budget_tokens < max_tokens; keep the client's answer length on top of the budget.
            if max_tokens <= budget {
                max_tokens = max_tokens.saturating_add(budget);
            }
            ThinkingConfig {
                kind: ThinkingType::Enabled,
                budget_tokens: Some(budget),
                extra: Map::new(),
            }
        });
    // Anthropic rejects temperature/top_p/top_k alongside extended thinking.
    let sampling_allowed = thinking.is_none();
    let top_k = req
        .extra
        .get("top_k")
        .and_then(Value::as_u64)
        .filter(|_| sampling_allowed);

    let tools: Option<Vec<anthropic::Tool>> = req
        .tools
        .map(|tools| tools.into_iter().map(convert_tool).collect());
    let has_tools = tools.as_ref().is_some_and(|t| !t.is_empty());
    let mut tool_choice = req
        .tool_choice
        .and_then(convert_tool_choice)
        .filter(|_| has_tools);
    if req.parallel_tool_calls == Some(false) && has_tools {
        let choice = tool_choice.get_or_insert_with(|| anthropic::ToolChoice {
            kind: ToolChoiceKind::Auto,
            name: None,
            disable_parallel_tool_use: None,
            extra: Map::new(),
        });
        if choice.kind != ToolChoiceKind::None {
            choice.disable_parallel_tool_use = Some(true);
        }
    }

    let stop_sequences = req.stop.map(|s| {
        // Anthropic rejects whitespace-only stop sequences (OpenAI clients commonly send "\n").
        s.into_vec()
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
    });

    let mut out = MessagesRequest {
        model: opts.upstream_model.clone(),
        messages,
        max_tokens: Some(max_tokens),
        system,
        metadata: req.user.map(|user| Metadata {
            user_id: Some(user),
            extra: Map::new(),
        }),
        stop_sequences: stop_sequences.filter(|s| !s.is_empty()),
        stream: req.stream,
        temperature: req.temperature.filter(|_| sampling_allowed),
        top_p: req.top_p.filter(|_| sampling_allowed),
        top_k,
        tools: tools.filter(|t| !t.is_empty()),
        tool_choice,
        thinking,
        extra: Map::new(),
    };
    let mut extra = Map::new();
    pass_through_extras(
        req.extra,
        DROPPED,
        |k| anthropic_field_set(&out, k),
        &mut extra,
    );
    out.extra = extra;
    Ok(out)
}

/// Whether the typed part of `out` already emits `key`.
fn anthropic_field_set(out: &MessagesRequest, key: &str) -> bool {
    match key {
        "model" | "messages" | "max_tokens" => true,
        "system" => out.system.is_some(),
        "metadata" => out.metadata.is_some(),
        "stop_sequences" => out.stop_sequences.is_some(),
        "stream" => out.stream.is_some(),
        "temperature" => out.temperature.is_some(),
        "top_p" => out.top_p.is_some(),
        "top_k" => out.top_k.is_some(),
        "tools" => out.tools.is_some(),
        "tool_choice" => out.tool_choice.is_some(),
        "thinking" => out.thinking.is_some(),
        _ => false,
    }
}

pub(crate) fn thinking_budget(effort: &ReasoningEffort) -> Option<u64> {
    match effort {
        ReasoningEffort::Low => Some(1024),
        ReasoningEffort::Medium => Some(2048),
        ReasoningEffort::High => Some(4096),
        ReasoningEffort::XHigh => Some(8192),
        // none / minimal: no extended thinking. Unknown efforts are not guessed at.
        _ => None,
    }
}

fn convert_messages(
    messages: Vec<ChatMessage>,
) -> Result<(Option<SystemPrompt>, Vec<Message>), TranslateError> {
    let mut system: Vec<ContentBlock> = Vec::new();
    let mut turns: Vec<(Role, Vec<ContentBlock>)> = Vec::new();
    for (i, msg) in messages.into_iter().enumerate() {
        let (role, blocks) = match msg.role {
            ChatRole::System | ChatRole::Developer => {
                for block in content_blocks(msg.content.flatten(), i)? {
                    match block {
                        ContentBlock::Text(_) => system.push(block),
                        _ => return Err(invalid(i, "system messages may only contain text")),
                    }
                }
                continue;
            }
            ChatRole::User => (Role::User, content_blocks(msg.content.flatten(), i)?),
            ChatRole::Assistant => (Role::Assistant, assistant_blocks(msg, i)?),
            ChatRole::Tool => (Role::User, vec![tool_result(msg, i)?]),
            ChatRole::Function | ChatRole::Other(_) => {
                return Err(invalid(i, &format!("role `{}` is not supported", msg.role)));
            }
        };
        if blocks.is_empty() {
            continue;
        }
        match turns.last_mut() {
            Some((last, existing)) if *last == role => existing.extend(blocks),
            _ => turns.push((role, blocks)),
        }
    }
    let messages = turns
        .into_iter()
        .map(|(role, blocks)| finish_turn(role, blocks))
        .collect();
    let system = match system.len() {
        0 => None,
        // A single plain block reads most naturally as a string.
        1 if matches!(&system[0], ContentBlock::Text(t) if t.extra.is_empty()) => {
            match system.pop() {
                Some(ContentBlock::Text(t)) => Some(SystemPrompt::Text(t.text)),
                _ => None,
            }
        }
        _ => Some(SystemPrompt::Blocks(system)),
    };
    Ok((system, messages))
}

fn finish_turn(role: Role, mut blocks: Vec<ContentBlock>) -> Message {
    if role == Role::User {
        // Anthropic wants tool results first in the turn that answers the tool calls.
        blocks.sort_by_key(|b| !matches!(b, ContentBlock::ToolResult(_)));
    }
    let content = match blocks.as_slice() {
        [ContentBlock::Text(t)] if t.extra.is_empty() => {
            anthropic::MessageContent::Text(t.text.clone())
        }
        _ => anthropic::MessageContent::Blocks(blocks),
    };
    Message {
        role,
        content,
        extra: Map::new(),
    }
}

/// Assistant text and tool calls. `reasoning_content` is dropped: Anthropic only accepts thinking blocks
/// that carry its own signature.
fn assistant_blocks(msg: ChatMessage, i: usize) -> Result<Vec<ContentBlock>, TranslateError> {
    let mut blocks = content_blocks(msg.content.flatten(), i)?;
    if let Some(refusal) = msg.refusal.flatten().filter(|r| !r.is_empty()) {
        blocks.push(ContentBlock::text(refusal));
    }
    for call in msg.tool_calls.unwrap_or_default() {
        blocks.push(ContentBlock::ToolUse(tool_use(call, i)?));
    }
    Ok(blocks)
}

fn tool_use(call: ToolCall, i: usize) -> Result<ToolUseBlock, TranslateError> {
    let Some(function) = call.function else {
        return Err(invalid(
            i,
            &format!("tool call `{}` is not a function call", call.id),
        ));
    };
    let input = if function.arguments.trim().is_empty() {
        Value::Object(Map::new())
    } else {
        match serde_json::from_str::<Value>(&function.arguments) {
            Ok(v @ Value::Object(_)) => v,
            _ => {
                return Err(invalid(
                    i,
                    &format!("tool call `{}`: arguments must be a JSON object", call.id),
                ));
            }
        }
    };
    Ok(ToolUseBlock {
        id: call.id,
        name: function.name,
        input,
        extra: Map::new(),
    })
}

fn tool_result(msg: ChatMessage, i: usize) -> Result<ContentBlock, TranslateError> {
    let Some(id) = msg.tool_call_id else {
        return Err(invalid(i, "tool messages need `tool_call_id`"));
    };
    let content = match msg.content.flatten() {
        None => None,
        Some(MessageContent::Text(s)) => Some(ToolResultContent::Text(s)),
        Some(parts) => Some(ToolResultContent::Blocks(content_blocks(Some(parts), i)?)),
    };
    Ok(ContentBlock::ToolResult(ToolResultBlock {
        tool_use_id: id,
        content,
        is_error: None,
        extra: Map::new(),
    }))
}

fn convert_tool(tool: Tool) -> anthropic::Tool {
    match tool {
        Tool::Function(f) => {
            // Extras at either level (e.g. `cache_control`) belong on the Anthropic tool.
            let mut extra = f.extra;
            extra.extend(f.function.extra);
            anthropic::Tool {
                kind: None,
                name: f.function.name,
                description: f.function.description,
                input_schema: Some(
                    f.function
                        .parameters
                        .unwrap_or_else(|| serde_json::json!({"type": "object", "properties": {}})),
                ),
                extra,
            }
        }
        // Not a function: perhaps an Anthropic server tool the client meant for this upstream.
        Tool::Other(map) => {
            let mut map = map;
            let kind = match map.remove("type") {
                Some(Value::String(s)) => Some(s),
                _ => None,
            };
            let name = match map.remove("name") {
                Some(Value::String(s)) => s,
                _ => String::new(),
            };
            anthropic::Tool {
                kind,
                name,
                description: None,
                input_schema: None,
                extra: map,
            }
        }
    }
}

fn convert_tool_choice(choice: ToolChoice) -> Option<anthropic::ToolChoice> {
    let (kind, name) = match choice {
        ToolChoice::Mode(ToolChoiceMode::Auto) => (ToolChoiceKind::Auto, None),
        ToolChoice::Mode(ToolChoiceMode::Required) => (ToolChoiceKind::Any, None),
        ToolChoice::Mode(ToolChoiceMode::None) => (ToolChoiceKind::None, None),
        ToolChoice::Mode(ToolChoiceMode::Other(_)) => return None,
        ToolChoice::Named(named) => (ToolChoiceKind::Tool, Some(named.function.name)),
        // An Anthropic-shaped choice passes; OpenAI's `allowed_tools` has no equivalent and is dropped.
        ToolChoice::Other(value) => return serde_json::from_value(value).ok(),
    };
    Some(anthropic::ToolChoice {
        kind,
        name,
        disable_parallel_tool_use: None,
        extra: Map::new(),
    })
}

#[cfg(test)]
mod lean_tests {
    use super::*;

    /// Common bodies must take the fast path (`tests/lean_equivalence.rs` checks it changes nothing).
    #[test]
    fn common_bodies_take_the_lean_path() {
        for body in [
            &include_bytes!(
                "../../tests/fixtures/openai_client_anthropic_upstream/requests/basic.json"
            )[..],
            &include_bytes!(
                "../../tests/fixtures/openai_client_anthropic_upstream/requests/reasoning.json"
            )[..],
        ] {
            assert!(
                lean::parse::<LeanRequest>(body)
                    .and_then(LeanRequest::into_request)
                    .is_some()
            );
        }
    }
}
