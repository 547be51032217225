//! `planoai reload`: ask the detached gateway to reload its config file (SIGHUP, see
//! [`crate::hot_reload`]) and report what it did, read back from its log.
//!
//! The gateway logs exactly one outcome line per reload, last; `reload` prints the gateway's
//! log lines written after the signal, up to that one, and exits 0 when it says the config was
//! reloaded, 1 when it was rejected (the old config keeps serving) or no answer came.
//!
//! `--pid N` signals another gateway (a foreground one, or PID 1 in a container, where there
//! is no pid file or log file) and only reports that the signal was delivered.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::cli::ReloadArgs;
use crate::home::Home;
use crate::hot_reload::{REJECTED, RELOADED};
use crate::process;

/// How long `reload` waits for the gateway's verdict (loading and building take milliseconds).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(15);

pub fn run(args: &ReloadArgs) -> Result<ExitCode> {
    if let Some(pid) = args.pid {
        if pid <= 0 || !process::reload(pid) {
            eprintln!("✗ could not signal pid {pid} (no such process, or not ours)");
            return Ok(ExitCode::FAILURE);
        }
        println!("✓ sent SIGHUP to pid {pid}; its log says whether the config was reloaded");
        return Ok(ExitCode::SUCCESS);
    }
    let home = Home::locate()?;
    let Some(pid) = process::running(&home.pid_file()) else {
        eprintln!(
            "✗ planoai is not running (no detached gateway under {}); start one with `planoai up`. \
             A gateway in the foreground reloads on `kill -HUP <pid>`.",
            home.run.display()
        );
        return Ok(ExitCode::FAILURE);
    };
    let log = home.log_file();
    let start = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
    if !process::reload(pid) {
        eprintln!("✗ could not signal the gateway (pid {pid})");
        return Ok(ExitCode::FAILURE);
    }
    let deadline = Instant::now() + ANSWER_TIMEOUT;
    loop {
        let text = read_from(&log, start);
        if let Some((lines, ok)) = outcome(&text) {
            if ok {
                print!("{lines}");
                println!("✓ Plano (pid {pid}) reloaded its config");
                return Ok(ExitCode::SUCCESS);
            }
            eprint!("{lines}");
            eprintln!(
                "✗ the new config was rejected; Plano (pid {pid}) keeps serving the previous one"
            );
            return Ok(ExitCode::FAILURE);
        }
        if Instant::now() > deadline {
            eprintln!(
                "✗ sent SIGHUP to Plano (pid {pid}) but it logged no outcome within {}s; see {}",
                ANSWER_TIMEOUT.as_secs(),
                log.display()
            );
            return Ok(ExitCode::FAILURE);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The file's text from byte `offset` on (empty when unreadable).
fn read_from(path: &Path, offset: u64) -> String {
    let mut text = String::new();
    if let Ok(mut f) = std::fs::File::open(path)
        && f.seek(SeekFrom::Start(offset)).is_ok()
    {
        let mut bytes = Vec::new();
        let _ = f.read_to_end(&mut bytes);
        text = String::from_utf8_lossy(&bytes).into_owned();
    }
    text
}

/// The complete lines of `text` up to the first outcome line (colours stripped), and whether
/// that outcome is a success; `None` while there is no outcome yet.
fn outcome(text: &str) -> Option<(String, bool)> {
    let mut shown = String::new();
    // Only whole lines: the last one may still be being written.
    for line in text.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
        let line = strip_ansi(line);
        shown.push_str(&line);
        if line.contains(RELOADED) {
            return Some((shown, true));
        }
        if line.contains(REJECTED) {
            return Some((shown, false));
        }
    }
    None
}

/// `text` without ANSI escape sequences (`ESC [ … letter`), as the log's colours are written.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_colours() {
        assert_eq!(
            strip_ansi("\u{1b}[32m INFO\u{1b}[0m \u{1b}[2mplanoai\u{1b}[0m: config reloaded"),
            " INFO planoai: config reloaded"
        );
    }

    #[test]
    fn outcome_waits_for_the_verdict_line() {
        assert_eq!(outcome("INFO SIGHUP: reloading the config\n"), None);
        assert_eq!(
            outcome("ERROR config reload rejected: x"),
            None,
            "partial line"
        );
        let (lines, ok) = outcome(
            "INFO SIGHUP: reloading\nERROR bad key\nERROR config reload rejected: 1 error(s)\nINFO later\n",
        )
        .unwrap_or_default();
        assert!(!ok);
        assert!(
            lines.ends_with("1 error(s)\n") && lines.contains("bad key"),
            "{lines}"
        );
        assert_eq!(
            outcome("INFO config reloaded providers=2\n").map(|(_, ok)| ok),
            Some(true)
        );
    }
}
