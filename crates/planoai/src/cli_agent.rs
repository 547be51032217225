//! `planoai cli_agent claude|codex [FILE]`: run a coding agent with its model traffic going
//! through Plano's model listener (spec §10.1).
//!
//! Steps: parse `--settings` → find the agent binary on `PATH` → find the model listener (the
//! first `type: model` listener of FILE or the located config; without either, the zero-config
//! default the last `planoai up` wrote; else 127.0.0.1:12000) → check it answers `/healthz` →
//! compute the agent's environment and arguments ([`plan`], pure) → replace this process with
//! the agent (`exec`), so the terminal's signals and the exit status are the agent's own.
//!
//! Credentials: Plano authenticates to providers with its own keys, so the agent only needs
//! *some* credential to start. One the user already has is kept — a `passthrough_auth`
//! provider forwards it — and only when there is none is a placeholder set (upstream always
//! overwrote it with `test`, which broke passthrough setups).

use std::ffi::OsStr;
use std::net::{SocketAddr, ToSocketAddrs};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, anyhow, bail};
use plano_config::{Config, EnvPolicy, EnvSource, ListenerKind, load_file};
use serde_json::{Map, Value};

use crate::cli::{CliAgentArgs, CodingAgent};

/// The alias whose presence makes Claude Code's small/fast model go through it (upstream's name).
pub const CLAUDE_SMALL_FAST_ALIAS: &str = "arch.claude.code.small.fast";
/// Codex's model when `CODEX_MODEL` is not in `--settings` (upstream's default).
const CODEX_DEFAULT_MODEL: &str = "gpt-5.3-codex";
/// Settings keys `cli_agent` consumes itself; the rest go to `claude --settings`.
const CONSUMED_SETTINGS: &[&str] = &[
    "ANTHROPIC_SMALL_FAST_MODEL",
    "NON_INTERACTIVE_MODE",
    "CODEX_MODEL",
];

impl CodingAgent {
    fn program(self) -> &'static str {
        match self {
            CodingAgent::Claude => "claude",
            CodingAgent::Codex => "codex",
        }
    }

    fn install_hint(self) -> &'static str {
        match self {
            CodingAgent::Claude => "npm install -g @anthropic-ai/claude-code",
            CodingAgent::Codex => "npm install -g @openai/codex",
        }
    }
}

/// Where the model listener answers, as a client reaches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
}

impl Target {
    /// A listener bound to every interface is reached on loopback.
    pub fn from_listener(address: &str, port: u16) -> Self {
        let host = match address {
            "" | "0.0.0.0" => "127.0.0.1",
            "::" | "[::]" => "::1",
            other => other.trim_start_matches('[').trim_end_matches(']'),
        };
        Target {
            host: host.to_owned(),
            port,
        }
    }

    /// `http://host:port`, with IPv6 hosts bracketed.
    pub fn origin(&self) -> String {
        if self.host.contains(':') {
            format!("http://[{}]:{}", self.host, self.port)
        } else {
            format!("http://{}:{}", self.host, self.port)
        }
    }

    fn socket_addr(&self) -> Option<SocketAddr> {
        (self.host.as_str(), self.port)
            .to_socket_addrs()
            .ok()?
            .next()
    }
}

/// What to run: the program, its arguments, the variables set on top of the inherited
/// environment, and notes for the user.
#[derive(Debug)]
pub struct Launch {
    pub program: &'static str,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub notes: Vec<String>,
}

