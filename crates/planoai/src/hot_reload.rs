//! Config hot reload: on SIGHUP the running gateway re-reads its config file and swaps in a new
//! [`Gateway`] built from it.
//!
//! The file is loaded exactly as `up` loads it (strict environment substitution: the process
//! environment the gateway started with plus the `.env` beside the file, read again), then the
//! gateway is built off the async threads. Only then is it stored in the server's
//! [`GatewayHandle`]: requests in flight (streams included) finish on the gateway they started
//! with, and every new request — also on an already-open keep-alive connection — gets the new
//! one. A reload that fails is logged (every config error, at error level) and changes nothing.
//!
//! Listeners are bound once, at start-up. A config whose model listeners differ in name,
//! address or port is refused with a message saying to restart; everything else about them
//! (timeouts, body limits) and about providers, aliases and retry policies is applied. The new
//! gateway starts with fresh counters, provider health and cool-downs.
//!
//! Every reload ends in exactly one line that contains [`RELOADED`] or [`REJECTED`], logged
//! last, so `planoai reload` can wait for it in the log file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use plano_config::{Config, ConfigErrors, EnvPolicy, EnvSource, ListenerKind};
use plano_gateway::{BuildError, Gateway, GatewayHandle};

/// The message of a successful reload.
pub const RELOADED: &str = "config reloaded";
/// The start of the message of a reload that changed nothing.
pub const REJECTED: &str = "config reload rejected";

/// A model listener as far as binding goes: what a reload cannot change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ListenerBinding {
    pub name: String,
    pub address: String,
    pub port: u16,
}

impl std::fmt::Display for ListenerBinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "'{}' on {}:{}", self.name, self.address, self.port)
    }
}

/// The model listeners `up` binds for `config` (with `--listener-port` applied), sorted.
pub fn bindings(config: &Config, port_override: Option<u16>) -> Vec<ListenerBinding> {
    let mut out: Vec<ListenerBinding> = config
        .listeners
        .iter()
        .filter(|l| l.kind == ListenerKind::Model)
        .map(|l| ListenerBinding {
            name: l.name.clone(),
            address: l.address.clone(),
            port: port_override.unwrap_or(l.port),
        })
        .collect();
    out.sort();
    out
}

/// Why a reload changed nothing.
#[derive(Debug)]
enum Rejected {
    Invalid(ConfigErrors),
    ListenersChanged {
        bound: Vec<ListenerBinding>,
        wanted: Vec<ListenerBinding>,
    },
    Build(BuildError),
}

/// A new gateway, ready to be swapped in.
struct Prepared {
    gateway: Gateway,
    providers: usize,
    warnings: Vec<String>,
}

/// What the SIGHUP handler needs: the file, how `up` bound its listeners, and the handle.
pub struct Reloader {
    file: PathBuf,
    port_override: Option<u16>,
    bound: Vec<ListenerBinding>,
    handle: GatewayHandle,
}

