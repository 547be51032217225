//! The log lines users of the retry fork grep for (spec §5.4), at info level.

mod common;

use common::capture::capture;
use plano_mock_llm::Reply;
use serde_json::json;

/// The test runtime is single-threaded, so the gateway's tasks log through this thread's
/// default subscriber.
#[tokio::test]
async fn failover_logs_the_forks_lines() {
    let (captured, _guard) = capture(tracing::Level::INFO);

    let h = common::start_seed_004().await;
    h.mock.enqueue(Reply::error(429));
    h.mock.enqueue(Reply::error(503));
    let r = h
        .chat(&json!({"model": "custom/claude-opus-4-6",
                      "messages": [{"role": "user", "content": "Hello!"}]}))
        .await;
    assert_eq!(r.status(), 200);

    let logs = captured.all();
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
