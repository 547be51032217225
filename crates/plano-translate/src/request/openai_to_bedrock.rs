//! OpenAI Chat Completions request → Bedrock Converse request.
//!
//! - The model id is not in the body (it is in the URL path).
//! - `system`/`developer` messages (all of them, in order) → `system` text blocks.
//! - User text/parts → content blocks; images only as base64 `data:` URLs (Bedrock takes no image URLs);
//!   `file` parts with inline data → documents; Bedrock-native blocks (objects without a `type`) pass.
//!   A `cache_control` on a text part becomes a `cachePoint` after it.
//! - Assistant tool calls → `toolUse` (arguments must be a JSON object); `tool` messages → `toolResult`
//!   blocks (status `success`) in a user turn. Consecutive same-role turns merge; empty messages are
//!   skipped (Bedrock rejects empty content).
//! - `max_completion_tokens`/`max_tokens`, `temperature`, `top_p`, `stop` → `inferenceConfig` (left out if
//!   empty). Tools → `toolConfig`; `tool_choice` auto/required/named → `auto`/`any`/`tool`. Bedrock has
//!   no `none`: the tools are left out, unless the history has tool blocks (Bedrock then requires
//!   `toolConfig`), in which case they stay with the default choice.
//! - Claude models: `reasoning_effort` → `additionalModelRequestFields.thinking` with the same budgets as
//!   for Anthropic (sampling parameters are then dropped, as Claude requires); `top_k` → there too.
//! - Bedrock's own top-level members pass ([`super::BEDROCK_PASSED_THROUGH`]); every other field
//!   (penalties, `seed`, `response_format`, `user`, `parallel_tool_calls`, ...) is dropped, because Bedrock
//!   rejects unknown members.

use plano_catalog::Api;
use plano_catalog::models::is_bedrock_claude;
use plano_wire::bedrock::{
    self, ContentBlock, ConverseRequest, InferenceConfig, Role, SpecificTool, SystemBlock,
    ToolInputSchema, ToolResultBlock, ToolResultContent, ToolSpec, ToolUseBlock,
};
use plano_wire::openai::{
    ChatCompletionRequest, ChatMessage, ChatRole, ContentPart, MessageContent, Tool, ToolChoice,
    ToolChoiceMode,
};
use serde_json::{Map, Value, json};

use super::invalid;
use super::openai_to_anthropic::thinking_budget;
use super::to_bedrock::{self as tb, IMAGE_URL_UNSUPPORTED, Turns};
use crate::media::parse_data_url;
use crate::{RequestOptions, TranslateError};

/// Bytes → bytes.
pub fn translate(body: &[u8], opts: &RequestOptions) -> Result<Vec<u8>, TranslateError> {
    let req: ChatCompletionRequest =
        serde_json::from_slice(body).map_err(TranslateError::body(Api::OpenAiChat))?;
    tb::to_bytes(&convert(req, opts)?)
}

