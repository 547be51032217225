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
    /// Reload the detached gateway's config file (SIGHUP) and report the outcome.
    Reload(ReloadArgs),
    /// Show the detached gateway's log.
    Logs(LogsArgs),
    /// Write a starter config.yaml from a built-in template.
    Init(InitArgs),
    /// Launch Claude Code or Codex with its traffic going through the model listener.
    #[command(name = "cli_agent", alias = "cli-agent")]
    CliAgent(CliAgentArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Template to start from (see --list-templates).
    #[arg(long, conflicts_with = "clean")]
    pub template: Option<String>,
    /// Print the available templates and exit.
    #[arg(long)]
    pub list_templates: bool,
    /// Write a minimal config: one model listener, one provider.
    #[arg(long)]
    pub clean: bool,
    /// Where to write the config.
    #[arg(short, long, default_value = "config.yaml")]
    pub output: PathBuf,
    /// Overwrite the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// The coding agents `cli_agent` knows how to point at Plano.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CodingAgent {
    /// Claude Code (`claude`), through the Anthropic Messages API.
    Claude,
    /// OpenAI Codex CLI (`codex`), through the OpenAI API.
    Codex,
}

#[derive(Debug, Args)]
pub struct CliAgentArgs {
    /// Which agent to launch.
    #[arg(value_enum)]
    pub agent: CodingAgent,
    /// Config file whose model listener the agent uses (default: <path>/config.yaml, then
    /// <path>/plano_config.yaml, then the zero-config default of the last `planoai up`).
    pub file: Option<PathBuf>,
    /// Directory to look for the config in.
    #[arg(long, default_value = ".")]
    pub path: PathBuf,
    /// JSON object of agent settings: ANTHROPIC_SMALL_FAST_MODEL, CODEX_MODEL,
    /// NON_INTERACTIVE_MODE; other keys go to `claude --settings`.
    #[arg(long)]
    pub settings: Option<String>,
    /// Arguments passed to the agent unchanged (after `--`).
    #[arg(last = true)]
    pub agent_args: Vec<String>,
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Keep printing new log lines as they are written.
    #[arg(short, long)]
    pub follow: bool,
    /// Also show the gateway's own log (every level), not only the access log.
    #[arg(long)]
    pub debug: bool,
}

#[derive(Debug, Args)]
pub struct ReloadArgs {
    /// Signal this gateway process instead of the detached one (e.g. `--pid 1` in a
    /// container); its log, not this command, tells the outcome.
    #[arg(long)]
    pub pid: Option<i32>,
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
    /// Config file (default: <path>/config.yaml, then <path>/plano_config.yaml; with neither,
    /// a zero-config default with a wildcard provider per well-known provider).
    pub file: Option<PathBuf>,
    /// Directory to look for the config in.
    #[arg(long, default_value = ".")]
    pub path: PathBuf,
    /// Stay attached: run the gateway in this process, logs on the terminal.
    #[arg(long)]
    pub foreground: bool,
    /// Override the model listener's port (also the port of the zero-config default, 12000
    /// otherwise).
    #[arg(long)]
    pub listener_port: Option<u16>,
    /// Debug-level logs.
    #[arg(long)]
    pub verbose: bool,
    /// Serve Prometheus metrics on http://ADDRESS:PORT/metrics (0 disables).
    #[arg(long, default_value_t = 9092)]
    pub metrics_port: u16,
    /// The address the metrics listener binds (loopback by default; 0.0.0.0 in a container
    /// that is scraped from outside).
    #[arg(long, default_value = "127.0.0.1")]
    pub metrics_address: std::net::IpAddr,
    /// Accepted for compatibility with upstream's CLI; a no-op until OpenTelemetry tracing
    /// lands in this build (logged at start-up).
    #[arg(long)]
    pub with_tracing: bool,
    /// The trace collector's port for --with-tracing (accepted, unused for now).
    #[arg(long, default_value_t = 4317)]
    pub tracing_port: u16,
    /// Write access lines to this file instead of stdout (set by the detached start).
    #[arg(long, hide = true)]
    pub access_log: Option<PathBuf>,
}
