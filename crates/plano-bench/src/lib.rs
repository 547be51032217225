//! plano-bench: the gateway's benchmark harness.
//!
//! One run starts three processes on loopback — the mock provider (`plano-mock-llm`), the
//! gateway (`planoai up`) and the floor (a minimal hyper passthrough proxy, this binary's
//! `floor` subcommand) — and measures, in the same run, added latency at c=1, throughput at
//! c=8 and c=64, CPU µs per request, idle and loaded RSS, and streaming time to first byte,
//! for same-API passthrough and each translation direction. The gateway is judged by its
//! ratios to the floor, because on a small shared box only ratios are stable.
//!
//! # Layout
//! - `scenario`: the targets (direct, floor, gateway × API pairs) and their request bodies.
//! - `child`: spawning the servers, waiting for their ready line, killing them on drop.
//! - `floor`: the minimal passthrough proxy.
//! - `load`: the closed-loop load generator, one keep-alive connection per virtual user.
//! - `procfs`: CPU ticks, RSS and machine facts from `/proc`.
//! - `stats`: percentiles and medians.
//! - `run`: the phases of a run, interleaved rounds.
//! - `report`: aggregation, target ratios, Markdown and JSON.
//! - `router_cpu`: the `router` subcommand — CPU of a routing decision, router latency excluded.
//! - `translate_cpu`: the `translate` subcommand — CPU of request, response and stream translation.

pub mod child;
pub mod floor;
pub mod load;
pub mod procfs;
pub mod report;
pub mod router_cpu;
pub mod run;
pub mod scenario;
pub mod stats;
pub mod translate_cpu;
