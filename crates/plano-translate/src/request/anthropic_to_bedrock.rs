//! Anthropic Messages request → Bedrock Converse request.
//!
//! - The model id is not in the body (it is in the URL path).
//! - `system` → `system` text blocks; blocks → content blocks: text, base64 images and documents (URL
//!   sources are an error: Bedrock takes inline bytes only; text documents become text), `tool_use` →
//!   `toolUse`, `tool_result` → `toolResult` (`is_error` → status `error`).
//! - `cache_control` on a system block, message block or tool → a `cachePoint` right after it.
//! - Claude models only (other Bedrock models reject them): `thinking` / `redacted_thinking` blocks →
//!   `reasoningContent` (signature kept, so thinking works across tool-use turns), and `thinking`, `top_k`
//!   → `additionalModelRequestFields`.
//! - `max_tokens` (or the default) → `inferenceConfig.maxTokens`, always set; `temperature`, `top_p`,
//!   `stop_sequences` beside it. Custom tools → `toolConfig` (only when at least one); server tools and
//!   server tool blocks are dropped. `tool_choice` auto/any/tool → `auto`/`any`/`tool`; `none` as for
//!   OpenAI clients (tools left out unless the history needs them); `disable_parallel_tool_use` has no
//!   equivalent.
//! - Bedrock's own top-level members pass ([`super::BEDROCK_PASSED_THROUGH`]); `metadata`,
//!   `service_tier`, `container`, `mcp_servers` and any other field are dropped (Bedrock rejects unknown
//!   members).

use plano_catalog::Api;
use plano_catalog::models::is_bedrock_claude;
use plano_wire::anthropic::{
    self, ContentBlock, MediaSource, MessageContent, MessagesRequest, SystemPrompt, ToolChoiceKind,
    ToolResultContent,
};
use plano_wire::bedrock::{
    self, CachePoint, ConverseRequest, InferenceConfig, ReasoningContent, ReasoningText, Role,
    SpecificTool, SystemBlock, ToolInputSchema, ToolResultBlock, ToolSpec, ToolUseBlock,
};
use serde_json::{Map, Value, json};

use super::invalid;
use super::to_bedrock::{self as tb, Turns};
use crate::{RequestOptions, TranslateError};

/// Bytes → bytes.
pub fn translate(body: &[u8], opts: &RequestOptions) -> Result<Vec<u8>, TranslateError> {
    let req: MessagesRequest =
        serde_json::from_slice(body).map_err(TranslateError::body(Api::AnthropicMessages))?;
    tb::to_bytes(&convert(req, opts)?)
}

/// Typed → typed.
pub fn convert(
    req: MessagesRequest,
    opts: &RequestOptions,
) -> Result<ConverseRequest, TranslateError> {
    let claude = is_bedrock_claude(&opts.upstream_model);
    let mut conv = Converter {
        claude,
        documents: 0,
    };
    let system = match req.system {
        None => Vec::new(),
        Some(SystemPrompt::Text(s)) if s.is_empty() => Vec::new(),
        Some(SystemPrompt::Text(s)) => vec![SystemBlock::Text(s)],
        Some(SystemPrompt::Blocks(blocks)) => system_blocks(blocks),
    };
    let mut turns = Turns::default();
    for (i, msg) in req.messages.into_iter().enumerate() {
        let role = match msg.role {
            anthropic::Role::User => Role::User,
            anthropic::Role::Assistant => Role::Assistant,
            anthropic::Role::Other(role) => {
                return Err(invalid(i, &format!("role `{role}` is not supported")));
            }
        };
        let blocks = match msg.content {
            MessageContent::Text(s) if s.is_empty() => Vec::new(),
            MessageContent::Text(s) => vec![bedrock::ContentBlock::Text(s)],
            MessageContent::Blocks(blocks) => conv.blocks(blocks, i)?,
        };
        turns.push(role, blocks);
    }

    let inference = InferenceConfig {
        max_tokens: Some(req.max_tokens.unwrap_or(opts.default_max_tokens)),
        temperature: req.temperature,
        top_p: req.top_p,
        stop_sequences: req.stop_sequences.filter(|s| !s.is_empty()),
        extra: Map::new(),
    };

    let mut tools = Vec::new();
    for tool in req.tools.unwrap_or_default() {
        if !tool.is_custom() {
            continue;
        }
        let cache = tool.extra.contains_key("cache_control");
        tools.push(bedrock::Tool::ToolSpec(ToolSpec {
            name: tool.name,
            description: tool.description,
            input_schema: ToolInputSchema::Json(
                tool.input_schema
                    .unwrap_or_else(|| json!({"type": "object", "properties": {}})),
            ),
            extra: Map::new(),
        }));
        if cache {
            tools.push(bedrock::Tool::CachePoint(CachePoint::default_point()));
        }
    }
    let choice_none = req
        .tool_choice
        .as_ref()
        .is_some_and(|c| c.kind == ToolChoiceKind::None);
    let choice = req.tool_choice.and_then(|c| match c.kind {
        ToolChoiceKind::Auto => Some(bedrock::ToolChoice::Auto(Map::new())),
        ToolChoiceKind::Any => Some(bedrock::ToolChoice::Any(Map::new())),
        ToolChoiceKind::Tool => Some(bedrock::ToolChoice::Tool(SpecificTool {
            name: c.name.unwrap_or_default(),
            extra: Map::new(),
        })),
        ToolChoiceKind::None | ToolChoiceKind::Other(_) => None,
    });
    let tool_config = tb::tool_config(tools, choice, choice_none, &turns);

    let mut out = tb::request(turns.finish(), system, inference, tool_config);
    tb::pass_through(&mut out, req.extra)?;
    if claude {
        if let Some(thinking) = req.thinking {
            let value = serde_json::to_value(thinking)
                .map_err(|e| TranslateError::InvalidRequest(format!("`thinking`: {e}")))?;
            tb::add_model_field(&mut out, "thinking", value);
        }
        if let Some(top_k) = req.top_k {
            tb::add_model_field(&mut out, "top_k", Value::from(top_k));
        }
    }
    Ok(out)
}

