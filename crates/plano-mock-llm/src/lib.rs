//! Fake LLM providers (OpenAI Chat Completions, Anthropic Messages) for the gateway's
//! integration tests, real-SDK tests and the benchmark harness.
//!
//! The mock is an independent oracle: it shares no code with the gateway and speaks the
//! providers' wire formats as the real services emit them, over a real hyper 1.x server
//! (HTTP/1.1 and h2c) on a real socket, with real delays between SSE events.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use plano_mock_llm::{MockLlm, Reply};
//! let mock = MockLlm::start().await?;
//! mock.enqueue(Reply::error(429).with_retry_after("1"));
//! // point the gateway at mock.base_url(), send a request, then:
//! let seen = mock.requests();
//! # let _ = seen; Ok(()) }
//! ```
//!
//! # Behaviour
//!
//! * Routing is by path *suffix*, so any base-path prefix works: `…/chat/completions` is
//!   OpenAI, `…/messages` is Anthropic, anything else is a 404 JSON error.
//! * Scripted [`Reply`]s are consumed FIFO by the next requests (whatever their path);
//!   with none queued the default is a deterministic echo, see [`default_reply_text`].
//! * `x-mock-status`, `x-mock-retry-after`, `x-mock-delay-ms`, `x-mock-chunk-delay-ms`,
//!   `x-mock-cut-after-events`, `x-mock-chunk-bytes`, `x-mock-stream-chunks` request headers
//!   override the reply per request (they win over a scripted reply).
//! * Router mode ([`MockLlm::serve_router`]): requests for the router model are answered
//!   `{"route": [...]}` by keyword rules, so one mock plays router and providers.
//! * `GET /_mock/requests` returns the recorded requests as JSON and `DELETE` clears them,
//!   for harnesses that run the binary rather than the library.
//!
//! # Layout
//!
//! * `server` binds, accepts and serves connections (hyper-util auto: HTTP/1.1 + h2c).
//! * `state` is what the handle shares with the server: queue, recording, knobs.
//! * `handler` turns one request into a response plan; `overrides` reads `x-mock-*`.
//! * `request` extracts what the replies echo (model, stream flags, last user text).
//! * `reply` is the public scripting API; `answer` resolves it against the request;
//!   `openai` and `anthropic` render it, mostly through the allocation-light `json_out`.
//! * `sse_writer` accumulates events with their boundaries; `body` paces, splits and
//!   cuts them on the wire.
//! * `control` serves `/_mock/…`; `record`, `ids`, `tokens` are what their names say.

mod answer;
mod anthropic;
mod body;
mod control;
mod handler;
mod ids;
mod json_out;
mod openai;
mod overrides;
mod record;
mod reply;
mod request;
mod router;
mod server;
mod sse_writer;
mod state;
mod tokens;

pub use record::RecordedRequest;
pub use reply::{Finish, Reply, ToolCall, Usage};
pub use server::MockLlm;
pub use tokens::default_reply_text;
