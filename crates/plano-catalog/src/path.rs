//! The upstream path rule.
//!
//! Upstream URL = origin + path prefix + per-API suffix, where the path prefix is the `base_url`'s
//! own path when it has one and the provider's default prefix otherwise. This reproduces every
//! worked example of the spec (§2.2) and the seed's "Base URL Configuration" section, and avoids
//! upstream's double `/v1` for base URLs that already end in `/v1`.

use crate::api::Api;
use crate::providers::{PathStyle, ProviderSpec};

/// Azure OpenAI `api-version` used when the config does not set one.
pub const DEFAULT_AZURE_API_VERSION: &str = "2025-01-01-preview";

/// The path prefix to use: the `base_url` path when non-empty (and not just `/`), else the
/// provider default. `custom_prefix` is the prefix the user wrote before `/` in `model:`; a
/// `perplexity/...` custom provider uses unversioned paths (`/chat/completions`), as upstream does.
pub fn effective_prefix<'a>(
    spec: &'a ProviderSpec,
    custom_prefix: &str,
    base_url_path: Option<&'a str>,
) -> &'a str {
    match base_url_path.map(|p| p.trim_end_matches('/')) {
        Some(p) if !p.is_empty() => p,
        _ if custom_prefix.eq_ignore_ascii_case("perplexity") => "",
        _ => spec.default_path_prefix,
    }
}

/// Builds the request path (and query) for `api` on a provider of `spec`.
///
/// `prefix` comes from [`effective_prefix`]; `model` is the model id sent upstream (prefix
/// stripped). Bedrock model ids are not URL-encoded, matching what Bedrock accepts.
pub fn upstream_path(
    spec: &ProviderSpec,
    prefix: &str,
    api: Api,
    model: &str,
    stream: bool,
    azure_api_version: Option<&str>,
) -> String {
    let prefix = prefix.trim_end_matches('/');
    let lead = if prefix.is_empty() || prefix.starts_with('/') {
        ""
    } else {
        "/"
    };
    match spec.path_style {
        PathStyle::BedrockConverse => {
            let op = if stream {
                "converse-stream"
            } else {
                "converse"
            };
            format!("{lead}{prefix}/model/{model}/{op}")
        }
        PathStyle::AzureDeployments => {
            let version = azure_api_version.unwrap_or(DEFAULT_AZURE_API_VERSION);
            format!(
                "{lead}{prefix}/{model}/{}?api-version={version}",
                suffix(api)
            )
        }
        PathStyle::Standard => format!("{lead}{prefix}/{}", suffix(api)),
    }
}

const fn suffix(api: Api) -> &'static str {
    match api {
        Api::OpenAiChat | Api::BedrockConverse => "chat/completions",
        Api::AnthropicMessages => "messages",
        Api::OpenAiResponses => "responses",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::lookup;

    fn path(
        provider: &str,
        base_path: Option<&str>,
        api: Api,
        model: &str,
        stream: bool,
    ) -> String {
        let spec = lookup(provider).unwrap_or_else(|| lookup("openai").unwrap());
        let prefix = effective_prefix(spec, provider, base_path);
        upstream_path(spec, prefix, api, model, stream, None)
    }

    #[test]
    fn worked_examples_of_the_spec() {
        use Api::*;
        assert_eq!(
            path("openai", None, OpenAiChat, "gpt-4o", false),
            "/v1/chat/completions"
        );
        assert_eq!(
            path("openai", None, OpenAiResponses, "gpt-4o", false),
            "/v1/responses"
        );
        assert_eq!(
            path("groq", None, OpenAiChat, "m", false),
            "/openai/v1/chat/completions"
        );
        assert_eq!(
            path("zhipu", None, OpenAiChat, "glm", false),
            "/api/paas/v4/chat/completions"
        );
        assert_eq!(
            path(
                "zhipu",
                Some("/api/coding/paas/v4"),
                OpenAiChat,
                "glm",
                false
            ),
            "/api/coding/paas/v4/chat/completions"
        );
        assert_eq!(
            path("azure_openai", None, OpenAiChat, "gpt-4-deployment", false),
            "/openai/deployments/gpt-4-deployment/chat/completions?api-version=2025-01-01-preview"
        );
        assert_eq!(
            path(
                "azure_openai",
                Some("/custom/azure/path"),
                OpenAiChat,
                "gpt-4-deployment",
                false
            ),
            "/custom/azure/path/gpt-4-deployment/chat/completions?api-version=2025-01-01-preview"
        );
        assert_eq!(
            path(
                "amazon_bedrock",
                None,
                OpenAiChat,
                "us.amazon.nova-pro-v1:0",
                true
            ),
            "/model/us.amazon.nova-pro-v1:0/converse-stream"
        );
        assert_eq!(
            path(
                "amazon_bedrock",
                Some("/custom/path"),
                OpenAiChat,
                "m",
                false
            ),
            "/custom/path/model/m/converse"
        );
        assert_eq!(
            path("anthropic", Some("/api/v2"), AnthropicMessages, "c", false),
            "/api/v2/messages"
        );
        assert_eq!(
            path("openai", Some("/custom/api/v2"), OpenAiChat, "m", false),
            "/custom/api/v2/chat/completions"
        );
        assert_eq!(
            path("openai", Some("/"), OpenAiChat, "m", false),
            "/v1/chat/completions"
        );
        assert_eq!(
            path("gemini", None, OpenAiChat, "g", false),
            "/v1beta/openai/chat/completions"
        );
        assert_eq!(
            path("qwen", None, OpenAiChat, "q", false),
            "/compatible-mode/v1/chat/completions"
        );
        assert_eq!(
            path("perplexity", None, OpenAiChat, "sonar", false),
            "/chat/completions"
        );
    }

    #[test]
    fn base_urls_ending_in_v1_get_no_double_v1() {
        assert_eq!(
            path("groq", Some("/openai/v1"), Api::OpenAiChat, "m", false),
            "/openai/v1/chat/completions"
        );
        assert_eq!(
            path("ollama", Some("/v1/"), Api::OpenAiChat, "m", false),
            "/v1/chat/completions"
        );
    }

    #[test]
    fn anthropic_clients_get_the_provider_prefix() {
        // Upstream sent `/v1/chat/completions` to every OpenAI-style provider for Anthropic clients.
        let spec = lookup("gemini").unwrap();
        let api = spec.upstream_api_for(Api::AnthropicMessages);
        assert_eq!(
            upstream_path(spec, spec.default_path_prefix, api, "g", false, None),
            "/v1beta/openai/chat/completions"
        );
    }
}