fn system_blocks(blocks: Vec<ContentBlock>) -> Vec<SystemBlock> {
    let mut out = Vec::with_capacity(blocks.len());
    for block in blocks {
        if let ContentBlock::Text(t) = block {
            let cache = t.extra.contains_key("cache_control");
            if !t.text.is_empty() {
                out.push(SystemBlock::Text(t.text));
            }
            if cache {
                out.push(SystemBlock::CachePoint(CachePoint::default_point()));
            }
        }
    }
    out
}

struct Converter {
    claude: bool,
    /// Documents so far, for unique fallback names.
    documents: usize,
}

impl Converter {
    fn blocks(
        &mut self,
        blocks: Vec<ContentBlock>,
        i: usize,
    ) -> Result<Vec<bedrock::ContentBlock>, TranslateError> {
        let mut out = Vec::with_capacity(blocks.len());
        for block in blocks {
            let cache = match &block {
                ContentBlock::Text(b) => b.extra.contains_key("cache_control"),
                ContentBlock::Image(b) => b.extra.contains_key("cache_control"),
                ContentBlock::Document(b) => b.extra.contains_key("cache_control"),
                ContentBlock::ToolUse(b) => b.extra.contains_key("cache_control"),
                ContentBlock::ToolResult(b) => b.extra.contains_key("cache_control"),
                _ => false,
            };
            if let Some(converted) = self.block(block, i)? {
                out.push(converted);
            }
            if cache {
                out.push(bedrock::ContentBlock::CachePoint(
                    CachePoint::default_point(),
                ));
            }
        }
        Ok(out)
    }

    /// One block; `None` for blocks with no Bedrock meaning (server tool blocks, thinking for non-Claude).
    fn block(
        &mut self,
        block: ContentBlock,
        i: usize,
    ) -> Result<Option<bedrock::ContentBlock>, TranslateError> {
        Ok(Some(match block {
            ContentBlock::Text(t) if t.text.is_empty() => return Ok(None),
            ContentBlock::Text(t) => bedrock::ContentBlock::Text(t.text),
            ContentBlock::Image(img) => match img.source {
                MediaSource::Base64 {
                    media_type, data, ..
                } => bedrock::ContentBlock::Image(tb::image(&media_type, &data, i)?),
                _ => return Err(invalid(i, "Bedrock accepts base64 image sources only")),
            },
            ContentBlock::Document(doc) => {
                let title = doc.extra.get("title").and_then(Value::as_str);
                match doc.source {
                    MediaSource::Base64 {
                        media_type, data, ..
                    } => {
                        self.documents += 1;
                        bedrock::ContentBlock::Document(tb::document(
                            &media_type,
                            &data,
                            title,
                            self.documents,
                            i,
                        )?)
                    }
                    MediaSource::Text { data, .. } => bedrock::ContentBlock::Text(data),
                    _ => {
                        return Err(invalid(
                            i,
                            "Bedrock accepts base64 or text document sources only",
                        ));
                    }
                }
            }
            ContentBlock::ToolUse(tool) => bedrock::ContentBlock::ToolUse(ToolUseBlock {
                tool_use_id: tool.id,
                name: tool.name,
                input: tool.input,
                extra: Map::new(),
            }),
            ContentBlock::ToolResult(result) => {
                let content = match result.content {
                    None => Vec::new(),
                    Some(ToolResultContent::Text(s)) => vec![bedrock::ToolResultContent::Text(s)],
                    Some(ToolResultContent::Blocks(blocks)) => {
                        let mut items = Vec::new();
                        for b in self.blocks(blocks, i)? {
                            items.push(match b {
                                bedrock::ContentBlock::Text(t) => {
                                    bedrock::ToolResultContent::Text(t)
                                }
                                bedrock::ContentBlock::Image(img) => {
                                    bedrock::ToolResultContent::Image(img)
                                }
                                bedrock::ContentBlock::Document(d) => {
                                    bedrock::ToolResultContent::Document(d)
                                }
                                _ => continue,
                            });
                        }
                        items
                    }
                };
                let status = if result.is_error == Some(true) {
                    "error"
                } else {
                    "success"
                };
                bedrock::ContentBlock::ToolResult(ToolResultBlock {
                    tool_use_id: result.tool_use_id,
                    content,
                    status: Some(status.into()),
                    extra: Map::new(),
                })
            }
            ContentBlock::Thinking(t) if self.claude => bedrock::ContentBlock::ReasoningContent(
                ReasoningContent::ReasoningText(ReasoningText {
                    text: t.thinking,
                    signature: t.signature,
                    extra: Map::new(),
                }),
            ),
            ContentBlock::RedactedThinking(r) if self.claude => {
                bedrock::ContentBlock::ReasoningContent(ReasoningContent::RedactedContent(r.data))
            }
            _ => return Ok(None),
        }))
    }
}
