//! Zero-config `planoai up` with the real binary: in a directory without a config it writes the
//! default to `$PLANO_HOME/default_config.yaml` (variable references only, never the key), says
//! which providers are keyed, and serves; a named config file that is missing is an error, never
//! a reason to fall back to the default.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::temp_dir;

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

/// Every provider key variable of the zero-config table, removed so the host's own keys
/// cannot change the outcome.
const KEY_VARS: &[&str] = &[
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "GEMINI_API_KEY",
    "GROQ_API_KEY",
    "DEEPSEEK_API_KEY",
    "MISTRAL_API_KEY",
    "DO_API_KEY",
    "AI_GATEWAY_API_KEY",
    "OPENROUTER_API_KEY",
    "EDENAI_API_KEY",
];

fn planoai(dir: &std::path::Path, home: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_planoai"));
    cmd.current_dir(dir).env("PLANO_HOME", home);
    for v in KEY_VARS {
        cmd.env_remove(v);
    }
    cmd
}

#[tokio::test]
async fn up_in_an_empty_directory_serves_the_zero_config_default() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = temp_dir("zero-serve");
    let home = dir.join("home");
    let empty = dir.join("project");
    std::fs::create_dir_all(&empty).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();

    let mut child = planoai(&empty, &home)
        .env("OPENAI_API_KEY", "sk-zero-config-secret")
        .args(["up", "--foreground", "--listener-port", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut said = String::new();
    let listening = format!("127.0.0.1:{port}");
    while !said.contains(&listening) {
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .unwrap()
            .unwrap()
            .unwrap_or_else(|| panic!("stdout ended before the listener line:\n{said}"));
        said.push_str(&line);
        said.push('\n');
    }
    assert!(said.contains("zero-config default"), "{said}");
    assert!(
        said.contains("keyed providers: openai ($OPENAI_API_KEY)"),
        "{said}"
    );
    assert!(said.contains("passthrough providers"), "{said}");
    assert!(!said.contains("sk-zero-config-secret"), "{said}");

    let health = reqwest::get(format!("http://{listening}/healthz"))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);

    let written = std::fs::read_to_string(home.join("default_config.yaml")).unwrap();
    assert!(written.contains("access_key: $OPENAI_API_KEY"), "{written}");
    assert!(written.contains(&format!("port: {port}")), "{written}");
    assert!(!written.contains("sk-zero-config-secret"), "{written}");
    assert!(
        !empty.join("config.yaml").exists(),
        "nothing is written to the project"
    );

    child.start_kill().unwrap();
    let _ = child.wait().await;
}

#[tokio::test]
async fn a_missing_named_file_is_an_error_not_zero_config() {
    let dir = temp_dir("zero-named");
    let home = dir.join("home");
    let out = planoai(&dir, &home)
        .args(["up", "--foreground", "missing.yaml"])
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("missing.yaml not found"), "{stderr}");
    assert!(!home.join("default_config.yaml").exists());
}
