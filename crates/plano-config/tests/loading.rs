//! Behaviour beyond pass/fail: migration results, environment and `.env` handling, legacy
//! shapes and defaults in the normalized config, error positions, secret redaction, scale.

use std::collections::HashMap;
use std::time::Duration;

use plano_config::{
    EnvPolicy, EnvSource, ListenerKind, RetryStrategy, SelectionPreference, StateStorage,
    load_file, load_str,
};

fn no_env(_: &str) -> Option<String> {
    None
}

/// Loads leniently and expects success (a macro so the panic sits in the calling test).
macro_rules! ok {
    ($yaml:expr $(,)?) => {
        match load_str(&$yaml, &no_env, EnvPolicy::Lenient) {
            Ok(l) => l,
            Err(e) => panic!("expected success:\n{e}"),
        }
    };
}

// ---- migration (§1.19.1) ---------------------------------------------------------------------

const INLINE: &str = "
model_providers:
  - model: openai/gpt-4o
    routing_preferences:
      - {name: code, description: writing code}
      - {name: chat, description: small talk}
  - model: anthropic/claude-sonnet-4-5
    routing_preferences:
      - {name: code, description: writing code}
  - model: openai/gpt-4o-mini
    name: mini
    routing_preferences:
      - {name: code, description: generating code}
";

#[test]
fn migration_merges_same_name_routes_in_provider_order() {
    let l = ok!(format!("version: v0.3.0\n{INLINE}"));
    let prefs = &l.config.routing_preferences;
    assert_eq!(
        prefs.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["code", "chat"]
    );
    assert_eq!(
        prefs[0].models,
        [
            "openai/gpt-4o",
            "anthropic/claude-sonnet-4-5",
            "openai/gpt-4o-mini"
        ]
    );
    assert_eq!(
        prefs[0].description, "writing code",
        "first description wins"
    );
    assert_eq!(prefs[0].prefer, SelectionPreference::None);
    assert_eq!(prefs[1].models, ["openai/gpt-4o"]);
    assert!(l.warnings.iter().any(|w| {
        w.contains("'code' has conflicting descriptions across providers; keeping the first one")
    }));
    assert!(
        l.warnings
            .iter()
            .any(|w| w.contains("has been auto-migrated to top-level routing_preferences"))
    );
    // The version text stays as written (upstream rewrites it to v0.4.0 in its rendered file).
    assert_eq!(l.config.version, "v0.3.0");
}

#[test]
fn migration_runs_for_every_pre_0_4_version() {
    for v in ["v0.1", "v0.1.0", "0.1-beta", "0.2.0", "v0.3.0"] {
        let l = ok!(format!("version: {v}\n{INLINE}"));
        assert_eq!(l.config.routing_preferences.len(), 2, "{v}");
    }
}

#[test]
fn migration_existing_top_level_wins() {
    let l = ok!(format!(
        "version: v0.3.0\n{INLINE}routing_preferences:\n  - {{name: code, description: mine, models: [mini]}}\n"
    ));
    let prefs = &l.config.routing_preferences;
    assert_eq!(prefs.len(), 2);
    assert_eq!(
        (prefs[0].description.as_str(), prefs[0].models.as_slice()),
        ("mine", &["mini".to_owned()][..])
    );
    assert_eq!(prefs[1].name, "chat");
}

#[test]
fn migration_rejects_wildcards_with_inline_prefs() {
    let e = load_str(
        "version: v0.3.0\nmodel_providers:\n  - model: openai/*\n    routing_preferences: [{name: a, description: b}]\n",
        &no_env,
        EnvPolicy::Lenient,
    )
    .unwrap_err();
    assert!(e.mentions("Model openai/* has routing_preferences but uses wildcard (*). Models with routing preferences cannot be wildcards."), "{e}");
}

#[test]
fn v0_4_configs_are_not_migrated() {
    let l = ok!(format!("version: v0.4.0\n{INLINE}"));
    assert!(l.config.routing_preferences.is_empty());
    assert!(
        l.warnings
            .iter()
            .any(|w| w.contains("inline routing_preferences are ignored with version v0.4.0"))
    );
    assert!(!l.warnings.iter().any(|w| w.contains("auto-migrated")));
}

