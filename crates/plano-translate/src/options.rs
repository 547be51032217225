//! Knobs for request translation and the per-response context (ids, timestamps) that pure code cannot
//! invent by itself.

/// Options for [`crate::translate_request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestOptions {
    /// The model name to send upstream.
    pub upstream_model: String,
    /// `max_tokens` for Anthropic when the OpenAI client set none (Anthropic requires one).
    pub default_max_tokens: u64,
    /// Which OpenAI field carries the Anthropic `max_tokens`.
    pub openai_max_tokens_field: MaxTokensField,
    /// What to do with an Anthropic client's `thinking` when the upstream speaks OpenAI Chat.
    pub thinking_mapping: ThinkingMapping,
}

impl RequestOptions {
    /// Defaults: 4096 default `max_tokens`, `max_completion_tokens`, thinking mapped to `reasoning_effort`.
    pub fn new(upstream_model: impl Into<String>) -> Self {
        RequestOptions {
            upstream_model: upstream_model.into(),
            default_max_tokens: 4096,
            openai_max_tokens_field: MaxTokensField::MaxCompletionTokens,
            thinking_mapping: ThinkingMapping::ReasoningEffort,
        }
    }
}

/// OpenAI deprecated `max_tokens` (and its reasoning models reject it) in favour of `max_completion_tokens`,
/// but many OpenAI-compatible servers only know `max_tokens`. The gateway picks per provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MaxTokensField {
    #[default]
    MaxCompletionTokens,
    MaxTokens,
}

/// Non-reasoning OpenAI models reject `reasoning_effort`, so mapping Anthropic `thinking` onto it is a choice
/// the gateway makes per model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThinkingMapping {
    /// `thinking.budget_tokens` → `reasoning_effort` (<2048 low, <8192 medium, else high).
    #[default]
    ReasoningEffort,
    /// Drop `thinking`.
    Drop,
}

/// Per-response facts supplied by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResponseContext {
    /// `created` for OpenAI responses and chunks (Unix seconds).
    pub created_unix: u64,
    /// Gateway request id: used to synthesize ids the upstream did not provide.
    pub request_id: String,
    /// OpenAI clients: emit a final usage chunk (`stream_options.include_usage`); see
    /// [`crate::stream_usage_requested`].
    pub include_usage: bool,
    /// Model name to report if the upstream response carries none (usually the upstream model requested).
    pub fallback_model: String,
}

impl ResponseContext {
    /// A context with usage chunks off and no fallback model.
    pub fn new(created_unix: u64, request_id: impl Into<String>) -> Self {
        ResponseContext {
            created_unix,
            request_id: request_id.into(),
            include_usage: false,
            fallback_model: String::new(),
        }
    }
}
