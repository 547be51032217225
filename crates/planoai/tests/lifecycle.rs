//! The detached lifecycle with the real binary: `up` returns once the gateway is healthy,
//! `logs` shows its log, `down` drains and stops it, a second `down` says nothing runs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use plano_mock_llm::MockLlm;

fn planoai(home: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_planoai"))
        .env("PLANO_HOME", home)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[tokio::test]
async fn up_detached_logs_down() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mock = MockLlm::start().await.unwrap();
    let dir = std::env::temp_dir().join(format!("planoai-lifecycle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = dir.join("config.yaml");
    std::fs::write(
        &config,
        format!(
            "version: v0.4.0\nlisteners:\n  - type: model\n    name: llm\n    address: 127.0.0.1\n    port: {port}\n\
             model_providers:\n  - model: openai/gpt-4o\n    access_key: sk-lifecycle\n    base_url: {}\n    default: true\n",
            mock.base_url()
        ),
    )
    .unwrap();
    let home = dir.join("home");

    let metrics_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (ok, stdout, stderr) = planoai(
        &home,
        &[
            "up",
            config.to_str().unwrap(),
            "--metrics-port",
            &metrics_port.to_string(),
            "--with-tracing",
        ],
    );
    assert!(ok, "up failed: {stdout}{stderr}");
    assert!(stdout.contains("Plano is running"), "{stdout}");
    assert!(stdout.contains(&format!("127.0.0.1:{port}")), "{stdout}");
    assert!(home.join("run/plano.pid").is_file());

    let r = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/v1/chat/completions"))
        .json(&serde_json::json!({"messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        !std::fs::read_to_string(home.join("run/logs/plano.log"))
            .unwrap()
            .contains("sk-lifecycle")
    );

    r.text().await.unwrap();

    // The scrape counts the request.
    let metrics = reqwest::get(format!("http://127.0.0.1:{metrics_port}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(r#"brightstaff_http_requests_total{handler="llm_chat",method="POST",status_class="2xx"} 1"#),
        "{metrics}"
    );

    // `logs`: the access line (written by a background thread, so give it a moment).
    let mut stdout = String::new();
    for _ in 0..50 {
        let (ok, out, _) = planoai(&home, &["logs"]);
        assert!(ok);
        stdout = out;
        if stdout.contains("path=/v1/chat/completions") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(stdout.contains("plano::access"), "{stdout}");
    assert!(
        stdout.contains("path=/v1/chat/completions status=200"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("listener 'llm'"),
        "the gateway log only with --debug: {stdout}"
    );
    assert!(!stdout.contains("sk-lifecycle"));
    let (ok, stdout, _) = planoai(&home, &["logs", "--debug"]);
    assert!(ok);
    assert!(stdout.contains("listener 'llm'"), "{stdout}");
    assert!(
        stdout.contains("no spans are exported"),
        "--with-tracing says it is a no-op: {stdout}"
    );
    assert!(
        !stdout.contains('\u{1b}'),
        "no terminal colour codes in the log file: {stdout}"
    );

    let (ok, stdout, _) = planoai(&home, &["down"]);
    assert!(ok);
    assert!(stdout.contains("Plano stopped"), "{stdout}");
    assert!(!home.join("run/plano.pid").exists());
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "port closed after down"
    );

    let (ok, stdout, _) = planoai(&home, &["down"]);
    assert!(ok);
    assert!(stdout.contains("not running"), "{stdout}");
}
