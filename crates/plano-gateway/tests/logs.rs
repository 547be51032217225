//! The log lines users of the retry fork grep for (spec §5.4), at info level.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::Harness;
use plano_mock_llm::Reply;
use serde_json::json;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The test runtime is single-threaded, so the gateway's tasks log through this thread's
/// default subscriber.
#[tokio::test]
async fn failover_logs_the_forks_lines() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let seed = include_str!(
        "../../plano-config/tests/fixtures/seeds/retry-failover-smart-routing--recommended-config--correct.yaml"
    );
    let h = Harness::start_mocks(&seed.replace("https://your-api-endpoint.com", "{mock}"), 1).await;
    h.mock.enqueue(Reply::error(429));
    h.mock.enqueue(Reply::error(503));
    let r = h
        .post("/v1/chat/completions")
        .json(&json!({"model": "custom/claude-opus-4-6",
                      "messages": [{"role": "user", "content": "Hello!"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for line in [
        "Retriable error detected: provider=custom/claude-opus-4-6, status_code=429",
        "Retry initiated: target_model=custom-aws/claude-opus-4-6",
        "Retriable error detected: provider=custom-aws/claude-opus-4-6, status_code=503",
        "Retry initiated: target_model=custom-offcial/claude-opus-4-6",
        "metric.retry_success: model=custom-offcial/claude-opus-4-6, total_attempts=3",
    ] {
        assert!(logs.contains(line), "missing `{line}` in:\n{logs}");
    }
    assert!(logs.contains(" INFO "), "at info level:\n{logs}");
}
