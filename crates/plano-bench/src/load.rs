//! The load generator: closed loop, one keep-alive HTTP/1.1 connection per virtual user.
//!
//! Each virtual user owns a raw hyper client connection (no pool between it and the
//! socket), warms it up, waits for the common start signal, then sends the next request as
//! soon as the previous answer is fully read, until the cell's deadline. Each request is
//! timed in microseconds: to the last body byte for plain answers, to the first body byte
//! (time to first token) for streams, which are then read to the end so the connection
//! stays usable.
//!
//! The proxy's CPU time is sampled right before the start signal and after the last user
//! finished, so warm-up and connection setup are not charged to the measured requests.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use bytes::Bytes;
use http::header::HeaderName;
use http::{HeaderValue, Method, Request};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use crate::procfs;

/// Any single request taking longer than this counts as an error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Hard cap on requests per user and cell, so every loop is bounded in count as well as time.
const MAX_REQUESTS_PER_USER: usize = 2_000_000;

/// What every request of a cell looks like.
pub struct Workload {
    pub addr: SocketAddr,
    pub path: &'static str,
    pub body: Bytes,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Time to first body byte instead of to the last one.
    pub streaming: bool,
}

/// How hard and how long to push.
#[derive(Clone, Copy, Debug)]
pub struct CellSpec {
    pub concurrency: usize,
    pub duration: Duration,
    /// Requests per connection before measuring (bounded by `warmup_max` in total).
    pub warmup_requests: u32,
    pub warmup_max: Duration,
}

/// The outcome of one cell.
#[derive(Debug, Default)]
pub struct CellResult {
    /// Successful (2xx, body fully read) measured requests.
    pub ok: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    /// From the start signal until the last user stopped.
    pub elapsed: Duration,
    /// Per-request latency (or TTFT), µs, ascending.
    pub lat_us: Vec<u32>,
    /// CPU ticks the measured process used over `elapsed`.
    pub cpu_ticks: Option<u64>,
}

impl CellResult {
    pub fn rps(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 { self.ok as f64 / s } else { 0.0 }
    }

    pub fn pct(&self, p: f64) -> Option<f64> {
        crate::stats::percentile(&self.lat_us, p).map(f64::from)
    }
}

type Sender = SendRequest<Full<Bytes>>;

enum Failure {
    /// The connection is unusable; reconnect.
    Transport(String),
    /// An answer came back but not a good one; the connection is still fine.
    Status(String),
}

impl Failure {
    fn text(&self) -> &str {
        match self {
            Failure::Transport(s) | Failure::Status(s) => s,
        }
    }
}

async fn connect(addr: SocketAddr) -> Result<Sender> {
    let stream = TcpStream::connect(addr)
        .await
        .with_context(|| format!("connecting to {addr}"))?;
    stream.set_nodelay(true)?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

fn build_request(w: &Workload) -> Result<Request<Full<Bytes>>, Failure> {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(w.path)
        .body(Full::new(w.body.clone()))
        .map_err(|e| Failure::Transport(format!("building request: {e}")))?;
    let host = HeaderValue::from_str(&w.addr.to_string())
        .map_err(|e| Failure::Transport(e.to_string()))?;
    req.headers_mut().insert(http::header::HOST, host);
    for (k, v) in &w.headers {
        req.headers_mut().insert(k.clone(), v.clone());
    }
    Ok(req)
}

/// Sends one request and reads the whole answer; returns the measured µs and, if asked,
/// the body (only the probe keeps it).
async fn once(
    sender: &mut Sender,
    w: &Workload,
    keep_body: bool,
) -> Result<(u32, Option<Bytes>), Failure> {
    let req = build_request(w)?;
    sender
        .ready()
        .await
        .map_err(|e| Failure::Transport(format!("connection closed: {e}")))?;
    let t0 = Instant::now();
    let resp = sender
        .send_request(req)
        .await
        .map_err(|e| Failure::Transport(format!("request failed: {e}")))?;
    let status = resp.status();
    let mut body = resp.into_body();
    if !status.is_success() {
        let bytes = body
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        let snippet: String = text.chars().take(300).collect();
        return Err(Failure::Status(format!("HTTP {status}: {snippet}")));
    }
    let mut first: Option<u32> = None;
    let mut kept = keep_body.then(Vec::new);
    loop {
        match body.frame().await {
            None => break,
            Some(Err(e)) => return Err(Failure::Transport(format!("reading body: {e}"))),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data()
                    && !data.is_empty()
                {
                    if first.is_none() {
                        first = Some(micros(t0.elapsed()));
                    }
                    if let Some(k) = kept.as_mut() {
                        k.extend_from_slice(&data);
                    }
                }
            }
        }
    }
    let total = micros(t0.elapsed());
    let us = if w.streaming {
        first.ok_or_else(|| Failure::Status("empty stream".into()))?
    } else {
        total
    };
    Ok((us, kept.map(Bytes::from)))
}

fn micros(d: Duration) -> u32 {
    u32::try_from(d.as_micros()).unwrap_or(u32::MAX)
}

