//! Static knowledge about LLM providers, compiled into the binary.
//!
//! # Layout
//! - [`api`]: the wire APIs the gateway speaks ([`Api`]) on either side.
//! - [`providers`]: the provider table — one row per provider prefix, saying where it lives
//!   (default base URL and path prefix), how it authenticates and which APIs it speaks natively.
//! - [`models`]: facts about model families that change how a request is shaped.
//! - [`path`]: the upstream path rule (`base_url` path or the provider default, plus a per-API suffix).
//! - [`catalog`]: the compiled-in model list per provider that `<provider>/*` wildcards expand to
//!   (`models/catalog.txt`, parsed once on first use).
//!
//! This crate is pure data and pure functions: no I/O, no async, no allocation on lookup (the catalog
//! allocates once, when first parsed).
//! Config validation (`plano-config`) and the upstream client (`plano-upstream`) read the same
//! table, so a provider's rules are written exactly once. Adding an OpenAI-compatible provider is
//! one row in [`providers::TABLE`].

pub mod api;
pub mod catalog;
pub mod models;
pub mod path;
pub mod providers;

pub use api::Api;
pub use path::upstream_path;
pub use providers::{AuthStyle, ProviderSpec, lookup};
