//! Plano `config.yaml` loading: YAML text → raw mirror → validated [`Config`].
//!
//! # Use
//!
//! ```no_run
//! use plano_config::{EnvPolicy, EnvSource, load_file};
//! # fn main() -> Result<(), plano_config::ConfigErrors> {
//! let loaded = load_file("config.yaml".as_ref(), EnvSource::process(EnvPolicy::Strict))?;
//! for w in &loaded.warnings {
//!     eprintln!("warning: {w}");
//! }
//! let config = loaded.config;
//! # let _ = config; Ok(()) }
//! ```
//!
//! [`load_file`] reads the file and a `.env` beside it (process variables win);
//! [`load_str`] takes text and a variable lookup. Errors come back all at once as
//! [`ConfigErrors`], each with its YAML path and line/column, displayed one per line:
//! `model_providers[2].base_url (line 14, column 5): <message>`.
//!
//! # Pipeline (style convention 5, "config is parsed twice")
//!
//! 1. `node`: serde-saphyr parses the text into a tree of positioned nodes. A syntax error stops
//!    here (there is nothing to walk); everything later collects errors and continues.
//! 2. `env`: `$VAR`, `${VAR}`, `${VAR:-default}` are substituted in string values, after
//!    parsing, so a value can never change the document's structure. A scalar that is exactly
//!    one reference is re-read as a number or boolean where the field needs one
//!    (`port: $PORT`). `$$` and a `$` not followed by a name stay literal.
//!    [`EnvPolicy::Strict`] makes unset variables errors (all listed); [`EnvPolicy::Lenient`]
//!    reports them in [`Loaded::missing_env`] and leaves the text as written.
//! 3. `raw`: the tree is read into a mirror of every shape upstream Plano accepts, type-checking
//!    each value and reporting unknown keys with a "did you mean" suggestion.
//! 4. `migrate`: v0.3.0-style inline routing preferences move to top level (spec §1.19.1).
//! 5. `validate`: cross-references, defaults and the semantic rules of spec §1.19.2–1.19.3.
//!
//! # Versions
//!
//! `v0.1`, `v0.1.0`, `0.1-beta`, `0.2.0`, `v0.3.0`, `v0.4.0` as upstream, the same spellings
//! with or without the leading `v` (with a warning), and any `0.4.x`. Configs before v0.4.0 are
//! migrated; [`Config::version`] keeps the text as written.
//!
//! **Top-level `routing_preferences` before v0.4.0** are accepted with a warning. Upstream's
//! runtime rejects them below v0.4.0, but its CLI rewrites every older version to v0.4.0 before
//! the runtime sees the file, so through `planoai up` upstream accepts them with any version.
//! We match that end-to-end behaviour; no version rejects them.
//!
//! # Extension keys (ours, not upstream's)
//!
//! Per provider (`model_providers[]`):
//! - `retry_policy`: `fallback_models` (provider names or models, each must resolve),
//!   `default_strategy` (`same_model` | `same_provider` | `different_provider`, default
//!   `different_provider`), `default_max_attempts` (attempts including the first, 1–100,
//!   default 3), `on_status_codes: [{codes: [100–599], strategy, max_attempts}]` (a code may
//!   appear in one rule only), `on_timeout: {strategy, max_attempts}`,
//!   `backoff: {apply_to: same_model|same_provider|all_retries, base_ms: 100, max_ms: 5000,
//!   jitter: true}`, `max_retry_duration_ms`, and `try_remaining_providers` (default `true`:
//!   after the fallback list, the remaining providers are tried, as in the fork of spec §5.4).
//! - `api_version`: Azure `api-version` (warned about on other providers).
//! - `auth_style`: `bearer` | `api_key` | `x_api_key` | `aws_sigv4` — how the credential is sent
//!   (`Authorization: Bearer`, `api-key`, `x-api-key`, AWS Signature V4); default the provider
//!   family's style. `aws_sigv4` is for `amazon_bedrock` only, not with `passthrough_auth`, and
//!   reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optional `AWS_SESSION_TOKEN` through
//!   the same lookup as `$VAR` (so `.env` works; missing ones follow the [`EnvPolicy`]).
//! - `aws_region`: the SigV4 region; default parsed from a
//!   `bedrock-runtime.<region>.amazonaws.com` `base_url`, else required with `aws_sigv4`.
//! - `connect_timeout` (default `overrides.upstream_connect_timeout`, 5 s),
//!   `first_byte_timeout`, `idle_timeout`: durations as `"30s"`, `"500ms"`, `"2m"` or a number
//!   of seconds.
//!
//! Per listener: `max_request_body_bytes` (default 32 MiB).
//!
//! Tracing: `tracing.exporters` (upstream's PostHog exporter) is kept in [`Tracing::exporters`].
//!
//! # Deliberate differences from upstream
//!
//! - The same model under several prefixes is allowed (upstream rule 15 rejected it; failover
//!   between channels needs it), and so is the same full `model` twice when the `name`s differ.
//! - `filter_chain` under a listener agent is a deprecated alias of `input_filters` (upstream
//!   rejects it; the seed documents use it).
//! - An agent listener's `agents[].id` must exist in top-level `agents` (upstream failed only
//!   when the agent was selected); `agents` on a model/prompt listener is an error.
//! - Model alias targets, routing-preference models, fallbacks and rate-limit models resolve the
//!   same generous way: a provider name, a full model, the bare id of a non-wildcard provider,
//!   or `prefix/anything` when `prefix/*` is configured.
//! - A list of listeners without a model listener gets the default one (`egress_traffic`,
//!   0.0.0.0:12000) only when providers exist and the port is free. No `listeners` at all means
//!   the default model listener; then, as for any model listener, zero providers is an error.
//! - Upstream's dead keys (§1.18: `mode`, `error_target`, `routing.llm_provider`,
//!   `routing.model`, `listeners[].router`, `tracing.trace_arch_internal`,
//!   `prompt_caching.session_ttl_seconds`, `overrides.prompt_target_intent_matching_threshold`,
//!   `tracing.sampling_rate`) are accepted with a warning.
//! - YAML 1.2 booleans; `yes`/`no`/`on`/`off` are still accepted in boolean fields, with a
//!   warning, because upstream's PyYAML read them as booleans.
//! - `.env` lines may start with `export ` and have quoted values; both are stripped.
//! - Agents/filters with unusable URLs, duplicate listener names and port clashes are errors;
//!   agents or filters no listener references are warnings.
//! - Messages keep upstream's key phrases but some are reworded to say what to do (upstream's
//!   rule 14 message reads inverted, and its alias message carries a stray "2 -").
//!
//! Secrets (`access_key`, header values, `connection_string`, session-cache URLs, exporter
//! keys) are [`Secret`]s: their `Debug`/`Display` print `***`.

mod dotenv;
mod duration;
mod env;
pub mod errors;
mod load;
mod migrate;
pub mod model;
mod node;
mod raw;
mod read;
pub mod secret;
mod suggest;
mod url;
mod validate;
pub mod wildcard;

pub use env::EnvPolicy;
pub use errors::{ConfigError, ConfigErrors};
pub use load::{EnvSource, Loaded, dotenv_path, load_file, load_str};
pub use model::*;
pub use secret::Secret;
pub use wildcard::{Expansion, expand_wildcards, expanded_model};
