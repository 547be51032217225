//! Preference-aligned routing, minus the network.
//!
//! Routing a request by preference means asking a small "router" model which of the configured routes
//! (name + natural-language description) fits the latest user intent. Everything about that exchange that can be
//! computed from bytes alone lives here, so that it can be tested exhaustively, snapshot-tested byte for byte and
//! fuzzed without a server: the gateway only performs the HTTP calls (the router, the metrics feeds) and the
//! session-store reads and writes.
//!
//! # Layout
//! - [`mod@conversation`]: a client request (OpenAI chat, Anthropic Messages, OpenAI Responses) → a flat list of
//!   [`Turn`]s in OpenAI-chat roles, plus the declared tool names.
//! - [`user_turn`]: does the conversation end with something the user actually typed (spec §4.7)?
//! - [`affinity`]: the implicit session key and the prefix hash (FNV-1a 64, spec §4.6).
//! - [`prompt`]: the router model's prompt for each [`Flavor`] (spec §4.3, §4.11), with the turn selection and
//!   the token-budget walk.
//! - [`request`]: the router call's request body.
//! - [`answer`]: the router's response → route names, robust to code fences, prose and both answer shapes.
//! - [`inline`]: per-request `routing_preferences` taken out of a body without touching any other byte.
//! - [`ranking`]: metrics feeds (models.dev / DigitalOcean prices, Prometheus latency) → tables, and a route's
//!   models ordered by `selection_policy.prefer`.
//!
//! No I/O, no async, no tokio: like `plano-wire` and `plano-translate`, this crate must build and test in
//! seconds.

pub mod affinity;
pub mod answer;
pub mod conversation;
pub mod flavor;
pub mod inline;
pub mod prompt;
pub mod ranking;
pub mod request;
pub mod user_turn;

#[cfg(test)]
mod golden_tests;

pub use affinity::{prefix_hash, session_key};
pub use answer::{AnswerError, parse_answer, router_answer_text};
pub use conversation::{Conversation, ConversationError, Role, Turn, conversation};
pub use flavor::Flavor;
pub use inline::{Inline, InlinePreference, take_inline_preferences};
pub use prompt::{RouteDesc, build_prompt};
pub use ranking::{Prefer, rank};
pub use request::router_request_body;
