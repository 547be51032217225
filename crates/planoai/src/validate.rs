//! `planoai validate [FILE] [--path DIR]`: load a config the way `planoai up` would and report.
//!
//! Success prints a short summary on stdout (what will listen where, which upstream model each
//! provider name reaches, aliases, routes, warnings, unset variables) and exits 0. Failure prints
//! every error on stderr, one per line with its YAML path and position, and exits 1. Variables
//! are looked up in the process environment and the `.env` beside the file; unset ones are
//! reported but not fatal here, so a config can be checked on a machine without the keys.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use plano_config::{Config, EnvPolicy, EnvSource, ListenerKind, Loaded, load_file};

use crate::cli::ValidateArgs;

pub fn run(args: &ValidateArgs) -> Result<ExitCode> {
    let file = crate::locate::required(args.file.as_deref(), &args.path)?;
    match load_file(&file, EnvSource::process(EnvPolicy::Lenient)) {
        Ok(loaded) => {
            print!("{}", summary(&file, &loaded));
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            let n = errors.len();
            eprintln!(
                "✗ {}: {n} error{}",
                file.display(),
                if n == 1 { "" } else { "s" }
            );
            for e in &errors {
                eprintln!("  {e}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

/// The human summary of a valid config.
fn summary(file: &Path, loaded: &Loaded) -> String {
    let c = &loaded.config;
    let mut s = String::new();
    let _ = writeln!(s, "✓ {} is valid (version {})", file.display(), c.version);
    listeners(&mut s, c);
    providers(&mut s, c);
    if !c.model_aliases.is_empty() {
        let _ = writeln!(s, "\nAliases:");
        for (alias, target) in &c.model_aliases {
            let _ = writeln!(s, "  {alias} → {target}");
        }
    }
    if !c.routing_preferences.is_empty() {
        let _ = writeln!(s, "\nRoutes:");
        for r in &c.routing_preferences {
            let _ = writeln!(s, "  {} → {}", r.name, r.models.join(", "));
        }
    }
    if let Some(router) = &c.router
        && let Some(p) = c.providers.get(router.provider)
    {
        let at = match &p.base_url {
            Some(b) => format!("{}://{}:{}{}", b.scheme, b.host, b.port, b.path),
            None => p
                .spec
                .default_origin
                .map_or_else(String::new, str::to_owned),
        };
        let origin = if p.internal { " (built in)" } else { "" };
        let _ = writeln!(
            s,
            "\nRouter: {} via {}{origin} at {at}",
            router.model, p.name
        );
    }
    // Unset variables get their own section below; skip the warning that repeats them.
    let warnings: Vec<&String> = loaded
        .warnings
        .iter()
        .filter(|w| !w.starts_with("environment variables not set"))
        .collect();
    if !warnings.is_empty() {
        let _ = writeln!(s, "\nWarnings:");
        for w in warnings {
            let _ = writeln!(s, "  ! {w}");
        }
    }
    if !loaded.missing_env.is_empty() {
        let _ = writeln!(
            s,
            "\nEnvironment variables not set (needed by `planoai up`):"
        );
        for v in &loaded.missing_env {
            let _ = writeln!(s, "  • {v}");
        }
    }
    s
}

fn listeners(s: &mut String, c: &Config) {
    let _ = writeln!(s, "\nListeners:");
    for l in &c.listeners {
        let kind = match l.kind {
            ListenerKind::Model => "model",
            ListenerKind::Prompt => "prompt",
            ListenerKind::Agent => "agent",
        };
        let _ = write!(
            s,
            "  {kind:<6} {:<20} {}:{}  timeout {}s",
            l.name,
            l.address,
            l.port,
            l.timeout.as_secs()
        );
        if !l.agents.is_empty() {
            let ids: Vec<&str> = l.agents.iter().map(|a| a.id.as_str()).collect();
            let _ = write!(s, "  agents: {}", ids.join(", "));
        }
        if !l.input_filters.is_empty() {
            let _ = write!(s, "  input filters: {}", l.input_filters.join(", "));
        }
        if !l.output_filters.is_empty() {
            let _ = write!(s, "  output filters: {}", l.output_filters.join(", "));
        }
        s.push('\n');
    }
}

fn providers(s: &mut String, c: &Config) {
    let declared = c.providers.iter().filter(|p| !p.internal).count();
    let _ = writeln!(s, "\nProviders ({declared}):");
    for p in c.providers.iter().filter(|p| !p.internal) {
        let upstream = if p.wildcard {
            "any model".to_owned()
        } else {
            p.model_id.clone()
        };
        let _ = write!(s, "  {} → {upstream} via {}", p.name, p.spec.id);
        if let Some(b) = &p.base_url {
            let default_port = if b.scheme == "https" { 443 } else { 80 };
            let _ = write!(s, " at {}://{}", b.scheme, b.host);
            if b.port != default_port {
                let _ = write!(s, ":{}", b.port);
            }
            let _ = write!(s, "{}", b.path);
        }
        let mut flags = Vec::new();
        if p.default {
            flags.push("default".to_owned());
        }
        if p.passthrough_auth {
            flags.push("passthrough auth".to_owned());
        }
        if let Some(r) = &p.retry_policy {
            if r.fallback_models.is_empty() {
                flags.push("retry".to_owned());
            } else {
                flags.push(format!("fallback: {}", r.fallback_models.join(", ")));
            }
        }
        if !flags.is_empty() {
            let _ = write!(s, "  [{}]", flags.join("; "));
        }
        s.push('\n');
    }
}
