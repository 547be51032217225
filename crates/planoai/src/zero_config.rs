//! Zero-config `planoai up` (spec §1.22): with no config file to be found, synthesize one that
//! reaches every well-known provider through a wildcard, write it to
//! `$PLANO_HOME/default_config.yaml`, and start from that file like any other.
//!
//! A provider whose key variable is set gets `access_key: $VAR`; the others get
//! `passthrough_auth: true`, so clients can still reach them with their own key. The file holds
//! variable *references* only — the gateway resolves them when it loads the file — so no secret
//! is ever written to disk.
//!
//! One difference from upstream: the listener binds `127.0.0.1`, not `0.0.0.0`. This gateway
//! carries the user's keys and asks nobody for credentials on keyed providers; on every
//! interface it would be an open relay for anyone on the network. A config file can bind wider.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::home::Home;

/// The model listener port when `--listener-port` is not given.
pub const DEFAULT_PORT: u16 = 12000;

/// One row of the spec §1.22 table: provider `name` reaches `<name>/*` at `base_url`.
pub struct DefaultProvider {
    pub name: &'static str,
    pub env_var: &'static str,
    pub base_url: &'static str,
}

/// The spec §1.22 table, in its order (the order within keyed and passthrough groups).
///
/// One deliberate change: gemini's base URL ends in `/v1beta/openai`, not `/v1beta`. A base URL
/// path replaces the provider's default prefix, and Gemini's OpenAI-compatible API lives under
/// `/v1beta/openai`; upstream's `/v1beta` yields `/v1beta/chat/completions`, which Google does
/// not serve (spec §2.2, "Quirk with zero-config base URLs").
pub const PROVIDERS: &[DefaultProvider] = &[
    row("openai", "OPENAI_API_KEY", "https://api.openai.com/v1"),
    row(
        "anthropic",
        "ANTHROPIC_API_KEY",
        "https://api.anthropic.com/v1",
    ),
    row(
        "gemini",
        "GEMINI_API_KEY",
        "https://generativelanguage.googleapis.com/v1beta/openai",
    ),
    row("groq", "GROQ_API_KEY", "https://api.groq.com/openai/v1"),
    row(
        "deepseek",
        "DEEPSEEK_API_KEY",
        "https://api.deepseek.com/v1",
    ),
    row("mistral", "MISTRAL_API_KEY", "https://api.mistral.ai/v1"),
    row(
        "digitalocean",
        "DO_API_KEY",
        "https://inference.do-ai.run/v1",
    ),
    row(
        "vercel",
        "AI_GATEWAY_API_KEY",
        "https://ai-gateway.vercel.sh/v1",
    ),
    row(
        "openrouter",
        "OPENROUTER_API_KEY",
        "https://openrouter.ai/api/v1",
    ),
    row("edenai", "EDENAI_API_KEY", "https://api.edenai.run/v3"),
];

const fn row(name: &'static str, env_var: &'static str, base_url: &'static str) -> DefaultProvider {
    DefaultProvider {
        name,
        env_var,
        base_url,
    }
}

/// A synthesized default config and how each provider authenticates.
pub struct Synthesized {
    pub yaml: String,
    /// Providers whose key variable is set, in table order.
    pub keyed: Vec<&'static DefaultProvider>,
    /// Providers that forward the client's own credential, in table order.
    pub passthrough: Vec<&'static DefaultProvider>,
}

/// Builds the default config for a listener on `port`, asking `env` which key variables are
/// set. Pure: `env` stands in for the process environment. An empty value counts as unset, as
/// upstream's truthiness check does; a `$VAR` that expands to nothing would only send an empty
/// key upstream.
pub fn synthesize(port: u16, env: &dyn Fn(&str) -> Option<String>) -> Synthesized {
    let (keyed, passthrough): (Vec<_>, Vec<_>) = PROVIDERS
        .iter()
        .partition(|p| env(p.env_var).is_some_and(|v| !v.is_empty()));

    let mut y = String::new();
    y.push_str(
        "# Written by `planoai up` because no config.yaml or plano_config.yaml was found.\n\
         # Rewritten on every zero-config start: to customise it, copy it to config.yaml\n\
         # (or run `planoai init`). Keys are `$VAR` references, resolved when the gateway\n\
         # loads this file; no key is stored here.\n\
         version: v0.4.0\n\
         listeners:\n\
         \x20 - type: model\n\
         \x20   name: llm\n\
         \x20   address: 127.0.0.1\n",
    );
    let _ = writeln!(y, "    port: {port}");
    // No `default: true`: every entry is a wildcard, so clients name `provider/model`.
    y.push_str("model_providers:\n");
    for p in &keyed {
        entry(&mut y, p);
        let _ = writeln!(y, "    access_key: ${}", p.env_var);
    }
    for p in &passthrough {
        entry(&mut y, p);
        y.push_str("    passthrough_auth: true\n");
    }
    y.push_str(
        "tracing:\n\
         \x20 random_sampling: 100\n\
         \x20 opentracing_grpc_endpoint: http://localhost:4317\n",
    );
    Synthesized {
        yaml: y,
        keyed,
        passthrough,
    }
}

fn entry(y: &mut String, p: &DefaultProvider) {
    let _ = writeln!(y, "  - name: {}", p.name);
    let _ = writeln!(y, "    model: {}/*", p.name);
    let _ = writeln!(y, "    base_url: {}", p.base_url);
}

