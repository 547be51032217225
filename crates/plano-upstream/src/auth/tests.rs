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
        auth_style: None,
        aws_region: None,
        aws_credentials: None,
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

#[test]
fn auth_style_overrides_the_family_style() {
    use plano_catalog::AuthStyle;
    let mut p = provider("anthropic/claude", Some("sk-ant"), false);
    p.auth_style = Some(AuthStyle::Bearer);
    let out = ProviderHeaders::new(&p)
        .unwrap()
        .build(Api::AnthropicMessages, &HeaderMap::new());
    assert_eq!(out["authorization"], "Bearer sk-ant");
    assert!(out.get("x-api-key").is_none());
    assert_eq!(out["anthropic-version"], super::DEFAULT_ANTHROPIC_VERSION);

    let mut p = provider("openai/gpt-4o", Some("sk-o"), false);
    p.auth_style = Some(AuthStyle::AnthropicKey);
    let out = ProviderHeaders::new(&p)
        .unwrap()
        .build(Api::OpenAiChat, &HeaderMap::new());
    assert_eq!(out["x-api-key"], "sk-o");
    assert!(out.get("authorization").is_none());

    p.auth_style = Some(AuthStyle::AzureKey);
    let out = ProviderHeaders::new(&p)
        .unwrap()
        .build(Api::OpenAiChat, &HeaderMap::new());
    assert_eq!(out["api-key"], "sk-o");
    assert!(out.get("authorization").is_none());
}

#[test]
fn sigv4_provider_signs_instead_of_sending_a_key() {
    use plano_catalog::AuthStyle;
    use plano_config::AwsCredentials;
    let mut p = provider("amazon_bedrock/m", Some("ignored-key"), false);
    p.auth_style = Some(AuthStyle::AwsSigV4);
    // Without credentials the provider cannot be built.
    assert!(ProviderHeaders::new(&p).is_err());
    p.aws_region = Some("us-east-1".into());
    p.aws_credentials = Some(AwsCredentials {
        access_key_id: Secret::new("AKID"),
        secret_access_key: Secret::new("top-secret"),
        session_token: None,
    });
    let h = ProviderHeaders::new(&p).unwrap();
    assert!(!format!("{h:?}").contains("top-secret"));
    let mut out = h.build(
        Api::BedrockConverse,
        &client_headers(&[("x-amz-date", "19990101T000000Z")]),
    );
    assert!(out.get("authorization").is_none());
    assert!(out.get("x-amz-date").is_none());

    let now = std::time::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    let url = h
        .sigv4()
        .unwrap()
        .sign(
            "https://bedrock-runtime.us-east-1.amazonaws.com:443/model/a:0/converse",
            &mut out,
            b"{}",
            now,
        )
        .unwrap();
    assert_eq!(
        url, "https://bedrock-runtime.us-east-1.amazonaws.com/model/a:0/converse",
        "default port dropped so Host, :authority and the signature agree"
    );
    assert_eq!(out["host"], "bedrock-runtime.us-east-1.amazonaws.com");
    assert_eq!(out["x-amz-date"], "20150830T123600Z");
    assert_eq!(out["x-amz-content-sha256"], crate::sigv4::sha256_hex(b"{}"));
    assert!(out.get("x-amz-security-token").is_none());
    let auth = out["authorization"].to_str().unwrap();
    assert!(auth.starts_with(
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/bedrock/aws4_request, \
         SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature="
    ));
    assert!(out["authorization"].is_sensitive());
}
