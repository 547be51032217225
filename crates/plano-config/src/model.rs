//! The validated, normalized configuration the runtime uses.
//!
//! Every reference is resolved, every default applied, every duration parsed and every secret
//! wrapped. Nothing here is `Deserialize`: the only way to get a [`Config`] is through
//! [`crate::load_file`] or [`crate::load_str`], which validate. Raw YAML shapes (every
//! version, legacy forms) live in `raw.rs` and never reach the runtime.

use std::time::Duration;

use indexmap::IndexMap;
use plano_catalog::{AuthStyle, ProviderSpec};

use crate::secret::Secret;

/// A fully validated Plano configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The `version` string as written in the file (`v0.3.0`, `0.2.0`, ...).
    pub version: String,
    pub listeners: Vec<Listener>,
    /// Model providers in declaration order (explicit and wildcard).
    pub providers: Vec<Provider>,
    /// `model_aliases`: alias name → target model string (as written in the config).
    pub model_aliases: IndexMap<String, String>,
    /// Top-level routing preferences, after migrating v0.3.0 inline preferences.
    pub routing_preferences: Vec<RoutingPreference>,
    pub routing: Routing,
    /// Set when routing preferences exist or `overrides.llm_routing_model` names a router.
    pub router: Option<RouterModel>,
    pub overrides: Overrides,
    /// `agents` then `filters`, ids unique across both lists.
    pub agents: Vec<Agent>,
    pub filters: Vec<Agent>,
    pub endpoints: IndexMap<String, Endpoint>,
    pub system_prompt: Option<String>,
    pub prompt_targets: Vec<PromptTarget>,
    pub prompt_guards: Option<PromptGuards>,
    pub ratelimits: Vec<RateLimit>,
    pub tracing: Option<Tracing>,
    pub state_storage: Option<StateStorage>,
    pub prompt_caching: PromptCaching,
    pub model_metrics_sources: Vec<MetricsSource>,
    /// Non-fatal findings (deprecations, migrations, ignored keys), in the order found.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenerKind {
    Model,
    Prompt,
    Agent,
}

#[derive(Debug, Clone)]
pub struct Listener {
    pub name: String,
    pub kind: ListenerKind,
    /// Bind address, default `0.0.0.0`.
    pub address: String,
    /// Port; defaults 12000 (model), 10000 (prompt). Agent listeners must set it.
    pub port: u16,
    /// Whole-request timeout; defaults 300 s (model, prompt) and 30 s (agent).
    pub timeout: Duration,
    /// Legacy same-provider retries (`max_retries`), model listener only.
    pub max_retries: Option<u32>,
    /// Largest request body accepted, in bytes (extension key `max_request_body_bytes`,
    /// default 32 MiB).
    pub max_request_body_bytes: usize,
    pub agents: Vec<ListenerAgent>,
    pub input_filters: Vec<String>,
    pub output_filters: Vec<String>,
    pub router: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ListenerAgent {
    pub id: String,
    pub description: String,
    pub default: bool,
    pub input_filters: Vec<String>,
}

/// A parsed `base_url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `http` or `https`.
    pub scheme: String,
    pub host: String,
    /// Explicit port, else 80/443 by scheme.
    pub port: u16,
    /// The path without trailing `/`; empty when the URL had none (or just `/`).
    pub path: String,
}

impl BaseUrl {
    /// `scheme://host:port` — the origin requests go to.
    pub fn origin(&self) -> String {
        format!("{}://{}:{}", self.scheme, self.host, self.port)
    }
}