impl Launch {
    #[cfg(test)]
    fn var(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The agent's environment and arguments. Pure: `has_alias` answers for the config's
/// `model_aliases`, `env` stands in for the inherited environment, `extra` are the user's own
/// arguments for the agent (after `--`).
pub fn plan(
    agent: CodingAgent,
    target: &Target,
    has_alias: &dyn Fn(&str) -> bool,
    settings: &Map<String, Value>,
    env: &dyn Fn(&str) -> Option<String>,
    extra: &[String],
) -> Result<Launch> {
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    let mut vars: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: &str| vars.push((k.to_owned(), v.to_owned()));
    let mut args = Vec::new();
    let mut notes = Vec::new();

    // The listener must not be reached through a proxy; keep the user's own exclusions.
    let no_proxy = match set("NO_PROXY").or_else(|| set("no_proxy")) {
        Some(list) if list.split(',').any(|h| h.trim() == target.host) => list,
        Some(list) => format!("{},{list}", target.host),
        None => target.host.clone(),
    };
    put("NO_PROXY", &no_proxy);
    put("no_proxy", &no_proxy);

    match agent {
        CodingAgent::Claude => {
            put("ANTHROPIC_BASE_URL", &target.origin());
            if set("ANTHROPIC_AUTH_TOKEN").is_none() && set("ANTHROPIC_API_KEY").is_none() {
                put("ANTHROPIC_AUTH_TOKEN", "test");
                put("ANTHROPIC_API_KEY", "");
            }
            put("DISABLE_TELEMETRY", "true");
            put("DISABLE_COST_WARNINGS", "true");
            put("API_TIMEOUT_MS", "600000");
            let small_fast = match settings.get("ANTHROPIC_SMALL_FAST_MODEL") {
                Some(v) => Some(setting_str(v, "ANTHROPIC_SMALL_FAST_MODEL")?),
                None if has_alias(CLAUDE_SMALL_FAST_ALIAS) => {
                    Some(CLAUDE_SMALL_FAST_ALIAS.to_owned())
                }
                None => {
                    notes.push(format!(
                        "Tip: add a model alias `{CLAUDE_SMALL_FAST_ALIAS}` (or ANTHROPIC_SMALL_FAST_MODEL in --settings) \
                         to choose Claude Code's small, fast model."
                    ));
                    None
                }
            };
            if let Some(m) = small_fast {
                // Claude Code renamed the variable; set both so old and new versions agree.
                put("ANTHROPIC_SMALL_FAST_MODEL", &m);
                put("ANTHROPIC_DEFAULT_HAIKU_MODEL", &m);
            }
            let passed: Map<String, Value> = settings
                .iter()
                .filter(|(k, _)| !CONSUMED_SETTINGS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if !passed.is_empty() {
                args.push(format!("--settings={}", Value::Object(passed)));
            }
        }
        CodingAgent::Codex => {
            put("OPENAI_BASE_URL", &format!("{}/v1", target.origin()));
            if set("OPENAI_API_KEY").is_none() {
                put("OPENAI_API_KEY", "test");
            }
            let model = match settings.get("CODEX_MODEL") {
                Some(v) => setting_str(v, "CODEX_MODEL")?,
                None => CODEX_DEFAULT_MODEL.to_owned(),
            };
            args.push("--model".to_owned());
            args.push(model);
            let ignored: Vec<&str> = settings
                .keys()
                .map(String::as_str)
                .filter(|k| !CONSUMED_SETTINGS.contains(k))
                .collect();
            if !ignored.is_empty() {
                notes.push(format!(
                    "Ignored settings (codex takes none besides CODEX_MODEL and NON_INTERACTIVE_MODE): {}",
                    ignored.join(", ")
                ));
            }
        }
    }
    if settings.get("NON_INTERACTIVE_MODE").is_some_and(truthy) {
        put("CI", "true");
        put("FORCE_COLOR", "0");
        put("NODE_NO_READLINE", "1");
        put("TERM", "dumb");
    }
    args.extend(extra.iter().cloned());
    Ok(Launch {
        program: agent.program(),
        args,
        env: vars,
        notes,
    })
}

fn setting_str(v: &Value, key: &str) -> Result<String> {
    v.as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("--settings: {key} must be a string"))
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::String(s) => matches!(s.to_ascii_lowercase().as_str(), "true" | "1" | "yes"),
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        _ => false,
    }
}

/// `--settings` as a JSON object (absent = empty).
pub fn parse_settings(text: Option<&str>) -> Result<Map<String, Value>> {
    let Some(text) = text else {
        return Ok(Map::new());
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => bail!("--settings must be a JSON object, e.g. '{{\"CODEX_MODEL\": \"gpt-5\"}}'"),
        Err(e) => bail!("--settings is not valid JSON: {e}"),
    }
}

/// The first executable file named `program` in the `PATH`-style list `path`.
pub fn find_on_path(program: &str, path: &OsStr) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|dir| dir.join(program))
        .find(|candidate| {
            std::fs::metadata(candidate)
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// The model listener to use and a description of where it came from.
struct Source {
    target: Target,
    config: Option<Config>,
    /// For messages: the file, or how the default was chosen.
    from: String,
    /// What `planoai up` needs to start this listener (`""` = the zero-config default).
    up_arg: String,
}

fn locate(args: &CliAgentArgs) -> Result<Source> {
    let file = match crate::locate::config_file(args.file.as_deref(), &args.path)? {
        Some(f) => Some((f.clone(), format!(" {}", f.display()))),
        None => {
            let default = crate::home::Home::locate()?.default_config();
            default.is_file().then(|| (default, String::new()))
        }
    };
    let Some((file, up_arg)) = file else {
        return Ok(Source {
            target: Target::from_listener("127.0.0.1", crate::zero_config::DEFAULT_PORT),
            config: None,
            from: "the default port (no config file found)".to_owned(),
            up_arg: String::new(),
        });
    };
    // Lenient: the keys are the gateway's business, not the agent's shell's.
    let loaded = load_file(&file, EnvSource::process(EnvPolicy::Lenient))
        .map_err(|errors| anyhow!("{} is not a valid Plano config:\n{errors}", file.display()))?;
    let listener = loaded
        .config
        .listeners
        .iter()
        .find(|l| l.kind == ListenerKind::Model)
        .ok_or_else(|| {
            anyhow!(
                "{} has no model listener for the agent to use",
                file.display()
            )
        })?;
    Ok(Source {
        target: Target::from_listener(&listener.address, listener.port),
        from: file.display().to_string(),
        config: Some(loaded.config),
        up_arg,
    })
}

pub fn run(args: &CliAgentArgs) -> Result<ExitCode> {
    let settings = parse_settings(args.settings.as_deref())?;
    let program = args.agent.program();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let Some(exe) = find_on_path(program, &path) else {
        bail!(
            "`{program}` was not found on PATH; install it with `{}`",
            args.agent.install_hint()
        );
    };
    let source = locate(args)?;
    let origin = source.target.origin();
    if !source
        .target
        .socket_addr()
        .is_some_and(crate::detach::healthy)
    {
        bail!(
            "no model listener is running on {origin} (from {}); start it with `planoai up{}`",
            source.from,
            source.up_arg
        );
    }
    let has_alias = |name: &str| {
        source
            .config
            .as_ref()
            .is_some_and(|c| c.model_aliases.contains_key(name))
    };
    let launch = plan(
        args.agent,
        &source.target,
        &has_alias,
        &settings,
        &|name| std::env::var(name).ok(),
        &args.agent_args,
    )?;
    for note in &launch.notes {
        eprintln!("{note}");
    }
    eprintln!(
        "Starting {} with its model traffic going through Plano at {origin}",
        launch.program
    );
    let err = exec(&exe, &launch);
    Err(err).with_context(|| format!("starting {}", exe.display()))
}

/// Replaces this process with the agent; returns only if that failed.
fn exec(exe: &Path, launch: &Launch) -> std::io::Error {
    Command::new(exe)
        .args(&launch.args)
        .envs(launch.env.iter().map(|(k, v)| (k, v)))
        .exec()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    fn target() -> Target {
        Target::from_listener("0.0.0.0", 12001)
    }

    #[test]
    fn claude_points_at_the_listener_with_a_placeholder_credential() {
        let l = plan(
            CodingAgent::Claude,
            &target(),
            &|a| a == CLAUDE_SMALL_FAST_ALIAS,
            &Map::new(),
            &env(&[]),
            &[],
        )
        .unwrap();
        assert_eq!(l.program, "claude");
        assert_eq!(l.var("ANTHROPIC_BASE_URL"), Some("http://127.0.0.1:12001"));
        assert_eq!(l.var("ANTHROPIC_AUTH_TOKEN"), Some("test"));
        assert_eq!(l.var("ANTHROPIC_API_KEY"), Some(""));
        assert_eq!(l.var("NO_PROXY"), Some("127.0.0.1"));
        assert_eq!(l.var("DISABLE_TELEMETRY"), Some("true"));
        assert_eq!(l.var("DISABLE_COST_WARNINGS"), Some("true"));
        assert_eq!(l.var("API_TIMEOUT_MS"), Some("600000"));
        assert_eq!(
            l.var("ANTHROPIC_SMALL_FAST_MODEL"),
            Some(CLAUDE_SMALL_FAST_ALIAS)
        );
        assert_eq!(
            l.var("ANTHROPIC_DEFAULT_HAIKU_MODEL"),
            Some(CLAUDE_SMALL_FAST_ALIAS)
        );
        assert!(l.args.is_empty());
        assert!(l.notes.is_empty());
        assert_eq!(l.var("CI"), None);
    }

    #[test]
    fn claude_keeps_a_credential_the_user_already_has() {
        for existing in ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"] {
            let l = plan(
                CodingAgent::Claude,
                &target(),
                &|_| false,
                &Map::new(),
                &env(&[(existing, "sk-ant-real")]),
                &[],
            )
            .unwrap();
            assert_eq!(l.var("ANTHROPIC_AUTH_TOKEN"), None, "{existing}");
            assert_eq!(l.var("ANTHROPIC_API_KEY"), None, "{existing}");
            assert!(!l.env.iter().any(|(_, v)| v.contains("sk-ant-real")));
        }
    }

    #[test]
    fn claude_settings_choose_the_small_model_and_the_rest_pass_through() {
        let settings = parse_settings(Some(
            r#"{"ANTHROPIC_SMALL_FAST_MODEL": "openai/gpt-4o-mini", "NON_INTERACTIVE_MODE": true, "model": "plano.smart.v1"}"#,
        ))
        .unwrap();
        let l = plan(
            CodingAgent::Claude,
            &target(),
            &|_| true,
            &settings,
            &env(&[("NO_PROXY", "corp.example,.internal")]),
            &["-p".to_owned(), "hello".to_owned()],
        )
        .unwrap();
        assert_eq!(
            l.var("ANTHROPIC_SMALL_FAST_MODEL"),
            Some("openai/gpt-4o-mini")
        );
        assert_eq!(
            l.args,
            [r#"--settings={"model":"plano.smart.v1"}"#, "-p", "hello"]
        );
        assert_eq!(l.var("CI"), Some("true"));
        assert_eq!(l.var("TERM"), Some("dumb"));
        assert_eq!(l.var("FORCE_COLOR"), Some("0"));
        assert_eq!(l.var("NODE_NO_READLINE"), Some("1"));
        assert_eq!(l.var("NO_PROXY"), Some("127.0.0.1,corp.example,.internal"));
    }

    #[test]
    fn claude_without_the_alias_gets_a_tip_and_no_model_variable() {
        let l = plan(
            CodingAgent::Claude,
            &target(),
            &|_| false,
            &Map::new(),
            &env(&[]),
            &[],
        )
        .unwrap();
        assert_eq!(l.var("ANTHROPIC_SMALL_FAST_MODEL"), None);
        assert!(
            l.notes[0].contains(CLAUDE_SMALL_FAST_ALIAS),
            "{:?}",
            l.notes
        );
    }

    #[test]
    fn codex_uses_the_v1_base_url_and_a_model_flag() {
        let l = plan(
            CodingAgent::Codex,
            &Target::from_listener("127.0.0.1", 12000),
            &|_| false,
            &Map::new(),
            &env(&[("NO_PROXY", "localhost,127.0.0.1")]),
            &[],
        )
        .unwrap();
        assert_eq!(l.program, "codex");
        assert_eq!(l.var("OPENAI_BASE_URL"), Some("http://127.0.0.1:12000/v1"));
        assert_eq!(l.var("OPENAI_API_KEY"), Some("test"));
        assert_eq!(l.var("NO_PROXY"), Some("localhost,127.0.0.1"));
        assert_eq!(l.var("ANTHROPIC_BASE_URL"), None);
        assert_eq!(l.args, ["--model", CODEX_DEFAULT_MODEL]);

        let settings =
            parse_settings(Some(r#"{"CODEX_MODEL": "plano.coding.v1", "theme": "x"}"#)).unwrap();
        let l = plan(
            CodingAgent::Codex,
            &target(),
            &|_| false,
            &settings,
            &env(&[("OPENAI_API_KEY", "sk-real")]),
            &[],
        )
        .unwrap();
        assert_eq!(l.args, ["--model", "plano.coding.v1"]);
        assert_eq!(l.var("OPENAI_API_KEY"), None, "the user's key is kept");
        assert!(l.notes[0].contains("theme"), "{:?}", l.notes);
    }

    #[test]
    fn bad_settings_are_reported() {
        assert!(parse_settings(Some("[1]")).is_err());
        assert!(parse_settings(Some("{")).is_err());
        assert!(parse_settings(None).unwrap().is_empty());
        let s = parse_settings(Some(r#"{"CODEX_MODEL": 5}"#)).unwrap();
        let err = plan(
            CodingAgent::Codex,
            &target(),
            &|_| false,
            &s,
            &env(&[]),
            &[],
        )
        .unwrap_err();
        assert!(err.to_string().contains("CODEX_MODEL"), "{err}");
    }

    #[test]
    fn targets_for_wildcard_and_ipv6_listeners() {
        assert_eq!(Target::from_listener("::", 1).origin(), "http://[::1]:1");
        assert_eq!(
            Target::from_listener("10.0.0.2", 8).origin(),
            "http://10.0.0.2:8"
        );
        assert_eq!(Target::from_listener("", 9).host, "127.0.0.1");
    }

    #[test]
    fn path_lookup_finds_only_executables() {
        let dir = std::env::temp_dir().join(format!("planoai-path-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        let plain = dir.join("claude");
        std::fs::write(&plain, "not executable").unwrap();
        let exe = dir.join("bin/claude");
        std::fs::write(&exe, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = std::env::join_paths([dir.clone(), dir.join("bin")]).unwrap();
        assert_eq!(find_on_path("claude", &path), Some(exe));
        assert_eq!(find_on_path("codex", &path), None);
    }
}
