//! Model resolution: the `model` a client asked for → the provider that serves it, and the model
//! id sent upstream (spec §2.5).
//!
//! Order: `model_aliases` (one level, no chaining) → provider `name` → full `prefix/model` →
//! bare model id (the text after the first `/`, or the whole name) → a wildcard provider for the
//! prefix → the `default: true` provider when the request names no model. Everything is indexed
//! once at start-up; a lookup is at most four hash probes.
//!
//! When several providers serve the same bare model id (the same model under several prefixes,
//! seed `retry-failover-smart-routing.md`), the bare id resolves to the first one declared;
//! the full `prefix/model` always reaches exactly the provider named.

use std::borrow::Cow;
use std::collections::HashMap;

use plano_config::Config;

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved<'a> {
    /// Index into the gateway's provider list.
    pub provider: usize,
    /// The model id sent upstream (prefix stripped).
    pub upstream_model: Cow<'a, str>,
}

#[derive(Debug, Default)]
pub struct Resolver {
    aliases: HashMap<String, String>,
    /// Provider `name` and full `model` → provider index (non-wildcard providers).
    exact: HashMap<String, usize>,
    /// Bare model id → first provider declaring it (non-wildcard providers).
    bare: HashMap<String, usize>,
    /// Prefix (lowercased) → wildcard provider index.
    wildcard: HashMap<String, usize>,
    default: Option<usize>,
}

/// Why a model could not be resolved.
#[derive(Debug, PartialEq, Eq)]
pub enum ResolveError {
    /// The request named no model and no provider is `default: true`.
    NoModel,
    Unknown(String),
}

impl Resolver {
    pub fn new(config: &Config) -> Self {
        let mut r = Resolver::default();
        for (alias, target) in &config.model_aliases {
            r.aliases.insert(alias.clone(), target.clone());
        }
        for (i, p) in config.providers.iter().enumerate() {
            if p.default && r.default.is_none() {
                r.default = Some(i);
            }
            if p.wildcard {
                r.wildcard.entry(p.prefix.to_ascii_lowercase()).or_insert(i);
                if let Some(alias_of) = plano_catalog::lookup(&p.prefix) {
                    r.wildcard.entry(alias_of.id.to_string()).or_insert(i);
                }
                continue;
            }
            r.exact.entry(p.name.clone()).or_insert(i);
            r.exact.entry(p.model.clone()).or_insert(i);
            r.bare.entry(p.model_id.clone()).or_insert(i);
        }
        // Wildcard expansions from the model catalog (spec §2.6), after the explicit entries so that
        // those keep every name they claim.
        for e in plano_config::expand_wildcards(&config.providers) {
            r.exact.entry(e.canonical).or_insert(e.provider);
            if let Some(short) = e.short {
                r.bare.entry(short.to_string()).or_insert(e.provider);
            }
        }
        r
    }

    /// The model a request names once `model_aliases` are applied (one level).
    pub fn alias<'a>(&'a self, requested: &'a str) -> &'a str {
        self.aliases
            .get(requested)
            .map_or(requested, String::as_str)
    }

