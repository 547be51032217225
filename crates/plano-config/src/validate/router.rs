//! The router model (spec §4.2, §4.10): which provider answers "which route fits this
//! conversation?".
//!
//! The router is an ordinary provider, so its call goes through the same URL rules, auth,
//! translation and resilience code as any request. Its model id is `overrides.llm_routing_model`
//! (else `agent_orchestration_model`, else `Plano-Orchestrator`) with any `provider/` prefix cut
//! at the first `/`. The provider is the first one declared whose model id (or name, or full
//! `prefix/model`) matches; when none does, an internal `plano-orchestrator` provider is added —
//! as upstream's CLI does — pointing at Katanemo's hosted router, or at `$PLANO_ROUTER_URL` when
//! that variable is set (so an unchanged config can use a local router). Internal providers are
//! hidden from `/v1/models` and never join a failover chain.
//!
//! A router exists only when there is something to route: top-level routing preferences, or an
//! explicit `overrides.llm_routing_model` (which also enables per-request inline preferences).

use std::time::Duration;

use plano_catalog::lookup;

use crate::errors::{Diag, Loc};
use crate::model::{Overrides, Provider, RouterModel, RoutingPreference};

use super::Env;

/// The router model id when the config names none.
pub(crate) const DEFAULT_ROUTER_MODEL: &str = "Plano-Orchestrator";
/// Name of the provider added when no declared provider serves the router model.
pub(crate) const INTERNAL_ROUTER_NAME: &str = "plano-orchestrator";
/// Environment variable that points the internal router provider somewhere else.
pub(crate) const ROUTER_URL_VAR: &str = "PLANO_ROUTER_URL";

pub(crate) fn router(
    providers: &mut Vec<Provider>,
    preferences: &[RoutingPreference],
    overrides: &Overrides,
    env: &Env<'_>,
    root: &Loc,
    d: &mut Diag,
) -> Option<RouterModel> {
    if preferences.is_empty() && overrides.llm_routing_model.is_none() {
        return None;
    }
    let written = overrides
        .llm_routing_model
        .as_deref()
        .or(overrides.agent_orchestration_model.as_deref())
        .unwrap_or(DEFAULT_ROUTER_MODEL);
    let model_id = written.split_once('/').map_or(written, |(_, rest)| rest);
    if model_id.is_empty() {
        d.error(
            root,
            format!("overrides.llm_routing_model `{written}` names no model"),
        );
        return None;
    }
    let declared = providers.iter().position(|p| {
        !p.wildcard && (p.model_id == model_id || p.name == written || p.model == written)
    });
    if let Some(provider) = declared {
        return Some(RouterModel {
            provider,
            model: providers[provider].model_id.clone(),
        });
    }
    let provider = internal_provider(model_id, env, root, d)?;
    providers.push(provider);
    Some(RouterModel {
        provider: providers.len() - 1,
        model: model_id.to_owned(),
    })
}

/// `plano-orchestrator`: the `plano` provider family (OpenAI-compatible, hosted default origin),
/// no key, `$PLANO_ROUTER_URL` as its base URL when set.
fn internal_provider(model_id: &str, env: &Env<'_>, root: &Loc, d: &mut Diag) -> Option<Provider> {
    let spec = lookup("plano")?;
    let base_url = match (env.lookup)(ROUTER_URL_VAR).filter(|v| !v.trim().is_empty()) {
        None => None,
        Some(url) => match crate::url::parse(&url, &["http", "https"]) {
            Ok(u) => Some(u),
            Err(why) => {
                d.error(
                    root,
                    format!("${ROUTER_URL_VAR} is not a usable URL: {why}"),
                );
                return None;
            }
        },
    };
    Some(Provider {
        name: INTERNAL_ROUTER_NAME.to_owned(),
        model: format!("plano/{model_id}"),
        prefix: "plano".to_owned(),
        model_id: model_id.to_owned(),
        wildcard: false,
        spec,
        access_key: None,
        default: false,
        base_url,
        passthrough_auth: false,
        http_host: None,
        headers: Vec::new(),
        api_version: None,
        connect_timeout: Duration::from_secs(5),
        first_byte_timeout: None,
        idle_timeout: None,
        retry_policy: None,
        internal: true,
        auth_style: None,
        aws_region: None,
        aws_credentials: None,
    })
}

#[cfg(test)]
mod tests {
    use crate::{EnvPolicy, load_str};

