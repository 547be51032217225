//! Config hot reload with the real binary: SIGHUP swaps in the rewritten config (also for new
//! requests on an open keep-alive connection), a stream in flight finishes on the old one, an
//! invalid config or a listener change is rejected and the previous config keeps serving; the
//! `planoai reload` verb against a detached gateway.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Gateway, free_port, temp_dir};
use plano_mock_llm::{MockLlm, Reply};

/// One model listener on `port`, `openai/gpt-4o` at `base_url` with `$RELOAD_TEST_KEY`.
fn config(port: u16, base_url: &str) -> String {
    format!(
        "version: v0.4.0\nlisteners:\n  - type: model\n    name: llm\n    address: 127.0.0.1\n    port: {port}\n\
         model_providers:\n  - model: openai/gpt-4o\n    access_key: $RELOAD_TEST_KEY\n    base_url: {base_url}\n    default: true\n"
    )
}

async fn chat(client: &reqwest::Client, port: u16) -> reqwest::Response {
    client
        .post(format!("http://127.0.0.1:{port}/v1/chat/completions"))
        .json(&serde_json::json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn sighup_swaps_in_the_rewritten_config() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (a, b) = (
        MockLlm::start().await.unwrap(),
        MockLlm::start().await.unwrap(),
    );
    let dir = temp_dir("reload-swap");
    let file = dir.join("config.yaml");
    let port = free_port();
    let metrics_port = free_port();
    std::fs::write(&file, config(port, &a.base_url())).unwrap();
    let gw = Gateway::start(
        &file,
        &[
            "--metrics-port",
            &metrics_port.to_string(),
            "--metrics-address",
            "0.0.0.0",
        ],
    )
    .await;

    // One client throughout: its keep-alive connection outlives the reload.
    let client = reqwest::Client::new();
    let r = chat(&client, port).await;
    assert_eq!(r.status(), 200);
    r.text().await.unwrap();
    assert_eq!(a.requests().len(), 1);

    std::fs::write(&file, config(port, &b.base_url())).unwrap();
    gw.hup();
    gw.wait_for("config reloaded", 1).await;
    assert!(gw.log().contains("providers=1"), "{}", gw.log());

    let r = chat(&client, port).await;
    assert_eq!(r.status(), 200);
    r.text().await.unwrap();
    assert_eq!(
        a.requests().len(),
        1,
        "nothing more reaches the old provider"
    );
    assert_eq!(
        b.requests().len(),
        1,
        "the new config's provider got the request"
    );
    assert_eq!(
        b.requests()[0].header("authorization"),
        Some("Bearer sk-reload")
    );

    // `--metrics-address 0.0.0.0` binds every interface; the scrape reads the new gateway.
    assert!(!gw.log().contains("cannot bind the metrics listener"));
    let metrics = reqwest::get(format!("http://127.0.0.1:{metrics_port}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(r#"brightstaff_http_requests_total{handler="llm_chat",method="POST",status_class="2xx"} 1"#),
        "counters start over with the new gateway: {metrics}"
    );
    gw.stop().await;
}

#[tokio::test]
async fn a_stream_in_flight_survives_a_valid_and_an_invalid_reload() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (a, b) = (
        MockLlm::start().await.unwrap(),
        MockLlm::start().await.unwrap(),
    );
    let dir = temp_dir("reload-stream");
    let file = dir.join("config.yaml");
    let port = free_port();
    std::fs::write(&file, config(port, &a.base_url())).unwrap();
    let gw = Gateway::start(&file, &[]).await;

    // 40 content events, 60 ms apart: ~2.4 s of stream.
    let text = "one two three four five six seven eight nine ten ".repeat(4);
    a.enqueue(
        Reply::text(text.clone())
            .with_stream_chunks(40)
            .with_chunk_delay(Duration::from_millis(60)),
    );
    let client = reqwest::Client::new();
    let mut stream = client
        .post(format!("http://127.0.0.1:{port}/v1/chat/completions"))
        .json(&serde_json::json!({"model": "gpt-4o", "stream": true,
                                  "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let reader = tokio::spawn(async move {
        let mut body = Vec::new();
        while let Some(chunk) = stream.chunk().await.unwrap() {
            body.extend_from_slice(&chunk);
        }
        (String::from_utf8(body).unwrap(), Instant::now())
    });

    // A valid change (provider → mock B), then an invalid file.
    std::fs::write(&file, config(port, &b.base_url())).unwrap();
    gw.hup();
    gw.wait_for("config reloaded", 1).await;
    std::fs::write(
        &file,
        config(port, &b.base_url()).replace("default: true", "default: true\n    bogus_key: 1"),
    )
    .unwrap();
    gw.hup();
    gw.wait_for("config reload rejected", 1).await;
    let reloads_done = Instant::now();
    let log = gw.log();
    assert!(log.contains("is not a valid Plano config"), "{log}");
    assert!(
        log.contains("bogus_key"),
        "the error itself is logged: {log}"
    );
    assert!(log.contains("ERROR"), "at error level: {log}");

    // The stream ends after both reloads, complete, on the provider it started with.
    let (body, ended) = tokio::time::timeout(Duration::from_secs(20), reader)
        .await
        .unwrap()
        .unwrap();
    assert!(ended > reloads_done, "the stream was still in flight");
    assert!(body.trim_end().ends_with("data: [DONE]"), "{body}");
    let streamed: String = body
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .filter(|d| d.starts_with('{'))
        .filter_map(|d| {
            let v: serde_json::Value = serde_json::from_str(d).unwrap();
            v["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(streamed, text, "every chunk arrived");
    assert_eq!(a.requests().len(), 1);

    // New requests: the last valid config (mock B).
    let r = chat(&client, port).await;
    assert_eq!(r.status(), 200);
    r.text().await.unwrap();
    assert_eq!(b.requests().len(), 1);
    assert_eq!(a.requests().len(), 1);
    gw.stop().await;
}

#[tokio::test]
async fn a_listener_port_change_is_refused_and_the_old_port_keeps_serving() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (a, b) = (
        MockLlm::start().await.unwrap(),
        MockLlm::start().await.unwrap(),
    );
    let dir = temp_dir("reload-port");
    let file = dir.join("config.yaml");
    let (port, new_port) = (free_port(), free_port());
    std::fs::write(&file, config(port, &a.base_url())).unwrap();
    let gw = Gateway::start(&file, &[]).await;

    // A new port and a new provider: nothing of it is applied.
    std::fs::write(&file, config(new_port, &b.base_url())).unwrap();
    gw.hup();
    gw.wait_for("config reload rejected", 1).await;
    let log = gw.log();
    assert!(log.contains("model listeners changed"), "{log}");
    assert!(log.contains("restart the gateway"), "{log}");
    assert!(log.contains(&format!("127.0.0.1:{new_port}")), "{log}");
    assert!(!log.contains("config reloaded"), "{log}");

    let client = reqwest::Client::new();
    let r = chat(&client, port).await;
    assert_eq!(r.status(), 200);
    r.text().await.unwrap();
    assert_eq!(a.requests().len(), 1, "the old config still serves");
    assert!(b.requests().is_empty());
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", new_port)).is_err(),
        "nothing bound the new port"
    );
    gw.stop().await;
}

fn planoai(home: &Path, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_planoai"))
        .env("PLANO_HOME", home)
        .env("RELOAD_TEST_KEY", "sk-reload")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// Stops the detached gateway however the test ends.
struct Down(PathBuf);

impl Drop for Down {
    fn drop(&mut self) {
        let _ = planoai(&self.0, &["down"]);
    }
}

#[tokio::test]
async fn reload_verb_reports_the_outcome_of_the_detached_gateway() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (a, b) = (
        MockLlm::start().await.unwrap(),
        MockLlm::start().await.unwrap(),
    );
    let dir = temp_dir("reload-verb");
    let home = dir.join("home");
    let file = dir.join("config.yaml");
    let port = free_port();
    std::fs::write(&file, config(port, &a.base_url())).unwrap();
    let path = file.to_str().unwrap();

    let (ok, _, stderr) = planoai(&home, &["reload"]);
    assert!(!ok);
    assert!(stderr.contains("not running"), "{stderr}");

    let (ok, stdout, stderr) = planoai(&home, &["up", path, "--metrics-port", "0"]);
    let _down = Down(home.clone());
    assert!(ok, "up failed: {stdout}{stderr}");

    std::fs::write(&file, config(port, &b.base_url())).unwrap();
    let (ok, stdout, stderr) = planoai(&home, &["reload"]);
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains("config reloaded"), "{stdout}");
    assert!(stdout.contains("reloaded its config"), "{stdout}");
    let client = reqwest::Client::new();
    let r = chat(&client, port).await;
    assert_eq!(r.status(), 200);
    r.text().await.unwrap();
    assert_eq!(b.requests().len(), 1);

    std::fs::write(&file, "version: v0.4.0\nlisteners: nope\n").unwrap();
    let (ok, stdout, stderr) = planoai(&home, &["reload"]);
    assert!(!ok, "{stdout}{stderr}");
    assert!(stderr.contains("is not a valid Plano config"), "{stderr}");
    assert!(stderr.contains("listeners"), "the error itself: {stderr}");
    assert!(
        stderr.contains("keeps serving the previous one"),
        "{stderr}"
    );
    assert!(!stderr.contains('\u{1b}'), "no colour codes: {stderr:?}");
    let r = chat(&client, port).await;
    assert_eq!(r.status(), 200);
    r.text().await.unwrap();
    assert_eq!(b.requests().len(), 2);
    assert!(a.requests().is_empty());

    let (ok, stdout, _) = planoai(&home, &["down"]);
    assert!(ok, "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
