//! The gateway's doorway to the pure wire and translation crates: request scanning, `model`
//! splicing, and the translation entry points with their errors mapped to [`GatewayError`].

use std::borrow::Cow;

use bytes::BytesMut;
use plano_catalog::Api;
use plano_catalog::models::is_openai_reasoning_model;
use plano_config::Provider;
use plano_translate::{
    MaxTokensField, RequestOptions, ResponseContext, ThinkingMapping, TranslateError,
};
use plano_wire::error::{self, ErrorKind};
use plano_wire::json_scan::{self, RequestScan};

use crate::error::GatewayError;
use crate::relay::RelayCtx;

pub use plano_translate::StreamTranslator;

/// What the passthrough path knows about a request body: only its top level.
pub struct Scan {
    raw: RequestScan,
    pub model: Option<String>,
    pub stream: bool,
    /// The body has top-level `routing_preferences` (see [`crate::routing`]).
    pub inline_preferences: bool,
}

/// Phase 2: validates the body as one JSON object and finds `model` and `stream`.
pub fn scan(body: &[u8]) -> Result<Scan, GatewayError> {
    let raw = json_scan::scan_request(body).map_err(|e| {
        GatewayError::bad_request("invalid_json", format!("invalid request body: {e}"))
    })?;
    let model = raw.model.map(|m| match m.value(body) {
        Cow::Borrowed(s) => s.to_string(),
        Cow::Owned(s) => s,
    });
    let stream = raw.stream.unwrap_or(false);
    Ok(Scan {
        inline_preferences: raw.routing_preferences,
        raw,
        model,
        stream,
    })
}

/// Whether an OpenAI client asked for usage in its stream (`stream_options.include_usage`).
/// Only the translated streaming path needs it, and that path parses the whole body anyway.
pub fn include_usage(client: Api, body: &[u8]) -> bool {
    plano_translate::stream_usage_requested(client, body)
}

/// Phase 4, same API: the original bytes with only `model` changed (or inserted).
pub fn with_model(body: &[u8], scan: &Scan, model: &str) -> Vec<u8> {
    json_scan::set_model_scanned(body, &scan.raw, model)
}

/// Phase 4, different APIs. Two choices depend on the provider: which OpenAI field carries
/// the token limit (OpenAI's own API wants `max_completion_tokens`, most OpenAI-compatible
/// servers only know `max_tokens`), and whether Anthropic `thinking` becomes `reasoning_effort`
/// (only reasoning models accept it; others would reject the whole request).
pub fn translate_request(
    client: Api,
    upstream: Api,
    provider: &Provider,
    body: &[u8],
    model: &str,
) -> Result<Vec<u8>, GatewayError> {
    let mut opts = RequestOptions::new(model);
    // Keyed on the prefix itself: a custom prefix with `provider_interface: openai` is an
    // OpenAI-compatible server, not OpenAI.
    let openai_itself = plano_catalog::lookup(&provider.prefix)
        .is_some_and(|spec| matches!(spec.id, "openai" | "azure_openai"));
    opts.openai_max_tokens_field = if openai_itself {
        MaxTokensField::MaxCompletionTokens
    } else {
        MaxTokensField::MaxTokens
    };
    opts.thinking_mapping = if is_openai_reasoning_model(model) {
        ThinkingMapping::ReasoningEffort
    } else {
        ThinkingMapping::Drop
    };
    plano_translate::translate_request(client, upstream, body, &opts)
        .map_err(|e| translate_failed(client, upstream, e))
}

fn response_context(ctx: &RelayCtx, created_unix: u64) -> ResponseContext {
    let mut rc = ResponseContext::new(created_unix, ctx.request_id.clone());
    rc.include_usage = ctx.include_usage;
    rc.fallback_model = ctx.model.clone();
    rc
}

pub fn translate_response(
    ctx: &RelayCtx,
    created_unix: u64,
    body: &[u8],
) -> Result<Vec<u8>, GatewayError> {
    plano_translate::translate_response(
        ctx.upstream_api,
        ctx.client_api,
        body,
        &response_context(ctx, created_unix),
    )
    .map_err(|e| {
        GatewayError::new(
            http::StatusCode::BAD_GATEWAY,
            "upstream_bad_response",
            format!("could not translate the provider's response: {e}"),
        )
    })
}

