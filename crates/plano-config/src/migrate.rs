//! Config versions, and the v0.3.0 → v0.4.0 routing-preference migration (spec §1.19.1).
//!
//! Before v0.4.0, routing preferences were written inline under each provider as
//! `{name, description}`. Upstream's CLI rewrites such configs before the runtime sees them:
//! each inline preference becomes (or merges into) a top-level entry keyed by `name`, whose
//! `models` list the providers' full `model` strings in declaration order. We do the same on the
//! raw mirror, with the same rules and warnings:
//!
//! - wildcard providers may not carry inline preferences (error);
//! - the first description wins; a different later one is a warning;
//! - top-level preferences that already exist win on a name collision;
//! - inline preferences are removed afterwards.
//!
//! Configs at v0.4.0 or later are left untouched; inline preferences there are ignored (warning).
//! Upstream also rewrites the `version` field to `v0.4.0`; [`crate::Config::version`] keeps the
//! text as written, because that is what users recognise in messages.

use indexmap::IndexMap;

use crate::errors::{Diag, Sp};
use crate::raw::{RawConfig, RawProvider, RawRoute};

/// The version spellings upstream Plano accepts (its schema enum).
pub(crate) const CANONICAL: &[&str] = &["v0.1", "v0.1.0", "0.1-beta", "0.2.0", "v0.3.0", "v0.4.0"];

/// Versions compared the way upstream does: strip a leading `v`, drop a `-suffix`, missing or
/// non-numeric parts count as 0.
pub(crate) fn semver(version: &str) -> (u64, u64, u64) {
    let v = version.trim();
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let v = v.split('-').next().unwrap_or(v);
    let mut parts = v.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

/// Whether `version` is supported: upstream's exact spellings, the same with or without the
/// leading `v`, and any `0.4.x` (configs written for a patch release of 0.4).
pub(crate) fn supported(version: &str) -> bool {
    let v = version.trim();
    let bare = v.strip_prefix(['v', 'V']).unwrap_or(v);
    matches!(
        bare,
        "0.1" | "0.1.0" | "0.1-beta" | "0.2.0" | "0.3.0" | "0.4"
    ) || bare
        .strip_prefix("0.4.")
        .is_some_and(|rest| !rest.is_empty())
}

/// Moves inline routing preferences to top level when the config predates v0.4.0.
pub(crate) fn migrate(c: &mut RawConfig, version: &str, d: &mut Diag) {
    let providers: &mut Vec<RawProvider> = match (&mut c.model_providers, &mut c.llm_providers) {
        (Some(p), _) | (None, Some(p)) => &mut p.v,
        (None, None) => return,
    };
    if semver(version) >= (0, 4, 0) {
        for p in providers.iter() {
            if let Some(prefs) = &p.routing_preferences
                && !prefs.v.is_empty()
            {
                d.warn(
                    &prefs.loc,
                    format!(
                        "inline routing_preferences are ignored with version {version}; \
                             move them to top-level routing_preferences"
                    ),
                );
            }
        }
        return;
    }

    let mut migrated: IndexMap<String, RawRoute> = IndexMap::new();
    let mut any = false;
    for p in providers.iter_mut() {
        let Some(prefs) = p.routing_preferences.take() else {
            continue;
        };
        if prefs.v.is_empty() {
            continue;
        }
        any = true;
        let Some(model) = &p.model else { continue };
        if model.v.ends_with("/*") || model.v == "*" {
            d.error(
                &prefs.loc,
                format!(
                    "Model {} has routing_preferences but uses wildcard (*). Models with routing \
                     preferences cannot be wildcards.",
                    model.v
                ),
            );
            continue;
        }
        for pref in prefs.v {
            let Some(name) = pref.name else { continue };
            let entry = migrated.entry(name.v.clone()).or_insert_with(|| RawRoute {
                name: Some(name.clone()),
                description: pref.description.clone(),
                models: Some(Sp {
                    v: Vec::new(),
                    loc: pref.loc.clone(),
                }),
                prefer: None,
            });
            if let Some(models) = &mut entry.models
                && !models.v.iter().any(|m| m.v == model.v)
            {
                models.v.push(Sp {
                    v: model.v.clone(),
                    loc: model.loc.clone(),
                });
            }
            match (&entry.description, &pref.description) {
                (Some(first), Some(later)) if first.v.trim() != later.v.trim() => d.warn_global(format!(
                    "routing preference '{}' has conflicting descriptions across providers; keeping the first one.",
                    name.v
                )),
                (None, Some(later)) => entry.description = Some(later.clone()),
                _ => {}
            }
        }
    }
    if !any {
        return;
    }
    d.warn_global(
        "inline routing_preferences under model_providers is deprecated and has been auto-migrated \
         to top-level routing_preferences. Update your config to v0.4.0 top-level form.",
    );
    let top = c.routing_preferences.get_or_insert_with(|| Sp {
        v: Vec::new(),
        loc: c.root.clone(),
    });
    for (name, route) in migrated {
        // Top-level entries the user wrote win over migrated ones with the same name.
        if top
            .v
            .iter()
            .any(|r| r.name.as_ref().is_some_and(|n| n.v == name))
        {
            continue;
        }
        top.v.push(route);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(semver("v0.3.0"), (0, 3, 0));
        assert_eq!(semver("0.1-beta"), (0, 1, 0));
        assert_eq!(semver("v0.4.36"), (0, 4, 36));
        assert_eq!(semver("vX"), (0, 0, 0));
        for v in CANONICAL {
            assert!(supported(v), "{v}");
        }
        for v in ["v0.2.0", "0.3.0", "V0.4.0", "v0.4.36", "0.4.1", "v0.4"] {
            assert!(supported(v), "{v}");
        }
        for v in ["v0.5.0", "1.0", "", "v0.4.", "latest"] {
            assert!(!supported(v), "{v}");
        }
    }
}
