//! The provider table: one row per provider prefix.
//!
//! A row says where a provider lives when the config gives no `base_url`, which path prefix its
//! API sits under, how it authenticates and which client APIs it serves natively. Everything the
//! gateway does differently per provider is read from here; code never matches on provider names.
//!
//! Facts come from the behavioral spec (§2.1–2.4) and the seed `supported-providers.rst`.
//! Deliberate differences from upstream Plano, each a fix of an upstream quirk:
//! - Azure OpenAI authenticates with the `api-key` header (upstream sent a Bearer token).
//! - An OpenAI Chat client reaching Anthropic is translated to the Messages API instead of using
//!   Anthropic's OpenAI-compatibility endpoint, so thinking, caching and tool semantics survive.
//! - Anthropic clients reaching any OpenAI-style provider get that provider's real path prefix
//!   (upstream used `/v1` for all of them, breaking gemini/groq/zhipu/qwen/azure).

use crate::api::Api;

/// How a provider expects its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthStyle {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `x-api-key: <key>` plus `anthropic-version` (Anthropic Messages).
    AnthropicKey,
    /// `api-key: <key>` (Azure OpenAI).
    AzureKey,
    /// AWS Signature Version 4 over the request (Bedrock with IAM credentials). No catalog row
    /// defaults to it: a config opts in with `auth_style: aws_sigv4`.
    AwsSigV4,
}

/// Which path layout a provider uses for its API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathStyle {
    /// `<prefix>/chat/completions`, `<prefix>/responses`, `<prefix>/messages`.
    Standard,
    /// Azure deployments: `<prefix>/<model>/chat/completions?api-version=<v>`.
    AzureDeployments,
    /// Bedrock runtime: `<prefix>/model/<model>/converse[-stream]`.
    BedrockConverse,
}

/// One provider family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderSpec {
    /// Canonical prefix, as written before the `/` in `model: <prefix>/<id>`.
    pub id: &'static str,
    /// Other accepted spellings of the prefix (`google` for `gemini`, ...).
    pub aliases: &'static [&'static str],
    /// What `GET /v1/models` reports as `owned_by`.
    pub display: &'static str,
    /// Scheme, host and port used when the config gives no `base_url`.
    pub default_origin: Option<&'static str>,
    /// Path prefix used when `base_url` has no path of its own.
    pub default_path_prefix: &'static str,
    /// Upstream Plano demands a `base_url` for this prefix.
    pub base_url_required: bool,
    /// May be named as `provider_interface` of a custom prefix.
    pub usable_as_interface: bool,
    pub auth: AuthStyle,
    pub path_style: PathStyle,
    /// Serves the Anthropic Messages API natively.
    pub native_messages: bool,
    /// Serves the OpenAI Responses API natively.
    pub native_responses: bool,
    /// Serves OpenAI Chat Completions natively.
    pub native_chat: bool,
}

impl ProviderSpec {
    /// The API this provider should receive for a request that a client sent in `client`.
    ///
    /// Native APIs are preferred (lossless passthrough); otherwise the request is translated to
    /// the provider's primary API.
    pub const fn upstream_api_for(&self, client: Api) -> Api {
        if matches!(self.path_style, PathStyle::BedrockConverse) {
            return Api::BedrockConverse;
        }
        match client {
            Api::AnthropicMessages if self.native_messages => Api::AnthropicMessages,
            Api::OpenAiResponses if self.native_responses => Api::OpenAiResponses,
            Api::OpenAiChat if self.native_chat => Api::OpenAiChat,
            _ if self.native_chat => Api::OpenAiChat,
            _ => Api::AnthropicMessages,
        }
    }

    /// The default base URL (origin + default path prefix), if the provider has a public host.
    pub fn default_base_url(&self) -> Option<String> {
        self.default_origin
            .map(|o| format!("{o}{}", self.default_path_prefix))
    }
}

const fn openai_compatible(
    id: &'static str,
    display: &'static str,
    origin: Option<&'static str>,
    prefix: &'static str,
) -> ProviderSpec {
    ProviderSpec {
        id,
        aliases: &[],
        display,
        default_origin: origin,
        default_path_prefix: prefix,
        base_url_required: false,
        usable_as_interface: true,
        auth: AuthStyle::Bearer,
        path_style: PathStyle::Standard,
        native_messages: false,
        native_responses: false,
        native_chat: true,
    }
}

