//! The attempt loop under a retry plan: attempt, decide (pure, in `plano_upstream::retry`),
//! wait, re-encode for the next candidate, until a response is committed or the plan stops.
//!
//! State per request: the chain (with what was tried), the attempts made, the time since the
//! first, the last failure kept for the final answer, and the encoded body of the candidate being
//! retried. All of it lives on this request's stack; shared state is only touched through the
//! health table and counters (atomics).

use std::time::Duration;

use http::Response;
use plano_upstream::retry::{Failure, Next, Progress, Stop, backoff, select};
use plano_upstream::stats::Event;
use plano_upstream::{UpstreamError, UpstreamResponse};
use tokio::time::Instant;

use super::chain::Chain;
use super::outcome::{self, Last, Outcome, Tried};
use super::{
    ClientRequest, MIN_RETRY_TIMEOUT, Prepared, first_event, observe, prepare, relay_ctx, send,
};
use crate::body::ResponseBody;
use crate::error::GatewayError;
use crate::failover::Failover;
use crate::relay;
use crate::state::Gateway;

pub(super) async fn run(
    gw: &Gateway,
    req: &ClientRequest<'_>,
    provider: usize,
    model: &str,
    failover: &Failover,
) -> Result<Response<ResponseBody>, GatewayError> {
    Attempts::new(gw, req, provider, model, failover)
        .run()
        .await
}

/// A failed attempt, before the decision about it.
struct Failed {
    failure: Failure,
    retry_after: Option<Duration>,
    what: FailedWith,
}

enum FailedWith {
    /// A non-2xx head; its body is unread.
    Response(UpstreamResponse, Prepared),
    Error(UpstreamError),
}

impl Failed {
    fn outcome(&self) -> Outcome {
        match &self.what {
            FailedWith::Response(r, _) => Outcome::Status(r.status.as_u16()),
            FailedWith::Error(e) => Outcome::Error(e.kind),
        }
    }

    fn describe(&self) -> String {
        match &self.what {
            FailedWith::Response(r, _) => format!("status_code={}", r.status.as_u16()),
            FailedWith::Error(e) => format!("error={}", e.label()),
        }
    }

    /// Keeps what the final answer may need.
    async fn into_last(self, idle: Duration) -> Last {
        match self.what {
            FailedWith::Response(r, _) => Last::Status {
                status: r.status,
                body: outcome::read_error_body(r.body, idle).await,
                headers: r.headers,
            },
            FailedWith::Error(e) => Last::Error(e),
        }
    }
}

/// The loop's state for one request.
struct Attempts<'a> {
    gw: &'a Gateway,
    req: &'a ClientRequest<'a>,
    failover: &'a Failover,
    /// The provider the request resolved to (whose plan this is).
    primary: usize,
    chain: Chain<'a>,
    tried: Tried,
    made: u32,
    /// Chain position of the latest attempt.
    current: usize,
    started: Instant,
    /// The encoded body of one chain position, reused while retrying it.
    prepared: Option<(usize, Prepared)>,
}

impl<'a> Attempts<'a> {
    fn new(
        gw: &'a Gateway,
        req: &'a ClientRequest<'a>,
        provider: usize,
        model: &'a str,
        failover: &'a Failover,
    ) -> Self {
        Attempts {
            gw,
            req,
            failover,
            primary: provider,
            chain: Chain::new(gw, provider, model, failover),
            tried: Tried::default(),
            made: 0,
            current: 0,
            started: Instant::now(),
            prepared: None,
        }
    }

