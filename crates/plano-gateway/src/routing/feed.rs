//! Live model metrics for `selection_policy.prefer` (spec §4.4 point 6 and "Metrics sources")
//! and for the routing budget (§4.8): the latest price and latency tables, and a route's models
//! put in their order.
//!
//! - **Tables.** One [`ArcSwap`] per kind (cost, latency). A request loads the current table
//!   (one atomic operation, no lock) and ranks with it (`plano_router::ranking`); a fetch builds
//!   a whole new table off the request path and swaps it in.
//! - **Fetching.** Each configured source some request needs (`cost` for `cheapest` and for a
//!   routing budget, `latency` for `fastest`) is fetched with a plain GET on the router provider's pooled client
//!   (`plano_upstream`), then again every `refresh_interval` seconds when one is set. A failed
//!   fetch (connect, status, timeout, oversized or unparsable body) is logged and the previous
//!   table stays — an empty one until a fetch first succeeds, which ranks every route in its
//!   configured order. Upstream fetches once at start-up, blocking, and replaces the table with
//!   an empty one on any failure; keeping the last good data is kinder to a flaky feed.
//! - **Lazy start.** Nothing is fetched until the first decision that needs the kind (a route
//!   with `prefer` matched, or a session turn under a routing budget — configured, or asked for
//!   by a request's `x-plano-max-switch-spend-pct`, hence cost sources are kept even when no
//!   route ranks by price): a config that never routes there, a `planoai validate` or a gateway
//!   built only to be replaced never touches the network, and the decision is inside the tokio
//!   runtime, where the refresher can be spawned. That first decision, and any before the first
//!   fetch completes, uses the configured order.
//! - **Stopping.** The refreshers watch a cancellation token that dropping the [`Feed`] (that
//!   is, the `Gateway`: hot reload builds a new one and drops the old) cancels, so a reloaded
//!   config never leaves an old refresher polling.
//! - After the first successful fetch of a source, each model of a route ranked by it that the
//!   data does not cover is named in a warning: it will always come after the covered ones.

use std::collections::HashMap;
use std::sync::{Arc, Once};
use std::time::Duration;

use arc_swap::ArcSwap;
use futures_util::StreamExt;
use http::{HeaderMap, HeaderValue, header};
use plano_config::{Config, MetricsSource, SelectionPreference};
use plano_router::ranking::{self, Costs, Latencies, MetricsError, Prefer};
use plano_upstream::UpstreamClient;
use tokio_util::sync::CancellationToken;

use super::Target;

/// How long a feed may take to answer with its head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole fetch (head and body) may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest feed body read (models.dev's whole catalog is a few MiB).
const MAX_BODY_BYTES: usize = 64 << 20;

const MODELS_DEV_URL: &str = "https://models.dev/api.json";
const DIGITALOCEAN_URL: &str = "https://api.digitalocean.com/v2/gen-ai/models/catalog";

/// The metrics tables and their refreshers, one per `Router`.
#[derive(Debug)]
pub(super) struct Feed {
    sources: Vec<Source>,
    tables: Arc<Tables>,
    /// Per [`Kind`]: its sources' refreshers were spawned.
    started: [Once; 2],
    stop: CancellationToken,
}

#[derive(Debug, Default)]
struct Tables {
    costs: ArcSwap<Costs>,
    latencies: ArcSwap<Latencies>,
}

/// One configured source, ready to fetch.
#[derive(Debug, Clone)]
struct Source {
    format: Format,
    /// The URL to GET (for Prometheus, with the query).
    url: String,
    refresh: Option<Duration>,
    /// `route → model` pairs ranked by this source's kind, for the missing-data warnings.
    watched: Arc<[(String, String)]>,
}

/// What a source measures; each kind is started on its first use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Cost = 0,
    Latency = 1,
}

#[derive(Debug, Clone)]
enum Format {
    ModelsDev(Arc<HashMap<String, String>>),
    DigitalOcean(Arc<HashMap<String, String>>),
    Prometheus,
}

impl Format {
    fn name(&self) -> &'static str {
        match self {
            Format::ModelsDev(_) => "models.dev",
            Format::DigitalOcean(_) => "digitalocean",
            Format::Prometheus => "prometheus",
        }
    }

    fn kind(&self) -> Kind {
        match self {
            Format::ModelsDev(_) | Format::DigitalOcean(_) => Kind::Cost,
            Format::Prometheus => Kind::Latency,
        }
    }

    fn kind_name(&self) -> &'static str {
        match self.kind() {
            Kind::Cost => "cost",
            Kind::Latency => "latency",
        }
    }
}

/// A freshly parsed table.
enum Table {
    Costs(Costs),
    Latencies(Latencies),
}

