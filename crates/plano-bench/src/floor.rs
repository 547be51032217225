//! The floor: the least an HTTP/1.1 reverse proxy can do, as a yardstick for the gateway.
//!
//! `plano-bench floor --listen ADDR --upstream URL` buffers each request body, forwards it
//! to the upstream over a pooled keep-alive hyper-util client with `TCP_NODELAY`, and streams
//! the response body back as it arrives. No parsing, no routing, no logging: whatever the
//! gateway costs above this is the price of its features. It runs on the same tokio flavor
//! as the gateway (multi-thread, default worker count) so both get the same scheduler.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result};
use bytes::Bytes;
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode, Uri, header};
use http_body_util::{BodyExt, Either, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;

type Upstream = Client<HttpConnector, Full<Bytes>>;
type Body = Either<Incoming, Full<Bytes>>;

/// Options of the `floor` subcommand.
pub struct FloorArgs {
    pub listen: SocketAddr,
    pub upstream: Uri,
    /// Exit when stdin reaches end-of-file, so the floor dies with the harness that spawned
    /// it even if the harness is killed without a chance to clean up.
    pub exit_on_eof: bool,
}

struct Proxy {
    client: Upstream,
    scheme: Scheme,
    authority: Authority,
    host: HeaderValue,
}

/// Runs the floor until the process is killed.
pub fn run(args: FloorArgs) -> Result<()> {
    if args.exit_on_eof {
        // A plain thread: blocking stdin reads have no place on the runtime.
        std::thread::spawn(|| {
            let mut sink = Vec::new();
            let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
            std::process::exit(0);
        });
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    rt.block_on(serve(args))
}

async fn serve(args: FloorArgs) -> Result<()> {
    let authority = args
        .upstream
        .authority()
        .cloned()
        .context("--upstream needs host:port")?;
    let scheme = args.upstream.scheme().cloned().unwrap_or(Scheme::HTTP);
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client = Client::builder(TokioExecutor::new()).build(connector);
    let host = HeaderValue::from_str(authority.as_str()).context("upstream authority as Host")?;
    let proxy = Arc::new(Proxy {
        client,
        scheme,
        authority,
        host,
    });

    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    // The harness waits for exactly this line (same shape as the mock's).
    println!("listening on http://{}", listener.local_addr()?);

    loop {
        let (stream, _) = match listener.accept().await {
            Ok(s) => s,
            // Transient accept errors (e.g. EMFILE) must not end the floor mid-run.
            Err(_) => continue,
        };
        let _ = stream.set_nodelay(true);
        let proxy = proxy.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req| {
                let proxy = proxy.clone();
                async move { Ok::<_, Infallible>(proxy.forward(req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
    }
}

impl Proxy {
    async fn forward(&self, req: Request<Incoming>) -> Response<Body> {
        match self.try_forward(req).await {
            Ok(resp) => resp,
            Err(e) => {
                let mut resp = Response::new(Either::Right(Full::new(Bytes::from(format!(
                    "floor: {e:#}\n"
                )))));
                *resp.status_mut() = StatusCode::BAD_GATEWAY;
                resp
            }
        }
    }

    async fn try_forward(&self, req: Request<Incoming>) -> Result<Response<Body>> {
        let (mut parts, body) = req.into_parts();
        let body = body
            .collect()
            .await
            .context("reading the request body")?
            .to_bytes();
        let path = parts
            .uri
            .path_and_query()
            .cloned()
            .unwrap_or_else(|| PathAndQuery::from_static("/"));
        parts.uri = Uri::builder()
            .scheme(self.scheme.clone())
            .authority(self.authority.clone())
            .path_and_query(path)
            .build()
            .context("building the upstream URI")?;
        strip_hop_by_hop(&mut parts.headers);
        // hyper sets Content-Length from the buffered body.
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.insert(header::HOST, self.host.clone());
        let upstream = self
            .client
            .request(Request::from_parts(parts, Full::new(body)))
            .await
            .context("upstream request")?;
        let (mut parts, body) = upstream.into_parts();
        strip_hop_by_hop(&mut parts.headers);
        Ok(Response::from_parts(parts, Either::Left(body)))
    }
}

/// Headers that describe one hop, never the message (RFC 9110 §7.6.1).
fn strip_hop_by_hop(h: &mut HeaderMap) {
    for name in [
        header::CONNECTION,
        header::TRANSFER_ENCODING,
        header::TE,
        header::TRAILER,
        header::UPGRADE,
        header::PROXY_AUTHORIZATION,
        header::PROXY_AUTHENTICATE,
    ] {
        h.remove(name);
    }
    h.remove("keep-alive");
}
