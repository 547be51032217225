//! Child processes: start a server binary, wait for the line that says where it listens,
//! and kill it when the guard is dropped, on success, error or panic alike.
//!
//! stdout is read on a plain thread until the ready line, then drained for the rest of the
//! child's life so it can never block on a full pipe. stderr goes to a file so that a child
//! dying at start can be explained with its own words.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};

/// A running child that is killed (SIGKILL) and reaped on drop.
pub struct Proc {
    pub name: String,
    pub addr: SocketAddr,
    child: Child,
    stderr_path: PathBuf,
}

/// What to start and how to recognise that it is ready.
pub struct Spawn<'a> {
    pub name: &'a str,
    pub program: &'a Path,
    pub args: Vec<String>,
    /// The line that announces the listener starts with this; the address follows
    /// `http://` on the same line.
    pub ready_prefix: &'a str,
    /// Pin to these CPUs with `taskset -c` (which execs, so the pid stays the server's).
    pub cpus: Option<&'a str>,
    /// Keep stdin open as a pipe (the floor exits when it closes).
    pub stdin_pipe: bool,
    pub log_dir: &'a Path,
    pub env: Vec<(String, String)>,
}

impl Proc {
    pub fn spawn(s: Spawn<'_>) -> Result<Proc> {
        let stderr_path = s.log_dir.join(format!("{}.stderr", s.name));
        let stderr = std::fs::File::create(&stderr_path)
            .with_context(|| format!("creating {}", stderr_path.display()))?;
        let mut cmd = match s.cpus {
            Some(cpus) => {
                let mut c = Command::new("taskset");
                c.arg("-c").arg(cpus).arg(s.program);
                c
            }
            None => Command::new(s.program),
        };
        cmd.args(&s.args)
            .stdout(Stdio::piped())
            .stderr(Stdio::from(stderr))
            .stdin(if s.stdin_pipe {
                Stdio::piped()
            } else {
                Stdio::null()
            });
        for (k, v) in &s.env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .spawn()
            .with_context(|| format!("starting {}", s.program.display()))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow!("{}: no stdout pipe", s.name))?;

        let (tx, rx) = mpsc::channel::<String>();
        let prefix = s.ready_prefix.to_owned();
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.starts_with(&prefix)
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(line);
                }
            }
        });

        // Build the guard now so the child is killed if it never becomes ready.
        let mut proc = Proc {
            name: s.name.to_owned(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            child,
            stderr_path,
        };
        let line = match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(line) => line,
            Err(e) => {
                // Disconnected = stdout closed, usually because the child is exiting; give it
                // a moment so the exit status can be reported.
                std::thread::sleep(Duration::from_millis(200));
                let status = match proc.child.try_wait() {
                    Ok(Some(status)) => format!("exited with {status}"),
                    _ => "still running".to_owned(),
                };
                let why = match e {
                    mpsc::RecvTimeoutError::Timeout => "did not announce its listener within 20 s",
                    mpsc::RecvTimeoutError::Disconnected => {
                        "closed stdout without announcing its listener"
                    }
                };
                bail!(
                    "{} {why} ({status}); stderr:\n{}",
                    s.name,
                    proc.stderr_tail()
                );
            }
        };
        proc.addr = parse_addr(&line)
            .ok_or_else(|| anyhow!("{}: cannot find an address in {line:?}", s.name))?;
        Ok(proc)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `Some(reason)` if the child has exited.
    pub fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(format!(
                "{} exited ({status}); stderr:\n{}",
                self.name,
                self.stderr_tail()
            )),
            _ => None,
        }
    }

    /// The last lines the child wrote to stderr.
    pub fn stderr_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.stderr_path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines
            .get(lines.len().saturating_sub(15)..)
            .unwrap_or_default()
            .join("\n")
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        // SIGKILL: std has no other signal, and none of these servers keeps state worth a
        // graceful shutdown. Reap it so no zombie outlives the run.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The socket address after `http://` in a ready line, e.g.
/// `✓ listener 'bench' (model) on http://127.0.0.1:40123`.
fn parse_addr(line: &str) -> Option<SocketAddr> {
    let rest = line.get(line.find("http://")? + "http://".len()..)?;
    let addr = rest.split(|c: char| c == '/' || c.is_whitespace()).next()?;
    addr.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_lines() {
        assert_eq!(
            parse_addr("listening on http://127.0.0.1:8080"),
            Some(SocketAddr::from(([127, 0, 0, 1], 8080)))
        );
        assert_eq!(
            parse_addr("✓ listener 'bench' (model) on http://127.0.0.1:40123/"),
            Some(SocketAddr::from(([127, 0, 0, 1], 40123)))
        );
        assert_eq!(parse_addr("listening"), None);
    }
}