/// Typed → typed.
pub fn convert(
    req: ChatCompletionRequest,
    opts: &RequestOptions,
) -> Result<ConverseRequest, TranslateError> {
    if req.n.is_some_and(|n| n > 1) {
        return Err(TranslateError::InvalidRequest(
            "`n` greater than 1 is not supported by this model's API".into(),
        ));
    }
    let mut system = Vec::new();
    let mut turns = Turns::default();
    let mut documents = 0;
    for (i, msg) in req.messages.into_iter().enumerate() {
        match msg.role {
            ChatRole::System | ChatRole::Developer => {
                for block in user_blocks(msg.content.flatten(), i, &mut documents)? {
                    match block {
                        ContentBlock::Text(t) => system.push(SystemBlock::Text(t)),
                        ContentBlock::CachePoint(c) => system.push(SystemBlock::CachePoint(c)),
                        _ => return Err(invalid(i, "system messages may only contain text")),
                    }
                }
            }
            ChatRole::User => turns.push(
                Role::User,
                user_blocks(msg.content.flatten(), i, &mut documents)?,
            ),
            ChatRole::Assistant => turns.push(Role::Assistant, assistant_blocks(msg, i)?),
            ChatRole::Tool => turns.push(Role::User, vec![tool_result(msg, i, &mut documents)?]),
            ChatRole::Function | ChatRole::Other(_) => {
                return Err(invalid(i, &format!("role `{}` is not supported", msg.role)));
            }
        }
    }

    let claude = is_bedrock_claude(&opts.upstream_model);
    let budget = req
        .reasoning_effort
        .as_ref()
        .and_then(thinking_budget)
        .filter(|_| claude);
    let mut max_tokens = req.max_completion_tokens.or(req.max_tokens);
    if let Some(budget) = budget {
        // Claude requires max_tokens above the thinking budget; keep the client's answer length on top.
        let max = max_tokens.unwrap_or(opts.default_max_tokens);
        max_tokens = Some(if max <= budget {
            max.saturating_add(budget)
        } else {
            max
        });
    }
    // Claude rejects modified sampling alongside extended thinking.
    let sampling = budget.is_none();
    let inference = InferenceConfig {
        max_tokens,
        temperature: req.temperature.filter(|_| sampling),
        top_p: req.top_p.filter(|_| sampling),
        stop_sequences: req.stop.and_then(|s| tb::stop_sequences(s.into_vec())),
        extra: Map::new(),
    };

    let tools: Vec<bedrock::Tool> = req
        .tools
        .unwrap_or_default()
        .into_iter()
        .filter_map(convert_tool)
        .collect();
    let choice_none = matches!(
        req.tool_choice,
        Some(ToolChoice::Mode(ToolChoiceMode::None))
    );
    let choice = req.tool_choice.and_then(convert_tool_choice);
    let tool_config = tb::tool_config(tools, choice, choice_none, &turns);

    let mut extra = req.extra;
    let top_k = extra.remove("top_k").filter(|_| claude && sampling);
    let mut out = tb::request(turns.finish(), system, inference, tool_config);
    tb::pass_through(&mut out, extra)?;
    if let Some(budget) = budget {
        tb::add_model_field(
            &mut out,
            "thinking",
            json!({"type": "enabled", "budget_tokens": budget}),
        );
    }
    if let Some(top_k) = top_k {
        tb::add_model_field(&mut out, "top_k", top_k);
    }
    Ok(out)
}

/// User (and system) content → blocks. Empty text is skipped.
fn user_blocks(
    content: Option<MessageContent>,
    i: usize,
    documents: &mut usize,
) -> Result<Vec<ContentBlock>, TranslateError> {
    let parts = match content {
        None => return Ok(Vec::new()),
        Some(MessageContent::Text(s)) if s.is_empty() => return Ok(Vec::new()),
        Some(MessageContent::Text(s)) => return Ok(vec![ContentBlock::Text(s)]),
        Some(MessageContent::Parts(parts)) => parts,
    };
    let mut blocks = Vec::with_capacity(parts.len());
    for part in parts {
        match part {
            ContentPart::Text(t) => {
                if !t.text.is_empty() {
                    blocks.push(ContentBlock::Text(t.text));
                }
                if t.extra.contains_key("cache_control") {
                    blocks.push(ContentBlock::CachePoint(
                        bedrock::CachePoint::default_point(),
                    ));
                }
            }
            ContentPart::Refusal(r) => blocks.push(ContentBlock::Text(r.refusal)),
            ContentPart::ImageUrl(img) => {
                let d = parse_data_url(&img.image_url.url)
                    .ok_or_else(|| invalid(i, IMAGE_URL_UNSUPPORTED))?;
                blocks.push(ContentBlock::Image(tb::image(d.media_type, d.data, i)?));
            }
            ContentPart::File(file) => {
                let d = file.file.file_data.as_deref().and_then(parse_data_url).ok_or_else(|| {
                    invalid(i, "file parts must carry inline base64 `file_data` (uploaded file ids are not portable)")
                })?;
                *documents += 1;
                let doc = tb::document(
                    d.media_type,
                    d.data,
                    file.file.filename.as_deref(),
                    *documents,
                    i,
                )?;
                blocks.push(ContentBlock::Document(doc));
            }
            ContentPart::Other(map) => match map.get("type").and_then(Value::as_str) {
                // No `type`: a Bedrock-native block (`cachePoint`, `video`, ...) the client meant for us.
                None => blocks.push(ContentBlock::Other(map)),
                Some(kind) => {
                    return Err(invalid(
                        i,
                        &format!(
                            "content parts of type `{kind}` are not supported by this model's API"
                        ),
                    ));
                }
            },
        }
    }
    Ok(blocks)
}

