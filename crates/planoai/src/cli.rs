//! The command-line surface: verbs and flags, as upstream's `planoai` spells them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "planoai",
    version,
    about = "Plano: the AI-native proxy and data plane for LLM applications"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a config file and print a summary (all errors at once).
    Validate(ValidateArgs),
    /// Start the gateway (detached unless --foreground).
    Up(UpArgs),
    /// Stop the detached gateway (drains in-flight requests first).
    Down,
    /// Show the detached gateway's log.
    Logs(LogsArgs),
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Keep printing new log lines as they are written.
    #[arg(short, long)]
    pub follow: bool,
    /// Include DEBUG and TRACE lines.
    #[arg(long)]
    pub debug: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Config file (default: ./config.yaml, then ./plano_config.yaml).
    pub file: Option<PathBuf>,
    /// Directory to look for config.yaml / plano_config.yaml in.
    #[arg(long, default_value = ".")]
    pub path: PathBuf,
}

#[derive(Debug, Args)]
pub struct UpArgs {
    /// Config file (default: <path>/config.yaml, then <path>/plano_config.yaml).
    pub file: Option<PathBuf>,
    /// Directory to look for the config in.
    #[arg(long, default_value = ".")]
    pub path: PathBuf,
    /// Stay attached: run the gateway in this process, logs on the terminal.
    #[arg(long)]
    pub foreground: bool,
    /// Override the model listener's port.
    #[arg(long)]
    pub listener_port: Option<u16>,
    /// Debug-level logs.
    #[arg(long)]
    pub verbose: bool,
}
