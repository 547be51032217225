//! Stage two: the raw mirror → the validated [`Config`].
//!
//! Every semantic rule of spec §1.19.2 and §1.19.3 lives in the submodules, one per concern.
//! Each check reports into the shared [`Diag`] and carries on, so one run finds every problem.
//! The result is only handed out when no error was found (see `load`).

mod agents;
mod listeners;
mod providers;
mod resolve;
mod retry;
mod router;
mod routing;
mod sections;

use std::time::Duration;

use crate::errors::{Diag, Sp};
use crate::migrate;
use crate::model::{Config, Overrides};
use crate::raw::{RawConfig, RawProvider};

pub(crate) use resolve::Models;

/// Builds the runtime config. Problems go to `d`; the returned value is meaningful only when
/// `d.errors` is empty.
/// The variable lookup and policy of `$VAR` substitution, for the few values validation reads
/// from the environment itself (AWS credentials for `auth_style: aws_sigv4`).
pub(crate) struct Env<'a> {
    pub lookup: &'a dyn Fn(&str) -> Option<String>,
    pub policy: crate::env::EnvPolicy,
}

pub(crate) fn build(mut raw: RawConfig, d: &mut Diag, env: &Env<'_>) -> Config {
    let version = check_version(&raw, d);
    if let Some(v) = &version {
        migrate::migrate(&mut raw, v, d);
        warn_top_level_routes(&raw, v, d);
    }

    let overrides = sections::overrides(raw.overrides.take(), d);
    let raw_providers = provider_list(&mut raw, d);
    // Listener rules count declared providers: an invalid entry is reported on its own and must
    // not also produce "there are no providers".
    let declared_providers = raw_providers.len();
    let (mut providers, retry_raw) = providers::build(raw_providers, &overrides, env, d);
    let policies = retry::resolve(&providers, retry_raw, &Models::new(&providers), d);
    for (p, policy) in providers.iter_mut().zip(policies) {
        p.retry_policy = policy;
    }
    let models = Models::new(&providers);

    let (agents, filters) = agents::build(
        std::mem::take(&mut raw.agents),
        std::mem::take(&mut raw.filters),
        d,
    );
    let root = raw.root.clone();
    let listeners = listeners::build(
        std::mem::take(&mut raw.listeners),
        declared_providers,
        &agents,
        &filters,
        &root,
        d,
    );

    agents::warn_unused(&agents, &filters, &listeners, d);

    let model_metrics_sources =
        routing::metrics_sources(std::mem::take(&mut raw.model_metrics_sources), d);
    let model_aliases = routing::aliases(std::mem::take(&mut raw.model_aliases), &models, d);
    let routing_preferences = routing::routes(
        raw.routing_preferences.take(),
        &models,
        &model_metrics_sources,
        d,
    );
    let routing = routing::routing(
        raw.routing.take(),
        &model_metrics_sources,
        raw.prompt_caching.as_ref(),
        d,
    );
    let prompt_caching = routing::prompt_caching(raw.prompt_caching.take(), d);

    let endpoints = sections::endpoints(std::mem::take(&mut raw.endpoints), d);
    sections::check_agent_orchestrator(&overrides, &endpoints, &raw.root, d);
    let prompt_targets =
        sections::prompt_targets(std::mem::take(&mut raw.prompt_targets), &endpoints, d);
    let prompt_guards = raw
        .prompt_guards
        .take()
        .map(|g| crate::model::PromptGuards {
            jailbreak_message: g.jailbreak_message.map(|m| m.v),
        });
    let ratelimits = sections::ratelimits(std::mem::take(&mut raw.ratelimits), &models, d);
    // Last: it may add the internal router provider, after every check over the user's ones.
    let router = router::router(
        &mut providers,
        &routing_preferences,
        &overrides,
        env,
        &raw.root,
        d,
    );
    let tracing = raw.tracing.take().map(|t| sections::tracing(t, d));
    let state_storage = raw
        .state_storage
        .take()
        .and_then(|s| sections::state_storage(s, d));

    if let Some(mode) = &raw.mode {
        d.warn(&mode.loc, "`mode` has no effect; remove it");
    }
    if let Some(l) = &raw.error_target {
        d.warn(l, "`error_target` has no effect; remove it");
    }

    Config {
        version: version.unwrap_or_default(),
        listeners,
        providers,
        model_aliases,
        routing_preferences,
        routing,
        router,
        overrides,
        agents,
        filters,
        endpoints,
        system_prompt: raw.system_prompt.take().map(|s| s.v),
        prompt_targets,
        prompt_guards,
        ratelimits,
        tracing,
        state_storage,
        prompt_caching,
        model_metrics_sources,
        warnings: Vec::new(),
    }
}

