//! Wildcard expansion (spec §2.6): the names a `<provider>/*` entry adds for the models of the
//! compiled-in catalog ([`plano_catalog::catalog`]).
//!
//! For a wildcard whose prefix is a known provider (`openai/*`, `google/*`, `azure_openai/*` →
//! OpenAI's list, ...), every catalog model `m` that no explicit entry of the same provider family
//! configures gets its canonical name `<prefix>/<m>` (resolvable and listed in `GET /v1/models`) and its
//! short name `m` (resolvable). Explicit entries win: they are skipped here, and the resolver inserts
//! expansions only where no explicit entry claimed the name. Custom prefixes expand to nothing; they match
//! any `<prefix>/<model>` dynamically and are not listed.
//!
//! Deliberate difference from upstream: a model id that itself contains `/` (Groq's
//! `openai/gpt-oss-120b`, Together's `meta-llama/...`) gets no short name, since it would read as another
//! provider's `prefix/model` and capture requests meant for it. Its canonical name still resolves.

use plano_catalog::catalog;

use crate::Provider;

/// One name added by a wildcard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// `<prefix>/<model>`, with the prefix as written in the config.
    pub canonical: String,
    /// The model id alone, when it contains no `/`.
    pub short: Option<&'static str>,
    /// The model id sent upstream.
    pub model: &'static str,
    /// Index of the wildcard provider in `Config::providers`.
    pub provider: usize,
}

/// Every name the wildcards of `providers` add, in provider then catalog order. A canonical name appears
/// once (the first wildcard claiming it wins).
pub fn expand_wildcards(providers: &[Provider]) -> Vec<Expansion> {
    let family = |p: &Provider| plano_catalog::lookup(&p.prefix).map(|spec| spec.id);
    let mut out: Vec<Expansion> = Vec::new();
    for (i, p) in providers.iter().enumerate() {
        if !p.wildcard {
            continue;
        }
        let Some(id) = family(p) else { continue };
        for &model in catalog::models_for(id) {
            let canonical = format!("{}/{model}", p.prefix);
            let explicit = providers.iter().any(|q| {
                !q.wildcard
                    && (q.name == canonical || (family(q) == Some(id) && q.model_id == model))
            });
            if explicit || out.iter().any(|e| e.canonical == canonical) {
                continue;
            }
            out.push(Expansion {
                canonical,
                short: (!model.contains('/')).then_some(model),
                model,
                provider: i,
            });
        }
    }
    out
}

/// The upstream model for a name that resolved to wildcard `provider` through one of its expansions:
/// `<prefix>/<m>` or `m`. `None` if `name` is neither.
pub fn expanded_model(provider: &Provider, name: &str) -> Option<&'static str> {
    let models = catalog::models_for(&provider.prefix);
    let prefix_len = provider.prefix.len();
    let canonical_rest = name
        .get(..prefix_len)
        .filter(|p| p.eq_ignore_ascii_case(&provider.prefix))
        .and_then(|_| name[prefix_len..].strip_prefix('/'));
    canonical_rest
        .and_then(|rest| models.iter().find(|m| **m == rest))
        .or_else(|| models.iter().find(|m| **m == name && !m.contains('/')))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn providers(yaml: &str) -> Vec<Provider> {
        let text = format!(
            "version: v0.4.0\nlisteners:\n  - type: model\n    name: m\n    port: 1\nmodel_providers:\n{yaml}"
        );
        crate::load_str(&text, &|_| Some("k".into()), crate::EnvPolicy::Strict)
            .unwrap_or_else(|e| panic!("{e}"))
            .config
            .providers
    }

    #[test]
    fn known_prefixes_expand_custom_ones_do_not() {
        let p = providers(
            "  - model: openai/*\n    access_key: k\n\
             \x20 - model: openai/gpt-4o\n    access_key: k\n\
             \x20 - name: fast\n    model: google/gemini-2.5-flash\n    access_key: k\n\
             \x20 - model: gemini/*\n    access_key: k\n\
             \x20 - model: groq/*\n    access_key: k\n\
             \x20 - model: litellm/*\n    base_url: http://x\n    provider_interface: openai\n",
        );
        let all = expand_wildcards(&p);
        let names: Vec<&str> = all.iter().map(|e| e.canonical.as_str()).collect();
        assert!(names.contains(&"openai/gpt-4.1"));
        assert!(names.contains(&"gemini/gemini-2.5-pro"));
        // Explicit entries win, under any alias of the prefix and whatever their name.
        assert!(!names.contains(&"openai/gpt-4o"));
        assert!(!names.contains(&"gemini/gemini-2.5-flash"));
        assert!(!names.iter().any(|n| n.starts_with("litellm/")));
        let groq = all
            .iter()
            .find(|e| e.canonical == "groq/openai/gpt-oss-120b")
            .unwrap();
        assert_eq!(
            (groq.short, groq.model, groq.provider),
            (None, "openai/gpt-oss-120b", 4)
        );
        let gpt = all.iter().find(|e| e.canonical == "openai/o3").unwrap();
        assert_eq!((gpt.short, gpt.provider), (Some("o3"), 0));
    }

    #[test]
    fn azure_uses_the_openai_list_and_duplicates_collapse() {
        let p = providers(
            "  - model: azure_openai/*\n    access_key: k\n    base_url: https://a.openai.azure.com\n\
             \x20 - name: second\n    model: azure_openai/*\n    access_key: k\n    base_url: https://b.openai.azure.com\n",
        );
        let all = expand_wildcards(&p);
        assert!(all.iter().any(|e| e.canonical == "azure_openai/gpt-4o"));
        assert!(all.iter().all(|e| e.provider == 0));
    }

    #[test]
    fn upstream_model_of_an_expanded_name() {
        let p = providers("  - model: Groq/*\n    access_key: k\n");
        let groq = &p[0];
        assert_eq!(
            expanded_model(groq, "groq/groq/compound"),
            Some("groq/compound")
        );
        assert_eq!(
            expanded_model(groq, "Groq/llama-3.1-8b-instant"),
            Some("llama-3.1-8b-instant")
        );
        assert_eq!(
            expanded_model(groq, "llama-3.1-8b-instant"),
            Some("llama-3.1-8b-instant")
        );
        assert_eq!(expanded_model(groq, "openai/gpt-oss-120b"), None);
        assert_eq!(expanded_model(groq, "groq/unknown"), None);
    }
}