/// The human account of what was synthesized.
pub fn describe(
    s: &Synthesized,
    written_to: &std::path::Path,
    searched: &std::path::Path,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "No config.yaml or plano_config.yaml in {}; using the zero-config default ({}).",
        searched.display(),
        written_to.display()
    );
    if s.keyed.is_empty() {
        let _ = writeln!(
            out,
            "  keyed providers: none (no provider key variable is set)"
        );
    } else {
        let names: Vec<String> = s
            .keyed
            .iter()
            .map(|p| format!("{} (${})", p.name, p.env_var))
            .collect();
        let _ = writeln!(out, "  keyed providers: {}", names.join(", "));
    }
    if !s.passthrough.is_empty() {
        let names: Vec<&str> = s.passthrough.iter().map(|p| p.name).collect();
        let _ = writeln!(
            out,
            "  passthrough providers (clients send their own key): {}",
            names.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "  Name models as provider/model (e.g. openai/gpt-4o). `planoai init` writes a config of your own."
    );
    out
}

/// Synthesizes the default from the process environment, writes it under `$PLANO_HOME` and
/// says so on stdout. Returns the written file, to be loaded like a user's config.
pub fn prepare(listener_port: Option<u16>, searched: &std::path::Path) -> Result<PathBuf> {
    let home = Home::locate()?;
    let searched = std::fs::canonicalize(searched).unwrap_or_else(|_| searched.to_path_buf());
    std::fs::create_dir_all(&home.root)
        .with_context(|| format!("creating {}", home.root.display()))?;
    let path = home.default_config();
    let synthesized = synthesize(listener_port.unwrap_or(DEFAULT_PORT), &|name| {
        std::env::var(name).ok()
    });
    std::fs::write(&path, &synthesized.yaml)
        .with_context(|| format!("writing {}", path.display()))?;
    print!("{}", describe(&synthesized, &path, &searched));
    Ok(path)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use plano_config::{EnvPolicy, load_str};

    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn keyed_providers_come_first_then_passthrough_in_table_order() {
        let e = env(&[
            ("ANTHROPIC_API_KEY", "sk-ant-secret-1"),
            ("OPENROUTER_API_KEY", "sk-or-secret-2"),
            ("GROQ_API_KEY", ""),
        ]);
        let s = synthesize(12345, &e);
        let keyed: Vec<&str> = s.keyed.iter().map(|p| p.name).collect();
        assert_eq!(keyed, ["anthropic", "openrouter"]);
        let passthrough: Vec<&str> = s.passthrough.iter().map(|p| p.name).collect();
        assert_eq!(
            passthrough,
            [
                "openai",
                "gemini",
                "groq",
                "deepseek",
                "mistral",
                "digitalocean",
                "vercel",
                "edenai"
            ],
            "an empty variable counts as unset"
        );

        let loaded = load_str(&s.yaml, &e, EnvPolicy::Strict).unwrap();
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let c = &loaded.config;
        assert_eq!(c.version, "v0.4.0");
        assert_eq!(c.listeners.len(), 1);
        assert_eq!(c.listeners[0].name, "llm");
        assert_eq!(c.listeners[0].port, 12345);
        let names: Vec<&str> = c.providers.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(&names[..3], ["anthropic", "openrouter", "openai"]);
        assert_eq!(c.providers.len(), PROVIDERS.len());
        for p in &c.providers {
            assert!(p.wildcard, "{}", p.name);
            assert!(!p.default, "{}", p.name);
            let keyed = keyed.contains(&p.name.as_str());
            assert_eq!(p.access_key.is_some(), keyed, "{}", p.name);
            assert_eq!(p.passthrough_auth, !keyed, "{}", p.name);
            assert!(p.base_url.is_some(), "{}", p.name);
        }
        assert_eq!(
            c.providers[0].access_key.as_ref().map(|k| k.expose()),
            Some("sk-ant-secret-1"),
            "the reference resolves when the file is loaded"
        );
    }

    #[test]
    fn the_synthesized_text_holds_references_never_values() {
        let e = env(&[
            ("OPENAI_API_KEY", "sk-proj-very-secret"),
            ("DO_API_KEY", "do-very-secret"),
        ]);
        let s = synthesize(DEFAULT_PORT, &e);
        assert!(!s.yaml.contains("very-secret"), "{}", s.yaml);
        assert!(s.yaml.contains("access_key: $OPENAI_API_KEY"));
        assert!(s.yaml.contains("access_key: $DO_API_KEY"));
        assert!(s.yaml.contains("port: 12000"));
    }

    #[test]
    fn with_no_keys_every_provider_is_passthrough_and_still_valid() {
        let s = synthesize(DEFAULT_PORT, &|_| None);
        assert!(s.keyed.is_empty());
        assert_eq!(s.passthrough.len(), PROVIDERS.len());
        let loaded = load_str(&s.yaml, &|_| None, EnvPolicy::Strict).unwrap();
        assert!(loaded.config.providers.iter().all(|p| p.passthrough_auth));
        let text = describe(&s, "/h/default_config.yaml".as_ref(), ".".as_ref());
        assert!(text.contains("keyed providers: none"), "{text}");
        assert!(text.contains("passthrough providers"), "{text}");
    }

    #[test]
    fn describe_names_keyed_providers_with_their_variable() {
        let s = synthesize(DEFAULT_PORT, &env(&[("GEMINI_API_KEY", "g-secret")]));
        let text = describe(&s, "/h/default_config.yaml".as_ref(), "/proj".as_ref());
        assert!(
            text.contains("keyed providers: gemini ($GEMINI_API_KEY)"),
            "{text}"
        );
        assert!(text.contains("/h/default_config.yaml"), "{text}");
        assert!(!text.contains("g-secret"));
    }
}