    /// Resolves a requested model (`None` or empty: the request named none).
    pub fn resolve<'a>(
        &self,
        providers: &'a [plano_config::Provider],
        requested: Option<&'a str>,
    ) -> Result<Resolved<'a>, ResolveError> {
        let requested = match requested.filter(|m| !m.is_empty()) {
            Some(m) => m,
            None => {
                let i = self.default.ok_or(ResolveError::NoModel)?;
                return Ok(Resolved {
                    provider: i,
                    upstream_model: Cow::Borrowed(&providers[i].model_id),
                });
            }
        };
        let name: &str = match self.aliases.get(requested) {
            Some(target) => target,
            None => requested,
        };
        // A wildcard provider found by name was found through one of its expansions.
        let fixed = |i: usize, key: &str| Resolved {
            provider: i,
            upstream_model: match providers[i].wildcard {
                false => Cow::Borrowed(providers[i].model_id.as_str()),
                true => plano_config::expanded_model(&providers[i], key)
                    .map_or_else(|| Cow::Owned(key.to_string()), Cow::Borrowed),
            },
        };
        if let Some(&i) = self.exact.get(name) {
            return Ok(fixed(i, name));
        }
        let (prefix, rest) = match name.split_once('/') {
            Some((p, r)) => (Some(p), r),
            None => (None, name),
        };
        if let Some(&i) = self.bare.get(rest) {
            return Ok(fixed(i, rest));
        }
        if let Some(prefix) = prefix
            && !rest.is_empty()
        {
            let key = prefix.to_ascii_lowercase();
            let found = self.wildcard.get(&key).or_else(|| {
                plano_catalog::lookup(prefix).and_then(|spec| self.wildcard.get(spec.id))
            });
            if let Some(&i) = found {
                return Ok(Resolved {
                    provider: i,
                    upstream_model: Cow::Owned(rest.to_string()),
                });
            }
        }
        Err(ResolveError::Unknown(requested.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver(yaml_providers: &str) -> (Resolver, Vec<plano_config::Provider>) {
        let text = format!(
            "version: v0.4.0\nlisteners:\n  - type: model\n    name: m\n    port: 1\nmodel_providers:\n{yaml_providers}"
        );
        let loaded = plano_config::load_str(
            &text,
            &|_| Some("k".into()),
            plano_config::EnvPolicy::Strict,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        (Resolver::new(&loaded.config), loaded.config.providers)
    }

    fn check(
        r: &Resolver,
        p: &[plano_config::Provider],
        requested: Option<&str>,
    ) -> Option<(String, String)> {
        r.resolve(p, requested)
            .ok()
            .map(|x| (p[x.provider].name.clone(), x.upstream_model.into_owned()))
    }

    #[test]
    fn resolution_order() {
        let (r, p) = resolver(
            "  - model: openai/gpt-4o\n    access_key: k\n    default: true\n\
             \x20 - model: custom/claude-opus-4-6\n    base_url: http://a\n    provider_interface: openai\n\
             \x20 - model: custom-aws/claude-opus-4-6\n    base_url: http://b\n    provider_interface: openai\n\
             \x20 - name: fast\n    model: anthropic/claude-haiku\n    access_key: k\n\
             \x20 - model: anthropic/*\n    access_key: k\n",
        );
        let s = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        assert_eq!(
            check(&r, &p, Some("openai/gpt-4o")),
            s("openai/gpt-4o", "gpt-4o")
        );
        assert_eq!(check(&r, &p, Some("gpt-4o")), s("openai/gpt-4o", "gpt-4o"));
        assert_eq!(check(&r, &p, Some("fast")), s("fast", "claude-haiku"));
        // Same model under two prefixes: the full name reaches exactly the one named.
        assert_eq!(
            check(&r, &p, Some("custom-aws/claude-opus-4-6")),
            s("custom-aws/claude-opus-4-6", "claude-opus-4-6")
        );
        assert_eq!(
            check(&r, &p, Some("claude-opus-4-6")),
            s("custom/claude-opus-4-6", "claude-opus-4-6")
        );
        // Wildcard: any model of the prefix, the prefix stripped.
        assert_eq!(
            check(&r, &p, Some("anthropic/claude-sonnet-4-5")),
            s("anthropic/*", "claude-sonnet-4-5")
        );
        // No model: the default provider.
        assert_eq!(check(&r, &p, None), s("openai/gpt-4o", "gpt-4o"));
        assert_eq!(check(&r, &p, Some("")), s("openai/gpt-4o", "gpt-4o"));
        assert_eq!(
            r.resolve(&p, Some("mistral/large")),
            Err(ResolveError::Unknown("mistral/large".into()))
        );
        assert_eq!(
            r.resolve(&p, Some("anthropic/")),
            Err(ResolveError::Unknown("anthropic/".into()))
        );
    }

    #[test]
    fn wildcard_expansions_resolve_by_canonical_and_short_name() {
        let (r, p) = resolver(
            "  - model: custom/gpt-4.1\n    base_url: http://a\n    provider_interface: openai\n\
             \x20 - model: openai/*\n    access_key: k\n\
             \x20 - model: groq/*\n    access_key: k\n",
        );
        let s = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        assert_eq!(check(&r, &p, Some("openai/o3")), s("openai/*", "o3"));
        assert_eq!(check(&r, &p, Some("o3")), s("openai/*", "o3"));
        // An explicit entry keeps its bare id.
        assert_eq!(
            check(&r, &p, Some("gpt-4.1")),
            s("custom/gpt-4.1", "gpt-4.1")
        );
        assert_eq!(
            check(&r, &p, Some("groq/openai/gpt-oss-120b")),
            s("groq/*", "openai/gpt-oss-120b")
        );
        assert_eq!(
            check(&r, &p, Some("llama-3.1-8b-instant")),
            s("groq/*", "llama-3.1-8b-instant")
        );
        // Models missing from the catalog still reach the wildcard dynamically.
        assert_eq!(check(&r, &p, Some("openai/gpt-9")), s("openai/*", "gpt-9"));
        assert!(r.resolve(&p, Some("gpt-9")).is_err());
    }

    #[test]
    fn no_default_and_no_model_is_an_error() {
        let (r, p) = resolver("  - model: openai/gpt-4o\n    access_key: k\n");
        assert_eq!(r.resolve(&p, None), Err(ResolveError::NoModel));
    }
}