    async fn run(mut self) -> Result<Response<ResponseBody>, GatewayError> {
        let mut target = self.first();
        let mut delay = Duration::ZERO;
        // The failure the pending decision was about, and what to answer if nothing better comes.
        let mut pending: Option<(Failure, Option<Duration>)> = None;
        let mut last: Option<Last> = None;
        loop {
            let prepared = match self.prepare(target) {
                Ok(p) => p,
                Err(err) => {
                    let unusable = err.label == "unsupported_translation" && self.chain.len() > 1;
                    if !unusable {
                        return self.give_up_with(last, err);
                    }
                    let (p, _) = self.chain.slot(target);
                    tracing::info!(
                        "Candidate skipped: provider={}, reason={}",
                        self.gw.providers[p].name,
                        err.message
                    );
                    self.chain.remove(target);
                    self.prepared = None;
                    if target < self.current {
                        self.current -= 1;
                    }
                    let next = match pending {
                        None => Next::Retry {
                            target: self.first(),
                            delay: Duration::ZERO,
                        },
                        Some((failure, retry_after)) => self.decide(failure, retry_after),
                    };
                    match next {
                        Next::Retry {
                            target: t,
                            delay: d,
                        } => {
                            (target, delay) = (t, d);
                            continue;
                        }
                        Next::Stop(_) => return self.give_up_with(last, err),
                    }
                }
            };
            if self.made > 0 {
                let (p, _) = self.chain.slot(target);
                tracing::info!(
                    "Retry initiated: target_model={}, attempt={}, delay_ms={}",
                    self.gw.providers[p].name,
                    self.made + 1,
                    delay.as_millis()
                );
            }
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let failed = match self.attempt(target, &prepared).await {
                Ok(resp) => return self.commit(target, resp, &prepared).await,
                Err(failed) => failed,
            };
            let (provider, _) = self.chain.slot(target);
            self.tried.push(provider, failed.outcome());
            if self.failover.plan.rule(failed.failure).is_some() {
                tracing::info!(
                    "Retriable error detected: provider={}, {}",
                    self.gw.providers[provider].name,
                    failed.describe()
                );
            }
            match self.decide(failed.failure, failed.retry_after) {
                Next::Stop(stop) => return self.stop(failed, stop).await,
                Next::Retry {
                    target: t,
                    delay: d,
                } => {
                    pending = Some((failed.failure, failed.retry_after));
                    let idle = self.gw.idle_timeout(&self.gw.upstreams[provider]);
                    last = Some(failed.into_last(idle).await);
                    (target, delay) = (t, d);
                }
            }
        }
    }

    /// Where the first attempt goes: the resolved provider unless it is cooling down and
    /// another candidate is not.
    fn first(&self) -> usize {
        let (gw, chain) = (self.gw, &self.chain);
        let mut available = |i: usize| admit(gw, chain.slot(i).0);
        let first = select::first(&chain.view(), &mut available);
        if first != 0 {
            // Per request while the cool-down lasts: debug, the counters carry the volume.
            tracing::debug!(
                "Provider cooling down, skipped: provider={}, instead={}",
                gw.providers[chain.slot(0).0].name,
                gw.providers[chain.slot(first).0].name
            );
        }
        first
    }

    fn decide(&self, failure: Failure, retry_after: Option<Duration>) -> Next {
        let (gw, chain) = (self.gw, &self.chain);
        let progress = Progress {
            made: self.made,
            current: self.current,
            elapsed: self.started.elapsed(),
            chain: chain.view(),
        };
        let mut available = |i: usize| admit(gw, chain.slot(i).0);
        self.failover.plan.next(
            failure,
            retry_after,
            &progress,
            &mut available,
            backoff::random(),
        )
    }

    fn prepare(&mut self, pos: usize) -> Result<Prepared, GatewayError> {
        if let Some((at, p)) = &self.prepared
            && *at == pos
        {
            return Ok(p.clone());
        }
        let (provider, model) = self.chain.slot(pos);
        let p = prepare(self.req, &self.gw.upstreams[provider], model)?;
        self.prepared = Some((pos, p.clone()));
        Ok(p)
    }

    /// One attempt, up to the commit point.
    async fn attempt(&mut self, pos: usize, p: &Prepared) -> Result<UpstreamResponse, Failed> {
        let (gw, req) = (self.gw, self.req);
        let (provider, model) = self.chain.slot(pos);
        gw.stats.count(provider, Event::Attempt);
        if self.made > 0 {
            gw.stats.count(provider, Event::Retry);
        }
        if provider != self.primary {
            gw.stats.count(provider, Event::Failover);
        }
        self.made += 1;
        self.current = pos;
        self.chain.mark_tried(pos);

        let upstream = &gw.upstreams[provider];
        // The time budget bounds retries: a retry may not outlive it. The first attempt keeps
        // the provider's own timeout (a slow first answer is not a retry).
        let mut timeout = gw.first_byte_timeout(upstream);
        if self.made > 1 {
            let left = self
                .failover
                .plan
                .budget()
                .saturating_sub(self.started.elapsed());
            timeout = timeout.min(left.max(MIN_RETRY_TIMEOUT));
        }
        let resp = match send(req, upstream, model, p, timeout).await {
            Ok(resp) => resp,
            Err(err) => return Err(self.error(provider, err)),
        };
        if !resp.status.is_success() {
            let retry_after = observe::head(gw, provider, resp.status, &resp.headers);
            return Err(Failed {
                failure: Failure::Status(resp.status.as_u16()),
                retry_after,
                what: FailedWith::Response(resp, p.clone()),
            });
        }
        if !req.scan.stream {
            gw.health.success(provider);
            return Ok(resp);
        }
        // A stream proves the provider healthy with its first event, not with its head.
        match first_event(resp, timeout).await {
            Ok(resp) => {
                gw.health.success(provider);
                Ok(resp)
            }
            Err(err) => Err(self.error(provider, err)),
        }
    }

