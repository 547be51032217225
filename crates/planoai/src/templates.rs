//! The configs `planoai init` writes, embedded in the binary so `init` works offline and from
//! any directory. The YAML lives in `crates/planoai/templates/`; a unit test loads every one
//! with `plano_config::load_str`, so a template can never ship broken (upstream's
//! `filter_chain_guardrails` did, spec §10.1).

/// One `planoai init --template <id>` choice.
pub struct Template {
    /// The `--template` value (upstream's ids).
    pub id: &'static str,
    /// One line for `--list-templates` and the interactive chooser.
    pub summary: &'static str,
    pub text: &'static str,
}

/// Every template, in the order the chooser lists them: simplest first.
pub const TEMPLATES: &[Template] = &[
    Template {
        id: "preference_aware_routing",
        summary: "route each request to the model suited to the task (model listener)",
        text: include_str!("../templates/preference_aware_routing.yaml"),
    },
    Template {
        id: "coding_agent_routing",
        summary: "models, routes and aliases for Claude Code / Codex (model listener)",
        text: include_str!("../templates/coding_agent_routing.yaml"),
    },
    Template {
        id: "sub_agent_orchestration",
        summary: "one entry point that picks among specialised agents (agent listener)",
        text: include_str!("../templates/sub_agent_orchestration.yaml"),
    },
    Template {
        id: "filter_chain_guardrails",
        summary: "guardrail, rewrite and retrieval filters in front of an agent (agent listener)",
        text: include_str!("../templates/filter_chain_guardrails.yaml"),
    },
    Template {
        id: "conversational_state_v1_responses",
        summary: "multi-turn Responses API conversations with stored state (model listener)",
        text: include_str!("../templates/conversational_state_v1_responses.yaml"),
    },
];

/// `planoai init --clean`: one model listener, one provider.
pub const CLEAN: &str = include_str!("../templates/clean.yaml");

pub fn find(id: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use plano_config::{EnvPolicy, load_str};

    /// Every variable a template references resolves to a dummy value, strictly: the templates
    /// must be valid as shipped, and must not trip any warning (deprecated keys, migrations,
    /// unused agents) either, because a fresh `init` should start clean.
    #[test]
    fn every_template_is_a_valid_config_without_warnings() {
        // Every key variable set; the router URL override is not a key.
        let dummy = |name: &str| (name != "PLANO_ROUTER_URL").then(|| "dummy-value".to_owned());
        let all = TEMPLATES
            .iter()
            .map(|t| (t.id, t.text))
            .chain([("clean", CLEAN)]);
        for (id, text) in all {
            match load_str(text, &dummy, EnvPolicy::Strict) {
                Ok(loaded) => assert!(
                    loaded.warnings.is_empty(),
                    "template {id} warns: {:?}",
                    loaded.warnings
                ),
                Err(errors) => panic!("template {id} is invalid:\n{errors}"),
            }
        }
    }

    /// Keys come from the environment; a template never carries a literal secret.
    #[test]
    fn templates_reference_keys_by_variable() {
        for t in TEMPLATES {
            for line in t.text.lines() {
                if let Some(v) = line.trim().strip_prefix("access_key:") {
                    assert!(v.trim().starts_with('$'), "{}: {line}", t.id);
                }
            }
        }
    }

    #[test]
    fn templates_use_the_documented_ids_and_have_comments() {
        let ids: Vec<&str> = TEMPLATES.iter().map(|t| t.id).collect();
        assert_eq!(
            ids,
            [
                "preference_aware_routing",
                "coding_agent_routing",
                "sub_agent_orchestration",
                "filter_chain_guardrails",
                "conversational_state_v1_responses"
            ]
        );
        for t in TEMPLATES {
            assert!(t.text.starts_with("# "), "{} starts with a comment", t.id);
            assert!(find(t.id).is_some());
        }
        assert!(find("nope").is_none());
    }

    /// The single model listener of the coding template carries the alias `cli_agent claude`
    /// looks for.
    #[test]
    fn coding_template_has_the_claude_code_small_fast_alias() {
        let t = find("coding_agent_routing").map(|t| t.text).unwrap_or("");
        let loaded = load_str(
            t,
            &|n| (n != "PLANO_ROUTER_URL").then(|| "k".to_owned()),
            EnvPolicy::Strict,
        )
        .unwrap();
        assert!(
            loaded
                .config
                .model_aliases
                .contains_key(crate::cli_agent::CLAUDE_SMALL_FAST_ALIAS)
        );
    }
}