    const BASE: &str = "version: v0.4.0\nlisteners:\n  - type: model\n    name: m\n    port: 1\n";

    fn load(
        yaml: &str,
        vars: &'static [(&'static str, &'static str)],
    ) -> Result<crate::Config, String> {
        let text = format!("{BASE}{yaml}");
        let lookup = move |k: &str| match vars.iter().find(|(n, _)| *n == k) {
            Some((_, v)) => Some(v.to_string()),
            None if k == "PLANO_ROUTER_URL" => None,
            None => Some("key".into()),
        };
        load_str(&text, &lookup, EnvPolicy::Strict)
            .map(|l| l.config)
            .map_err(|e| e.to_string())
    }

    const PREFS: &str = "routing_preferences:\n  - name: code\n    description: writing code\n    models: [openai/gpt-4o]\n";

    #[test]
    fn no_preferences_no_router() {
        let c = load(
            "model_providers:\n  - model: openai/gpt-4o\n    access_key: k\n",
            &[],
        )
        .unwrap();
        assert!(c.router.is_none());
        assert_eq!(c.providers.len(), 1);
    }

    #[test]
    fn preferences_add_the_internal_router() {
        let c = load(
            &format!("model_providers:\n  - model: openai/gpt-4o\n    access_key: k\n{PREFS}"),
            &[],
        )
        .unwrap();
        let r = c.router.expect("router");
        let p = &c.providers[r.provider];
        assert!(p.internal);
        assert_eq!(p.name, "plano-orchestrator");
        assert_eq!(r.model, "Plano-Orchestrator");
        assert!(p.base_url.is_none(), "hosted default origin");
    }

    #[test]
    fn router_url_variable_points_the_internal_router_elsewhere() {
        let c = load(
            &format!("model_providers:\n  - model: openai/gpt-4o\n    access_key: k\n{PREFS}"),
            &[("PLANO_ROUTER_URL", "http://127.0.0.1:11434")],
        )
        .unwrap();
        let r = c.router.expect("router");
        let u = c.providers[r.provider].base_url.as_ref().expect("base url");
        assert_eq!((u.host.as_str(), u.port), ("127.0.0.1", 11434));
    }

    #[test]
    fn a_declared_provider_serves_the_router_model() {
        let c = load(
            &format!(
                "overrides:\n  llm_routing_model: plano/hf.co/katanemo/Arch-Router-1.5B.gguf:Q4_K_M\n\
                 model_providers:\n  - model: openai/gpt-4o\n    access_key: k\n\
                 \x20 - model: plano/hf.co/katanemo/Arch-Router-1.5B.gguf:Q4_K_M\n    base_url: http://localhost:11434\n{PREFS}"
            ),
            &[],
        )
        .unwrap();
        let r = c.router.expect("router");
        assert_eq!(r.provider, 1);
        assert_eq!(r.model, "hf.co/katanemo/Arch-Router-1.5B.gguf:Q4_K_M");
        assert!(c.providers.iter().all(|p| !p.internal));
    }

    #[test]
    fn any_chat_model_can_be_the_router() {
        let c = load(
            "overrides:\n  llm_routing_model: openai/gpt-4o-mini\n\
             model_providers:\n  - model: openai/gpt-4o\n    access_key: k\n\
             \x20 - model: openai/gpt-4o-mini\n    access_key: k\n",
            &[],
        )
        .unwrap();
        let r = c
            .router
            .expect("router without preferences: inline ones may come");
        assert_eq!((r.provider, r.model.as_str()), (1, "gpt-4o-mini"));
    }

    #[test]
    fn router_keys_of_the_routing_section() {
        let c = load(
            &format!(
                "routing:\n  router_timeout: 750ms\n  router_flavor: arch_router_v1\n\
                 model_providers:\n  - model: openai/gpt-4o\n    access_key: k\n{PREFS}"
            ),
            &[],
        )
        .unwrap();
        assert_eq!(
            c.routing.router_timeout,
            Some(std::time::Duration::from_millis(750))
        );
        assert_eq!(c.routing.router_flavor.as_deref(), Some("arch_router_v1"));
        let err = load(
            "routing:\n  router_flavor: gpt\nmodel_providers:\n  - model: openai/gpt-4o\n    access_key: k\n",
            &[],
        )
        .unwrap_err();
        assert!(err.contains("router_flavor"), "{err}");
    }
}