    fn error(&self, provider: usize, err: UpstreamError) -> Failed {
        observe::error(self.gw, provider, &err);
        Failed {
            failure: Failure::of_error(err.kind),
            retry_after: None,
            what: FailedWith::Error(err),
        }
    }

    /// A response worth sending: relay it, marked with who served it and what was tried.
    async fn commit(
        mut self,
        pos: usize,
        resp: UpstreamResponse,
        p: &Prepared,
    ) -> Result<Response<ResponseBody>, GatewayError> {
        let gw = self.gw;
        let (provider, model) = self.chain.slot(pos);
        self.tried
            .push(provider, Outcome::Status(resp.status.as_u16()));
        if self.made > 1 {
            gw.stats.count(self.primary, Event::Recovered);
            tracing::info!(
                "metric.retry_success: model={}, total_attempts={}",
                gw.providers[provider].name,
                self.made
            );
        }
        let upstream = &gw.upstreams[provider];
        let mut response =
            relay::respond(resp, relay_ctx(gw, self.req, upstream, model, p)).await?;
        outcome::decorate(&mut response, gw, provider, &self.tried);
        Ok(response)
    }

    /// No further attempt: answer with the failure at hand.
    async fn stop(
        self,
        failed: Failed,
        stop: Stop,
    ) -> Result<Response<ResponseBody>, GatewayError> {
        let gw = self.gw;
        let (provider, model) = self.chain.slot(self.current);
        if stop == Stop::NotRetryable && self.made == 1 {
            tracing::debug!(reason = stop.as_str(), "not retried");
        } else {
            tracing::info!(
                "Retries stopped: provider={}, {}, reason={}, total_attempts={}",
                gw.providers[provider].name,
                failed.describe(),
                stop.as_str(),
                self.made
            );
        }
        if self.made == 1 {
            // Nothing was retried: answer exactly as without a plan.
            let mut response = match failed.what {
                FailedWith::Response(resp, p) => {
                    let upstream = &gw.upstreams[provider];
                    relay::respond(resp, relay_ctx(gw, self.req, upstream, model, &p)).await?
                }
                FailedWith::Error(err) => GatewayError::upstream(&err).into_response(self.req.api),
            };
            outcome::decorate(&mut response, gw, provider, &self.tried);
            return Ok(response);
        }
        let idle = gw.idle_timeout(&gw.upstreams[provider]);
        let last = failed.into_last(idle).await;
        gw.stats.count(self.primary, Event::Exhausted);
        Ok(outcome::exhausted(gw, self.req.api, &last, &self.tried))
    }

    /// The chain ran out while preparing a candidate: answer with the last failure, or with the
    /// preparation error when nothing was attempted.
    fn give_up_with(
        self,
        last: Option<Last>,
        err: GatewayError,
    ) -> Result<Response<ResponseBody>, GatewayError> {
        match last {
            Some(last) if self.made > 0 => {
                self.gw.stats.count(self.primary, Event::Exhausted);
                Ok(outcome::exhausted(
                    self.gw,
                    self.req.api,
                    &last,
                    &self.tried,
                ))
            }
            _ => Err(err),
        }
    }
}

/// Whether a provider may take an attempt now (claims a half-open probe); counts the skips.
fn admit(gw: &Gateway, provider: usize) -> bool {
    let ok = gw.health.admit(provider);
    if !ok {
        gw.stats.count(provider, Event::Skipped);
    }
    ok
}
