//! `planoai logs [--follow] [--debug]`: the detached gateway's logs.
//!
//! By default the access log (`access.log`, one line per request), as upstream's `planoai logs`
//! shows its access logs (spec §9.5); `--debug` adds the gateway's own log (`plano.log`, every
//! level). `--follow` keeps printing new lines of each as they are written, until Ctrl-C.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::cli::LogsArgs;
use crate::home::Home;

/// One followed file: whole lines only; a partial last line waits for its end.
struct Tail {
    path: PathBuf,
    file: Option<File>,
    carry: String,
}

impl Tail {
    fn new(path: PathBuf) -> Self {
        Tail {
            path,
            file: None,
            carry: String::new(),
        }
    }

    /// Prints the lines written since the last call (opening the file once it exists).
    fn pump(&mut self, out: &mut impl Write, last: bool) -> Result<()> {
        if self.file.is_none() {
            self.file = File::open(&self.path).ok();
        }
        let Some(file) = &mut self.file else {
            return Ok(());
        };
        // The log may have been truncated (a fresh `up` appends, but a user may rotate it).
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        if file.stream_position().unwrap_or(0) > len {
            file.seek(SeekFrom::Start(0))?;
        }
        let mut chunk = String::new();
        file.read_to_string(&mut chunk)
            .with_context(|| format!("reading {}", self.path.display()))?;
        self.carry.push_str(&chunk);
        let cut = self.carry.rfind('\n').map_or(0, |i| i + 1);
        for line in self.carry[..cut].lines() {
            writeln!(out, "{line}")?;
        }
        self.carry.drain(..cut);
        if last && !self.carry.is_empty() {
            writeln!(out, "{}", self.carry)?;
            self.carry.clear();
        }
        Ok(())
    }
}

pub fn run(args: &LogsArgs) -> Result<ExitCode> {
    let home = Home::locate()?;
    let mut paths = Vec::new();
    if args.debug {
        paths.push(home.log_file());
    }
    paths.push(home.access_log_file());
    if !args.follow && !paths.iter().any(|p| p.exists()) {
        println!(
            "no logs yet ({} does not exist); start the gateway with planoai up",
            home.access_log_file().display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut tails: Vec<Tail> = paths.into_iter().map(Tail::new).collect();
    let mut out = std::io::stdout().lock();
    loop {
        for t in &mut tails {
            t.pump(&mut out, !args.follow)?;
        }
        if !args.follow {
            return Ok(ExitCode::SUCCESS);
        }
        out.flush()?;
        std::thread::sleep(Duration::from_millis(250));
    }
}
