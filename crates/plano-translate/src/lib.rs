//! Translation between LLM wire APIs: requests, non-streaming responses, error bodies and streams.
//!
//! Pure code: no I/O, no clocks (timestamps and ids come in through [`ResponseContext`]), no async. Streams are
//! incremental state machines ([`StreamTranslator`]) fed raw upstream bytes in any chunking, writing client
//! SSE bytes as they go; nothing buffers a whole stream.
//!
//! # Layout
//!
//! - [`request`]: client request body → upstream request body, one module per direction.
//! - [`response`]: upstream response body → client response body.
//! - [`stream`]: upstream SSE → client SSE state machines, plus a passthrough for same-API streams.
//! - `error_body`: any upstream error body → the client API's error envelope.
//! - `usage`, `stop_reason`, `media`: the small mappings shared by all of the above.
//!
//! Pairs implemented: OpenAI Chat ↔ Anthropic Messages, both directions, and OpenAI Chat / Anthropic
//! Messages clients → Bedrock Converse upstreams (requests, responses, ConverseStream event streams). Other
//! pairs return [`TranslateError::Unsupported`]; each direction is its own module, so Responses slots in as
//! new modules plus a match arm here.
//!
//! Converse bodies carry no model (it is in the URL path), so `RequestOptions::upstream_model` only steers
//! model-specific choices there (Claude's `thinking`).

mod error;
mod error_body;
mod lean;
mod media;
mod options;
pub mod request;
pub mod response;
mod stop_reason;
pub mod stream;
mod usage;

use plano_catalog::Api;

pub use error::TranslateError;
pub use error_body::translate_error_body;
pub use options::{MaxTokensField, RequestOptions, ResponseContext, ThinkingMapping};
pub use stop_reason::{
    anthropic_to_openai_finish, bedrock_to_anthropic_stop, bedrock_to_openai_finish,
    openai_to_anthropic_stop,
};
pub use stream::{StreamTranslator, stream_translator, try_stream_translator};
pub use usage::Usage;

/// Translates a client request body into the upstream API's body, setting `model` to `opts.upstream_model`
/// (except for Bedrock, whose bodies have no `model`).
///
/// Same-API requests normally never get here (the gateway splices `model` with
/// [`plano_wire::json_scan`]); if they do, that is exactly what happens.
pub fn translate_request(
    client: Api,
    upstream: Api,
    body: &[u8],
    opts: &RequestOptions,
) -> Result<Vec<u8>, TranslateError> {
    match (client, upstream) {
        (Api::OpenAiChat, Api::AnthropicMessages) => {
            request::openai_to_anthropic::translate(body, opts)
        }
        (Api::AnthropicMessages, Api::OpenAiChat) => {
            request::anthropic_to_openai::translate(body, opts)
        }
        (Api::OpenAiChat, Api::BedrockConverse) => {
            request::openai_to_bedrock::translate(body, opts)
        }
        (Api::AnthropicMessages, Api::BedrockConverse) => {
            request::anthropic_to_bedrock::translate(body, opts)
        }
        (c, u) if c == u => plano_wire::json_scan::set_model(body, &opts.upstream_model)
            .map_err(|e| TranslateError::InvalidRequest(e.to_string())),
        (from, to) => Err(TranslateError::Unsupported { from, to }),
    }
}

/// Translates a successful (2xx) non-streaming upstream response body into the client API's shape.
pub fn translate_response(
    upstream: Api,
    client: Api,
    body: &[u8],
    ctx: &ResponseContext,
) -> Result<Vec<u8>, TranslateError> {
    match (upstream, client) {
        (Api::AnthropicMessages, Api::OpenAiChat) => {
            response::anthropic_to_openai::translate(body, ctx)
        }
        (Api::OpenAiChat, Api::AnthropicMessages) => {
            response::openai_to_anthropic::translate(body, ctx)
        }
        (Api::BedrockConverse, Api::OpenAiChat) => {
            response::bedrock_to_openai::translate(body, ctx)
        }
        (Api::BedrockConverse, Api::AnthropicMessages) => {
            response::bedrock_to_anthropic::translate(body, ctx)
        }
        (u, c) if u == c => Ok(body.to_vec()),
        (from, to) => Err(TranslateError::Unsupported { from, to }),
    }
}

/// Whether a client request asked for usage in its stream (`stream_options.include_usage` for OpenAI Chat;
/// Anthropic streams always carry usage). Use it to fill [`ResponseContext::include_usage`].
pub fn stream_usage_requested(client: Api, body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(default)]
        stream_options: Option<StreamOptions>,
    }
    #[derive(serde::Deserialize)]
    struct StreamOptions {
        #[serde(default)]
        include_usage: Option<bool>,
    }
    match client {
        Api::OpenAiChat => serde_json::from_slice::<Probe>(body)
            .ok()
            .and_then(|p| p.stream_options?.include_usage)
            .unwrap_or(false),
        _ => true,
    }
}
