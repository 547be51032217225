//! `planoai down`: stop the detached gateway — SIGTERM, a bounded wait while it drains
//! in-flight requests, then SIGKILL — and remove its pid file.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;

use crate::home::Home;
use crate::process;

/// How long a draining gateway gets before it is killed (its own drain deadline is 30 s).
pub const GRACE: Duration = Duration::from_secs(35);

pub fn run() -> Result<ExitCode> {
    let home = Home::locate()?;
    let pid_file = home.pid_file();
    match process::running(&pid_file) {
        None => println!("planoai is not running"),
        Some(pid) => {
            if process::stop(pid, GRACE) {
                println!(
                    "✓ Plano stopped (pid {pid}; killed after {}s of draining)",
                    GRACE.as_secs()
                );
            } else {
                println!("✓ Plano stopped (pid {pid})");
            }
        }
    }
    let _ = std::fs::remove_file(pid_file);
    Ok(ExitCode::SUCCESS)
}