/// One entry of `model_providers` (or the deprecated `llm_providers`).
#[derive(Debug, Clone)]
pub struct Provider {
    /// Unique key: the explicit `name`, else the full `model` string.
    pub name: String,
    /// The full `model` string as written (`openai/gpt-4o`, `custom/*`).
    pub model: String,
    /// The text before the first `/` (`openai`, `custom`).
    pub prefix: String,
    /// The text after the first `/`, sent upstream as `model` (`gpt-4o`); `*` for wildcards.
    pub model_id: String,
    /// `model` is `prefix/*`.
    pub wildcard: bool,
    /// The provider family whose rules apply: the prefix's own row, or `provider_interface`'s
    /// row for a custom prefix.
    pub spec: &'static ProviderSpec,
    pub access_key: Option<Secret>,
    pub default: bool,
    pub base_url: Option<BaseUrl>,
    pub passthrough_auth: bool,
    pub http_host: Option<String>,
    /// Extra headers set on every upstream request, after auth.
    pub headers: Vec<(String, Secret)>,
    /// Azure `api-version` (extension key `api_version`).
    pub api_version: Option<String>,
    /// Connect timeout (extension key `connect_timeout`, default `overrides.upstream_connect_timeout`).
    pub connect_timeout: Duration,
    /// Time allowed until response headers arrive (extension key `first_byte_timeout`).
    pub first_byte_timeout: Option<Duration>,
    /// Longest silence allowed between two body chunks (extension key `idle_timeout`).
    pub idle_timeout: Option<Duration>,
    pub retry_policy: Option<RetryPolicy>,
    /// Hidden from `/v1/models` (providers the gateway adds for itself).
    pub internal: bool,
    /// Credential style override (extension key `auth_style`); `None` = the family's style
    /// (`spec.auth`, with the Anthropic Messages API always taking `x-api-key`).
    pub auth_style: Option<AuthStyle>,
    /// SigV4 region (extension key `aws_region`, else parsed from a
    /// `bedrock-runtime.<region>.amazonaws.com` base_url); set exactly when `auth_style` is
    /// `aws_sigv4`.
    pub aws_region: Option<String>,
    /// SigV4 credentials from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` /
    /// `AWS_SESSION_TOKEN` (process environment or `.env`); set when `auth_style` is `aws_sigv4`
    /// and both required variables were found.
    pub aws_credentials: Option<AwsCredentials>,
}

/// AWS credentials for SigV4 signing. Every field redacts in `Debug`.
#[derive(Debug, Clone)]
pub struct AwsCredentials {
    pub access_key_id: Secret,
    pub secret_access_key: Secret,
    /// Temporary credentials (STS) come with a session token, sent as `x-amz-security-token`.
    pub session_token: Option<Secret>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryStrategy {
    SameModel,
    SameProvider,
    DifferentProvider,
}

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Ordered full model names (`prefix/model`) or provider names; each exists.
    pub fallback_models: Vec<String>,
    pub default_strategy: RetryStrategy,
    /// Total attempts including the first.
    pub default_max_attempts: u32,
    pub on_status_codes: Vec<StatusRule>,
    pub on_timeout: Option<TimeoutRule>,
    pub backoff: Option<Backoff>,
    pub max_retry_duration: Option<Duration>,
    /// Whether, after the fallback list, the remaining providers are tried (default true).
    pub try_remaining_providers: bool,
}

#[derive(Debug, Clone)]
pub struct StatusRule {
    pub codes: Vec<u16>,
    pub strategy: RetryStrategy,
    pub max_attempts: u32,
}

