//! The compiled-in model catalog: which models a `<provider>/*` wildcard expands to (spec §2.6).
//!
//! The list lives in `models/catalog.txt` (our own list; the format and how to refresh it are in
//! `models/README.md`), is embedded with `include_str!` and parsed once, on first use. Nothing is fetched at
//! run time: a model missing here still works through the wildcard (any `prefix/<id>` is forwarded), it
//! is only absent from short-name resolution and from `GET /v1/models`.

use std::sync::LazyLock;

use crate::providers::{TABLE, lookup};

/// The embedded catalog text.
pub const CATALOG_TEXT: &str = include_str!("../models/catalog.txt");

/// A parsed catalog: per provider id, its model ids in file order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Catalog {
    sections: Vec<(&'static str, Vec<&'static str>)>,
}

/// A defect in the catalog text, with its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    #[error("line {line}: model `{model}` before any `[provider]` section")]
    ModelOutsideSection { line: usize, model: String },
    #[error("line {line}: `{id}` is not a canonical provider id of the provider table")]
    UnknownProvider { line: usize, id: String },
    #[error("line {line}: provider `{id}` has a second section")]
    DuplicateProvider { line: usize, id: String },
    #[error("line {line}: a section header names no provider")]
    EmptySection { line: usize },
    #[error("line {line}: model `{model}` is listed twice for `{provider}`")]
    DuplicateModel {
        line: usize,
        provider: String,
        model: String,
    },
    #[error("line {line}: model id `{model}` contains whitespace")]
    BadModelId { line: usize, model: String },
}

impl Catalog {
    /// Parses catalog text (see `models/README.md`).
    pub fn parse(text: &'static str) -> Result<Catalog, CatalogError> {
        let mut sections: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
        // Indices into `sections` that the current header opened.
        let mut current: Vec<usize> = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line = n + 1;
            let entry = raw.trim();
            if entry.is_empty() || entry.starts_with('#') {
                continue;
            }
            if let Some(header) = entry.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
                current.clear();
                for id in header.split_whitespace() {
                    // Canonical ids only, so one provider cannot hide behind an alias in a second section.
                    let Some(spec) = TABLE.iter().find(|p| p.id == id) else {
                        return Err(CatalogError::UnknownProvider {
                            line,
                            id: id.to_owned(),
                        });
                    };
                    if sections.iter().any(|(p, _)| *p == spec.id) {
                        return Err(CatalogError::DuplicateProvider {
                            line,
                            id: id.to_owned(),
                        });
                    }
                    current.push(sections.len());
                    sections.push((spec.id, Vec::new()));
                }
                if current.is_empty() {
                    return Err(CatalogError::EmptySection { line });
                }
                continue;
            }
            if entry.contains(char::is_whitespace) {
                return Err(CatalogError::BadModelId {
                    line,
                    model: entry.to_owned(),
                });
            }
            if current.is_empty() {
                return Err(CatalogError::ModelOutsideSection {
                    line,
                    model: entry.to_owned(),
                });
            }
            for &i in &current {
                let (provider, models) = &mut sections[i];
                if models.contains(&entry) {
                    return Err(CatalogError::DuplicateModel {
                        line,
                        provider: (*provider).to_owned(),
                        model: entry.to_owned(),
                    });
                }
                models.push(entry);
            }
        }
        Ok(Catalog { sections })
    }

    /// The models of a provider, by canonical id or alias (any ASCII case); empty if it has none.
    pub fn models_for(&self, provider: &str) -> &[&'static str] {
        let Some(spec) = lookup(provider) else {
            return &[];
        };
        self.sections
            .iter()
            .find(|(id, _)| *id == spec.id)
            .map_or(&[], |(_, models)| models.as_slice())
    }

    /// The canonical ids of the providers that have models, in file order.
    pub fn providers(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.sections.iter().map(|(id, _)| *id)
    }
}

/// The embedded catalog. A defect in it is caught by this crate's tests; should one ever ship anyway, the
/// catalog is empty (wildcards still match dynamically) rather than the gateway failing to start.
static EMBEDDED: LazyLock<Catalog> =
    LazyLock::new(|| Catalog::parse(CATALOG_TEXT).unwrap_or_default());

/// The embedded catalog, parsed on first use.
pub fn embedded() -> &'static Catalog {
    &EMBEDDED
}

/// The models a `<provider>/*` wildcard expands to (canonical id or alias, any case; `azure_openai`
/// shares OpenAI's list). Empty for providers without a list and for custom prefixes.
pub fn models_for(provider: &str) -> &'static [&'static str] {
    embedded().models_for(provider)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_is_valid() {
        let catalog = Catalog::parse(CATALOG_TEXT).unwrap_or_else(|e| panic!("{e}"));
        for id in [
            "openai",
            "azure_openai",
            "anthropic",
            "gemini",
            "mistral",
            "deepseek",
            "groq",
            "xai",
            "together_ai",
            "moonshotai",
            "zhipu",
            "qwen",
            "amazon_bedrock",
        ] {
            assert!(!catalog.models_for(id).is_empty(), "{id} has no models");
        }
        assert_eq!(&catalog, embedded());
    }

    #[test]
    fn lookup_by_alias_and_case() {
        assert!(models_for("google").contains(&"gemini-2.5-pro"));
        assert!(models_for("Together").contains(&"meta-llama/Llama-3.3-70B-Instruct-Turbo"));
        assert!(models_for("amazon").contains(&"us.amazon.nova-pro-v1:0"));
        assert_eq!(models_for("azure_openai"), models_for("openai"));
        assert!(models_for("ollama").is_empty());
        assert!(models_for("my-litellm").is_empty());
    }

    #[test]
    fn parse_errors() {
        let err = |text: &'static str| Catalog::parse(text).unwrap_err().to_string();
        assert_eq!(
            err("gpt-4o"),
            "line 1: model `gpt-4o` before any `[provider]` section"
        );
        assert_eq!(
            err("[google]\nx"),
            "line 1: `google` is not a canonical provider id of the provider table"
        );
        assert_eq!(
            err("[openai]\n[openai]"),
            "line 2: provider `openai` has a second section"
        );
        assert_eq!(
            err("# c\n[ ]"),
            "line 2: a section header names no provider"
        );
        assert_eq!(
            err("[groq]\na\na"),
            "line 3: model `a` is listed twice for `groq`"
        );
        assert_eq!(
            err("[groq]\na b"),
            "line 2: model id `a b` contains whitespace"
        );
        let ok =
            Catalog::parse("# comment\n\n[openai azure_openai]\n  a  \nb\n[groq]\nc\n").unwrap();
        assert_eq!(ok.models_for("azure_openai"), ["a", "b"]);
        assert_eq!(
            ok.providers().collect::<Vec<_>>(),
            ["openai", "azure_openai", "groq"]
        );
    }
}
