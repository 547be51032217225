//! Header building: who gets which credential, and what never crosses the gateway.

use std::time::Duration;

use http::HeaderMap;
use plano_catalog::Api;
use plano_config::{Provider, Secret};

use super::ProviderHeaders;

fn provider(model: &str, key: Option<&str>, passthrough: bool) -> Provider {
    let (prefix, id) = model.split_once('/').unwrap();
    Provider {
        name: model.into(),
        model: model.into(),
        prefix: prefix.into(),
        model_id: id.into(),
        wildcard: id == "*",
        spec: plano_catalog::lookup(prefix)
            .unwrap_or_else(|| plano_catalog::lookup("openai").unwrap()),
        access_key: key.map(Secret::new),
        default: false,
        base_url: None,
        passthrough_auth: passthrough,
        http_host: None,
        headers: vec![("x-org".into(), Secret::new("acme"))],
        api_version: None,
        connect_timeout: Duration::from_secs(5),
        first_byte_timeout: None,
        idle_timeout: None,
        retry_policy: None,
        internal: false,
    }
}

fn client_headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.append(
            http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    h
}

#[test]
fn access_key_replaces_client_credentials() {
    let h = ProviderHeaders::new(&provider("openai/gpt-4o", Some("sk-prov"), false)).unwrap();
    let out = h.build(
        Api::OpenAiChat,
        &client_headers(&[
            ("authorization", "Bearer client-key"),
            ("x-api-key", "client-key"),
            ("cookie", "s=1"),
            ("user-agent", "sdk/1"),
            ("content-length", "10"),
        ]),
    );
    assert_eq!(out["authorization"], "Bearer sk-prov");
    assert!(out.get("x-api-key").is_none());
    assert!(out.get("cookie").is_none());
    assert!(out.get("content-length").is_none());
    assert_eq!(out["user-agent"], "sdk/1");
    assert_eq!(out["x-org"], "acme");
    assert!(out["authorization"].is_sensitive());
}

#[test]
fn anthropic_gets_x_api_key_and_version() {
    let h = ProviderHeaders::new(&provider("anthropic/claude", Some("sk-ant"), false)).unwrap();
    let out = h.build(
        Api::AnthropicMessages,
        &client_headers(&[("authorization", "Bearer c")]),
    );
    assert_eq!(out["x-api-key"], "sk-ant");
    assert_eq!(out["anthropic-version"], super::DEFAULT_ANTHROPIC_VERSION);
    assert!(out.get("authorization").is_none());

    let out = h.build(
        Api::AnthropicMessages,
        &client_headers(&[
            ("anthropic-version", "2024-01-01"),
            ("anthropic-beta", "b1"),
        ]),
    );
    assert_eq!(out["anthropic-version"], "2024-01-01");
    assert_eq!(out["anthropic-beta"], "b1");
}

#[test]
fn anthropic_headers_do_not_reach_openai_style_apis() {
    let h = ProviderHeaders::new(&provider("openai/gpt-4o", Some("k"), false)).unwrap();
    let out = h.build(
        Api::OpenAiChat,
        &client_headers(&[("anthropic-version", "2023-06-01")]),
    );
    assert!(out.get("anthropic-version").is_none());
}

#[test]
fn passthrough_forwards_the_client_credential_in_the_provider_style() {
    let h = ProviderHeaders::new(&provider("openai/gpt-4o", Some("ignored"), true)).unwrap();
    let out = h.build(
        Api::OpenAiChat,
        &client_headers(&[("authorization", "Bearer client-key")]),
    );
    assert_eq!(out["authorization"], "Bearer client-key");

    let h = ProviderHeaders::new(&provider("anthropic/claude", None, true)).unwrap();
    let out = h.build(
        Api::AnthropicMessages,
        &client_headers(&[("authorization", "Bearer ck")]),
    );
    assert_eq!(out["x-api-key"], "ck");
    let out = h.build(
        Api::AnthropicMessages,
        &client_headers(&[("x-api-key", "xk")]),
    );
    assert_eq!(out["x-api-key"], "xk");
    let out = h.build(Api::AnthropicMessages, &client_headers(&[]));
    assert!(out.get("x-api-key").is_none());
}

#[test]
fn azure_uses_api_key_header() {
    let h = ProviderHeaders::new(&provider("azure_openai/gpt-4o", Some("az"), false)).unwrap();
    let out = h.build(Api::OpenAiChat, &HeaderMap::new());
    assert_eq!(out["api-key"], "az");
    assert!(out.get("authorization").is_none());
}

#[test]
fn gateway_control_headers_stay_inside() {
    let h = ProviderHeaders::new(&provider("openai/gpt-4o", Some("k"), false)).unwrap();
    let out = h.build(
        Api::OpenAiChat,
        &client_headers(&[("x-arch-llm-provider-hint", "x"), ("x-plano-cache", "off")]),
    );
    assert!(out.get("x-arch-llm-provider-hint").is_none());
    assert!(out.get("x-plano-cache").is_none());
}