/// Every provider family the gateway knows, in the order `planoai validate` lists them.
pub static TABLE: &[ProviderSpec] = &[
    ProviderSpec {
        native_responses: true,
        ..openai_compatible("openai", "OpenAI", Some("https://api.openai.com"), "/v1")
    },
    ProviderSpec {
        auth: AuthStyle::AnthropicKey,
        native_messages: true,
        native_chat: false,
        ..openai_compatible(
            "anthropic",
            "Anthropic",
            Some("https://api.anthropic.com"),
            "/v1",
        )
    },
    openai_compatible(
        "deepseek",
        "Deepseek",
        Some("https://api.deepseek.com"),
        "/v1",
    ),
    openai_compatible("mistral", "Mistral", Some("https://api.mistral.ai"), "/v1"),
    openai_compatible("groq", "Groq", Some("https://api.groq.com"), "/openai/v1"),
    ProviderSpec {
        aliases: &["google"],
        ..openai_compatible(
            "gemini",
            "Gemini",
            Some("https://generativelanguage.googleapis.com"),
            "/v1beta/openai",
        )
    },
    ProviderSpec {
        aliases: &["together"],
        ..openai_compatible(
            "together_ai",
            "together_ai",
            Some("https://api.together.xyz"),
            "/v1",
        )
    },
    ProviderSpec {
        native_responses: true,
        ..openai_compatible("xai", "xai", Some("https://api.x.ai"), "/v1")
    },
    openai_compatible(
        "moonshotai",
        "moonshotai",
        Some("https://api.moonshot.ai"),
        "/v1",
    ),
    openai_compatible(
        "zhipu",
        "zhipu",
        Some("https://open.bigmodel.cn"),
        "/api/paas/v4",
    ),
    openai_compatible(
        "xiaomi",
        "xiaomi",
        Some("https://api.xiaomimimo.com"),
        "/v1",
    ),
    ProviderSpec {
        aliases: &["do", "do_ai"],
        ..openai_compatible(
            "digitalocean",
            "digitalocean",
            Some("https://inference.do-ai.run"),
            "/v1",
        )
    },
    ProviderSpec {
        native_messages: true,
        native_responses: true,
        ..openai_compatible(
            "vercel",
            "vercel",
            Some("https://ai-gateway.vercel.sh"),
            "/v1",
        )
    },
    openai_compatible(
        "openrouter",
        "openrouter",
        Some("https://openrouter.ai"),
        "/api/v1",
    ),
    openai_compatible("edenai", "edenai", Some("https://api.edenai.run"), "/v3"),
    ProviderSpec {
        native_responses: true,
        ..openai_compatible(
            "chatgpt",
            "chatgpt",
            Some("https://chatgpt.com"),
            "/backend-api/codex",
        )
    },
    ProviderSpec {
        base_url_required: true,
        usable_as_interface: false,
        auth: AuthStyle::AzureKey,
        path_style: PathStyle::AzureDeployments,
        ..openai_compatible("azure_openai", "azure_openai", None, "/openai/deployments")
    },
    ProviderSpec {
        base_url_required: true,
        usable_as_interface: false,
        ..openai_compatible("ollama", "ollama", None, "/v1")
    },
    ProviderSpec {
        base_url_required: true,
        usable_as_interface: false,
        ..openai_compatible("qwen", "qwen", None, "/compatible-mode/v1")
    },
    ProviderSpec {
        aliases: &["amazon"],
        base_url_required: true,
        usable_as_interface: false,
        path_style: PathStyle::BedrockConverse,
        native_chat: false,
        ..openai_compatible("amazon_bedrock", "amazon_bedrock", None, "")
    },
    ProviderSpec {
        base_url_required: true,
        ..openai_compatible("plano", "Plano", Some("https://archfc.katanemo.dev"), "/v1")
    },
];

/// Finds a provider family by prefix or alias, ignoring ASCII case.
pub fn lookup(prefix: &str) -> Option<&'static ProviderSpec> {
    TABLE.iter().find(|p| {
        p.id.eq_ignore_ascii_case(prefix)
            || p.aliases.iter().any(|a| a.eq_ignore_ascii_case(prefix))
    })
}

/// The ids that may be used as `provider_interface` for a custom prefix.
pub fn interface_ids() -> impl Iterator<Item = &'static str> {
    TABLE.iter().filter(|p| p.usable_as_interface).map(|p| p.id)
}

/// The ids that need no `base_url`.
pub fn builtin_ids() -> impl Iterator<Item = &'static str> {
    TABLE.iter().map(|p| p.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_accepts_aliases_and_case() {
        assert_eq!(lookup("google").map(|p| p.id), Some("gemini"));
        assert_eq!(lookup("Together").map(|p| p.id), Some("together_ai"));
        assert_eq!(lookup("amazon").map(|p| p.id), Some("amazon_bedrock"));
        assert_eq!(lookup("do_ai").map(|p| p.id), Some("digitalocean"));
        assert!(lookup("custom").is_none());
    }

    #[test]
    fn api_matrix() {
        let openai = lookup("openai").unwrap();
        let anthropic = lookup("anthropic").unwrap();
        let groq = lookup("groq").unwrap();
        let bedrock = lookup("amazon_bedrock").unwrap();
        assert_eq!(openai.upstream_api_for(Api::OpenAiChat), Api::OpenAiChat);
        assert_eq!(
            openai.upstream_api_for(Api::AnthropicMessages),
            Api::OpenAiChat
        );
        assert_eq!(
            openai.upstream_api_for(Api::OpenAiResponses),
            Api::OpenAiResponses
        );
        assert_eq!(
            anthropic.upstream_api_for(Api::OpenAiChat),
            Api::AnthropicMessages
        );
        assert_eq!(
            anthropic.upstream_api_for(Api::AnthropicMessages),
            Api::AnthropicMessages
        );
        assert_eq!(
            groq.upstream_api_for(Api::AnthropicMessages),
            Api::OpenAiChat
        );
        assert_eq!(
            bedrock.upstream_api_for(Api::OpenAiChat),
            Api::BedrockConverse
        );
    }

    #[test]
    fn ids_are_unique() {
        for (i, a) in TABLE.iter().enumerate() {
            for b in &TABLE[i + 1..] {
                assert_ne!(a.id, b.id);
                assert!(!b.aliases.contains(&a.id));
            }
        }
    }
}
