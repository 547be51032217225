//! Log output: human-readable lines on stderr, filtered by `RUST_LOG` (default `info`, or
//! `debug` with `--verbose`) — and the access log (`tracing` target `plano::access`, one line
//! per request) routed to its own non-blocking writer.
//!
//! The gateway emits an access event on every request, so writing it must never block a
//! request: the event is formatted on the request's thread into a buffer and handed to a
//! bounded channel with `try_send`; a dedicated thread drains the channel every few
//! milliseconds and writes in batches. No syscall happens on the request path (the writer is
//! never woken per line), and when the writer falls behind a full channel drops the line and
//! counts it instead of blocking; the writer reports the count.

mod access_layer;
mod access_writer;

use std::io::IsTerminal;
use std::path::PathBuf;

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

pub use access_writer::AccessGuard;

/// The `tracing` target of access lines (see `plano_gateway`'s `access` module).
const ACCESS_TARGET: &str = "plano::access";

/// Where access lines go.
pub enum AccessSink {
    /// Foreground: the terminal.
    Stdout,
    /// Detached: `access.log` under the run log directory.
    File(PathBuf),
}

/// Installs the global subscriber. With an access sink, access lines go there (and nowhere
/// else) until the returned guard is dropped, which flushes them.
pub fn init(verbose: bool, access: Option<AccessSink>) -> Option<AccessGuard> {
    let default = if verbose { "debug" } else { "info" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    // Access lines have their own layer; the main log never repeats them.
    let not_access = Targets::new()
        .with_default(LevelFilter::TRACE)
        .with_target(ACCESS_TARGET, LevelFilter::OFF);
    // Colours only for a person at a terminal: a detached gateway's stderr is its log file,
    // and `NO_COLOR` (https://no-color.org) turns them off everywhere.
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let main = tracing_subscriber::fmt::layer()
        .with_ansi(colour)
        .with_writer(std::io::stderr)
        .with_filter(not_access)
        .with_filter(filter);
    let Some(sink) = access else {
        let _ = tracing_subscriber::registry().with(main).try_init();
        return None;
    };
    let (writer, guard) = access_writer::spawn(sink);
    let access_layer = access_layer::AccessLayer::new(writer)
        .with_filter(Targets::new().with_target(ACCESS_TARGET, LevelFilter::INFO));
    let _ = tracing_subscriber::registry()
        .with(main)
        .with(access_layer)
        .try_init();
    Some(guard)
}