/// One request on a fresh connection; the answer must be 2xx and contain `marker`.
pub async fn probe(w: &Workload, marker: &str) -> Result<()> {
    let mut sender = tokio::time::timeout(REQUEST_TIMEOUT, connect(w.addr))
        .await
        .context("connect timed out")??;
    let (_, body) = tokio::time::timeout(REQUEST_TIMEOUT, once(&mut sender, w, true))
        .await
        .context("request timed out")?
        .map_err(|f| anyhow!("{}", f.text()))?;
    let body = body.unwrap_or_default();
    let text = String::from_utf8_lossy(&body);
    if !text.contains(marker) {
        let snippet: String = text.chars().take(300).collect();
        bail!("answer does not look right (no {marker}): {snippet}");
    }
    Ok(())
}

struct UserOut {
    lat: Vec<u32>,
    ok: u64,
    errors: u64,
    first_error: Option<String>,
}

/// Runs one cell against `w`, charging CPU to `pid`.
pub async fn run_cell(w: Arc<Workload>, spec: CellSpec, pid: Option<u32>) -> CellResult {
    let (ready_tx, mut ready_rx) = mpsc::channel::<()>(spec.concurrency.max(1));
    let (go_tx, go_rx) = watch::channel::<Option<Instant>>(None);
    let warm_until = Instant::now() + spec.warmup_max;
    let mut users = JoinSet::new();
    for _ in 0..spec.concurrency {
        users.spawn(user(
            w.clone(),
            spec,
            warm_until,
            ready_tx.clone(),
            go_rx.clone(),
        ));
    }
    drop(ready_tx);

    // Wait for every user to be warm; a user that fails still reports, and the timeout
    // covers one that hangs.
    let wait_ready = async {
        for _ in 0..spec.concurrency {
            if ready_rx.recv().await.is_none() {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(spec.warmup_max + REQUEST_TIMEOUT, wait_ready).await;

    let cpu0 = pid.and_then(|p| procfs::cpu_ticks(p).ok());
    let t0 = Instant::now();
    let _ = go_tx.send(Some(t0));

    let mut res = CellResult::default();
    let collect = async {
        let mut outs = Vec::new();
        while let Some(joined) = users.join_next().await {
            if let Ok(out) = joined {
                outs.push(out);
            }
        }
        outs
    };
    let outs = match tokio::time::timeout(
        spec.duration + REQUEST_TIMEOUT + Duration::from_secs(2),
        collect,
    )
    .await
    {
        Ok(outs) => outs,
        Err(_) => {
            res.first_error = Some("cell did not finish in time; users aborted".into());
            Vec::new()
        }
    };
    res.elapsed = t0.elapsed();
    let cpu1 = pid.and_then(|p| procfs::cpu_ticks(p).ok());
    res.cpu_ticks = match (cpu0, cpu1) {
        (Some(a), Some(b)) => Some(b.saturating_sub(a)),
        _ => None,
    };
    for out in outs {
        res.ok += out.ok;
        res.errors += out.errors;
        if res.first_error.is_none() {
            res.first_error = out.first_error;
        }
        res.lat_us.extend(out.lat);
    }
    res.lat_us.sort_unstable();
    res
}

async fn user(
    w: Arc<Workload>,
    spec: CellSpec,
    warm_until: Instant,
    ready: mpsc::Sender<()>,
    mut go: watch::Receiver<Option<Instant>>,
) -> UserOut {
    let mut out = UserOut {
        lat: Vec::new(),
        ok: 0,
        errors: 0,
        first_error: None,
    };
    let mut sender = connect(w.addr).await.map_err(|e| format!("{e:#}"));
    if let Err(e) = &sender {
        out.errors += 1;
        out.first_error = Some(e.clone());
    }
    if let Ok(s) = sender.as_mut() {
        for _ in 0..spec.warmup_requests {
            if Instant::now() >= warm_until {
                break;
            }
            match tokio::time::timeout(REQUEST_TIMEOUT, once(s, &w, false)).await {
                Ok(Ok(_)) | Ok(Err(Failure::Status(_))) => {}
                // Leave the broken connection to the measured loop's reconnect logic.
                _ => break,
            }
        }
    }
    let _ = ready.send(()).await;
    drop(ready);
    let start = match go.wait_for(Option::is_some).await {
        Ok(v) => *v,
        Err(_) => None,
    };
    let Some(start) = start else { return out };
    let deadline = start + spec.duration;

    // Consecutive failures to get a usable connection; reset by any answer.
    let mut broken = 0u32;
    for _ in 0..MAX_REQUESTS_PER_USER {
        if Instant::now() >= deadline {
            break;
        }
        if sender.is_err() {
            // A few reconnects, then give up on this user for the rest of the cell.
            broken += 1;
            if broken > 3 {
                break;
            }
            sender = connect(w.addr).await.map_err(|e| format!("{e:#}"));
            if let Err(e) = &sender {
                out.errors += 1;
                out.first_error.get_or_insert_with(|| e.clone());
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            continue;
        }
        let Ok(s) = sender.as_mut() else { continue };
        match tokio::time::timeout(REQUEST_TIMEOUT, once(s, &w, false)).await {
            Ok(Ok((us, _))) => {
                broken = 0;
                out.ok += 1;
                out.lat.push(us);
            }
            Ok(Err(f)) => {
                out.errors += 1;
                out.first_error.get_or_insert_with(|| f.text().to_owned());
                match f {
                    Failure::Transport(e) => sender = Err(e),
                    Failure::Status(_) => broken = 0,
                }
            }
            Err(_) => {
                out.errors += 1;
                out.first_error
                    .get_or_insert_with(|| format!("no answer within {REQUEST_TIMEOUT:?}"));
                sender = Err("timed out".into());
            }
        }
    }
    out
}