// ---- environment ---------------------------------------------------------------------------

#[test]
fn env_forms_and_typed_rereading() {
    let env = |n: &str| match n {
        "KEY" => Some("sk: with colon\nand newline".to_owned()),
        "PORT" => Some("8081".to_owned()),
        "PT" => Some("true".to_owned()),
        _ => None,
    };
    let yaml = "version: v0.4.0
listeners:
  - {type: model, name: m, port: $PORT, address: '${BIND:-127.0.0.1}'}
model_providers:
  - model: openai/gpt-4o
    access_key: $KEY
    passthrough_auth: ${PT}
    headers: {X-Cost: '$$5 and $5'}
";
    let l = load_str(yaml, &env, EnvPolicy::Strict).unwrap();
    let m = l.config.model_listener().unwrap();
    assert_eq!((m.port, m.address.as_str()), (8081, "127.0.0.1"));
    let p = &l.config.providers[0];
    // A secret with `:` and a newline stays one string value: substitution happens after parsing.
    assert_eq!(
        p.access_key.as_ref().unwrap().expose(),
        "sk: with colon\nand newline"
    );
    assert!(p.passthrough_auth);
    assert_eq!(p.headers[0].1.expose(), "$$5 and $5");
    assert!(l.missing_env.is_empty());
}

#[test]
fn strict_lists_every_missing_variable() {
    let yaml = "version: v0.4.0
model_providers:
  - {model: openai/gpt-4o, access_key: $OPENAI_API_KEY}
  - {model: anthropic/claude, access_key: '${ANTHROPIC_API_KEY}'}
  - {model: groq/x, access_key: '${GROQ_API_KEY:-fallback}'}
";
    let e = load_str(yaml, &no_env, EnvPolicy::Strict).unwrap_err();
    assert_eq!(e.len(), 2, "{e}");
    assert!(
        e.mentions("`OPENAI_API_KEY` is not set") && e.mentions("`ANTHROPIC_API_KEY` is not set"),
        "{e}"
    );
    assert_eq!(
        e.iter().next().unwrap().path,
        "model_providers[0].access_key"
    );

    let l = load_str(yaml, &no_env, EnvPolicy::Lenient).unwrap();
    assert_eq!(l.missing_env, ["OPENAI_API_KEY", "ANTHROPIC_API_KEY"]);
    assert!(
        l.warnings
            .iter()
            .any(|w| w.contains("OPENAI_API_KEY, ANTHROPIC_API_KEY"))
    );
    assert_eq!(
        l.config.providers[0].access_key.as_ref().unwrap().expose(),
        "$OPENAI_API_KEY"
    );
    assert_eq!(
        l.config.providers[2].access_key.as_ref().unwrap().expose(),
        "fallback"
    );
}

#[test]
fn lenient_skips_typed_fields_with_missing_variables() {
    let l = ok!(
        "version: v0.4.0\nlisteners:\n  - {type: model, name: m, port: $PORT}\nmodel_providers:\n  - model: openai/x\n",
    );
    assert_eq!(l.config.model_listener().unwrap().port, 12000);
    assert_eq!(l.missing_env, ["PORT"]);
}

