//! The public entry points: a config file or text in, a validated [`Config`] out.
//!
//! Pipeline: YAML text → positioned node tree ([`crate::node`]) → environment substitution on
//! string values ([`crate::env`]) → raw mirror ([`crate::raw`]) → migration
//! ([`crate::migrate`]) → validated config ([`crate::validate`]). Every stage reports into one
//! collector, so the caller gets all errors at once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use crate::env::{EnvPolicy, substitute_tree};
use crate::errors::{ConfigError, ConfigErrors, Diag};
use crate::model::Config;
use crate::{dotenv, node, raw, validate};

/// A loaded, validated config plus what the user should be told about it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    /// Deprecations, migrations, ignored keys; same as `config.warnings`.
    pub warnings: Vec<String>,
    /// Referenced environment variables that were not set (only non-empty under
    /// [`EnvPolicy::Lenient`]; under `Strict` they are errors).
    pub missing_env: Vec<String>,
}

/// Where [`load_file`] reads variables from, and how strictly.
#[derive(Debug, Clone)]
pub struct EnvSource {
    vars: Option<HashMap<String, String>>,
    policy: EnvPolicy,
    dotenv: bool,
}

impl EnvSource {
    /// The process environment, plus a `.env` file beside the config (the process wins).
    pub fn process(policy: EnvPolicy) -> Self {
        EnvSource {
            vars: None,
            policy,
            dotenv: true,
        }
    }

    /// A fixed set of variables standing in for the process environment (tests, embedding);
    /// the `.env` beside the config is still read, and these win over it.
    pub fn fixed(vars: impl IntoIterator<Item = (String, String)>, policy: EnvPolicy) -> Self {
        EnvSource {
            vars: Some(vars.into_iter().collect()),
            policy,
            dotenv: true,
        }
    }

    /// Do not read a `.env` file.
    #[must_use]
    pub fn without_dotenv(mut self) -> Self {
        self.dotenv = false;
        self
    }

    pub fn policy(&self) -> EnvPolicy {
        self.policy
    }

    fn get(&self, name: &str) -> Option<String> {
        match &self.vars {
            Some(m) => m.get(name).cloned(),
            None => std::env::var(name).ok(),
        }
    }
}

/// The `.env` file that belongs to a config file.
pub fn dotenv_path(config: &Path) -> PathBuf {
    match config.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(".env"),
        _ => PathBuf::from(".env"),
    }
}

/// Reads and validates a config file, with variables from `env` and the `.env` beside the file.
pub fn load_file(path: &Path, env: EnvSource) -> Result<Loaded, ConfigErrors> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigErrors(vec![ConfigError {
            path: String::new(),
            line_col: None,
            message: format!("cannot read {}: {e}", path.display()),
        }])
    })?;
    let mut notes = Vec::new();
    let mut file_vars = IndexMap::new();
    if env.dotenv {
        let env_path = dotenv_path(path);
        match std::fs::read_to_string(&env_path) {
            Ok(t) => {
                let (vars, bad) = dotenv::parse(&t);
                file_vars = vars;
                for line in bad {
                    notes.push(format!(
                        "{}:{line}: not a KEY=VALUE line; ignored",
                        env_path.display()
                    ));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => notes.push(format!("cannot read {}: {e}", env_path.display())),
        }
    }
    let lookup = |name: &str| env.get(name).or_else(|| file_vars.get(name).cloned());
    let mut loaded = load_str(&text, &lookup, env.policy)?;
    if !notes.is_empty() {
        notes.append(&mut loaded.warnings);
        loaded.warnings = notes;
        loaded.config.warnings.clone_from(&loaded.warnings);
    }
    Ok(loaded)
}

/// Validates config text. `env` looks variables up; `policy` says what a missing one means.
pub fn load_str(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
    policy: EnvPolicy,
) -> Result<Loaded, ConfigErrors> {
    let mut root = node::parse(text).map_err(|e| ConfigErrors(vec![e]))?;
    let mut d = Diag::default();

    let mut missing = IndexMap::new();
    substitute_tree(&mut root, "", env, &mut missing);
    let missing_env: Vec<String> = missing.keys().cloned().collect();
    match policy {
        EnvPolicy::Strict => {
            for (name, loc) in &missing {
                d.error(
                    loc,
                    format!(
                        "environment variable `{name}` is not set (export it or add it to .env)"
                    ),
                );
            }
        }
        EnvPolicy::Lenient if !missing_env.is_empty() => {
            d.warn_global(format!(
                "environment variables not set (values left as written): {}",
                missing_env.join(", ")
            ));
        }
        EnvPolicy::Lenient => {}
    }

    let config = raw::read(&root, &mut d).map(|r| {
        validate::build(
            r,
            &mut d,
            &validate::Env {
                lookup: env,
                policy,
            },
        )
    });
    match config {
        Some(mut config) if d.errors.is_empty() => {
            config.warnings.clone_from(&d.warnings);
            Ok(Loaded {
                config,
                warnings: d.warnings,
                missing_env,
            })
        }
        _ => {
            // Report in document order; errors without a position (whole-document ones) last.
            d.errors
                .sort_by_key(|e| e.line_col.unwrap_or((usize::MAX, usize::MAX)));
            Err(ConfigErrors(d.errors))
        }
    }
}