/// `version` must be present and supported; returns its text when it is.
fn check_version(raw: &RawConfig, d: &mut Diag) -> Option<String> {
    let supported = migrate::CANONICAL.join(", ");
    let Some(v) = &raw.version else {
        d.error(
            &raw.root,
            format!("missing required key `version` (supported: {supported})"),
        );
        return None;
    };
    if !migrate::supported(&v.v) {
        d.error(
            &v.loc,
            format!(
                "unsupported version `{}`; supported versions are {supported} (and any v0.4.x)",
                v.v
            ),
        );
        return None;
    }
    let bare = v.v.trim().trim_start_matches(['v', 'V']);
    if !migrate::CANONICAL.contains(&v.v.as_str()) && !bare.starts_with("0.4") {
        d.warn(
            &v.loc,
            format!("version `{}` is read as {bare}; upstream Plano only accepts the spellings {supported}", v.v),
        );
    }
    Some(v.v.clone())
}

/// Top-level routing preferences are a v0.4.0 feature. Upstream's runtime rejects them below
/// v0.4.0, but its CLI always rewrites older versions to v0.4.0 first, so through `planoai up`
/// they are accepted with any version. We accept them too and say so.
fn warn_top_level_routes(raw: &RawConfig, version: &str, d: &mut Diag) {
    if migrate::semver(version) >= (0, 4, 0) {
        return;
    }
    if let Some(routes) = &raw.routing_preferences {
        // Entries created by migration point at providers; only user-written ones count.
        if routes.loc.path == "routing_preferences" {
            d.warn(
                &routes.loc,
                format!(
                    "top-level routing_preferences requires version v0.4.0 or above; accepted with \
                     version {version} because older configs are migrated to v0.4.0. Update the version field."
                ),
            );
        }
    }
}

/// Picks `model_providers` or the deprecated `llm_providers` (never both).
fn provider_list(raw: &mut RawConfig, d: &mut Diag) -> Vec<RawProvider> {
    match (raw.model_providers.take(), raw.llm_providers.take()) {
        (Some(m), Some(l)) => {
            d.error(
                &l.loc,
                "Please provide either llm_providers or model_providers, not both. llm_providers is \
                 deprecated, please use model_providers instead",
            );
            m.v
        }
        (Some(m), None) => m.v,
        (None, Some(l)) => {
            d.warn(
                &l.loc,
                "`llm_providers` is deprecated; rename it to `model_providers`",
            );
            l.v
        }
        (None, None) => Vec::new(),
    }
}

/// A value or its default.
pub(crate) fn or<T>(v: Option<Sp<T>>, default: T) -> T {
    v.map_or(default, |s| s.v)
}

/// Default whole-request timeouts by listener kind (spec §1.4.1).
pub(crate) const MODEL_TIMEOUT: Duration = Duration::from_secs(300);
pub(crate) const AGENT_TIMEOUT: Duration = Duration::from_secs(30);

/// Lists names for an error message: sorted, at most 20, then a count of the rest.
pub(crate) fn list_names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut v: Vec<&str> = names.into_iter().collect();
    v.sort_unstable();
    v.dedup();
    if v.is_empty() {
        return "(none)".to_owned();
    }
    let extra = v.len().saturating_sub(20);
    let mut s = v.into_iter().take(20).collect::<Vec<_>>().join(", ");
    if extra > 0 {
        s.push_str(&format!(" and {extra} more"));
    }
    s
}

/// Shared defaults for [`Overrides`].
pub(crate) fn default_overrides() -> Overrides {
    Overrides {
        prompt_target_intent_matching_threshold: None,
        optimize_context_window: false,
        use_agent_orchestrator: false,
        disable_signals: false,
        upstream_connect_timeout: Duration::from_secs(5),
        upstream_tls_ca_path: None,
        llm_routing_model: None,
        agent_orchestration_model: None,
        orchestrator_model_context_length: None,
    }
}