impl Table {
    fn len(&self) -> usize {
        match self {
            Table::Costs(t) => t.len(),
            Table::Latencies(t) => t.len(),
        }
    }

    fn covers(&self, model: &str) -> bool {
        match self {
            Table::Costs(t) => ranking::lookup(t, model).is_some(),
            Table::Latencies(t) => ranking::lookup(t, model).is_some(),
        }
    }
}

impl Feed {
    /// The configured cost sources (a budget may need them on any request) and the latency
    /// sources some route ranks by; nothing is fetched yet.
    pub fn new(config: &Config) -> Feed {
        let watched = |wanted: SelectionPreference| -> Arc<[(String, String)]> {
            config
                .routing_preferences
                .iter()
                .filter(|p| p.prefer == wanted)
                .flat_map(|p| p.models.iter().map(|m| (p.name.clone(), m.clone())))
                .collect()
        };
        let (cheapest, fastest) = (
            watched(SelectionPreference::Cheapest),
            watched(SelectionPreference::Fastest),
        );
        let mut sources = Vec::new();
        for s in &config.model_metrics_sources {
            match s {
                MetricsSource::Cost {
                    provider,
                    url,
                    refresh_interval,
                    model_aliases,
                } => {
                    let aliases = Arc::new(
                        model_aliases
                            .iter()
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    );
                    let (format, default_url) = if provider == "digitalocean" {
                        (Format::DigitalOcean(aliases), DIGITALOCEAN_URL)
                    } else {
                        (Format::ModelsDev(aliases), MODELS_DEV_URL)
                    };
                    sources.push(Source {
                        format,
                        url: url.clone().unwrap_or_else(|| default_url.to_owned()),
                        refresh: refresh_interval.map(Duration::from_secs),
                        watched: cheapest.clone(),
                    });
                }
                MetricsSource::Latency {
                    url,
                    query,
                    refresh_interval,
                    ..
                } if !fastest.is_empty() => sources.push(Source {
                    format: Format::Prometheus,
                    url: ranking::query_url(url, query),
                    refresh: refresh_interval.map(Duration::from_secs),
                    watched: fastest.clone(),
                }),
                _ => {}
            }
        }
        Feed {
            sources,
            tables: Arc::default(),
            started: [Once::new(), Once::new()],
            stop: CancellationToken::new(),
        }
    }

    /// A route's targets in the order its `prefer` asks for; the first call starts the
    /// refreshers. `client` carries the fetches.
    pub fn order(
        &self,
        client: Option<&UpstreamClient>,
        route: &str,
        prefer: SelectionPreference,
        targets: &[Target],
    ) -> Vec<Target> {
        let prefer = match prefer {
            SelectionPreference::None => return targets.to_vec(),
            SelectionPreference::Cheapest => Prefer::Cheapest,
            SelectionPreference::Fastest => Prefer::Fastest,
        };
        if let Some(client) = client {
            self.start(
                client,
                if prefer == Prefer::Cheapest {
                    Kind::Cost
                } else {
                    Kind::Latency
                },
            );
        }
        let names: Vec<&str> = targets.iter().map(|t| &*t.written).collect();
        let order = ranking::rank(
            &names,
            prefer,
            &self.tables.costs.load(),
            &self.tables.latencies.load(),
        );
        let ranked: Vec<Target> = order
            .into_iter()
            .filter_map(|i| targets.get(i).cloned())
            .collect();
        if ranked != targets {
            tracing::debug!(
                route,
                models = ?ranked.iter().map(|t| &*t.written).collect::<Vec<_>>(),
                "route's models ranked by {}",
                if prefer == Prefer::Cheapest { "price" } else { "latency" }
            );
        }
        ranked
    }

    /// The current price table for a routing budget (empty until a cost source is loaded, or
    /// when none is configured); the first call starts the cost refreshers.
    pub fn costs(&self, client: Option<&UpstreamClient>) -> Arc<Costs> {
        if let Some(client) = client {
            self.start(client, Kind::Cost);
        }
        self.tables.costs.load_full()
    }

    /// The price table as loaded so far, without starting a fetch: session cost accounting
    /// prices a turn only when something else (a `cheapest` route, a budget) needed prices.
    pub fn loaded_costs(&self) -> Arc<Costs> {
        self.tables.costs.load_full()
    }

