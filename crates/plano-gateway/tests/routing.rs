//! Preference-aligned routing end to end: a mock router (the mock-llm's router mode, answering
//! by keyword) picks the route, the provider mock receives the route's model; the router down,
//! slow or talking nonsense never fails a request; the routing decision API; session affinity
//! and `route_on_user_only`; Redis-backed bindings.

mod common;

use std::time::{Duration, Instant};

use common::Harness;
use plano_mock_llm::{MockLlm, Reply};
use serde_json::{Value, json};

/// Seed 004's seven routes and their keywords for the mock router.
const SEED_RULES: [(&str, &str); 7] = [
    ("write a function", "code generation"),
    ("explain what this code does", "code understanding"),
    ("stack trace", "troubleshooting"),
    ("compare", "analysis"),
    ("readme", "documentation"),
    ("browse", "web browsing"),
    ("capital of", "quick tasks"),
];

fn chat(model: Option<&str>, text: &str) -> Value {
    let mut body = json!({"messages": [
        {"role": "system", "content": "you are a coding agent"},
        {"role": "user", "content": text}
    ]});
    if let Some(m) = model {
        body["model"] = json!(m);
    }
    body
}

/// The models the provider mock received, in order.
fn models_seen(mock: &MockLlm) -> Vec<String> {
    mock.requests()
        .iter()
        .map(|r| r.json()["model"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Seed 004 unchanged; the internal router pointed at mock 1 through `PLANO_ROUTER_URL`.
async fn seed_with_router() -> Harness {
    let seed = include_str!(
        "../../plano-config/tests/fixtures/seeds/retry-failover-smart-routing--recommended-config--correct.yaml"
    );
    let h = Harness::start_mocks_env(
        &seed.replace("https://your-api-endpoint.com", "{mock0}"),
        2,
        &[("PLANO_ROUTER_URL", "{mock1}")],
    )
    .await;
    h.mock(1).serve_router("Plano-Orchestrator", SEED_RULES);
    h
}

#[tokio::test]
async fn seed_004_sends_each_request_to_its_routes_model() {
    let h = seed_with_router().await;
    let cases = [
        (
            "write a function that parses dates",
            "code generation",
            "claude-opus-4-6",
        ),
        (
            "explain what this code does: fn main() {}",
            "code understanding",
            "claude-sonnet-4-6",
        ),
        (
            "why does this stack trace happen?",
            "troubleshooting",
            "claude-opus-4-6",
        ),
        ("compare postgres and mysql for us", "analysis", "gpt-5.4"),
        (
            "update the README for the release",
            "documentation",
            "claude-sonnet-4-6",
        ),
        (
            "browse example.com and summarize it",
            "web browsing",
            "gemini-3-flash-preview",
        ),
        (
            "what is the capital of France?",
            "quick tasks",
            "gemini-3-flash-preview",
        ),
    ];
    for (text, route, upstream) in cases {
        h.mock(0).clear_requests();
        let resp = h.chat(&chat(Some("custom/claude-opus-4-6"), text)).await;
        assert_eq!(resp.status(), 200, "{text}");
        assert_eq!(
            resp.headers()
                .get("x-plano-route")
                .and_then(|v| v.to_str().ok()),
            Some(route),
            "{text}"
        );
        assert_eq!(models_seen(h.mock(0)), vec![upstream], "{text}");
    }
    // One router call per request, each an OpenAI chat request to the router model.
    let asked = h.mock(1).requests();
    assert_eq!(asked.len(), cases.len());
    let first = asked[0].json();
    assert_eq!(first["model"], "Plano-Orchestrator");
    assert_eq!(first["temperature"], 0.01);
    assert_eq!(first["messages"].as_array().map(Vec::len), Some(1));
    let prompt = first["messages"][0]["content"].as_str().unwrap();
    // Routes in config order, one JSON object per line; the system message is not shown.
    let lines: Vec<&str> = prompt
        .lines()
        .filter(|l| l.starts_with("{\"name\": "))
        .collect();
    assert_eq!(lines.len(), 7);
    assert!(
        lines[0]
            .starts_with("{\"name\": \"code generation\", \"description\": \"generating new code")
    );
    assert!(lines[6].starts_with("{\"name\": \"quick tasks\""));
    assert!(prompt.contains("\"content\": \"write a function that parses dates\""));
    assert!(!prompt.contains("you are a coding agent"));
    // The client's credentials never reach the router; no key is configured for it.
    assert!(asked[0].header("authorization").is_none());

    let metrics = h.scrape().await;
    assert!(
        metrics.contains("plano_route_decisions_total{route=\"code generation\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("plano_route_decisions_total{route=\"quick tasks\"} 1"));
    assert!(metrics.contains(
        "brightstaff_router_decisions_total{route=\"llm\",selected_model=\"custom/gpt-5.4\",fallback=\"false\"} 1"
    ), "{metrics}");
    assert!(
        metrics.contains("brightstaff_router_decision_duration_seconds_count{route=\"llm\"} 7")
    );
    h.shutdown().await;
}

#[tokio::test]
async fn no_route_keeps_the_requested_model_and_default_when_none_is_named() {
    let h = seed_with_router().await;
    let resp = h.chat(&chat(Some("custom/gpt-5.4"), "hello there")).await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers().get("x-plano-route").is_none());
    let resp = h.chat(&chat(None, "hello again")).await;
    assert_eq!(resp.status(), 200);
    // Naming the router itself also means "route me, else the default".
    let resp = h
        .chat(&chat(Some("plano-orchestrator"), "good morning"))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        models_seen(h.mock(0)),
        vec!["gpt-5.4", "claude-opus-4-6", "claude-opus-4-6"]
    );
    let metrics = h.scrape().await;
    assert!(
        metrics.contains("plano_route_decisions_total{route=\"none\"} 3"),
        "{metrics}"
    );
    h.shutdown().await;
}

#[tokio::test]
async fn seed_004_with_the_router_unreachable_still_serves_every_request() {
    // A port nobody listens on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let seed = include_str!(
        "../../plano-config/tests/fixtures/seeds/retry-failover-smart-routing--recommended-config--correct.yaml"
    );
    let h = Harness::start_mocks_env(
        &seed.replace("https://your-api-endpoint.com", "{mock0}"),
        1,
        &[("PLANO_ROUTER_URL", &closed)],
    )
    .await;
    for (_, _) in SEED_RULES {
        let resp = h.chat(&chat(None, "write a function")).await;
        assert_eq!(resp.status(), 200);
        let body: Value = resp.json().await.unwrap();
        assert!(body["choices"][0]["message"]["content"].is_string());
    }
    let resp = h
        .messages(
            &json!({"model": "custom/claude-sonnet-4-6", "max_tokens": 50,
            "messages": [{"role": "user", "content": "write a function"}]}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let mut expected = vec!["claude-opus-4-6"; SEED_RULES.len()];
    expected.push("claude-sonnet-4-6");
    assert_eq!(models_seen(&h.mock), expected);
    assert_eq!(h.gateway.router_failures(), 8);
    // Three refused connections open the router's circuit; later requests do not ask it.
    let metrics = h.scrape().await;
    assert!(
        metrics.contains("plano_router_failures_total{reason=\"unreachable\"} 3"),
        "{metrics}"
    );
    assert!(
        metrics.contains("plano_router_failures_total{reason=\"cooling_down\"} 5"),
        "{metrics}"
    );
    h.shutdown().await;
}

/// Two providers on mock 0, a router of its own on mock 1.
const OWN_ROUTER: &str = r#"
version: v0.4.0
listeners:
  - type: model
    name: m
    port: 12000
routing:
  router_timeout: 300ms
overrides:
  llm_routing_model: plano/router-model
model_providers:
  - model: openai/gpt-4o
    access_key: $OPENAI_API_KEY
    base_url: {mock0}
    default: true
  - model: openai/gpt-4o-mini
    access_key: $OPENAI_API_KEY
    base_url: {mock0}
  - model: plano/router-model
    base_url: {mock1}
routing_preferences:
  - name: quick
    description: short factual questions
    models: [openai/gpt-4o-mini]
"#;

#[tokio::test]
async fn a_slow_garbled_or_failing_router_never_fails_the_request() {
    let h = Harness::start_mocks(OWN_ROUTER, 2).await;
    let router = h.mock(1);
    router.enqueue(Reply::text(r#"{"route": ["quick"]}"#).with_delay(Duration::from_secs(2)));
    router.enqueue(Reply::text(
        "I think the best route is probably the quick one!",
    ));
    router.enqueue(Reply::error(500));
    router.enqueue(Reply::malformed_json());
    for i in 0..4 {
        let started = Instant::now();
        let resp = h
            .chat(&chat(Some("openai/gpt-4o"), "capital of Peru?"))
            .await;
        assert_eq!(resp.status(), 200, "case {i}");
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "case {i}: bounded by router_timeout"
        );
    }
    assert_eq!(models_seen(&h.mock), vec!["gpt-4o"; 4]);
    let metrics = h.scrape().await;
    assert!(
        metrics.contains("plano_router_failures_total{reason=\"timeout\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("plano_router_failures_total{reason=\"unparsable\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("plano_router_failures_total{reason=\"status\"} 1"),
        "{metrics}"
    );
    // A sane answer afterwards routes again: the old-format single-route answer is accepted.
    router.enqueue(Reply::text("```json\n{'route': 'quick'}\n```"));
    let resp = h
        .chat(&chat(Some("openai/gpt-4o"), "capital of Peru?"))
        .await;
    assert_eq!(resp.headers().get("x-plano-route").unwrap(), "quick");
    assert_eq!(
        models_seen(&h.mock).last().map(String::as_str),
        Some("gpt-4o-mini")
    );
    h.shutdown().await;
}

#[tokio::test]
async fn inline_preferences_override_the_config_and_never_reach_the_provider() {
    let h = Harness::start_mocks(OWN_ROUTER, 2).await;
    h.mock(1)
        .serve_router("router-model", [("poem", "creative")]);
    let mut body = chat(Some("openai/gpt-4o-mini"), "write a poem about rust");
    body["routing_preferences"] = json!([
        {"name": "creative", "description": "poems and stories", "models": ["openai/gpt-4o"]}
    ]);
    let resp = h.chat(&body).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers().get("x-plano-route").unwrap(), "creative");
    let seen = h.mock.last_request().unwrap();
    let sent = seen.json();
    assert_eq!(sent["model"], "gpt-4o");
    assert!(sent.get("routing_preferences").is_none(), "{sent}");
    // The router saw the inline route, not the config's.
    let prompt = h.mock(1).last_request().unwrap().json()["messages"][0]["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(prompt.contains("\"name\": \"creative\""));
    assert!(!prompt.contains("\"name\": \"quick\""));
    let metrics = h.scrape().await;
    assert!(
        metrics.contains("plano_route_decisions_total{route=\"inline\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("plano_route_decisions_total{route=\"quick\"} 0"),
        "{metrics}"
    );
    h.shutdown().await;
}

/// A route with two models on two mocks: the second is the first's failover.
const ROUTE_CHAIN: &str = r#"
version: v0.4.0
listeners:
  - type: model
    name: m
    port: 12000
overrides:
  llm_routing_model: plano/router-model
model_providers:
  - model: openai/gpt-4o
    access_key: $OPENAI_API_KEY
    base_url: {mock0}
    default: true
  - model: custom/gpt-5.4
    access_key: $CODEX_API_KEY
    base_url: {mock1}
    provider_interface: openai
  - model: anthropic/claude-sonnet-4-6
    access_key: $ANTHROPIC_API_KEY
    base_url: {mock2}
  - model: plano/router-model
    base_url: {mock0}
routing_preferences:
  - name: analysis
    description: comparing options
    models: [custom/gpt-5.4, anthropic/claude-sonnet-4-6]
"#;

#[tokio::test]
async fn a_routes_other_models_are_its_failover_chain() {
    let h = Harness::start_mocks(ROUTE_CHAIN, 3).await;
    h.mock(0)
        .serve_router("router-model", [("compare", "analysis")]);
    h.mock(1).enqueue(Reply::error(503));
    let resp = h
        .chat(&chat(Some("openai/gpt-4o"), "compare a and b"))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers().get("x-plano-route").unwrap(), "analysis");
    assert_eq!(models_seen(h.mock(1)), vec!["gpt-5.4"]);
    // Failed over to the route's second model, in Anthropic's API.
    let seen = h.mock(2).last_request().unwrap();
    assert!(seen.path_only().ends_with("/messages"));
    assert_eq!(seen.json()["model"], "claude-sonnet-4-6");
    let body: Value = resp.json().await.unwrap();
    assert!(
        body["choices"][0]["message"]["content"].is_string(),
        "{body}"
    );
    h.shutdown().await;
}

#[tokio::test]
async fn routing_api_answers_without_calling_a_provider() {
    let h = seed_with_router().await;
    let resp = h
        .post("/routing/v1/chat/completions")
        .header(
            "traceparent",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        )
        .json(&chat(Some("custom/claude-opus-4-6"), "compare rust and go"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body["models"],
        json!(["custom/gpt-5.4", "custom/claude-sonnet-4-6"])
    );
    assert_eq!(body["route"], "analysis");
    assert_eq!(body["trace_id"], "0af7651916cd43dd8448eb211c80319c");
    assert_eq!(body["pinned"], false);
    assert_eq!(body["switched"], false);
    assert!(body.get("session_id").is_none());

    // Anthropic shape, nothing matches.
    let resp = h
        .post("/routing/v1/messages")
        .json(&json!({"model": "custom/claude-opus-4-6", "max_tokens": 10,
            "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["models"], json!(["none"]));
    assert_eq!(body["route"], Value::Null);
    assert_eq!(body["trace_id"].as_str().map(str::len), Some(32));

    // Bad JSON: brightstaff's envelope.
    let resp = h
        .post("/routing/v1/chat/completions")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "InvalidRequest");
    assert!(
        body["error"]["details"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("Failed to parse request JSON")
    );

    assert!(h.mock(0).requests().is_empty(), "no provider was called");
    assert_eq!(h.mock(1).requests().len(), 2, "only the router");
    let metrics = h.scrape().await;
    assert!(
        metrics
            .contains("brightstaff_routing_service_requests_total{outcome=\"decision_served\"} 1")
    );
    assert!(
        metrics.contains("brightstaff_routing_service_requests_total{outcome=\"no_candidates\"} 1")
    );
    assert!(
        metrics.contains("handler=\"routing_decision\""),
        "{metrics}"
    );
    h.shutdown().await;
}

#[tokio::test]
async fn routing_api_reports_a_router_failure_instead_of_failing() {
    let h = Harness::start_mocks(OWN_ROUTER, 2).await;
    h.mock(1).enqueue(Reply::error(503));
    let resp = h
        .post("/routing/v1/chat/completions")
        .json(&chat(Some("openai/gpt-4o"), "capital of Chile?"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["models"], json!(["none"]));
    assert!(
        body["router_error"].as_str().unwrap().contains("503"),
        "{body}"
    );
    h.shutdown().await;
}

#[tokio::test]
async fn affinity_header_records_the_session_across_turns() {
    let h = seed_with_router().await;
    let ask = |text: &'static str| {
        let h = &h;
        async move {
            let resp = h
                .post("/routing/v1/chat/completions")
                .header("x-model-affinity", "session-42")
                .json(&chat(Some("custom/claude-opus-4-6"), text))
                .send()
                .await
                .unwrap();
            resp.json::<Value>().await.unwrap()
        }
    };
    let first = ask("write a function to sort").await;
    assert_eq!(first["session_id"], "session-42");
    assert_eq!(
        (first["pinned"].as_bool(), first["switched"].as_bool()),
        (Some(false), Some(false))
    );
    let second = ask("write a function to search").await;
    assert_eq!(
        (second["pinned"].as_bool(), second["switched"].as_bool()),
        (Some(true), Some(false))
    );
    let third = ask("what is the capital of Peru?").await;
    assert_eq!(third["route"], "quick tasks");
    assert_eq!(
        (third["pinned"].as_bool(), third["switched"].as_bool()),
        (Some(true), Some(true)),
        "without a routing budget the session follows the router"
    );
    h.shutdown().await;
}

const ON_USER_ONLY: &str = r#"
version: v0.4.0
listeners:
  - type: model
    name: m
    port: 12000
routing:
  route_on_user_only: true
overrides:
  llm_routing_model: plano/router-model
model_providers:
  - model: openai/gpt-4o
    access_key: $OPENAI_API_KEY
    base_url: {mock0}
    default: true
  - model: anthropic/claude-sonnet-4-5
    access_key: $ANTHROPIC_API_KEY
    base_url: {mock0}
  - model: plano/router-model
    base_url: {mock1}
routing_preferences:
  - name: code
    description: writing code
    models: [anthropic/claude-sonnet-4-5]
"#;

#[tokio::test]
async fn route_on_user_only_replays_the_sessions_model_on_tool_results() {
    let h = Harness::start_mocks(ON_USER_ONLY, 2).await;
    h.mock(1).serve_router("router-model", [("write", "code")]);
    let user_turn = json!({"model": "openai/gpt-4o", "tools": [{"type": "function", "function": {"name": "run", "parameters": {"type": "object"}}}],
    "messages": [
        {"role": "system", "content": "agent"},
        {"role": "user", "content": "write a script"}
    ]});
    let resp = h.chat(&user_turn).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(h.mock(1).requests().len(), 1, "a user turn asks the router");
    // The tool result of the same conversation: the implicit session replays, no router call.
    let mut tool_turn = user_turn.clone();
    let msgs = tool_turn["messages"].as_array_mut().unwrap();
    msgs.push(json!({"role": "assistant", "content": null, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "run", "arguments": "{}"}}]}));
    msgs.push(json!({"role": "tool", "tool_call_id": "c1", "content": "ok"}));
    let resp = h.chat(&tool_turn).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        h.mock(1).requests().len(),
        1,
        "router not called on a tool result"
    );
    let seen: Vec<String> = h
        .mock
        .requests()
        .iter()
        .map(|r| r.json()["model"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(seen, vec!["claude-sonnet-4-5", "claude-sonnet-4-5"]);
    // A new user message routes again.
    msgs_push_user(&mut tool_turn, "now write tests");
    let resp = h.chat(&tool_turn).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(h.mock(1).requests().len(), 2);
    let metrics = h.scrape().await;
    assert!(
        metrics.contains("brightstaff_router_skips_total{reason=\"not_user_turn\"} 1"),
        "{metrics}"
    );
    h.shutdown().await;
}

fn msgs_push_user(body: &mut Value, text: &str) {
    if let Some(m) = body["messages"].as_array_mut() {
        m.push(json!({"role": "user", "content": text}));
    }
}

#[tokio::test]
async fn route_on_user_only_with_anthropic_tool_results() {
    let h = Harness::start_mocks(ON_USER_ONLY, 2).await;
    h.mock(1).serve_router("router-model", [("write", "code")]);
    let first = json!({"model": "openai/gpt-4o", "max_tokens": 100, "system": "agent",
        "messages": [{"role": "user", "content": "write a script"}]});
    assert_eq!(h.messages(&first).await.status(), 200);
    let mut next = first.clone();
    let msgs = next["messages"].as_array_mut().unwrap();
    msgs.push(json!({"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "run", "input": {}}]}));
    msgs.push(json!({"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "done"}]}));
    assert_eq!(h.messages(&next).await.status(), 200);
    assert_eq!(h.mock(1).requests().len(), 1);
    let last = h.mock.last_request().unwrap();
    assert_eq!(last.json()["model"], "claude-sonnet-4-5");
    h.shutdown().await;
}

#[tokio::test]
async fn a_router_behind_anthropic_is_translated_like_any_request() {
    let yaml = r#"
version: v0.4.0
listeners:
  - type: model
    name: m
    port: 12000
overrides:
  llm_routing_model: anthropic/claude-haiku-4-5
model_providers:
  - model: openai/gpt-4o
    access_key: $OPENAI_API_KEY
    base_url: {mock0}
    default: true
  - model: openai/gpt-4o-mini
    access_key: $OPENAI_API_KEY
    base_url: {mock0}
  - model: anthropic/claude-haiku-4-5
    access_key: $ANTHROPIC_API_KEY
    base_url: {mock1}
routing_preferences:
  - name: quick
    description: short answers
    models: [openai/gpt-4o-mini]
"#;
    let h = Harness::start_mocks(yaml, 2).await;
    h.mock(1)
        .serve_router("claude-haiku-4-5", [("capital", "quick")]);
    let resp = h
        .chat(&chat(Some("openai/gpt-4o"), "capital of Spain?"))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers().get("x-plano-route").unwrap(), "quick");
    let asked = h.mock(1).last_request().unwrap();
    assert!(
        asked.path_only().ends_with("/messages"),
        "{}",
        asked.path_only()
    );
    assert_eq!(asked.header("x-api-key"), Some("key-anthropic_api_key"));
    assert_eq!(models_seen(&h.mock), vec!["gpt-4o-mini"]);
    h.shutdown().await;
}

#[tokio::test]
async fn redis_backed_affinity() {
    let Ok(url) = std::env::var("PLANO_TEST_REDIS_URL") else {
        eprintln!("skipping: PLANO_TEST_REDIS_URL is not set");
        return;
    };
    let seed = include_str!(
        "../../plano-config/tests/fixtures/seeds/retry-failover-smart-routing--recommended-config--correct.yaml"
    );
    let yaml = format!(
        "{}\nrouting:\n  session_cache:\n    type: redis\n    url: {url}\n    tenant_header: x-tenant\n",
        seed.replace("https://your-api-endpoint.com", "{mock0}")
    );
    let h = Harness::start_mocks_env(&yaml, 2, &[("PLANO_ROUTER_URL", "{mock1}")]).await;
    h.mock(1).serve_router("Plano-Orchestrator", SEED_RULES);
    let session = format!("redis-test-{}", std::process::id());
    let ask = |text: &'static str| {
        let (h, session) = (&h, session.clone());
        async move {
            let resp = h
                .post("/routing/v1/chat/completions")
                .header("x-model-affinity", session)
                .header("x-tenant", "acme")
                .json(&chat(Some("custom/claude-opus-4-6"), text))
                .send()
                .await
                .unwrap();
            resp.json::<Value>().await.unwrap()
        }
    };
    let first = ask("write a function").await;
    assert_eq!(first["pinned"], false);
    // The binding is written in the background; give it a moment to land.
    let store = plano_state::SessionStore::redis(&url).await.unwrap();
    let key = format!("acme:{session}");
    let mut stored = None;
    for _ in 0..50 {
        stored = store.get(&key).await.unwrap();
        if stored.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let stored = stored.expect("binding stored in redis under the tenant's key");
    assert_eq!(stored.anchor_model, "custom/claude-opus-4-6");
    assert_eq!(stored.route_name.as_deref(), Some("code generation"));
    let second = ask("write a function again").await;
    assert_eq!(second["pinned"], true, "{second}");
    h.shutdown().await;
}

#[tokio::test]
async fn an_arch_router_model_gets_the_arch_router_prompt() {
    let yaml = r#"
version: v0.4.0
listeners:
  - type: model
    name: m
    port: 12000
overrides:
  llm_routing_model: plano/hf.co/katanemo/Arch-Router-1.5B.gguf:Q4_K_M
model_providers:
  - model: openai/gpt-4o
    access_key: $OPENAI_API_KEY
    base_url: {mock0}
    default: true
  - model: openai/gpt-4o-mini
    access_key: $OPENAI_API_KEY
    base_url: {mock0}
  - model: plano/hf.co/katanemo/Arch-Router-1.5B.gguf:Q4_K_M
    base_url: {mock1}
routing_preferences:
  - name: quick
    description: short answers
    models: [openai/gpt-4o-mini]
"#;
    let h = Harness::start_mocks(yaml, 2).await;
    // An Arch-Router answers with a single route name.
    h.mock(1).enqueue(Reply::text(r#"{"route": "quick"}"#));
    let resp = h
        .chat(&chat(Some("openai/gpt-4o"), "capital of Spain?"))
        .await;
    assert_eq!(resp.headers().get("x-plano-route").unwrap(), "quick");
    let asked = h.mock(1).last_request().unwrap().json();
    assert_eq!(
        asked["model"],
        "hf.co/katanemo/Arch-Router-1.5B.gguf:Q4_K_M"
    );
    let prompt = asked["messages"][0]["content"].as_str().unwrap();
    assert!(prompt.contains(r#"{"route": "other"}"#), "{prompt}");
    assert!(
        prompt.contains(r#"[{"name":"quick","description":"short answers"}]"#),
        "{prompt}"
    );
    assert_eq!(models_seen(&h.mock), vec!["gpt-4o-mini"]);
    h.shutdown().await;
}

#[tokio::test]
async fn decisions_and_router_failures_are_logged() {
    let (captured, _guard) = common::capture::capture(tracing::Level::INFO);
    let h = Harness::start_mocks(OWN_ROUTER, 2).await;
    h.mock(1).enqueue(Reply::text(r#"{"route": ["quick"]}"#));
    h.mock(1).enqueue(Reply::error(502));
    for _ in 0..2 {
        let resp = h
            .chat(&chat(Some("openai/gpt-4o"), "capital of Peru?"))
            .await;
        assert_eq!(resp.status(), 200);
        resp.text().await.unwrap();
    }
    let lines = captured.wait_for(2).await;
    assert_eq!(common::capture::field(&lines[0], "route"), "quick");
    assert_eq!(
        common::capture::field(&lines[0], "upstream_model"),
        "gpt-4o-mini"
    );
    assert_eq!(common::capture::field(&lines[1], "route"), "-");
    let all = captured.all();
    assert!(
        all.contains("plano-orchestrator determined routes: [\"quick\"], selected route: quick"),
        "{all}"
    );
    assert!(all.contains("response_time_ms="), "{all}");
    assert!(
        all.contains("router failed, routing to the requested model"),
        "{all}"
    );
    assert!(!all.contains("key-openai_api_key"), "no secret in logs");
    h.shutdown().await;
}

#[tokio::test]
async fn a_session_cache_that_is_down_never_fails_a_request() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let yaml = OWN_ROUTER.replace(
        "routing:\n  router_timeout: 300ms\n",
        &format!(
            "routing:\n  router_timeout: 300ms\n  session_cache:\n    type: redis\n    url: redis://{closed}\n"
        ),
    );
    let h = Harness::start_mocks(&yaml, 2).await;
    h.mock(1)
        .serve_router("router-model", [("capital", "quick")]);
    for _ in 0..3 {
        let started = Instant::now();
        let resp = h
            .post("/v1/chat/completions")
            .header("x-model-affinity", "s-1")
            .json(&chat(Some("openai/gpt-4o"), "capital of Peru?"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers().get("x-plano-route").unwrap(), "quick");
        assert!(started.elapsed() < Duration::from_secs(2));
    }
    let metrics = h.scrape().await;
    assert!(
        metrics.contains("brightstaff_session_cache_events_total{outcome=\"error\"} 3"),
        "{metrics}"
    );
    h.shutdown().await;
}