impl Reloader {
    /// `config` is the config the server was started with (its listeners are the bound ones).
    pub fn new(
        file: &Path,
        port_override: Option<u16>,
        config: &Config,
        handle: GatewayHandle,
    ) -> Self {
        Reloader {
            // Absolute (the log names it unambiguously) but symlinks kept: a Kubernetes
            // ConfigMap volume swaps `config.yaml → ..data/…` to a new directory on update and
            // deletes the old one, so the resolved path would go stale.
            file: std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf()),
            port_override,
            bound: bindings(config, port_override),
            handle,
        }
    }

    /// Installs the SIGHUP handler now (so a SIGHUP from here on reloads instead of killing
    /// the process) and spawns the task that reloads on each one. Signals that arrive during
    /// a reload are coalesced into one more reload.
    #[cfg(unix)]
    pub fn listen(self) -> std::io::Result<tokio::task::JoinHandle<()>> {
        use tokio::signal::unix::{SignalKind, signal};
        let mut hup = signal(SignalKind::hangup())?;
        let this = Arc::new(self);
        Ok(tokio::spawn(async move {
            while hup.recv().await.is_some() {
                this.clone().reload().await;
            }
        }))
    }

    /// One reload: load, check, build (on a blocking thread), swap, log the outcome.
    pub async fn reload(self: Arc<Self>) {
        tracing::info!(file = %self.file.display(), "SIGHUP: reloading the config");
        let this = self.clone();
        let outcome = tokio::task::spawn_blocking(move || this.prepare()).await;
        match outcome {
            Ok(Ok(prepared)) => {
                for w in &prepared.warnings {
                    tracing::warn!("{w}");
                }
                drop(self.handle.store(Arc::new(prepared.gateway)));
                tracing::info!(
                    providers = prepared.providers,
                    file = %self.file.display(),
                    "{RELOADED}"
                );
            }
            Ok(Err(rejected)) => self.log_rejection(&rejected),
            Err(err) => {
                tracing::error!(error = %err, "{REJECTED}: the reload task failed; still serving the previous config");
            }
        }
    }

    fn prepare(&self) -> Result<Prepared, Rejected> {
        let loaded = plano_config::load_file(&self.file, EnvSource::process(EnvPolicy::Strict))
            .map_err(Rejected::Invalid)?;
        let wanted = bindings(&loaded.config, self.port_override);
        if wanted != self.bound {
            return Err(Rejected::ListenersChanged {
                bound: self.bound.clone(),
                wanted,
            });
        }
        let gateway = Gateway::new(&loaded.config).map_err(Rejected::Build)?;
        Ok(Prepared {
            gateway,
            providers: loaded.config.providers.len(),
            warnings: loaded.warnings,
        })
    }

    /// Every error first, then the one [`REJECTED`] line.
    fn log_rejection(&self, rejected: &Rejected) {
        let file = self.file.display();
        match rejected {
            Rejected::Invalid(errors) => {
                tracing::error!("✗ {file} is not a valid Plano config:");
                for e in errors {
                    tracing::error!("{e}");
                }
                tracing::error!(
                    "{REJECTED}: {} error(s) in {file}; still serving the previous config",
                    errors.len()
                );
            }
            Rejected::ListenersChanged { bound, wanted } => {
                tracing::error!(
                    "{REJECTED}: the model listeners changed (serving {}; the file asks for {}); \
                     listeners are bound at start-up, so restart the gateway to apply this \
                     config (planoai down && planoai up, or a rolling restart); still serving \
                     the previous config",
                    list(bound),
                    list(wanted)
                );
            }
            Rejected::Build(err) => {
                tracing::error!(
                    "{REJECTED}: starting the gateway for {file}: {err}; still serving the previous config"
                );
            }
        }
    }
}

fn list(bindings: &[ListenerBinding]) -> String {
    if bindings.is_empty() {
        return "none".to_owned();
    }
    bindings
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn config(listeners: &str) -> Config {
        let yaml = format!(
            "version: v0.4.0\nlisteners:\n{listeners}model_providers:\n  - model: openai/gpt-4o\n    access_key: sk-test\n    default: true\n"
        );
        plano_config::load_str(&yaml, &|_: &str| None, EnvPolicy::Strict)
            .unwrap()
            .config
    }

    #[test]
    fn bindings_are_model_listeners_with_the_port_override() {
        let c = config(
            "  - type: prompt\n    name: prompts\n    port: 10000\n  \
             - type: model\n    name: llm\n    port: 12000\n",
        );
        let b = bindings(&c, None);
        assert_eq!(b.len(), 1, "{b:?}");
        assert_eq!(b[0].name, "llm");
        assert_eq!(b[0].address, "0.0.0.0");
        assert_eq!(list(&b), "'llm' on 0.0.0.0:12000");
        assert_eq!(bindings(&c, Some(9))[0].port, 9);
        assert_eq!(list(&[]), "none");
    }

    #[test]
    fn a_port_change_is_a_binding_change_a_timeout_is_not() {
        let one = config("  - type: model\n    name: llm\n    port: 12000\n");
        let port = config("  - type: model\n    name: llm\n    port: 12001\n");
        let timeout = config("  - type: model\n    name: llm\n    port: 12000\n    timeout: 10s\n");
        assert_ne!(bindings(&one, None), bindings(&port, None));
        assert_eq!(bindings(&one, None), bindings(&timeout, None));
        // `--listener-port` pins the port whatever the file says.
        assert_eq!(bindings(&one, Some(7)), bindings(&port, Some(7)));
    }
}