#[derive(Debug, Clone)]
pub struct TimeoutRule {
    pub strategy: RetryStrategy,
    pub max_attempts: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackoffScope {
    SameModel,
    SameProvider,
    All,
}

#[derive(Debug, Clone)]
pub struct Backoff {
    pub apply_to: BackoffScope,
    pub base: Duration,
    pub max: Duration,
    pub jitter: bool,
}

#[derive(Debug, Clone)]
pub struct RoutingPreference {
    pub name: String,
    pub description: String,
    /// Ordered candidates; each names a provider (`name`, full model or model id).
    pub models: Vec<String>,
    pub prefer: SelectionPreference,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SelectionPreference {
    #[default]
    None,
    Cheapest,
    Fastest,
}

#[derive(Debug, Clone, Default)]
pub struct Routing {
    pub llm_provider: Option<String>,
    pub model: Option<String>,
    pub session_ttl_seconds: Option<u64>,
    pub session_max_entries: Option<u64>,
    pub session_cache: Option<SessionCache>,
    pub routing_budget: Option<RoutingBudget>,
    pub route_on_user_only: bool,
    /// Our extension: how long the router call may take before the request goes on without a
    /// route (`None`: the gateway's default).
    pub router_timeout: Option<Duration>,
    /// Our extension: the router's prompt/answer format, `plano_orchestrator_v1` or
    /// `arch_router_v1` (`None`: chosen from the router model's name).
    pub router_flavor: Option<String>,
}

/// The model that answers routing questions (spec §4.2, §4.10): an ordinary provider of the
/// config — declared by the user, or the internal `plano-orchestrator` added for them.
#[derive(Debug, Clone)]
pub struct RouterModel {
    /// Index into `Config::providers`.
    pub provider: usize,
    /// The model id sent in the router call's body.
    pub model: String,
}

#[derive(Debug, Clone)]
pub struct SessionCache {
    /// `memory` or `redis`.
    pub kind: String,
    pub url: Option<Secret>,
    pub tenant_header: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RoutingBudget {
    pub max_switch_spend_pct: f64,
    pub replenish_on_rebind: bool,
    pub cache_read_discount: f64,
    pub record_counterfactual: bool,
}

#[derive(Debug, Clone)]
pub struct Overrides {
    pub prompt_target_intent_matching_threshold: Option<f64>,
    pub optimize_context_window: bool,
    pub use_agent_orchestrator: bool,
    pub disable_signals: bool,
    /// Default 5 s.
    pub upstream_connect_timeout: Duration,
    pub upstream_tls_ca_path: Option<String>,
    pub llm_routing_model: Option<String>,
    pub agent_orchestration_model: Option<String>,
    /// Token budget of the router prompt; `None`: the router flavor's default (8192 for
    /// Plano-Orchestrator v1, 2048 for Arch-Router).
    pub orchestrator_model_context_length: Option<u32>,
}

/// An entry of `agents` or `filters`.
#[derive(Debug, Clone)]
pub struct Agent {
    pub id: String,
    pub url: String,
    /// Filters: `mcp` (default) or `http`. Agents: `None`.
    pub kind: Option<String>,
    pub transport: Option<String>,
    /// MCP tool name, default the id (filters only).
    pub tool: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub endpoint: String,
    pub connect_timeout: Option<Duration>,
    pub protocol: String,
    pub http_host: Option<String>,
    pub prefix_affinity: bool,
}

#[derive(Debug, Clone)]
pub struct PromptTarget {
    pub name: String,
    pub description: String,
    pub default: bool,
    pub auto_llm_dispatch_on_response: bool,
    pub parameters: Vec<PromptParameter>,
    pub endpoint: Option<PromptEndpoint>,
    pub system_prompt: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PromptParameter {
    pub name: String,
    pub description: String,
    pub kind: String,
    pub required: bool,
    pub default: Option<serde_json::Value>,
    pub enum_values: Vec<serde_json::Value>,
    pub in_path: bool,
    pub format: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PromptEndpoint {
    pub name: String,
    pub path: String,
    pub http_method: String,
    pub http_headers: Vec<(String, Secret)>,
}

#[derive(Debug, Clone)]
pub struct PromptGuards {
    pub jailbreak_message: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RateLimit {
    pub model: String,
    pub selector_key: String,
    pub selector_value: String,
    pub tokens: u64,
    pub unit: RateUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateUnit {
    Second,
    Minute,
    Hour,
    Day,
}

#[derive(Debug, Clone)]
pub struct Tracing {
    /// Percent 0..=100; 0 disables.
    pub random_sampling: u32,
    pub trace_arch_internal: bool,
    pub opentracing_grpc_endpoint: Option<String>,
    pub header_prefixes: Vec<String>,
    pub static_attributes: IndexMap<String, String>,
    /// Extra span exporters (`tracing.exporters`, spec §1.15).
    pub exporters: Vec<TraceExporter>,
}

/// A `tracing.exporters[]` entry. Only `type: posthog` exists.
#[derive(Debug, Clone)]
pub struct TraceExporter {
    pub kind: String,
    pub url: String,
    pub api_key: Secret,
    /// Request header whose value becomes the PostHog `distinct_id`.
    pub distinct_id_header: Option<String>,
    /// Whether message contents are sent along (default false).
    pub capture_messages: bool,
}

#[derive(Debug, Clone)]
pub enum StateStorage {
    Memory,
    Postgres { connection_string: Secret },
}

#[derive(Debug, Clone, Default)]
pub struct PromptCaching {
    pub enabled: bool,
    pub session_affinity: bool,
    pub inject_cache_control: bool,
    pub min_prefix_tokens: u32,
    pub session_ttl_seconds: Option<u64>,
}

#[derive(Debug, Clone)]
pub enum MetricsSource {
    Cost {
        provider: String,
        url: Option<String>,
        refresh_interval: Option<u64>,
        model_aliases: IndexMap<String, String>,
    },
    Latency {
        provider: String,
        url: String,
        query: String,
        refresh_interval: Option<u64>,
    },
}

impl Config {
    /// The single model listener, if any.
    pub fn model_listener(&self) -> Option<&Listener> {
        self.listeners
            .iter()
            .find(|l| l.kind == ListenerKind::Model)
    }
}
