//! `planoai cli_agent` with the real binary: a missing agent binary and a stopped listener get
//! clear errors; with a fake agent on `PATH` and a listener answering `/healthz`, the agent is
//! started (in place of planoai) with its environment pointed at the listener.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::temp_dir;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn config(dir: &Path, port: u16) -> PathBuf {
    let file = dir.join("config.yaml");
    std::fs::write(
        &file,
        format!(
            "version: v0.4.0\nlisteners:\n  - type: model\n    name: llm\n    address: 0.0.0.0\n    port: {port}\n\
             model_providers:\n  - model: anthropic/claude-haiku-4-5\n    access_key: $SOME_KEY_NOT_SET_HERE\n\
             model_aliases:\n  arch.claude.code.small.fast:\n    target: anthropic/claude-haiku-4-5\n"
        ),
    )
    .unwrap();
    file
}

/// A fake agent that prints its environment and arguments. `/usr/bin/env` by absolute path:
/// the test's PATH holds only the fake agent.
fn fake_agent(dir: &Path, name: &str) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let exe = bin.join(name);
    std::fs::write(
        &exe,
        "#!/bin/sh\n/usr/bin/env\necho \"ARGS:$*\"\necho \"PID:$$\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

/// Answers every connection with `200 OK`, like the gateway's `/healthz`.
fn healthz_listener() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 1024];
            let _ = stream.read(&mut buf);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
        }
    });
    port
}

/// Runs `planoai cli_agent <args>` with `path` as its whole PATH; also returns planoai's pid.
fn run_with_pid(path: &Path, args: &[&str]) -> (Output, u32) {
    let child = Command::new(env!("CARGO_BIN_EXE_planoai"))
        .arg("cli_agent")
        .args(args)
        .env("PATH", path)
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("ANTHROPIC_AUTH_TOKEN")
        .env_remove("OPENAI_API_KEY")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    (child.wait_with_output().unwrap(), pid)
}

fn run(path: &Path, args: &[&str]) -> Output {
    run_with_pid(path, args).0
}

#[test]
fn missing_agent_binary_names_the_install_command() {
    let dir = temp_dir("agent-missing");
    let file = config(&dir, healthz_listener());
    let out = run(&dir, &["claude", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`claude` was not found on PATH"),
        "{stderr}"
    );
    assert!(
        stderr.contains("npm install -g @anthropic-ai/claude-code"),
        "{stderr}"
    );

    let out = run(&dir, &["codex", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("npm install -g @openai/codex"), "{stderr}");
}

#[test]
fn a_stopped_listener_is_reported_with_the_command_to_start_it() {
    let dir = temp_dir("agent-stopped");
    let bin = fake_agent(&dir, "claude");
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let file = config(&dir, port);
    let out = run(&bin, &["claude", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "no model listener is running on http://127.0.0.1:{port}"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("start it with `planoai up"), "{stderr}");
    assert!(
        String::from_utf8_lossy(&out.stdout).is_empty(),
        "the agent never ran"
    );
}

#[test]
fn claude_is_launched_pointed_at_the_listener() {
    let dir = temp_dir("agent-claude");
    let bin = fake_agent(&dir, "claude");
    let port = healthz_listener();
    let file = config(&dir, port);
    let (out, pid) = run_with_pid(
        &bin,
        &[
            "claude",
            file.to_str().unwrap(),
            "--settings",
            r#"{"NON_INTERACTIVE_MODE": true, "model": "x"}"#,
            "--",
            "-p",
            "hi",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    for expected in [
        format!("ANTHROPIC_BASE_URL=http://127.0.0.1:{port}"),
        "ANTHROPIC_AUTH_TOKEN=test".to_owned(),
        "ANTHROPIC_API_KEY=".to_owned(),
        "ANTHROPIC_SMALL_FAST_MODEL=arch.claude.code.small.fast".to_owned(),
        "NO_PROXY=127.0.0.1".to_owned(),
        "API_TIMEOUT_MS=600000".to_owned(),
        "CI=true".to_owned(),
        r#"ARGS:--settings={"model":"x"} -p hi"#.to_owned(),
        // exec, not spawn: the agent runs as planoai's own process.
        format!("PID:{pid}"),
    ] {
        assert!(
            lines.contains(&expected.as_str()),
            "missing {expected}:\n{stdout}"
        );
    }
}

#[test]
fn codex_is_launched_with_the_v1_base_url() {
    let dir = temp_dir("agent-codex");
    let bin = fake_agent(&dir, "codex");
    let port = healthz_listener();
    let file = config(&dir, port);
    let out = run(&bin, &["codex", file.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("OPENAI_BASE_URL=http://127.0.0.1:{port}/v1\n")),
        "{stdout}"
    );
    assert!(stdout.contains("OPENAI_API_KEY=test\n"), "{stdout}");
    assert!(stdout.contains("ARGS:--model gpt-5.3-codex"), "{stdout}");
}