/// The `usage` of a whole non-streaming response body in `api`'s shape, in OpenAI's
/// convention; `None` when the body has none (or is not JSON). Only for bodies the relay has
/// read whole anyway (translated responses of a session to refresh): the passthrough path never
/// parses a body for this.
pub fn response_usage(api: Api, body: &[u8]) -> Option<plano_translate::Usage> {
    #[derive(serde::Deserialize)]
    struct Probe<U> {
        usage: Option<U>,
    }
    fn probe<U: serde::de::DeserializeOwned>(body: &[u8]) -> Option<U> {
        serde_json::from_slice::<Probe<U>>(body).ok()?.usage
    }
    use plano_translate::Usage;
    use plano_wire::{anthropic, bedrock, openai};
    match api {
        Api::OpenAiChat => probe::<openai::view::UsageView>(body).map(|u| {
            let cached = u.cached_tokens().unwrap_or(0);
            Usage::from_openai(
                u.prompt_tokens.unwrap_or(0),
                u.completion_tokens.unwrap_or(0),
                cached,
            )
        }),
        Api::AnthropicMessages => probe::<anthropic::view::UsageView>(body).map(|u| {
            Usage::from_anthropic(
                u.input_tokens.unwrap_or(0),
                u.output_tokens.unwrap_or(0),
                u.cache_read_input_tokens.unwrap_or(0),
                u.cache_creation_input_tokens.unwrap_or(0),
            )
        }),
        Api::BedrockConverse => probe::<bedrock::view::TokenUsageView>(body).map(|u| {
            Usage::from_anthropic(
                u.input_tokens.unwrap_or(0),
                u.output_tokens.unwrap_or(0),
                u.cache_read_input_tokens.unwrap_or(0),
                u.cache_write_input_tokens.unwrap_or(0),
            )
        }),
        // Never a translation's upstream.
        Api::OpenAiResponses => None,
    }
}

pub fn translate_error(upstream: Api, client: Api, status: u16, body: &[u8]) -> Vec<u8> {
    plano_translate::translate_error_body(upstream, client, status, body)
}

pub fn stream_translator(
    ctx: &RelayCtx,
    created_unix: u64,
) -> Result<Box<dyn StreamTranslator>, GatewayError> {
    Ok(plano_translate::stream_translator(
        ctx.upstream_api,
        ctx.client_api,
        response_context(ctx, created_unix),
    ))
}

/// A gateway error body in the client API's envelope.
pub fn error_body(api: Api, status: u16, message: &str, code: &str) -> Vec<u8> {
    let kind = ErrorKind::from_status(status);
    match api {
        Api::AnthropicMessages => error::anthropic_error_body(kind, message),
        _ => error::openai_error_body(kind, message, None, Some(code)),
    }
}

/// A provider's error body (any shape) re-wrapped in the client API's envelope, with `note`
/// appended to its message: the final answer after several failed attempts.
pub fn upstream_error_with_note(client: Api, status: u16, body: &[u8], note: &str) -> Vec<u8> {
    let parsed = error::parse_error_body(status, body);
    let message = format!("{} {note}", parsed.message);
    match client {
        Api::AnthropicMessages => error::anthropic_error_body(parsed.kind, &message),
        _ => error::openai_error_body(
            parsed.kind,
            &message,
            parsed.param.as_deref(),
            parsed.code.as_deref(),
        ),
    }
}

/// Appends the error event that ends a passthrough stream whose upstream failed.
pub fn write_stream_error(api: Api, message: &str, out: &mut BytesMut) {
    // After the head was sent the failure is always the provider's side: a bad gateway.
    let kind = ErrorKind::Server;
    match api {
        Api::AnthropicMessages => error::write_anthropic_stream_error(out, kind, message),
        _ => error::write_openai_stream_error(out, kind, message, Some("upstream_stream_error")),
    }
}

fn translate_failed(client: Api, upstream: Api, e: TranslateError) -> GatewayError {
    match e {
        TranslateError::Unsupported { .. } => GatewayError::new(
            http::StatusCode::NOT_IMPLEMENTED,
            "unsupported_translation",
            format!("translating {client} requests to {upstream} is not supported yet"),
        ),
        other => GatewayError::bad_request("invalid_request", format!("invalid request: {other}")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use plano_translate::Usage;

    #[test]
    fn response_usage_reads_each_upstream_shape() {
        let openai =
            br#"{"id":"x","choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":5,
            "prompt_tokens_details":{"cached_tokens":1000}}}"#;
        assert_eq!(
            response_usage(Api::OpenAiChat, openai),
            Some(Usage::from_openai(1200, 5, 1000))
        );
        let anthropic = br#"{"type":"message","content":[],"usage":{"input_tokens":12,
            "output_tokens":6,"cache_read_input_tokens":100,"cache_creation_input_tokens":20}}"#;
        let u = response_usage(Api::AnthropicMessages, anthropic).unwrap();
        assert_eq!((u.input_tokens, u.cached_input_tokens), (132, 100));
        let bedrock = br#"{"output":{},"usage":{"inputTokens":12,"outputTokens":6,
            "cacheReadInputTokens":100,"cacheWriteInputTokens":20}}"#;
        assert_eq!(response_usage(Api::BedrockConverse, bedrock), Some(u));
        assert_eq!(response_usage(Api::OpenAiChat, br#"{"choices":[]}"#), None);
        assert_eq!(response_usage(Api::AnthropicMessages, b"not json"), None);
    }
}
