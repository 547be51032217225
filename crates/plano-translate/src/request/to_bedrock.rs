//! What both client APIs need when building a Converse body: turn merging, media blocks, tool choice, the
//! Claude-only extra fields, and the top-level members allowed through.

use plano_wire::bedrock::{
    self, BinarySource, ContentBlock, ConverseRequest, DocumentBlock, ImageBlock, InferenceConfig,
    Message, Role, ToolConfig,
};
use serde_json::{Map, Value};

use crate::TranslateError;
use crate::media::{bedrock_document_format, bedrock_document_name, bedrock_image_format};
use crate::request::invalid;

/// Top-level Converse members a client may set itself (meant for this upstream); they pass through
/// verbatim. Bedrock rejects unknown members, so every other unknown top-level field is dropped.
pub const PASSED_THROUGH: &[&str] = &[
    "guardrailConfig",
    "additionalModelRequestFields",
    "additionalModelResponseFieldPaths",
    "promptVariables",
    "requestMetadata",
    "performanceConfig",
    "serviceTier",
];

/// Collects message turns. Bedrock (like Anthropic) wants user and assistant turns to alternate, so
/// consecutive same-role messages merge; empty ones are skipped, since Bedrock rejects empty content.
#[derive(Default)]
pub(crate) struct Turns(Vec<Message>);

impl Turns {
    pub(crate) fn push(&mut self, role: Role, blocks: Vec<ContentBlock>) {
        if blocks.is_empty() {
            return;
        }
        match self.0.last_mut() {
            Some(last) if last.role == role => last.content.extend(blocks),
            _ => self.0.push(Message {
                role,
                content: blocks,
                extra: Map::new(),
            }),
        }
    }

    /// The messages, with tool results first in every user turn (they must answer the preceding
    /// assistant turn's tool uses before anything else is said).
    pub(crate) fn finish(mut self) -> Vec<Message> {
        for m in &mut self.0 {
            if m.role == Role::User {
                m.content
                    .sort_by_key(|b| !matches!(b, ContentBlock::ToolResult(_)));
            }
        }
        self.0
    }

    /// Whether any turn uses or answers a tool (Bedrock then requires a `toolConfig`).
    pub(crate) fn has_tool_blocks(&self) -> bool {
        self.0
            .iter()
            .flat_map(|m| &m.content)
            .any(|b| matches!(b, ContentBlock::ToolUse(_) | ContentBlock::ToolResult(_)))
    }
}

/// A base64 image block. Bedrock takes inline bytes only (no URLs).
pub(crate) fn image(media_type: &str, data: &str, i: usize) -> Result<ImageBlock, TranslateError> {
    let format = bedrock_image_format(media_type).ok_or_else(|| {
        invalid(
            i,
            &format!(
                "image type `{media_type}` is not supported by Bedrock (png, jpeg, gif, webp)"
            ),
        )
    })?;
    Ok(ImageBlock {
        format: format.to_owned(),
        source: BinarySource::Bytes(data.to_owned()),
        extra: Map::new(),
    })
}

/// A base64 document block, named from `name` (made acceptable to Bedrock) or `document<n>`.
pub(crate) fn document(
    media_type: &str,
    data: &str,
    name: Option<&str>,
    ordinal: usize,
    i: usize,
) -> Result<DocumentBlock, TranslateError> {
    let format = bedrock_document_format(media_type).ok_or_else(|| {
        invalid(
            i,
            &format!("document type `{media_type}` is not supported by Bedrock"),
        )
    })?;
    Ok(DocumentBlock {
        format: Some(format.to_owned()),
        // Bedrock rejects two documents with the same name in one request.
        name: bedrock_document_name(name, &format!("document{ordinal}")),
        source: BinarySource::Bytes(data.to_owned()),
        extra: Map::new(),
    })
}

/// The message for images that are not inline base64.
pub(crate) const IMAGE_URL_UNSUPPORTED: &str =
    "Only base64 data URLs are supported for images in Bedrock";

/// The tool configuration, given the tools, the client's choice (`None` = not given) and whether the
/// client asked for no tool use.
///
/// Bedrock has no "none" choice, and it rejects a history with tool blocks unless `toolConfig` is present.
/// So "none" drops the tools when the history has no tool blocks, and otherwise keeps them with the default
/// (auto) choice, the closest Bedrock can express.
pub(crate) fn tool_config(
    tools: Vec<bedrock::Tool>,
    choice: Option<bedrock::ToolChoice>,
    choice_none: bool,
    turns: &Turns,
) -> Option<ToolConfig> {
    if tools.is_empty() || (choice_none && !turns.has_tool_blocks()) {
        return None;
    }
    Some(ToolConfig {
        tools,
        tool_choice: if choice_none { None } else { choice },
        extra: Map::new(),
    })
}

/// Inserts `key` into `additionalModelRequestFields` unless the client already set it there.
pub(crate) fn add_model_field(req: &mut ConverseRequest, key: &str, value: Value) {
    let fields = req
        .additional_model_request_fields
        .get_or_insert_with(Map::new);
    if !fields.contains_key(key) {
        fields.insert(key.to_owned(), value);
    }
}

/// Moves the allowed extras into the request; `additionalModelRequestFields` must be an object.
pub(crate) fn pass_through(
    req: &mut ConverseRequest,
    mut extra: Map<String, Value>,
) -> Result<(), TranslateError> {
    if let Some(fields) = extra.remove("additionalModelRequestFields") {
        let Value::Object(fields) = fields else {
            return Err(TranslateError::InvalidRequest(
                "`additionalModelRequestFields` must be an object".into(),
            ));
        };
        req.additional_model_request_fields = Some(fields);
    }
    for (key, value) in extra {
        if PASSED_THROUGH.contains(&key.as_str()) {
            req.extra.insert(key, value);
        }
    }
    Ok(())
}

/// The request, with `inferenceConfig` left out when empty.
pub(crate) fn request(
    messages: Vec<Message>,
    system: Vec<bedrock::SystemBlock>,
    inference: InferenceConfig,
    tool_config: Option<ToolConfig>,
) -> ConverseRequest {
    ConverseRequest {
        messages,
        system: (!system.is_empty()).then_some(system),
        inference_config: (!inference.is_empty()).then_some(inference),
        tool_config,
        additional_model_request_fields: None,
        extra: Map::new(),
    }
}

/// Whitespace-only stop sequences are rejected by Claude (the most used Bedrock family); OpenAI clients send
/// `"\n"` routinely.
pub(crate) fn stop_sequences(stops: Vec<String>) -> Option<Vec<String>> {
    let kept: Vec<String> = stops.into_iter().filter(|s| !s.trim().is_empty()).collect();
    (!kept.is_empty()).then_some(kept)
}

/// Serializes the final body.
pub(crate) fn to_bytes(req: &ConverseRequest) -> Result<Vec<u8>, TranslateError> {
    serde_json::to_vec(req)
        .map_err(|e| TranslateError::InvalidRequest(format!("serialization failed: {e}")))
}
