//! Which router model family we are talking to.
//!
//! The prompt and the answer shape are a contract with the model's training, so they are chosen by model
//! family, not configured piece by piece.

/// A router prompt format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flavor {
    /// Plano-Orchestrator v1 (spec §4.3): routes with parameter schemas, answer `{"route": [..]}`.
    OrchestratorV1,
    /// The legacy Arch-Router-1.5B format (spec §4.11): answer `{"route": "<name>"}`.
    ArchRouter,
}

impl Flavor {
    /// The context budget (in estimated tokens) when the config sets none.
    pub const fn default_context_tokens(self) -> usize {
        match self {
            Flavor::OrchestratorV1 => 8192,
            Flavor::ArchRouter => 2048,
        }
    }

    /// The flavor a router model id implies: `ArchRouter` when the id contains `arch-router`
    /// (case-insensitively), else `OrchestratorV1`.
    pub fn for_model(model_id: &str) -> Flavor {
        if model_id.to_ascii_lowercase().contains("arch-router") {
            Flavor::ArchRouter
        } else {
            Flavor::OrchestratorV1
        }
    }

    /// Parses a config value: `plano_orchestrator_v1` or `arch_router_v1`.
    pub fn parse(s: &str) -> Option<Flavor> {
        match s {
            "plano_orchestrator_v1" => Some(Flavor::OrchestratorV1),
            "arch_router_v1" => Some(Flavor::ArchRouter),
            _ => None,
        }
    }

    /// The config spelling, the inverse of [`Flavor::parse`].
    pub const fn as_str(self) -> &'static str {
        match self {
            Flavor::OrchestratorV1 => "plano_orchestrator_v1",
            Flavor::ArchRouter => "arch_router_v1",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_names() {
        assert_eq!(Flavor::OrchestratorV1.default_context_tokens(), 8192);
        assert_eq!(Flavor::ArchRouter.default_context_tokens(), 2048);
        assert_eq!(
            Flavor::for_model("hf.co/katanemo/Arch-Router-1.5B.gguf:Q4_K_M"),
            Flavor::ArchRouter
        );
        assert_eq!(Flavor::for_model("ARCH-ROUTER"), Flavor::ArchRouter);
        assert_eq!(
            Flavor::for_model("Plano-Orchestrator"),
            Flavor::OrchestratorV1
        );
        assert_eq!(Flavor::for_model("arch_router"), Flavor::OrchestratorV1);
        for f in [Flavor::OrchestratorV1, Flavor::ArchRouter] {
            assert_eq!(Flavor::parse(f.as_str()), Some(f));
        }
        assert_eq!(Flavor::parse("Arch_Router_v1"), None);
    }
}