#[test]
fn dotenv_beside_the_file_and_process_env_wins() {
    let dir = std::env::temp_dir().join(format!("plano-config-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("config.yaml");
    std::fs::write(
        &cfg,
        "version: v0.4.0\nmodel_providers:\n  - {model: openai/a, access_key: $A}\n  - {model: openai/b, access_key: $B}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join(".env"),
        "# keys\nexport A=\"from-dotenv\"\nB='dotenv-b'\nnonsense\n",
    )
    .unwrap();
    let process: HashMap<String, String> = [("B".to_owned(), "from-process".to_owned())].into();
    let l = load_file(&cfg, EnvSource::fixed(process, EnvPolicy::Strict)).unwrap();
    let keys: Vec<&str> = l
        .config
        .providers
        .iter()
        .map(|p| p.access_key.as_ref().unwrap().expose())
        .collect();
    assert_eq!(keys, ["from-dotenv", "from-process"]);
    assert!(
        l.warnings
            .iter()
            .any(|w| w.contains(".env:4: not a KEY=VALUE line")),
        "{:?}",
        l.warnings
    );

    let e = load_file(
        &cfg,
        EnvSource::fixed(HashMap::new(), EnvPolicy::Strict).without_dotenv(),
    )
    .unwrap_err();
    assert_eq!(e.len(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unreadable_file_is_an_error_not_a_panic() {
    let e = load_file(
        std::path::Path::new("/nonexistent/config.yaml"),
        EnvSource::process(EnvPolicy::Lenient),
    )
    .unwrap_err();
    assert!(e.mentions("cannot read"));
}

// ---- shapes and defaults ----------------------------------------------------------------------

#[test]
fn absent_listeners_give_the_default_model_listener() {
    let l = ok!("version: v0.4.0\nmodel_providers:\n  - model: openai/gpt-4o\n");
    let ls = &l.config.listeners;
    assert_eq!(ls.len(), 1);
    assert_eq!(
        (
            ls[0].name.as_str(),
            ls[0].kind,
            ls[0].address.as_str(),
            ls[0].port
        ),
        ("egress_traffic", ListenerKind::Model, "0.0.0.0", 12000)
    );
    assert_eq!(ls[0].timeout, Duration::from_secs(300));
    assert_eq!(ls[0].max_request_body_bytes, 32 << 20);
}

#[test]
fn listener_defaults_by_kind() {
    let l = ok!("version: v0.4.0
agents: [{id: a, url: 'http://a:1'}]
listeners:
  - {type: prompt, name: p}
  - {type: agent, name: g, port: 8000, agents: [{id: a, description: d, default: true}]}
  - {type: model, name: m, max_request_body_bytes: 1024, max_retries: 2, timeout: 45}
model_providers:
  - model: openai/gpt-4o
");
    let ls = &l.config.listeners;
    assert_eq!(
        (ls[0].kind, ls[0].port, ls[0].timeout),
        (ListenerKind::Prompt, 10000, Duration::from_secs(300))
    );
    assert_eq!(
        (ls[1].kind, ls[1].port, ls[1].timeout),
        (ListenerKind::Agent, 8000, Duration::from_secs(30))
    );
    assert!(ls[1].agents[0].default);
    assert_eq!(
        (
            ls[2].max_request_body_bytes,
            ls[2].max_retries,
            ls[2].timeout
        ),
        (1024, Some(2), Duration::from_secs(45))
    );
    assert_eq!(
        ls.len(),
        3,
        "a declared model listener means no default one"
    );
}

#[test]
fn default_model_listener_is_appended_when_providers_exist() {
    let l = ok!(
        "version: v0.4.0\nlisteners:\n  - {type: prompt, name: p}\nmodel_providers:\n  - model: openai/gpt-4o\n",
    );
    assert_eq!(l.config.listeners.len(), 2);
    assert_eq!(l.config.model_listener().unwrap().name, "egress_traffic");
}

#[test]
fn legacy_object_listeners() {
    let l = ok!("version: v0.1
listeners:
  ingress_traffic: {address: 127.0.0.1, port: 10001, message_format: openai, timeout: 5s}
  egress_traffic: {port: 12001}
llm_providers:
  - model: openai/gpt-4o
");
    let ls = &l.config.listeners;
    assert_eq!(
        (ls[0].name.as_str(), ls[0].kind, ls[0].port),
        ("egress_traffic", ListenerKind::Model, 12001)
    );
    assert_eq!(
        (
            ls[1].name.as_str(),
            ls[1].kind,
            ls[1].address.as_str(),
            ls[1].timeout
        ),
        (
            "ingress_traffic",
            ListenerKind::Prompt,
            "127.0.0.1",
            Duration::from_secs(5)
        )
    );
    let only_egress = ok!(
        "version: v0.1\nlisteners:\n  egress_traffic: {}\n  ingress_traffic: {}\nllm_providers:\n  - model: openai/gpt-4o\n",
    );
    assert_eq!(
        only_egress.config.listeners.len(),
        1,
        "an empty ingress_traffic makes no prompt listener"
    );
}

#[test]
fn providers_are_normalized() {
    let l = ok!("version: v0.4.0
overrides: {upstream_connect_timeout: 7s}
model_providers:
  - model: together_ai/meta-llama/Llama-3-70b
  - {model: custom/x, base_url: 'https://h.example:8443/v1/', provider_interface: anthropic, name: mine, connect_timeout: 1s}
  - {model: openai/*}
  - {model: legacy/x, provider: openai, base_url: 'http://l'}
  - {model: google/gemini-2.0, http_host: gw.internal}
");
    let p = &l.config.providers;
    assert_eq!(
        (
            p[0].prefix.as_str(),
            p[0].model_id.as_str(),
            p[0].name.as_str()
        ),
        (
            "together_ai",
            "meta-llama/Llama-3-70b",
            "together_ai/meta-llama/Llama-3-70b"
        )
    );
    assert_eq!(p[0].connect_timeout, Duration::from_secs(7));
    assert_eq!((p[1].name.as_str(), p[1].spec.id), ("mine", "anthropic"));
    let b = p[1].base_url.as_ref().unwrap();
    assert_eq!(
        (b.host.as_str(), b.port, b.path.as_str()),
        ("h.example", 8443, "/v1")
    );
    assert_eq!(p[1].connect_timeout, Duration::from_secs(1));
    assert!(p[2].wildcard && p[2].model_id == "*");
    assert_eq!((p[3].prefix.as_str(), p[3].spec.id), ("legacy", "openai"));
    assert!(
        l.warnings
            .iter()
            .any(|w| w.contains("`provider` is deprecated"))
    );
    assert_eq!(
        p[4].spec.id, "gemini",
        "aliases resolve through the catalog"
    );
}

#[test]
fn retry_policy_defaults() {
    let l = ok!("version: v0.4.0
model_providers:
  - model: openai/gpt-4o
    retry_policy:
      fallback_models: [backup]
      on_status_codes: [{codes: [429]}]
      backoff: {}
  - {model: openai/gpt-4o-mini, name: backup}
");
    let r = l.config.providers[0].retry_policy.as_ref().unwrap();
    assert_eq!(r.fallback_models, ["backup"]);
    assert_eq!(
        (r.default_strategy, r.default_max_attempts),
        (RetryStrategy::DifferentProvider, 3)
    );
    assert_eq!(
        (
            r.on_status_codes[0].strategy,
            r.on_status_codes[0].max_attempts
        ),
        (RetryStrategy::DifferentProvider, 3)
    );
    let b = r.backoff.as_ref().unwrap();
    assert_eq!(
        (b.base, b.max, b.jitter),
        (
            Duration::from_millis(100),
            Duration::from_millis(5000),
            true
        )
    );
    assert!(r.try_remaining_providers);
    assert!(l.config.providers[1].retry_policy.is_none());
}

#[test]
fn other_sections_are_normalized() {
    let l = ok!("version: v0.4.0
model_providers:
  - model: openai/gpt-4o
filters:
  - {id: guard, url: 'http://g:1'}
  - {id: web, url: 'http://w:1', type: http}
listeners:
  - {type: model, name: m, input_filters: [guard, web]}
prompt_caching: {enabled: true, inject_cache_control: false}
state_storage: {type: postgres, connection_string: 'postgresql://u:p@h/db'}
routing:
  session_cache: {type: redis, url: 'redis://cache:6379', tenant_header: x-tenant}
");
    let c = &l.config;
    assert_eq!(
        (c.filters[0].kind.as_deref(), c.filters[0].tool.as_deref()),
        (Some("mcp"), Some("guard"))
    );
    assert_eq!(
        (c.filters[1].kind.as_deref(), c.filters[1].tool.as_deref()),
        (Some("http"), None)
    );
    assert!(
        c.prompt_caching.enabled
            && c.prompt_caching.session_affinity
            && !c.prompt_caching.inject_cache_control
    );
    assert_eq!(c.prompt_caching.min_prefix_tokens, 1024);
    assert!(matches!(
        c.state_storage,
        Some(StateStorage::Postgres { .. })
    ));
    assert_eq!(c.routing.session_cache.as_ref().unwrap().kind, "redis");
    assert_eq!(c.overrides.orchestrator_model_context_length, None);
}

// ---- errors ---------------------------------------------------------------------------------

#[test]
fn parse_errors_have_line_and_column() {
    let e = load_str(
        "version: v0.4.0\nmodel_providers:\n  - model: [unclosed\n",
        &no_env,
        EnvPolicy::Lenient,
    )
    .unwrap_err();
    assert_eq!(e.len(), 1);
    let first = e.iter().next().unwrap();
    assert!(first.line_col.is_some(), "{e}");
    assert!(first.to_string().contains("(line "), "{e}");
}

#[test]
fn all_errors_at_once_with_paths_and_positions() {
    let e = load_str(
        "version: v0.4.0
listeners:
  - {type: model, name: m, port: 0}
model_providers:
  - {model: openai/gpt-4o, defualt: true}
  - {model: nope}
  - {model: ollama/x}
",
        &no_env,
        EnvPolicy::Lenient,
    )
    .unwrap_err();
    let text = e.to_string();
    assert_eq!(e.len(), 4, "{text}");
    assert!(
        text.contains("listeners[0].port (line 3, column 34): 0 is out of range"),
        "{text}"
    );
    assert!(text.contains("model_providers[0].defualt (line 5, column 28): unknown key `defualt` (did you mean `default`?)"), "{text}");
    assert!(
        text.contains("model_providers[1].model (line 6, column 13): Invalid model name nope"),
        "{text}"
    );
    assert!(
        text.contains("Provider 'ollama' requires 'base_url'"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 4);
}

#[test]
fn debug_output_never_contains_secrets() {
    let l = ok!("version: v0.4.0
model_providers:
  - model: openai/gpt-4o
    access_key: sk-live-SECRET-1
    headers: {X-Api-Token: SECRET-2}
state_storage: {type: postgres, connection_string: 'postgresql://u:SECRET-3@h/db'}
routing:
  session_cache: {type: redis, url: 'redis://:SECRET-4@cache:6379'}
endpoints:
  api: {endpoint: 'api:80'}
prompt_targets:
  - name: t
    description: d
    endpoint: {name: api, path: /x, http_headers: {Authorization: Bearer SECRET-5}}
tracing:
  exporters: [{type: posthog, url: 'https://ph', api_key: SECRET-6}]
");
    let dump = format!("{:?} {:#?}", l.config, l);
    assert!(!dump.contains("SECRET"), "a secret leaked:\n{dump}");
    assert!(dump.contains("***"));
}

// ---- scale ------------------------------------------------------------------------------------

/// 500 providers with aliases, routes and fallbacks (timing is measured outside the test suite).
pub fn big_config(n: usize) -> String {
    let mut y =
        String::from("version: v0.4.0\nlisteners:\n  - {type: model, name: m}\nmodel_providers:\n");
    for i in 0..n {
        y.push_str(&format!(
            "  - model: custom{}/model-{i}\n    name: p{i}\n    base_url: https://api{}.example.com/v1\n    provider_interface: openai\n    access_key: $KEY_{}\n    retry_policy:\n      fallback_models: [p{}]\n      on_status_codes: [{{codes: [429, 503], strategy: different_provider, max_attempts: 2}}]\n",
            i % 7,
            i % 13,
            i % 5,
            (i + 1) % n
        ));
    }
    y.push_str("model_aliases:\n");
    for i in 0..n / 5 {
        y.push_str(&format!("  alias-{i}: {{target: p{i}}}\n"));
    }
    y.push_str("routing_preferences:\n");
    for i in 0..n / 10 {
        y.push_str(&format!(
            "  - {{name: route-{i}, description: route {i}, models: [p{i}, custom1/model-1]}}\n"
        ));
    }
    y
}

#[test]
fn five_hundred_providers_load() {
    let l = ok!(big_config(500));
    // 500 declared, plus the internal router the routes need.
    assert_eq!(l.config.providers.len(), 501);
    assert!(l.config.providers[500].internal);
    assert_eq!(l.config.model_aliases.len(), 100);
    assert_eq!(l.config.routing_preferences.len(), 50);
}
