//! Test harness: a real gateway on a real socket in front of a real mock provider.
//!
//! `Harness::start(yaml)` replaces `{mock}` in the config with the mock's base URL, loads and
//! validates the config exactly as `planoai up` does, binds the model listener on
//! `127.0.0.1:0` and serves it until the harness is dropped.
//!
//! `Harness::start_mocks(yaml, n)` starts `n` mocks — several providers — and replaces
//! `{mock0}`, `{mock1}`, … (and `{mock}` with the first); every `$VAR` in the config resolves to
//! `key-<var in lowercase>`, so tests can tell providers apart by the key they received.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod capture;

use std::sync::Arc;

use plano_gateway::{BoundListener, Gateway, Server};
use plano_mock_llm::MockLlm;
use tokio::sync::oneshot;

pub struct Harness {
    pub url: String,
    pub mock: MockLlm,
    /// Further mocks of `start_mocks` (the first one is `mock`).
    pub others: Vec<MockLlm>,
    pub gateway: Arc<Gateway>,
    pub http: reqwest::Client,
    /// `http://…/metrics` of the harness's metrics listener.
    pub metrics_url: String,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl Harness {
    pub async fn start(yaml: &str) -> Harness {
        let mock = MockLlm::start().await.expect("mock starts");
        Self::start_with(yaml, mock).await
    }

    pub async fn start_with(yaml: &str, mock: MockLlm) -> Harness {
        let text = yaml.replace("{mock}", &mock.base_url());
        let env = |name: &str| match name {
            "OPENAI_API_KEY" => Some("sk-openai-test".to_string()),
            "ANTHROPIC_API_KEY" => Some("sk-ant-test".to_string()),
            _ => None,
        };
        Self::serve(&text, &env, mock, Vec::new()).await
    }

    /// `n` mocks (at least one) standing for `n` providers; see the module docs.
    pub async fn start_mocks(yaml: &str, n: usize) -> Harness {
        Self::start_mocks_env(yaml, n, &[]).await
    }

    /// [`Harness::start_mocks`] with environment variables for the config (values may name
    /// `{mockN}`). Every other variable reads `key-<name>`, except `PLANO_ROUTER_URL`, unset.
    pub async fn start_mocks_env(yaml: &str, n: usize, vars: &[(&str, &str)]) -> Harness {
        let mut mocks = Vec::new();
        let mut text = yaml.to_string();
        let mut vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        for i in 0..n.max(1) {
            let m = MockLlm::start().await.expect("mock starts");
            let tag = format!("{{mock{i}}}");
            text = text.replace(&tag, &m.base_url());
            for (_, v) in vars.iter_mut() {
                *v = v.replace(&tag, &m.base_url());
            }
            mocks.push(m);
        }
        let first = mocks.remove(0);
        text = text.replace("{mock}", &first.base_url());
        let env = move |name: &str| match vars.iter().find(|(k, _)| k == name) {
            Some((_, v)) => Some(v.clone()),
            None if name == "PLANO_ROUTER_URL" => None,
            None => Some(format!("key-{}", name.to_ascii_lowercase())),
        };
        Self::serve(&text, &env, first, mocks).await
    }

    /// Mock `i` of `start_mocks` (0 is `mock`).
    pub fn mock(&self, i: usize) -> &MockLlm {
        if i == 0 {
            &self.mock
        } else {
            &self.others[i - 1]
        }
    }

    async fn serve(
        text: &str,
        env: &dyn Fn(&str) -> Option<String>,
        mock: MockLlm,
        others: Vec<MockLlm>,
    ) -> Harness {
        install_crypto();
        let loaded = plano_config::load_str(text, env, plano_config::EnvPolicy::Strict)
            .unwrap_or_else(|e| panic!("test config invalid:\n{e}"));
        let gateway = Arc::new(Gateway::new(&loaded.config).expect("gateway builds"));
        let served = gateway.clone();
        let listener = BoundListener::bind("test", "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let metrics = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let metrics_url = format!("http://{}/metrics", metrics.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            Server::new(served, vec![listener])
                .metrics_listener(metrics)
                .run(shutdown)
                .await
                .unwrap();
        });
        Harness {
            url,
            mock,
            others,
            gateway,
            http: reqwest::Client::new(),
            metrics_url,
            stop: Some(stop),
            server: Some(server),
        }
    }

    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.post(format!("{}{path}", self.url))
    }

    /// POSTs a JSON body to `/v1/chat/completions`.
    pub async fn chat(&self, body: &serde_json::Value) -> reqwest::Response {
        self.post("/v1/chat/completions")
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// POSTs a JSON body to `/v1/messages`.
    pub async fn messages(&self, body: &serde_json::Value) -> reqwest::Response {
        self.post("/v1/messages").json(body).send().await.unwrap()
    }

    /// The Prometheus text of the metrics listener, now.
    pub async fn scrape(&self) -> String {
        let resp = self.http.get(&self.metrics_url).send().await;
        resp.expect("metrics listener answers")
            .text()
            .await
            .expect("metrics body")
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(format!("{}{path}", self.url))
    }

    /// Stops accepting and waits for in-flight requests to drain.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap();
        }
    }
}

/// reqwest (rustls without a built-in provider) needs a process-wide crypto provider even for
/// plain-http test clients.
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A config with one OpenAI and one Anthropic provider, both pointed at the mock.
pub const TWO_PROVIDERS: &str = r#"
version: v0.4.0
listeners:
  - type: model
    name: model_listener
    port: 12000
model_providers:
  - model: openai/gpt-4o
    access_key: $OPENAI_API_KEY
    base_url: {mock}
    default: true
  - model: anthropic/claude-sonnet-4-5
    access_key: $ANTHROPIC_API_KEY
    base_url: {mock}
model_aliases:
  plano.fast.v1:
    target: openai/gpt-4o
"#;

/// Parses an SSE body into (event, data) pairs.
pub fn sse_events(body: &str) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    for block in body.split("\n\n") {
        let mut event = None;
        let mut data = Vec::new();
        for line in block.lines() {
            if let Some(e) = line.strip_prefix("event:") {
                event = Some(e.trim().to_string());
            } else if let Some(d) = line.strip_prefix("data:") {
                data.push(d.strip_prefix(' ').unwrap_or(d).to_string());
            }
        }
        if event.is_some() || !data.is_empty() {
            out.push((event, data.join("\n")));
        }
    }
    out
}

/// The resilience counters of one provider, by name.
pub fn stats(h: &Harness, provider: &str) -> plano_gateway::ProviderStats {
    h.gateway
        .resilience_stats()
        .into_iter()
        .find(|(name, _)| *name == provider)
        .map(|(_, s)| s)
        .unwrap_or_else(|| panic!("no provider {provider}"))
}

/// Serves `handler` over HTTP/1.1 on `127.0.0.1:0` until the test ends and returns the base
/// URL: a hand-made upstream for protocols the mock provider does not speak (Bedrock).
pub async fn serve_fn<F, Fut, B>(handler: F) -> String
where
    F: Fn(http::Request<hyper::body::Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<http::Response<B>, std::convert::Infallible>>
        + Send
        + 'static,
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let handler = handler.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(handler);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    url
}

/// The retry fork's recommended config (seed `retry-failover-smart-routing.md`), unchanged but
/// for its base URLs, which point at the mock.
pub async fn start_seed_004() -> Harness {
    let seed = include_str!(
        "../../../plano-config/tests/fixtures/seeds/retry-failover-smart-routing--recommended-config--correct.yaml"
    );
    Harness::start_mocks(&seed.replace("https://your-api-endpoint.com", "{mock}"), 1).await
}
