//! Plano `config.yaml` loading: raw YAML → validated [`Config`].
pub mod model;
pub mod secret;
pub use model::*;
pub use secret::Secret;
