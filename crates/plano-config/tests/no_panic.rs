//! Loading never panics, whatever the input: arbitrary text, arbitrary bytes read as UTF-8, and
//! arbitrary config-shaped trees built from the real key names (so the generated documents get
//! past the parser and exercise validation). The cargo-fuzz target in `/fuzz` does the same
//! with coverage guidance.

use plano_config::{EnvPolicy, load_str};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Keys that appear anywhere in a config, so generated mappings hit real code paths.
const KEYS: &[&str] = &[
    "version",
    "listeners",
    "model_providers",
    "llm_providers",
    "model_aliases",
    "routing_preferences",
    "model_metrics_sources",
    "routing",
    "prompt_caching",
    "agents",
    "filters",
    "endpoints",
    "system_prompt",
    "prompt_targets",
    "prompt_guards",
    "ratelimits",
    "tracing",
    "state_storage",
    "overrides",
    "mode",
    "error_target",
    "type",
    "name",
    "port",
    "address",
    "timeout",
    "router",
    "max_retries",
    "input_filters",
    "output_filters",
    "max_request_body_bytes",
    "id",
    "description",
    "default",
    "filter_chain",
    "model",
    "access_key",
    "base_url",
    "passthrough_auth",
    "http_host",
    "provider_interface",
    "provider",
    "headers",
    "retry_policy",
    "fallback_models",
    "default_strategy",
    "default_max_attempts",
    "on_status_codes",
    "codes",
    "strategy",
    "max_attempts",
    "on_timeout",
    "backoff",
    "apply_to",
    "base_ms",
    "max_ms",
    "jitter",
    "max_retry_duration_ms",
    "try_remaining_providers",
    "api_version",
    "connect_timeout",
    "first_byte_timeout",
    "idle_timeout",
    "target",
    "models",
    "selection_policy",
    "prefer",
    "url",
    "query",
    "refresh_interval",
    "session_cache",
    "routing_budget",
    "max_switch_spend_pct",
    "ingress_traffic",
    "egress_traffic",
    "message_format",
    "endpoint",
    "protocol",
    "parameters",
    "path",
    "http_method",
    "http_headers",
    "enabled",
    "connection_string",
    "random_sampling",
    "opentracing_grpc_endpoint",
    "span_attributes",
    "exporters",
    "selector",
    "limit",
    "tokens",
    "unit",
    "key",
    "value",
    "use_agent_orchestrator",
    "jailbreak",
];

const WORDS: &[&str] = &[
    "v0.4.0",
    "v0.3.0",
    "0.1-beta",
    "model",
    "agent",
    "prompt",
    "openai/gpt-4o",
    "openai/*",
    "custom/x",
    "azure_openai/gpt",
    "anthropic/claude",
    "gpt-4o",
    "http://h:1",
    "https://a.b/v1",
    "ftp://x",
    "$KEY",
    "${PORT}",
    "${X:-y}",
    "$$",
    "30s",
    "500ms",
    "different_provider",
    "same_model",
    "redis",
    "postgres",
    "cost",
    "latency",
    "minute",
    "openai",
    "mcp",
    "http",
    "",
    "*",
    "a/b/c",
    "http://c:4317",
];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-5i64..70_000).prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop::sample::select(WORDS).prop_map(|w| Value::String(w.to_owned())),
        "[a-z$/:{}._-]{0,12}".prop_map(Value::String),
    ]
}

fn tree() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8).prop_map(|entries| {
                let mut m = Map::new();
                for (k, v) in entries {
                    m.insert(k.to_owned(), v);
                }
                Value::Object(m)
            }),
        ]
    })
}

fn env(name: &str) -> Option<String> {
    match name {
        "KEY" => Some("sk: x\n- y".to_owned()),
        "PORT" => Some("99999".to_owned()),
        _ => None,
    }
}

fn load_both(text: &str) {
    let _ = load_str(text, &env, EnvPolicy::Lenient);
    let _ = load_str(text, &env, EnvPolicy::Strict);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn arbitrary_text(text in ".{0,400}") {
        load_both(&text);
    }

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        load_both(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn config_shaped_trees(root in prop::collection::vec((prop::sample::select(KEYS), tree()), 0..10)) {
        let mut m = Map::new();
        m.insert("version".to_owned(), Value::String("v0.4.0".to_owned()));
        for (k, v) in root {
            m.insert(k.to_owned(), v);
        }
        // JSON is YAML 1.2, so the tree's JSON text is a valid YAML document.
        let text = Value::Object(m).to_string();
        load_both(&text);
    }

    #[test]
    fn yaml_lines_from_keys(lines in prop::collection::vec(
        (0usize..4, prop::sample::select(KEYS), prop_oneof![Just(String::new()), prop::sample::select(WORDS).prop_map(str::to_owned)], any::<bool>()),
        0..30,
    )) {
        // Block-style YAML with random indentation: mostly invalid structure, some valid.
        let mut text = String::new();
        for (indent, key, value, dash) in lines {
            text.push_str(&"  ".repeat(indent));
            if dash {
                text.push_str("- ");
            }
            text.push_str(key);
            text.push_str(": ");
            text.push_str(&value);
            text.push('\n');
        }
        load_both(&text);
    }
}

#[test]
fn hostile_documents() {
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_block = (0..500)
        .map(|i| format!("{}a:\n", " ".repeat(i)))
        .collect::<String>();
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
    for text in [
        deep.as_str(),
        deep_block.as_str(),
        bomb,
        "\u{feff}version: v0.4.0",
        "version: !!binary aGVsbG8=",
        "? [a]\n: b\n",
        "version: .nan\n",
        "---\n---\n",
    ] {
        load_both(text);
    }
}
