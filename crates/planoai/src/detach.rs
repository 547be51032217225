//! `planoai up` without `--foreground`: run the gateway as a detached child of this binary.
//!
//! The child is this same executable re-run as `up <file> --foreground`, in its own process
//! group (so the terminal's Ctrl-C does not reach it), stdin closed, stdout and stderr appended
//! to the log file. No fork tricks: forking a process that may already have threads is unsound.
//! The child reads the config and the environment itself, so no secret is written to disk.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use anyhow::{Context, Result};
use plano_config::{Config, ListenerKind};

use crate::cli::UpArgs;
use crate::home::Home;
use crate::process;

/// How long `up` waits for every listener to answer `/healthz`.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

pub fn start(args: &UpArgs, file: &Path, config: &Config) -> Result<ExitCode> {
    let home = Home::locate()?;
    std::fs::create_dir_all(&home.logs)
        .with_context(|| format!("creating {}", home.logs.display()))?;
    if let Some(pid) = process::running(&home.pid_file()) {
        println!("Stopping the running gateway (pid {pid})…");
        process::stop(pid, crate::down::GRACE);
    }

    let log_path = home.log_file();
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .with_context(|| format!("opening {}", log_path.display()))?;
    // Absolute for the child, symlinks kept: it re-reads this path on reload (SIGHUP).
    let file =
        std::path::absolute(file).with_context(|| format!("resolving {}", file.display()))?;
    let exe = std::env::current_exe().context("locating the planoai executable")?;
    let mut cmd = Command::new(exe);
    cmd.arg("up").arg(&file).arg("--foreground");
    if let Some(port) = args.listener_port {
        cmd.arg("--listener-port").arg(port.to_string());
    }
    if args.verbose {
        cmd.arg("--verbose");
    }
    cmd.arg("--metrics-port").arg(args.metrics_port.to_string());
    cmd.arg("--metrics-address")
        .arg(args.metrics_address.to_string());
    if args.with_tracing {
        cmd.arg("--with-tracing")
            .arg("--tracing-port")
            .arg(args.tracing_port.to_string());
    }
    // Access lines get their own file, so `planoai logs` can show them alone.
    cmd.arg("--access-log").arg(home.access_log_file());
    cmd.stdin(Stdio::null())
        .stdout(log.try_clone().context("duplicating the log file handle")?)
        .stderr(log)
        .process_group(0);
    let mut child = cmd.spawn().context("starting the gateway process")?;
    let pid = child.id();
    std::fs::write(home.pid_file(), format!("{pid}\n"))
        .with_context(|| format!("writing {}", home.pid_file().display()))?;

    let endpoints = endpoints(config, args.listener_port);
    let deadline = std::time::Instant::now() + READY_TIMEOUT;
    let mut pending = endpoints.clone();
    while !pending.is_empty() {
        if let Ok(Some(status)) = child.try_wait() {
            let _ = std::fs::remove_file(home.pid_file());
            eprintln!("✗ the gateway exited during start-up ({status}); last log lines:");
            eprint!("{}", tail(&log_path, 20));
            return Ok(ExitCode::FAILURE);
        }
        if std::time::Instant::now() > deadline {
            eprintln!(
                "✗ the gateway did not become healthy within {}s; see {}",
                READY_TIMEOUT.as_secs(),
                log_path.display()
            );
            return Ok(ExitCode::FAILURE);
        }
        pending.retain(|(_, addr)| !healthy(*addr));
        if !pending.is_empty() {
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    println!("✓ Plano is running (pid {pid})");
    for (name, addr) in &endpoints {
        println!("  {name}: http://{addr}");
    }
    println!("  logs: {} (planoai logs --follow)", home.logs.display());
    println!("  stop: planoai down");
    Ok(ExitCode::SUCCESS)
}

/// Model listeners as reachable addresses: a wildcard bind address is probed on loopback.
fn endpoints(config: &Config, port_override: Option<u16>) -> Vec<(String, SocketAddr)> {
    config
        .listeners
        .iter()
        .filter(|l| l.kind == ListenerKind::Model)
        .filter_map(|l| {
            let host = match l.address.as_str() {
                "0.0.0.0" | "" => "127.0.0.1",
                "::" => "::1",
                other => other,
            };
            let port = port_override.unwrap_or(l.port);
            (host, port)
                .to_socket_addrs()
                .ok()?
                .next()
                .map(|a| (l.name.clone(), a))
        })
        .collect()
}

/// A minimal `GET /healthz`: enough HTTP to read a status line, no client library needed.
/// Also `cli_agent`'s check that a listener is up.
pub fn healthy(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(300)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    if stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.1 200")
}

/// The last `n` lines of a file.
pub fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(n);
    lines[start..].iter().map(|l| format!("{l}\n")).collect()
}
