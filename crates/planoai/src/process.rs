//! The detached gateway process: finding it, signalling it, waiting for it.
//!
//! A pid file alone can go stale (the process died, the pid was reused), so a pid only counts
//! when the process is alive and, where `/proc` exists, its command line is ours.

use std::path::Path;
use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// The pid in `pid_file`, if it names a live planoai process.
pub fn running(pid_file: &Path) -> Option<i32> {
    let pid: i32 = std::fs::read_to_string(pid_file)
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (pid > 0 && alive(pid) && is_planoai(pid)).then_some(pid)
}

pub fn alive(pid: i32) -> bool {
    kill(Pid::from_raw(pid), None).is_ok()
}

fn is_planoai(pid: i32) -> bool {
    match std::fs::read(format!("/proc/{pid}/cmdline")) {
        Ok(cmdline) => String::from_utf8_lossy(&cmdline).contains("planoai"),
        // No /proc (macOS): trust the liveness check.
        Err(_) => true,
    }
}

/// Sends SIGTERM, waits up to `grace` for the process to drain and exit, then SIGKILLs it.
/// Returns whether it had to be killed.
pub fn stop(pid: i32, grace: Duration) -> bool {
    let target = Pid::from_raw(pid);
    if kill(target, Signal::SIGTERM).is_err() {
        return false;
    }
    let step = Duration::from_millis(50);
    let mut waited = Duration::ZERO;
    while waited < grace {
        if !alive(pid) {
            return false;
        }
        std::thread::sleep(step);
        waited += step;
    }
    let _ = kill(target, Signal::SIGKILL);
    true
}

/// Sends SIGHUP: the gateway reloads its config file. Whether the signal was delivered.
pub fn reload(pid: i32) -> bool {
    kill(Pid::from_raw(pid), Signal::SIGHUP).is_ok()
}
