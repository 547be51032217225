//! Ordering a route's models by live metrics (spec §4.4 point 6, `selection_policy.prefer`).
//!
//! A route may ask for its models cheapest-first or fastest-first. The numbers come from feeds
//! the gateway fetches in the background (`model_metrics_sources`): a price catalog (models.dev
//! or DigitalOcean) and a Prometheus query for latency. Parsing those bodies and ordering the
//! models needs nothing but bytes, so it lives here, where odd catalogs, missing models and NaN
//! samples are unit-tested without a server; the gateway only does the GETs and keeps the latest
//! maps.
//!
//! Parsers are strict about the envelope and lenient per entry: a body that is not the expected
//! document is an error (the gateway then keeps the data it had), while one model with a missing
//! or non-numeric price is skipped — catalogs grow new shapes faster than we follow them, and one
//! odd entry must not blank the whole table.
//!
//! Ranking never drops a model: the ones without data keep their configured order after the
//! ranked ones, so an empty table (no feed yet, or a failed one) *is* the configured order.
//!
//! # Layout
//! - this file: the tables, [`rank`] and [`lookup`];
//! - [`cost`]: models.dev and DigitalOcean catalogs → [`Costs`];
//! - [`prometheus`]: a Prometheus instant-query result → [`Latencies`], and the query's URL.

pub mod cost;
pub mod prometheus;

use std::collections::HashMap;

pub use cost::{parse_digitalocean, parse_models_dev};
pub use prometheus::{parse_prometheus, query_url};

/// Published prices of one model, USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelCost {
    pub input: f64,
    pub output: f64,
    /// The cached-input rate, when the catalog publishes one.
    pub cache_read: Option<f64>,
}

impl ModelCost {
    /// What `cheapest` compares: input + output per million tokens.
    pub fn blended(&self) -> f64 {
        self.input + self.output
    }
}

/// Prices by model name (catalog key, `provider/model`, or a `model_aliases` target).
pub type Costs = HashMap<String, ModelCost>;

/// Latency metric values by the `model_name` label, in whatever unit the query returns.
pub type Latencies = HashMap<String, f64>;

/// How a route orders its models (`selection_policy.prefer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Prefer {
    /// Configured order.
    #[default]
    None,
    /// Ascending input + output price.
    Cheapest,
    /// Ascending latency metric.
    Fastest,
}

/// Why a metrics feed's body could not be read; the caller keeps its previous table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetricsError {
    #[error("not JSON: {0}")]
    Json(String),
    #[error("unexpected document: {0}")]
    Shape(&'static str),
    /// Prometheus answered, but with `"status": "error"` (or anything but success).
    #[error("prometheus query failed: {0}")]
    Prometheus(String),
}

/// The table's entry for a model as a route writes it (`provider/model`): the exact name, else
/// the part after the first `/` (how catalogs key models: `gpt-4o`, `meta-llama/llama-3-70b`).
pub fn lookup<'a, V>(table: &'a HashMap<String, V>, model: &str) -> Option<&'a V> {
    table
        .get(model)
        .or_else(|| model.split_once('/').and_then(|(_, rest)| table.get(rest)))
}

/// The order to try `models` in, as indices into `models`.
///
/// `cheapest` sorts by input + output price, `fastest` by the latency value, both ascending and
/// stable (ties keep their configured order). Models with no entry (or a NaN one) follow the
/// ranked ones in configured order; [`Prefer::None`] is the configured order.
pub fn rank(models: &[&str], prefer: Prefer, costs: &Costs, latencies: &Latencies) -> Vec<usize> {
    let metric = |model: &str| -> Option<f64> {
        match prefer {
            Prefer::None => None,
            Prefer::Cheapest => lookup(costs, model).map(ModelCost::blended),
            Prefer::Fastest => lookup(latencies, model).copied(),
        }
        .filter(|v| !v.is_nan())
    };
    let mut ranked: Vec<(usize, f64)> = Vec::with_capacity(models.len());
    let mut unranked: Vec<usize> = Vec::new();
    for (i, m) in models.iter().enumerate() {
        match metric(m) {
            Some(v) => ranked.push((i, v)),
            None => unranked.push(i),
        }
    }
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1));
    ranked.into_iter().map(|(i, _)| i).chain(unranked).collect()
}

/// A JSON number, or a string holding one (some catalogs quote prices); never NaN or infinite.
fn number(v: Option<&serde_json::Value>) -> Option<f64> {
    let n = match v? {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }?;
    n.is_finite().then_some(n)
}

#[cfg(test)]
mod tests;
