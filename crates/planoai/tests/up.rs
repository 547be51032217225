//! The real binary: `planoai up --foreground` against a mock provider, with the key coming from
//! a `.env` beside the config; SIGTERM drains and exits 0. A config with a missing variable is
//! refused before anything listens.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{free_port, temp_dir};

use std::process::Stdio;
use std::time::Duration;

use plano_mock_llm::MockLlm;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

#[tokio::test]
async fn up_serves_then_drains_on_sigterm() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mock = MockLlm::start().await.unwrap();
    let dir = temp_dir("up-up");
    let port = free_port();
    std::fs::write(
        dir.join("config.yaml"),
        format!(
            "version: v0.4.0\nlisteners:\n  - type: model\n    name: llm\n    address: 127.0.0.1\n    port: {port}\n\
             model_providers:\n  - model: openai/gpt-4o\n    access_key: $TEST_UP_KEY\n    base_url: {}\n    default: true\n",
            mock.base_url()
        ),
    )
    .unwrap();
    std::fs::write(dir.join(".env"), "TEST_UP_KEY=sk-from-dotenv\n").unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_planoai"))
        .args(["up", "--foreground"])
        .arg(dir.join("config.yaml"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(line.contains(&format!("127.0.0.1:{port}")), "{line}");

    let url = format!("http://127.0.0.1:{port}");
    let health = reqwest::get(format!("{url}/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    let r = reqwest::Client::new()
        .post(format!("{url}/v1/chat/completions"))
        .json(&serde_json::json!({"messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        mock.requests()[0].header("authorization"),
        Some("Bearer sk-from-dotenv")
    );

    let pid = child.id().unwrap().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "exit status {status:?}");
}

#[tokio::test]
async fn up_refuses_a_config_with_missing_variables() {
    let dir = temp_dir("up-missing");
    std::fs::write(
        dir.join("config.yaml"),
        "version: v0.4.0\nlisteners:\n  - type: model\n    name: llm\n    port: 0\n\
         model_providers:\n  - model: openai/gpt-4o\n    access_key: $PLANO_TEST_MISSING_ONE\n  \
         - model: anthropic/claude\n    access_key: ${PLANO_TEST_MISSING_TWO}\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_planoai"))
        .args(["up", "--foreground"])
        .arg(dir.join("config.yaml"))
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("PLANO_TEST_MISSING_ONE"), "{stderr}");
    assert!(stderr.contains("PLANO_TEST_MISSING_TWO"), "{stderr}");
}
