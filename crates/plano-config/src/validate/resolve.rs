//! Does a model reference name a configured provider?
//!
//! Aliases, routing preferences, retry fallbacks and rate limits all point at providers by a
//! string. One resolver answers for all of them, more generously than upstream (which accepted
//! only names and non-wildcard models for aliases): a reference matches a provider `name`, a full
//! `model` string, the bare model id of a non-wildcard provider, or `prefix/anything` when a
//! wildcard provider `prefix/*` exists — because that is what the runtime can route.

use std::collections::HashSet;

use crate::model::Provider;

pub(crate) struct Models<'a> {
    providers: &'a [Provider],
    exact: HashSet<&'a str>,
    wildcard_prefixes: HashSet<&'a str>,
}

impl<'a> Models<'a> {
    pub fn new(providers: &'a [Provider]) -> Self {
        let mut exact = HashSet::new();
        let mut wildcard_prefixes = HashSet::new();
        for p in providers {
            exact.insert(p.name.as_str());
            exact.insert(p.model.as_str());
            if p.wildcard {
                wildcard_prefixes.insert(p.prefix.as_str());
            } else {
                exact.insert(p.model_id.as_str());
            }
        }
        Models {
            providers,
            exact,
            wildcard_prefixes,
        }
    }

    pub fn resolves(&self, reference: &str) -> bool {
        if self.exact.contains(reference) {
            return true;
        }
        match reference.split_once('/') {
            Some((prefix, rest)) => !rest.is_empty() && self.wildcard_prefixes.contains(prefix),
            None => false,
        }
    }

    /// Names to show in "available models" lists: provider names and full models.
    pub fn names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.providers
            .iter()
            .flat_map(|p| [p.name.as_str(), p.model.as_str()])
    }

    /// A did-you-mean hint for an unresolved reference.
    pub fn hint(&self, reference: &str) -> String {
        crate::suggest::hint(reference, self.names())
    }
}