    /// Spawns one refresher per source of `kind`, once.
    fn start(&self, client: &UpstreamClient, kind: Kind) {
        self.started[kind as usize].call_once(|| {
            let Ok(runtime) = tokio::runtime::Handle::try_current() else {
                tracing::warn!("model metrics not fetched (no runtime); routes keep config order");
                return;
            };
            for source in self.sources.iter().filter(|s| s.format.kind() == kind) {
                runtime.spawn(refresh(
                    source.clone(),
                    client.clone(),
                    self.tables.clone(),
                    self.stop.clone(),
                ));
            }
        });
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Fetches one source now and then every `refresh` until `stop` is cancelled.
async fn refresh(
    source: Source,
    client: UpstreamClient,
    tables: Arc<Tables>,
    stop: CancellationToken,
) {
    let run = async {
        let mut loaded = false;
        loop {
            match tokio::time::timeout(FETCH_TIMEOUT, fetch(&client, &source)).await {
                Ok(Ok(table)) => {
                    if loaded {
                        tracing::debug!(
                            source = source.format.name(),
                            models = table.len(),
                            "model metrics refreshed"
                        );
                    } else {
                        tracing::info!(
                            source = source.format.name(),
                            url = %shown(&source.url),
                            models = table.len(),
                            "model {} metrics loaded",
                            source.format.kind_name()
                        );
                        warn_missing(&source, &table);
                        loaded = true;
                    }
                    match table {
                        Table::Costs(t) => tables.costs.store(Arc::new(t)),
                        Table::Latencies(t) => tables.latencies.store(Arc::new(t)),
                    }
                }
                Ok(Err(why)) => failed(&source, loaded, &why),
                Err(_) => failed(
                    &source,
                    loaded,
                    &format!("no complete answer within {} s", FETCH_TIMEOUT.as_secs()),
                ),
            }
            let Some(every) = source.refresh else { break };
            tokio::time::sleep(every).await;
        }
    };
    tokio::select! {
        () = stop.cancelled() => {}
        () = run => {}
    }
}

fn failed(source: &Source, loaded: bool, why: &str) {
    tracing::warn!(
        source = source.format.name(),
        url = %shown(&source.url),
        "fetching model {} metrics failed: {why}; {}",
        source.format.kind_name(),
        if loaded {
            "keeping the previous data"
        } else {
            "routes keep their configured order until a fetch succeeds"
        }
    );
}

/// GETs and parses one source.
async fn fetch(client: &UpstreamClient, source: &Source) -> Result<Table, String> {
    let mut headers = HeaderMap::new();
    headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(
        header::USER_AGENT,
        HeaderValue::from_static(concat!("planoai/", env!("CARGO_PKG_VERSION"))),
    );
    let resp = client
        .get(&source.url, headers, HEAD_TIMEOUT)
        .await
        .map_err(|e| e.to_string())?;
    if !resp.status.is_success() {
        return Err(format!("answered {}", resp.status.as_u16()));
    }
    let mut body = Vec::new();
    let mut stream = resp.body;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(format!("body larger than {} MiB", MAX_BODY_BYTES >> 20));
        }
        body.extend_from_slice(&chunk);
    }
    let parsed: Result<Table, MetricsError> = match &source.format {
        Format::ModelsDev(aliases) => ranking::parse_models_dev(&body, aliases).map(Table::Costs),
        Format::DigitalOcean(aliases) => {
            ranking::parse_digitalocean(&body, aliases).map(Table::Costs)
        }
        Format::Prometheus => ranking::parse_prometheus(&body).map(Table::Latencies),
    };
    parsed.map_err(|e| e.to_string())
}

/// One warning per ranked model the first table does not cover.
fn warn_missing(source: &Source, table: &Table) {
    let mut warned: Vec<&str> = Vec::new();
    for (route, model) in source.watched.iter() {
        if table.covers(model) || warned.contains(&model.as_str()) {
            continue;
        }
        warned.push(model);
        tracing::warn!(
            source = source.format.name(),
            "model {model} has no {} data; route '{route}' ranks it after the models that have",
            source.format.kind_name()
        );
    }
}

/// A URL for a log line: without credentials (`user:pass@`) or query.
fn shown(url: &str) -> &str {
    let url = url.split_once('?').map_or(url, |(u, _)| u);
    match url.split_once("://") {
        Some((_, rest)) if rest.split('/').next().is_some_and(|a| a.contains('@')) => {
            "(url with credentials)"
        }
        _ => url,
    }
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn log_urls_hide_credentials_and_queries() {
        assert_eq!(
            shown("https://models.dev/api.json"),
            "https://models.dev/api.json"
        );
        assert_eq!(
            shown("http://prom:9090/api/v1/query?query=rate%28x%29"),
            "http://prom:9090/api/v1/query"
        );
        assert_eq!(
            shown("https://user:secret@prom.example/api/v1/query"),
            "(url with credentials)"
        );
        assert_eq!(shown("http://prom/a@b"), "http://prom/a@b");
    }
}
