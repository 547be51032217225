//! `planoai up`: load and validate the config, then run the gateway until SIGINT/SIGTERM.
//!
//! Stages: locate the config (none found and none named → the zero-config default of
//! [`crate::zero_config`], written to `$PLANO_HOME/default_config.yaml`) → load it with strict environment substitution (every missing
//! variable listed at once) → build the gateway (clients, resolver, precomputed headers) →
//! install the SIGHUP handler ([`crate::hot_reload`]: reload the same file, swap the gateway)
//! → bind every model listener (and the Prometheus listener, `--metrics-port`, on loopback
//! unless `--metrics-address` says otherwise) → print the listener URLs → serve → on SIGINT or
//! SIGTERM, stop accepting and drain in-flight requests and streams. Access lines go through [`crate::logging`]'s non-blocking writer: stdout in
//! the foreground, `access.log` when detached. `--with-tracing` is accepted and only logged.
//!
//! Without `--foreground`, `up` validates the config, stops a gateway that is already running,
//! re-executes this binary as `up --foreground` detached from the terminal (its own process
//! group, output to the log file under `$PLANO_HOME/run/logs/`), records its pid and waits
//! until every model listener answers `/healthz` (see [`crate::detach`]).

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use plano_config::{EnvPolicy, EnvSource, ListenerKind};
use plano_gateway::{BoundListener, Gateway, GatewayHandle, Server};

use crate::cli::UpArgs;

pub fn run(args: &UpArgs) -> Result<ExitCode> {
    // Foreground: access lines on stdout beside the listener banner; detached: the file the
    // parent named. Held until `run` returns so the last lines are flushed.
    let sink = match &args.access_log {
        Some(path) => crate::logging::AccessSink::File(path.clone()),
        None => crate::logging::AccessSink::Stdout,
    };
    let _access = crate::logging::init(args.verbose, Some(sink));
    let file = match crate::locate::config_file(args.file.as_deref(), &args.path)? {
        Some(file) => file,
        None => crate::zero_config::prepare(args.listener_port, &args.path)?,
    };
    let loaded = match plano_config::load_file(&file, EnvSource::process(EnvPolicy::Strict)) {
        Ok(l) => l,
        Err(errors) => {
            eprintln!("✗ {} is not a valid Plano config:", file.display());
            eprintln!("{errors}");
            return Ok(ExitCode::FAILURE);
        }
    };
    for w in &loaded.warnings {
        tracing::warn!("{w}");
    }
    if !args.foreground {
        return crate::detach::start(args, &file, &loaded.config);
    }
    let config = loaded.config;
    let gateway = Arc::new(Gateway::new(&config).context("starting the gateway")?);
    if args.with_tracing {
        tracing::info!(
            port = args.tracing_port,
            "--with-tracing is accepted but OpenTelemetry tracing is not implemented in this build yet; no spans are exported"
        );
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        // Before anything listens: from the first request on, SIGHUP reloads (its default
        // action would kill the process).
        let handle = GatewayHandle::new(gateway);
        let reloader =
            crate::hot_reload::Reloader::new(&file, args.listener_port, &config, handle.clone())
                .listen()
                .context("installing the SIGHUP (reload) handler")?;
        let mut bound = Vec::new();
        for l in &config.listeners {
            if l.kind != ListenerKind::Model {
                tracing::warn!(listener = %l.name, kind = ?l.kind, "only model listeners are served by this build; skipping");
                continue;
            }
            let port = args.listener_port.unwrap_or(l.port);
            let ip: IpAddr = l
                .address
                .parse()
                .with_context(|| format!("listener '{}': address '{}' is not an IP address", l.name, l.address))?;
            let addr = SocketAddr::new(ip, port);
            let listener = BoundListener::bind(l.name.clone(), addr)
                .await
                .with_context(|| format!("listener '{}': binding {addr}", l.name))?;
            println!("✓ listener '{}' (model) on http://{}", l.name, listener.local_addr()?);
            bound.push(listener);
        }
        if bound.is_empty() {
            bail!("the config has no model listener to serve");
        }
        let mut server = Server::with_handle(handle, bound);
        if let Some(metrics) = metrics_listener(args.metrics_address, args.metrics_port).await {
            server = server.metrics_listener(metrics);
        }
        let served = server.run(crate::signals::shutdown()).await;
        reloader.abort();
        served?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Binds the Prometheus listener (`--metrics-address`, loopback by default; `--metrics-port`,
/// 0: none). A port that is taken is a warning, not a failure: the default port is shared by
/// every gateway on the host, and metrics are not worth refusing to serve traffic over.
async fn metrics_listener(ip: IpAddr, port: u16) -> Option<tokio::net::TcpListener> {
    if port == 0 {
        return None;
    }
    let addr = SocketAddr::new(ip, port);
    match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => {
            println!("✓ metrics on http://{addr}/metrics");
            Some(l)
        }
        Err(err) => {
            tracing::warn!(%addr, error = %err, "cannot bind the metrics listener; serving without /metrics");
            None
        }
    }
}
