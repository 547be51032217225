//! Table-driven tests: every validation rule of spec §1.19, migration, legacy shapes and
//! strictness, each with the message substring it must produce.

use plano_config::{ConfigErrors, EnvPolicy, Loaded, load_str};

enum Expect {
    /// Validates.
    Ok,
    /// Validates with a warning containing this text.
    Warn(&'static str),
    /// Fails with an error containing this text.
    Err(&'static str),
}
use Expect::{Err as E, Ok as O, Warn as W};

fn env(name: &str) -> Option<String> {
    match name {
        "OPENAI_API_KEY" => Some("sk-test".into()),
        _ => None,
    }
}

fn load(yaml: &str) -> Result<Loaded, ConfigErrors> {
    load_str(yaml, &env, EnvPolicy::Lenient)
}

/// One OpenAI provider, for cases about something else.
const P: &str = "model_providers:\n  - model: openai/gpt-4o\n    access_key: $OPENAI_API_KEY\n";

#[rustfmt::skip]
fn cases() -> Vec<(&'static str, String, Expect)> {
    let v4 = |body: &str| format!("version: v0.4.0\n{body}");
    let v4p = |body: &str| format!("version: v0.4.0\n{P}{body}");
    vec![
        // ---- versions -------------------------------------------------------------------
        ("version missing", P.to_owned(), E("missing required key `version`")),
        ("version unknown", format!("version: v9.9\n{P}"), E("supported versions are v0.1, v0.1.0, 0.1-beta, 0.2.0, v0.3.0, v0.4.0")),
        ("version v0.1", format!("version: v0.1\n{P}"), O),
        ("version v0.1.0", format!("version: v0.1.0\n{P}"), O),
        ("version 0.1-beta", format!("version: 0.1-beta\n{P}"), O),
        ("version 0.2.0", format!("version: 0.2.0\n{P}"), O),
        ("version v0.3.0", format!("version: v0.3.0\n{P}"), O),
        ("version v0.4.36", format!("version: v0.4.36\n{P}"), O),
        ("version 0.4.1", format!("version: 0.4.1\n{P}"), O),
        ("version v0.2.0 is read leniently", format!("version: v0.2.0\n{P}"), W("is read as 0.2.0")),
        // ---- rule 1: both provider lists ---------------------------------------------
        ("rule 1 both lists", v4p("llm_providers:\n  - model: openai/gpt-4o-mini\n"), E("Please provide either llm_providers or model_providers, not both")),
        ("llm_providers deprecated", v4("llm_providers:\n  - model: openai/gpt-4o\n"), W("`llm_providers` is deprecated")),
        // ---- rule 2: one model listener -------------------------------------------------
        ("rule 2 two model listeners", v4p("listeners:\n  - {type: model, name: a, port: 1}\n  - {type: model, name: b, port: 2}\n"), E("only one model listener is allowed, found 2")),
        // ---- rule 3: duplicate agent ids ---------------------------------------------------
        ("rule 3 dup across agents and filters", v4p("agents:\n  - {id: x, url: 'http://a'}\nfilters:\n  - {id: x, url: 'http://b'}\n"), E("Duplicate agent id x")),
        // ---- rule 4: prompt target endpoint -----------------------------------------------
        ("rule 4 unknown endpoint", v4p("prompt_targets:\n  - name: t\n    description: d\n    endpoint: {name: nope, path: /x}\n"), E("Unknown endpoint nope")),
        ("rule 4 known endpoint", v4p("endpoints:\n  api: {endpoint: 'host:80'}\nprompt_targets:\n  - name: t\n    description: d\n    endpoint: {name: api, path: /x}\n"), O),
        // ---- rules 5, 6: tracing endpoint ---------------------------------------------------
        ("rule 5 tracing scheme", v4p("tracing:\n  opentracing_grpc_endpoint: https://c:4317\n"), E("scheme must be http")),
        ("rule 6 tracing path", v4p("tracing:\n  opentracing_grpc_endpoint: http://c:4317/v1/traces\n"), E("path must be empty")),
        ("tracing endpoint port", v4p("tracing:\n  opentracing_grpc_endpoint: http://collector\n"), E("add the port")),
        ("tracing endpoint ok", v4p("tracing:\n  random_sampling: 100\n  opentracing_grpc_endpoint: http://localhost:4317\n"), O),
        // ---- rule 7: duplicate routes -----------------------------------------------------------
        ("rule 7 duplicate route", v4p("routing_preferences:\n  - {name: r, description: d, models: [openai/gpt-4o]}\n  - {name: r, description: e, models: [openai/gpt-4o]}\n"), E("Duplicate routing preference name \"r\"")),
        // ---- rules 8, 9: duplicate names -----------------------------------------------------
        ("rule 8 duplicate name", v4("model_providers:\n  - {model: openai/a, name: x}\n  - {model: openai/b, name: x}\n"), E("Duplicate model_provider name x")),
        ("rule 9 same model, no names", v4("model_providers:\n  - model: openai/gpt-4o\n  - model: openai/gpt-4o\n"), E("Duplicate model_provider name openai/gpt-4o")),
        ("rule 9 same model, distinct names", v4("model_providers:\n  - {model: openai/gpt-4o, name: a}\n  - {model: openai/gpt-4o, name: b}\n"), O),
        // ---- rule 10: model format ---------------------------------------------------------------
        ("rule 10 no slash", v4("model_providers:\n  - model: gpt-4o\n"), E("Invalid model name gpt-4o")),
        ("rule 10 pre-0.2 shape", v4("model_providers:\n  - {model: gpt-4o, provider_interface: openai}\n"), E("Write `model: openai/gpt-4o`")),
        ("rule 10 empty id", v4("model_providers:\n  - model: openai/\n"), E("Invalid model name openai/")),
        ("partial wildcard", v4("model_providers:\n  - model: openai/gpt-*\n"), E("a wildcard must be the whole model id")),
        // ---- rule 11: wildcard default ---------------------------------------------------------------
        ("rule 11 wildcard default", v4("model_providers:\n  - {model: openai/*, default: true}\n"), E("Default models cannot be wildcards")),
        // ---- rule 12: base_url required --------------------------------------------------------------
        ("rule 12 azure", v4("model_providers:\n  - model: azure_openai/gpt-4o\n"), E("Provider 'azure_openai' requires 'base_url' to be set for model azure_openai/gpt-4o")),
        ("rule 12 ollama", v4("model_providers:\n  - model: ollama/llama3\n"), E("Provider 'ollama' requires 'base_url'")),
        ("rule 12 qwen", v4("model_providers:\n  - model: qwen/qwen3\n"), E("Provider 'qwen' requires 'base_url'")),
        ("rule 12 bedrock", v4("model_providers:\n  - model: amazon_bedrock/x\n"), E("Provider 'amazon_bedrock' requires 'base_url'")),
        ("rule 12 plano", v4("model_providers:\n  - model: plano/x\n"), E("Provider 'plano' requires 'base_url'")),
        ("rule 12 satisfied", v4("model_providers:\n  - {model: ollama/llama3, base_url: 'http://localhost:11434'}\n"), O),
        // ---- rule 13: custom prefixes --------------------------------------------------------------------
        ("rule 13 no base_url", v4("model_providers:\n  - {model: custom/x, provider_interface: openai}\n"), E("Must provide base_url and provider_interface for unsupported provider custom for model custom/x")),
        ("rule 13 no interface", v4("model_providers:\n  - {model: custom/x, base_url: 'http://h'}\n"), E("Must provide base_url and provider_interface")),
        ("rule 13 wildcard wording", v4("model_providers:\n  - model: custom/*\n"), E("for wildcard model custom/*")),
        ("rule 13 unknown interface", v4("model_providers:\n  - {model: custom/x, base_url: 'http://h', provider_interface: opena}\n"), E("unknown provider_interface `opena` (did you mean `openai`?)")),
        ("custom with interface", v4("model_providers:\n  - {model: custom/x, base_url: 'http://h', provider_interface: anthropic}\n"), O),
        // ---- rule 14: known prefix with interface ---------------------------------------------------
        ("rule 14 known prefix + interface", v4("model_providers:\n  - {model: openai/gpt-4o, provider_interface: openai}\n"), E("provider interface as part of model name")),
        // ---- rule 15 (deliberately dropped): same model id under two prefixes ----------------
        ("rule 15 same id, two prefixes", v4("model_providers:\n  - {model: custom/claude-opus-4-6, base_url: 'https://a', provider_interface: openai}\n  - {model: custom-aws/claude-opus-4-6, base_url: 'https://a', provider_interface: openai}\n"), O),
        // ---- rule 16: legacy provider key --------------------------------------------------------
        ("rule 16 both keys", v4("model_providers:\n  - {model: custom/x, base_url: 'http://h', provider: openai, provider_interface: openai}\n"), E("Please provide either provider or provider_interface, not both")),
        ("legacy provider key", v4("model_providers:\n  - {model: custom/x, base_url: 'http://h', provider: openai}\n"), W("`provider` is deprecated")),
        // ---- rule 17: base_url scheme ---------------------------------------------------------------
        ("rule 17 scheme", v4("model_providers:\n  - {model: openai/x, base_url: 'ftp://h'}\n"), E("Please provide a valid URL with scheme (http/https) in base_url")),
        ("rule 17 no scheme", v4("model_providers:\n  - {model: openai/x, base_url: 'api.openai.com'}\n"), E("has no scheme")),
        ("base_url query", v4("model_providers:\n  - {model: openai/x, base_url: 'https://h/v1?x=1'}\n"), E("query strings")),
        // ---- rule 18: listener filter ids ---------------------------------------------------------
        ("rule 18 input filter", v4p("listeners:\n  - {type: model, name: m, input_filters: [nope]}\n"), E("Listener 'm' references input_filters id 'nope' which is not defined in agents or filters")),
        ("rule 18 output filter", v4p("filters:\n  - {id: f, url: 'http://f'}\nlisteners:\n  - {type: model, name: m, output_filters: [f, g]}\n"), E("references output_filters id 'g'")),
        ("rule 18 ok", v4p("filters:\n  - {id: f, url: 'http://f'}\nlisteners:\n  - {type: model, name: m, input_filters: [f]}\n"), O),
        // ---- rule 19: alias targets ----------------------------------------------------------------
        ("rule 19 unknown target", v4p("model_aliases:\n  fast: {target: gpt-5}\n"), E("Model alias 'fast' targets 'gpt-5' which is not defined as a model")),
        ("alias to full model", v4p("model_aliases:\n  fast: {target: openai/gpt-4o}\n"), O),
        ("alias to bare id", v4p("model_aliases:\n  fast: {target: gpt-4o}\n"), O),
        ("alias to provider name", v4("model_providers:\n  - {model: openai/gpt-4o, name: main}\nmodel_aliases:\n  fast: {target: main}\n"), O),
        ("alias through wildcard", v4("model_providers:\n  - model: anthropic/*\nmodel_aliases:\n  smart: {target: anthropic/claude-sonnet-4-5}\n"), O),
        ("alias bare id of wildcard is not enough", v4("model_providers:\n  - model: anthropic/*\nmodel_aliases:\n  smart: {target: claude-sonnet-4-5}\n"), E("not defined as a model")),
        ("alias needs target", v4p("model_aliases:\n  fast: {}\n"), E("missing required key `target`")),
        // ---- rule 20: agent orchestrator endpoints ----------------------------------------------------
        ("rule 20 none", v4p("overrides: {use_agent_orchestrator: true}\n"), E("Please provide agent orchestrator in the endpoints section")),
        ("rule 20 two", v4p("overrides: {use_agent_orchestrator: true}\nendpoints:\n  a: {endpoint: a}\n  b: {endpoint: b}\n"), E("Please provide single agent orchestrator")),
        ("rule 20 one", v4p("overrides: {use_agent_orchestrator: true}\nendpoints:\n  a: {endpoint: 'a:8000'}\n"), O),
        // ---- warnings of §1.19.2 ----------------------------------------------------------------------
        ("passthrough + access_key", v4("model_providers:\n  - {model: openai/x, access_key: k, passthrough_auth: true}\n"), W("has both 'passthrough_auth: true' and 'access_key' configured")),
        // ---- §1.19.3 runtime checks ---------------------------------------------------------------------
        ("no providers, declared model listener", v4("listeners:\n  - {type: model, name: m}\n"), E("There must be at least one LLM Provider")),
        ("no providers, no listeners", v4(""), E("There must be at least one LLM Provider")),
        ("no providers, agent listener only", v4("agents:\n  - {id: a, url: 'http://a'}\nlisteners:\n  - type: agent\n    name: x\n    port: 8000\n    agents: [{id: a, description: d}]\n"), O),
        ("nothing to serve", v4("listeners: []\n"), E("no listeners")),
        ("two defaults", v4("model_providers:\n  - {model: openai/a, default: true}\n  - {model: openai/b, default: true}\n"), E("There must be at most one default LLM Provider")),
        ("route model unknown", v4p("routing_preferences:\n  - {name: r, description: d, models: [openai/gpt-5]}\n"), E("routing_preferences route 'r' references model 'openai/gpt-5' which is not declared in model_providers")),
        ("route models empty", v4p("routing_preferences:\n  - {name: r, description: d, models: []}\n"), E("at least one model")),
        ("route models missing", v4p("routing_preferences:\n  - {name: r, description: d}\n"), E("missing required key `models`")),
        ("two cost sources", v4p("model_metrics_sources:\n  - {type: cost, provider: models.dev}\n  - {type: cost, provider: digitalocean}\n"), E("only one cost metrics source is allowed")),
        ("two latency sources", v4p("model_metrics_sources:\n  - {type: latency, provider: prometheus, url: 'http://p', query: q}\n  - {type: latency, provider: prometheus, url: 'http://p', query: q}\n"), E("only one latency metrics source is allowed")),
        ("latency needs query", v4p("model_metrics_sources:\n  - {type: latency, provider: prometheus, url: 'http://p'}\n"), E("missing required key `query`")),
        ("cheapest needs cost", v4p("routing_preferences:\n  - {name: r, description: d, models: [openai/gpt-4o], selection_policy: {prefer: cheapest}}\n"), E("uses prefer: cheapest but no cost metrics source is configured")),
        ("fastest needs latency", v4p("routing_preferences:\n  - {name: r, description: d, models: [openai/gpt-4o], selection_policy: {prefer: fastest}}\n"), E("uses prefer: fastest but no latency metrics source")),
        ("cheapest with cost", v4p("model_metrics_sources:\n  - {type: cost, provider: models.dev}\nrouting_preferences:\n  - {name: r, description: d, models: [openai/gpt-4o], selection_policy: {prefer: cheapest}}\n"), O),
        ("budget needs cost", v4p("routing:\n  routing_budget: {max_switch_spend_pct: 20}\n"), E("routing.routing_budget is configured but no cost metrics source is configured")),
        ("budget pct range", v4p("model_metrics_sources:\n  - {type: cost, provider: models.dev}\nrouting:\n  routing_budget: {max_switch_spend_pct: 150}\n"), E("max_switch_spend_pct: must be a number between 0 and 100")),
        ("budget discount range", v4p("model_metrics_sources:\n  - {type: cost, provider: models.dev}\nrouting:\n  routing_budget: {max_switch_spend_pct: 20, cache_read_discount: 2}\n"), E("cache_read_discount: must be between 0.0 and 1.0, got 2")),
        ("budget pct required", v4p("model_metrics_sources:\n  - {type: cost, provider: models.dev}\nrouting:\n  routing_budget: {}\n"), E("missing required key `max_switch_spend_pct`")),
        ("redis needs url", v4p("routing:\n  session_cache: {type: redis}\n"), E("session_cache.url is required when type is redis")),
        ("redis url scheme", v4p("routing:\n  session_cache: {type: redis, url: 'http://r'}\n"), E("invalid session_cache.url")),
        ("session entries capped", v4p("routing:\n  session_max_entries: 50000\n"), W("capped at 10000")),
        ("postgres needs connection string", v4p("state_storage: {type: postgres}\n"), E("connection_string is required for postgres state_storage")),
        ("state storage type", v4p("state_storage: {type: redis}\n"), E("`redis` is not one of `memory`, `postgres`")),
        ("ratelimit unit", v4p("ratelimits:\n  - model: gpt-4o\n    selector: {key: x-user, value: a}\n    limit: {tokens: 100, unit: week}\n"), E("`week` is not one of `second`, `minute`, `hour`, `day`")),
        ("ratelimit ok", v4p("ratelimits:\n  - model: gpt-4o\n    selector: {key: x-user, value: a}\n    limit: {tokens: 100, unit: minute}\n"), O),
        ("ratelimit selector missing", v4p("ratelimits:\n  - model: gpt-4o\n    limit: {tokens: 100, unit: minute}\n"), E("missing required key `selector`")),
        // ---- listeners ---------------------------------------------------------------------------------------
        ("agent listener agent undefined", v4p("listeners:\n  - type: agent\n    name: o\n    port: 8000\n    agents: [{id: ghost, description: d}]\n"), E("Listener 'o' references agent 'ghost' which is not defined in agents")),
        ("agent listener needs port", v4p("agents:\n  - {id: a, url: 'http://a'}\nlisteners:\n  - type: agent\n    name: o\n    agents: [{id: a, description: d}]\n"), E("agent listener `o` must set `port`")),
        ("agent listener needs agents", v4p("listeners:\n  - {type: agent, name: o, port: 8000}\n"), E("lists no agents")),
        ("agents on model listener", v4p("listeners:\n  - type: model\n    name: m\n    agents: [{id: a, description: d}]\n"), E("only agent listeners route to agents")),
        ("listener agent input filter unknown", v4p("agents:\n  - {id: a, url: 'http://a'}\nlisteners:\n  - type: agent\n    name: o\n    port: 8000\n    agents: [{id: a, description: d, input_filters: [g]}]\n"), E("references input_filters id 'g'")),
        ("filter_chain alias", v4p("agents:\n  - {id: a, url: 'http://a'}\nfilters:\n  - {id: g, url: 'http://g'}\nlisteners:\n  - type: agent\n    name: o\n    port: 8000\n    agents: [{id: a, description: d, filter_chain: [g]}]\n"), W("`filter_chain` is deprecated")),
        ("filter_chain and input_filters", v4p("agents:\n  - {id: a, url: 'http://a'}\nfilters:\n  - {id: g, url: 'http://g'}\nlisteners:\n  - type: agent\n    name: o\n    port: 8000\n    agents: [{id: a, description: d, filter_chain: [g], input_filters: [g]}]\n"), E("either input_filters or filter_chain")),
        ("duplicate listener name", v4p("listeners:\n  - {type: model, name: x}\n  - {type: prompt, name: x}\n"), E("Duplicate listener name `x`")),
        ("port clash", v4p("listeners:\n  - {type: model, name: a, port: 9000}\n  - {type: prompt, name: b, port: 9000}\n"), E("both use port 9000")),
        ("listener type typo", v4p("listeners:\n  - {type: modle, name: a}\n"), E("`modle` is not one of `model`, `prompt`, `agent` (did you mean `model`?)")),
        ("listener timeout", v4p("listeners:\n  - {type: model, name: a, timeout: soon}\n"), E("`soon` is not a duration")),
        ("router is dead", v4p("agents:\n  - {id: a, url: 'http://a'}\nlisteners:\n  - type: agent\n    name: o\n    port: 8000\n    router: plano_orchestrator_v1\n    agents: [{id: a, description: d}]\n"), W("`router` has no effect")),
        ("agent url", v4p("agents:\n  - {id: a, url: 'localhost:8000'}\n"), E("invalid url `localhost:8000`")),
        // ---- legacy listeners ---------------------------------------------------------------------------------
        ("legacy listeners", v4p("listeners:\n  egress_traffic: {port: 12345, message_format: openai, timeout: 10s}\n  ingress_traffic: {port: 10001}\n"), W("object form of `listeners`")),
        ("legacy listeners no providers", v4("listeners:\n  egress_traffic: {port: 12345}\n"), E("model_providers cannot be empty when using legacy format")),
        ("legacy message_format", v4p("listeners:\n  egress_traffic: {message_format: anthropic}\n"), E("`anthropic` is not one of `openai`")),
        // ---- retry policy ---------------------------------------------------------------------------------------
        ("retry ok", v4("model_providers:\n  - model: openai/gpt-4o\n    retry_policy:\n      fallback_models: [anthropic/claude-sonnet-4-5]\n      on_status_codes: [{codes: [429, 503], strategy: different_provider, max_attempts: 3}]\n      on_timeout: {strategy: same_model, max_attempts: 2}\n      backoff: {apply_to: all_retries, base_ms: 100, max_ms: 5000, jitter: true}\n      max_retry_duration_ms: 30000\n  - model: anthropic/claude-sonnet-4-5\n"), O),
        ("retry fallback unknown", v4("model_providers:\n  - model: openai/gpt-4o\n    retry_policy: {fallback_models: [anthropic/x]}\n"), E("fallback model `anthropic/x` is not defined in model_providers")),
        ("retry fallback via wildcard", v4("model_providers:\n  - model: openai/gpt-4o\n    retry_policy: {fallback_models: [anthropic/x]}\n  - model: anthropic/*\n"), O),
        ("retry status code range", v4("model_providers:\n  - model: openai/gpt-4o\n    retry_policy: {on_status_codes: [{codes: [600]}]}\n"), E("600 is out of range (100..=599)")),
        ("retry attempts", v4("model_providers:\n  - model: openai/gpt-4o\n    retry_policy: {default_max_attempts: 0}\n"), E("0 is out of range (1..=100)")),
        ("retry strategy", v4("model_providers:\n  - model: openai/gpt-4o\n    retry_policy: {default_strategy: other_provider}\n"), E("`other_provider` is not one of")),
        ("retry codes required", v4("model_providers:\n  - model: openai/gpt-4o\n    retry_policy: {on_status_codes: [{strategy: same_model}]}\n"), E("missing required key `codes`")),
        ("retry backoff order", v4("model_providers:\n  - model: openai/gpt-4o\n    retry_policy: {backoff: {base_ms: 900, max_ms: 100}}\n"), E("base_ms (900) must not exceed max_ms (100)")),
        ("retry code twice", v4("model_providers:\n  - model: openai/gpt-4o\n    retry_policy: {on_status_codes: [{codes: [429]}, {codes: [429]}]}\n"), E("appears in more than one on_status_codes rule")),
        ("retry unknown key", v4("model_providers:\n  - model: openai/gpt-4o\n    retry_policy: {fallback_model: [x]}\n"), E("unknown key `fallback_model` (did you mean `fallback_models`?)")),
        // ---- extension keys ------------------------------------------------------------------------------------------
        ("timeouts", v4("model_providers:\n  - {model: openai/gpt-4o, connect_timeout: 2s, first_byte_timeout: 500ms, idle_timeout: 30}\n"), O),
        ("bad timeout", v4("model_providers:\n  - {model: openai/gpt-4o, idle_timeout: forever}\n"), E("`forever` is not a duration")),
        ("api_version off azure", v4("model_providers:\n  - {model: openai/gpt-4o, api_version: '2024-10-21'}\n"), W("api_version only applies to azure_openai")),
        ("body limit", v4p("listeners:\n  - {type: model, name: m, max_request_body_bytes: 0}\n"), E("0 is out of range")),
        // ---- auth_style ------------------------------------------------------------------------------------------
        ("auth_style bearer on azure", v4("model_providers:\n  - {model: azure_openai/gpt-4o, base_url: 'https://x.openai.azure.com', auth_style: bearer}\n"), O),
        ("auth_style typo", v4("model_providers:\n  - {model: openai/gpt-4o, auth_style: beare}\n"), E("model_providers[0].auth_style")),
        ("auth_style typo hint", v4("model_providers:\n  - {model: openai/gpt-4o, auth_style: x_apikey}\n"), E("`x_apikey` is not one of `bearer`, `api_key`, `x_api_key`, `aws_sigv4` (did you mean `x_api_key`?)")),
        ("aws_sigv4 off bedrock", v4("model_providers:\n  - {model: openai/gpt-4o, auth_style: aws_sigv4, aws_region: us-east-1}\n"), E("auth_style `aws_sigv4` is only for amazon_bedrock providers")),
        ("aws_sigv4 with passthrough", v4("model_providers:\n  - {model: amazon_bedrock/m, base_url: 'https://bedrock-runtime.us-east-1.amazonaws.com', auth_style: aws_sigv4, passthrough_auth: true}\n"), E("cannot be combined with `passthrough_auth: true`")),
        ("aws_sigv4 needs a region", v4("model_providers:\n  - {model: amazon_bedrock/m, base_url: 'http://localhost:9000', auth_style: aws_sigv4}\n"), E("set `aws_region`")),
        ("aws_sigv4 bad region", v4("model_providers:\n  - {model: amazon_bedrock/m, base_url: 'http://localhost:9000', auth_style: aws_sigv4, aws_region: 'US East'}\n"), E("`US East` is not an AWS region")),
        ("aws_sigv4 lenient missing creds", v4("model_providers:\n  - {model: amazon_bedrock/m, base_url: 'https://bedrock-runtime.eu-west-1.amazonaws.com', auth_style: aws_sigv4}\n"), W("needs environment variable(s) AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY")),
        ("aws_region without sigv4", v4("model_providers:\n  - {model: amazon_bedrock/m, base_url: 'https://bedrock-runtime.eu-west-1.amazonaws.com', aws_region: eu-west-1}\n"), W("aws_region only applies with `auth_style: aws_sigv4`")),
        // ---- strictness -----------------------------------------------------------------------------------------------
        ("unknown top-level key", format!("version: v0.4.0\n{P}model_provider: []\n"), E("unknown key `model_provider` (did you mean `model_providers`?)")),
        ("unknown provider key", v4("model_providers:\n  - {model: openai/gpt-4o, acess_key: x}\n"), E("unknown key `acess_key` (did you mean `access_key`?)")),
        ("unknown key far from anything", v4p("frobnicate: 1\n"), E("unknown key `frobnicate`")),
        ("wrong type", v4p("listeners:\n  - {type: model, name: m, port: abc}\n"), E("expected an integer, found the string `abc`")),
        ("wrong type string", v4("model_providers:\n  - {model: openai/gpt-4o, access_key: 12345}\n"), E("expected a string, found the integer 12345 (quote it)")),
        ("list expected", v4("model_providers: openai/gpt-4o\n"), E("expected a list")),
        ("root not a mapping", "- a\n- b\n".to_owned(), E("expected a mapping")),
        ("yaml 1.1 boolean", v4("model_providers:\n  - {model: openai/gpt-4o, default: yes}\n"), W("`yes` read as true")),
        ("dead keys", v4p("mode: llm\nerror_target: {}\noverrides: {prompt_target_intent_matching_threshold: 0.5}\n"), W("`mode` has no effect")),
        ("endpoint name", v4p("endpoints:\n  9bad: {endpoint: h}\n"), E("must start with a letter")),
        ("endpoint with scheme", v4p("endpoints:\n  api: {endpoint: 'http://h'}\n"), E("set `protocol` instead of a URL scheme")),
        ("header name", v4("model_providers:\n  - model: openai/gpt-4o\n    headers: {'bad header': v}\n"), E("not a valid HTTP header name")),
        ("exporter", v4p("tracing:\n  exporters:\n    - {type: posthog, url: 'https://ph', api_key: k}\n"), O),
        // ---- top-level routing preferences and versions -----------------------------------------------------------
        ("top-level prefs on v0.4.0", v4p("routing_preferences:\n  - {name: r, description: d, models: [openai/gpt-4o]}\n"), O),
        ("top-level prefs on v0.3.0", format!("version: v0.3.0\n{P}routing_preferences:\n  - {{name: r, description: d, models: [openai/gpt-4o]}}\n"), W("top-level routing_preferences requires version v0.4.0 or above")),
    ]
}

#[test]
fn every_rule() {
    let mut failures = Vec::new();
    let all = cases();
    for (name, yaml, expect) in &all {
        match (expect, load(yaml)) {
            (O, Ok(_)) => {}
            (W(w), Ok(l)) if l.warnings.iter().any(|have| have.contains(w)) => {}
            (W(w), Ok(l)) => {
                failures.push(format!("{name}: no warning `{w}` in {:#?}", l.warnings))
            }
            (E(e), Err(errs)) if errs.iter().any(|have| have.to_string().contains(e)) => {}
            (E(e), Err(errs)) => failures.push(format!("{name}: no error `{e}` in\n{errs}")),
            (E(e), Ok(_)) => {
                failures.push(format!("{name}: expected error `{e}`, but it validated"))
            }
            (_, Err(errs)) => failures.push(format!("{name}: expected success, got\n{errs}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        all.len(),
        failures.join("\n\n")
    );
}

const SIGV4: &str = "version: v0.4.0\nmodel_providers:\n  - model: amazon_bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0\n    base_url: https://bedrock-runtime.eu-west-1.amazonaws.com\n    auth_style: aws_sigv4\n";

#[test]
fn aws_sigv4_reads_credentials_through_the_env_lookup() {
    let env = |name: &str| match name {
        "AWS_ACCESS_KEY_ID" => Some("AKIDEXAMPLE".to_owned()),
        "AWS_SECRET_ACCESS_KEY" => Some("very-secret".to_owned()),
        "AWS_SESSION_TOKEN" => Some("session-tok".to_owned()),
        _ => None,
    };
    let loaded = load_str(SIGV4, &env, EnvPolicy::Strict).unwrap();
    let p = &loaded.config.providers[0];
    assert_eq!(p.auth_style, Some(plano_catalog::AuthStyle::AwsSigV4));
    assert_eq!(
        p.aws_region.as_deref(),
        Some("eu-west-1"),
        "region from the host"
    );
    let creds = p.aws_credentials.as_ref().unwrap();
    assert_eq!(creds.access_key_id.expose(), "AKIDEXAMPLE");
    assert_eq!(creds.secret_access_key.expose(), "very-secret");
    assert_eq!(
        creds.session_token.as_ref().unwrap().expose(),
        "session-tok"
    );
    let debug = format!("{p:?}");
    assert!(!debug.contains("very-secret") && !debug.contains("session-tok"));
}

#[test]
fn aws_sigv4_strict_missing_credentials_is_an_error() {
    let env = |name: &str| (name == "AWS_ACCESS_KEY_ID").then(|| "AKID".to_owned());
    let errs = load_str(SIGV4, &env, EnvPolicy::Strict)
        .unwrap_err()
        .to_string();
    assert!(
        errs.contains("model_providers[0].auth_style")
            && errs.contains("needs environment variable(s) AWS_SECRET_ACCESS_KEY"),
        "{errs}"
    );
}
