//! `planoai`: the Plano gateway and its command line in one binary.
//!
//! # Layout
//! - `cli`: the clap definition of every verb and flag.
//! - `validate`: `planoai validate` — load, validate, summarize a config.
//! - `up`: `planoai up` — load the config and run the gateway (`detach` when not in the
//!   foreground; `down`, `logs`, `home` and `process` manage the detached gateway);
//!   `zero_config` synthesizes a default when there is no config file; `hot_reload` swaps
//!   in a new gateway on SIGHUP, and `reload` is the verb that sends it.
//! - `init`: `planoai init` — write a starter config from `templates`.
//! - `cli_agent`: `planoai cli_agent` — run Claude Code or Codex through the model listener.
//!
//! This is the only crate that uses `anyhow`: library crates return typed errors and this edge
//! turns them into messages and exit codes.

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;
mod cli_agent;
mod detach;
mod down;
mod home;
mod hot_reload;
mod init;
mod locate;
mod logging;
mod logs;
mod process;
mod reload;
mod signals;
mod templates;
mod up;
mod validate;
mod zero_config;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Validate(args) => validate::run(&args),
        cli::Command::Up(args) => up::run(&args),
        cli::Command::Down => down::run(),
        cli::Command::Reload(args) => reload::run(&args),
        cli::Command::Logs(args) => logs::run(&args),
        cli::Command::Init(args) => init::run(&args),
        cli::Command::CliAgent(args) => cli_agent::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
