//! `GET /metrics` on the metrics listener: counters after a few requests, in the Prometheus
//! text format.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::{Harness, TWO_PROVIDERS};
use plano_mock_llm::Reply;
use serde_json::json;

async fn scrape(h: &Harness) -> String {
    let r = h.http.get(&h.metrics_url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    r.text().await.unwrap()
}

/// The value of the series written exactly as `series`.
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// Metrics are recorded when the body ends, just after the client got it: poll briefly.
async fn scrape_until(h: &Harness, series: &str, want: f64) -> String {
    for _ in 0..100 {
        let text = scrape(h).await;
        if value(&text, series) == Some(want) {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let text = scrape(h).await;
    panic!("{series} != {want} in:\n{text}");
}

#[tokio::test]
async fn counters_after_a_few_requests() {
    let h = Harness::start(TWO_PROVIDERS).await;
    for _ in 0..2 {
        let r = h
            .post("/v1/chat/completions")
            .json(
                &json!({"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "hi"}]}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.text().await.unwrap();
    }
    // A stream translated from Anthropic: its tokens are counted.
    let r = h
        .post("/v1/chat/completions")
        .json(
            &json!({"model": "anthropic/claude-sonnet-4-5", "stream": true,
                      "messages": [{"role": "user", "content": "hi"}]}),
        )
        .send()
        .await
        .unwrap();
    r.text().await.unwrap();
    // A provider error keeps its status class.
    h.mock.enqueue(Reply::error(503));
    let r = h
        .chat(&json!({"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "hi"}]}))
        .await;
    assert_eq!(r.status(), 503);
    r.text().await.unwrap();
    h.get("/v1/models")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    h.get("/nope").send().await.unwrap().text().await.unwrap();

    let text = scrape_until(
        &h,
        r#"brightstaff_http_requests_total{handler="not_found",method="GET",status_class="4xx"}"#,
        1.0,
    )
    .await;
    let v = |s: &str| value(&text, s).unwrap_or_else(|| panic!("no `{s}` in:\n{text}"));
    assert_eq!(
        v(
            r#"brightstaff_http_requests_total{handler="llm_chat",method="POST",status_class="2xx"}"#
        ),
        3.0
    );
    assert_eq!(
        v(
            r#"brightstaff_http_requests_total{handler="llm_chat",method="POST",status_class="5xx"}"#
        ),
        1.0
    );
    assert_eq!(
        v(
            r#"brightstaff_http_requests_total{handler="list_models",method="GET",status_class="2xx"}"#
        ),
        1.0
    );
    assert_eq!(
        v(
            r#"brightstaff_llm_upstream_requests_total{provider="openai",model="gpt-4o",status_class="2xx"}"#
        ),
        2.0
    );
    assert_eq!(
        v(
            r#"brightstaff_llm_upstream_requests_total{provider="openai",model="gpt-4o",status_class="5xx"}"#
        ),
        1.0
    );
    assert_eq!(
        v(
            r#"brightstaff_llm_upstream_requests_total{provider="anthropic",model="claude-sonnet-4-5",status_class="2xx"}"#
        ),
        1.0
    );
    assert!(
        v(
            r#"brightstaff_llm_tokens_total{provider="anthropic",model="claude-sonnet-4-5",kind="prompt"}"#
        ) > 0.0
    );
    assert!(
        v(
            r#"brightstaff_llm_tokens_total{provider="anthropic",model="claude-sonnet-4-5",kind="completion"}"#
        ) > 0.0
    );
    assert_eq!(
        v(r#"brightstaff_llm_upstream_duration_seconds_count{provider="openai",model="gpt-4o"}"#),
        3.0
    );
    assert_eq!(
        v(
            r#"brightstaff_llm_upstream_duration_seconds_bucket{provider="openai",model="gpt-4o",le="+Inf"}"#
        ),
        3.0
    );
    assert_eq!(
        v(r#"brightstaff_http_in_flight_requests{handler="llm_chat"}"#),
        0.0
    );
    assert_eq!(
        v(r#"plano_upstream_attempts_total{provider="openai/gpt-4o"}"#),
        3.0
    );
    assert_eq!(
        v(r#"plano_upstream_attempts_total{provider="anthropic/claude-sonnet-4-5"}"#),
        1.0
    );
    assert!(text.contains(&format!(
        "brightstaff_build_info{{version=\"{}\"}} 1\n",
        env!("CARGO_PKG_VERSION")
    )));
    // Format: every family announced once with HELP and TYPE, before its samples.
    for (name, kind) in [
        ("brightstaff_http_requests_total", "counter"),
        ("brightstaff_http_in_flight_requests", "gauge"),
        ("brightstaff_llm_upstream_duration_seconds", "histogram"),
        ("plano_upstream_failovers_total", "counter"),
        ("plano_upstream_cooldowns_total", "counter"),
    ] {
        assert_eq!(
            text.matches(&format!("# TYPE {name} {kind}\n")).count(),
            1,
            "{name}"
        );
        assert!(text.contains(&format!("# HELP {name} ")));
    }
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (_, number) = line.rsplit_once(' ').unwrap();
        assert!(number.parse::<f64>().is_ok(), "bad sample line `{line}`");
    }
    // The listener serves nothing else.
    let r = h
        .http
        .get(h.metrics_url.replace("/metrics", "/v1/models"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn failover_counters_are_exported_per_provider() {
    let h = common::start_seed_004().await;
    h.mock.enqueue(Reply::error(429));
    h.mock.enqueue(Reply::error(503));
    let r = h
        .chat(&json!({"model": "custom/claude-opus-4-6",
                      "messages": [{"role": "user", "content": "Hello!"}]}))
        .await;
    assert_eq!(r.status(), 200);
    r.text().await.unwrap();
    let text = scrape_until(
        &h,
        r#"plano_upstream_attempts_total{provider="custom-offcial/claude-opus-4-6"}"#,
        1.0,
    )
    .await;
    let v = |s: &str| value(&text, s).unwrap_or_else(|| panic!("no `{s}` in:\n{text}"));
    assert_eq!(
        v(r#"plano_upstream_attempts_total{provider="custom/claude-opus-4-6"}"#),
        1.0
    );
    assert_eq!(
        v(r#"plano_upstream_recovered_total{provider="custom/claude-opus-4-6"}"#),
        1.0
    );
    assert!(
        v(r#"plano_upstream_failovers_total{provider="custom-offcial/claude-opus-4-6"}"#) >= 1.0
    );
    // The request is counted once, for the provider that served it.
    let served: f64 = text
        .lines()
        .filter(|l| l.starts_with("brightstaff_llm_upstream_requests_total{") && l.contains("2xx"))
        .map(|l| l.rsplit_once(' ').unwrap().1.parse::<f64>().unwrap())
        .sum();
    assert_eq!(served, 1.0, "{text}");
}

#[tokio::test]
async fn streams_in_flight_time_to_first_token_and_process_families() {
    let h = Harness::start(TWO_PROVIDERS).await;
    // A slow stream: in flight while it plays, then timed to its first bytes.
    h.mock.enqueue(
        Reply::text("one two three four")
            .with_stream_chunks(4)
            .with_chunk_delay(Duration::from_millis(150)),
    );
    let mut r = h
        .post("/v1/chat/completions")
        .json(&json!({"model": "openai/gpt-4o", "stream": true,
                      "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let _first = r.chunk().await.unwrap();
    scrape_until(&h, "plano_streams_in_flight", 1.0).await;
    while r.chunk().await.unwrap().is_some() {}
    let text = scrape_until(&h, "plano_streams_in_flight", 0.0).await;
    let ttft =
        r#"brightstaff_llm_time_to_first_token_seconds_count{provider="openai",model="gpt-4o"}"#;
    assert_eq!(value(&text, ttft), Some(1.0), "{text}");
    // A non-streaming request is not timed as a stream.
    let r = h
        .chat(&json!({"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "hi"}]}))
        .await;
    r.text().await.unwrap();
    let text = scrape_until(
        &h,
        r#"brightstaff_llm_upstream_requests_total{provider="openai",model="gpt-4o",status_class="2xx"}"#,
        2.0,
    )
    .await;
    assert_eq!(value(&text, ttft), Some(1.0));
    for family in [
        "process_resident_memory_bytes",
        "process_cpu_seconds_total",
        "process_open_fds",
        "process_start_time_seconds",
    ] {
        let v = value(&text, family).unwrap_or_else(|| panic!("{family} in:\n{text}"));
        assert!(v > 0.0, "{family} = {v}");
    }
}
