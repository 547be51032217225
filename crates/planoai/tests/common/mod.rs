//! Shared by the black-box tests of the `planoai` binary: scratch directories, free ports,
//! and a foreground gateway process with its log collected.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A fresh, empty `planoai-test-<name>-<pid>` directory under the system temp dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("planoai-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `planoai up --foreground` with its stderr (the gateway log) collected; `extra` flags, or
/// `--metrics-port 0` when there are none.
pub struct Gateway {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Gateway {
    pub async fn start(config: &Path, extra: &[&str]) -> Gateway {
        Self::start_env(config, extra, &[("RELOAD_TEST_KEY", "sk-reload")]).await
    }

    /// [`Gateway::start`] with these environment variables.
    pub async fn start_env(config: &Path, extra: &[&str], env: &[(&str, &str)]) -> Gateway {
        let mut child = Command::new(env!("CARGO_BIN_EXE_planoai"))
            .args(["up", "--foreground"])
            .arg(config)
            .args(if extra.is_empty() {
                &["--metrics-port", "0"]
            } else {
                extra
            })
            .envs(env.iter().copied())
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
        let sink = log.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = stderr.next_line().await {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        // The listener banner on stdout means it is serving; keep draining stdout (access
        // lines) afterwards.
        let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = tokio::time::timeout(Duration::from_secs(20), stdout.next_line())
            .await
            .expect("listener banner")
            .unwrap()
            .unwrap_or_default();
        if !first.contains("✓ listener '") {
            tokio::time::sleep(Duration::from_millis(200)).await;
            panic!("no listener banner: {first:?}\n{}", log.lock().unwrap());
        }
        tokio::spawn(async move { while let Ok(Some(_)) = stdout.next_line().await {} });
        Gateway { child, log }
    }

    pub fn hup(&self) {
        kill(
            Pid::from_raw(self.child.id().unwrap() as i32),
            Signal::SIGHUP,
        )
        .unwrap();
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until the log holds `needle` `n` times (reloads are counted by their outcome).
    pub async fn wait_for(&self, needle: &str, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.log().matches(needle).count() < n {
            assert!(
                Instant::now() < deadline,
                "no {n}× '{needle}' in the log:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGTERM, then the exit status must be success (the drain worked).
    pub async fn stop(mut self) {
        kill(
            Pid::from_raw(self.child.id().unwrap() as i32),
            Signal::SIGTERM,
        )
        .unwrap();
        let status = tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .unwrap()
            .unwrap();
        assert!(status.success(), "exit status {status:?}\n{}", self.log());
    }
}
