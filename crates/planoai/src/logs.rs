//! `planoai logs [--follow] [--debug]`: the detached gateway's log.
//!
//! Without `--debug`, DEBUG and TRACE lines are left out. `--follow` keeps printing new lines
//! as they are written, until Ctrl-C.

use std::io::{Read, Seek, SeekFrom, Write};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::cli::LogsArgs;
use crate::home::Home;

pub fn run(args: &LogsArgs) -> Result<ExitCode> {
    let path = Home::locate()?.log_file();
    let mut file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            println!(
                "no logs yet ({} does not exist); start the gateway with planoai up",
                path.display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => return Err(e).with_context(|| format!("opening {}", path.display())),
    };
    let mut out = std::io::stdout().lock();
    let mut carry = String::new();
    loop {
        let mut chunk = String::new();
        file.read_to_string(&mut chunk)
            .with_context(|| format!("reading {}", path.display()))?;
        carry.push_str(&chunk);
        // Print whole lines only; a partial last line waits for its end.
        let cut = carry.rfind('\n').map_or(0, |i| i + 1);
        for line in carry[..cut].lines() {
            if args.debug || !(line.contains(" DEBUG ") || line.contains(" TRACE ")) {
                writeln!(out, "{line}")?;
            }
        }
        carry.drain(..cut);
        if !args.follow {
            if !carry.is_empty() {
                writeln!(out, "{carry}")?;
            }
            return Ok(ExitCode::SUCCESS);
        }
        out.flush()?;
        std::thread::sleep(Duration::from_millis(250));
        // The log may have been truncated (a fresh `up` appends, but a user may rotate it).
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        if file.stream_position().unwrap_or(0) > len {
            file.seek(SeekFrom::Start(0))?;
        }
    }
}