/// Assistant text and tool calls. `reasoning_content` is dropped: Bedrock only takes reasoning back with
/// its own signature.
fn assistant_blocks(msg: ChatMessage, i: usize) -> Result<Vec<ContentBlock>, TranslateError> {
    let mut blocks = Vec::new();
    if let Some(content) = msg.content.flatten() {
        let text = content.joined_text("");
        if !text.is_empty() {
            blocks.push(ContentBlock::Text(text));
        }
    }
    if let Some(refusal) = msg.refusal.flatten().filter(|r| !r.is_empty()) {
        blocks.push(ContentBlock::Text(refusal));
    }
    for call in msg.tool_calls.unwrap_or_default() {
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
        blocks.push(ContentBlock::ToolUse(ToolUseBlock {
            tool_use_id: call.id,
            name: function.name,
            input,
            extra: Map::new(),
        }));
    }
    Ok(blocks)
}

fn tool_result(
    msg: ChatMessage,
    i: usize,
    documents: &mut usize,
) -> Result<ContentBlock, TranslateError> {
    let Some(id) = msg.tool_call_id else {
        return Err(invalid(i, "tool messages need `tool_call_id`"));
    };
    let mut content = Vec::new();
    for block in user_blocks(msg.content.flatten(), i, documents)? {
        content.push(match block {
            ContentBlock::Text(t) => ToolResultContent::Text(t),
            ContentBlock::Image(img) => ToolResultContent::Image(img),
            ContentBlock::Document(doc) => ToolResultContent::Document(doc),
            _ => continue,
        });
    }
    Ok(ContentBlock::ToolResult(ToolResultBlock {
        tool_use_id: id,
        content,
        status: Some("success".into()),
        extra: Map::new(),
    }))
}

/// Function tools → tool specs. Other tool kinds (OpenAI's hosted tools) have no Bedrock equivalent.
fn convert_tool(tool: Tool) -> Option<bedrock::Tool> {
    let Tool::Function(f) = tool else {
        return None;
    };
    Some(bedrock::Tool::ToolSpec(ToolSpec {
        name: f.function.name,
        description: f.function.description,
        input_schema: ToolInputSchema::Json(
            f.function
                .parameters
                .unwrap_or_else(|| json!({"type": "object", "properties": {}})),
        ),
        extra: Map::new(),
    }))
}

fn convert_tool_choice(choice: ToolChoice) -> Option<bedrock::ToolChoice> {
    Some(match choice {
        ToolChoice::Mode(ToolChoiceMode::Auto) => bedrock::ToolChoice::Auto(Map::new()),
        ToolChoice::Mode(ToolChoiceMode::Required) => bedrock::ToolChoice::Any(Map::new()),
        ToolChoice::Named(named) => bedrock::ToolChoice::Tool(SpecificTool {
            name: named.function.name,
            extra: Map::new(),
        }),
        // `none` is handled by the caller; `allowed_tools` and unknown modes have no equivalent. A
        // Bedrock-shaped choice passes.
        ToolChoice::Mode(_) => return None,
        ToolChoice::Other(value) => {
            return serde_json::from_value(value)
                .ok()
                .filter(|c| !matches!(c, bedrock::ToolChoice::Other(_)));
        }
    })
}
