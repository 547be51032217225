//! Relaying the provider's response to the client.
//!
//! - **Same API** (client API == provider API): status, headers and body bytes pass through as
//!   they arrive — no parsing, no buffering.
//! - **Different API, success**: streams go through an incremental translator fed raw chunks;
//!   non-streaming bodies are read (bounded) and translated once.
//! - **Different API, error status**: the provider's error body is translated into the client
//!   API's error envelope, keeping the status code.
//!
//! A body that breaks or goes idle after the head was sent cannot be retried or turned into an
//! HTTP error any more. A stream then ends with a proper error event in the client's API
//! (never a silent clean end); a plain JSON body is aborted so the client sees a broken
//! response rather than truncated JSON that parses.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use plano_catalog::Api;
use plano_upstream::{BodyStream, UpstreamError, UpstreamResponse};

use crate::access::{self, Facts};
use crate::body::{self, BoxError, ResponseBody};
use crate::codec::{self, StreamTranslator};
use crate::error::GatewayError;

/// Largest upstream body read whole (non-streaming translation, error bodies).
const MAX_BUFFERED_RESPONSE: usize = 64 * 1024 * 1024;

pub struct RelayCtx {
    pub client_api: Api,
    pub upstream_api: Api,
    pub stream: bool,
    /// OpenAI `stream_options.include_usage` as the client sent it.
    pub include_usage: bool,
    pub idle_timeout: Duration,
    pub request_id: String,
    /// The model id sent upstream.
    pub model: String,
}

pub async fn respond(
    resp: UpstreamResponse,
    ctx: RelayCtx,
) -> Result<Response<ResponseBody>, GatewayError> {
    let UpstreamResponse {
        status,
        mut headers,
        body: upstream,
    } = resp;
    // The access log's view of this request (see `crate::access`).
    let facts = access::current();
    if let Some(f) = &facts {
        let _ = f.upstream_model.set(ctx.model.clone());
    }
    // A non-streamed same-API body is relayed byte for byte, so the provider's
    // `content-length` stays true and spares the client chunked decoding.
    let keep_length = ctx.client_api == ctx.upstream_api && !ctx.stream;
    let length = headers
        .get(header::CONTENT_LENGTH)
        .cloned()
        .filter(|_| keep_length);
    strip_framing(&mut headers);
    if let Some(length) = length {
        headers.insert(header::CONTENT_LENGTH, length);
    }

    if ctx.client_api == ctx.upstream_api {
        // Same API: bytes go through unchanged. A stream still passes a line-aware watcher, so
        // that an upstream failure mid-line cannot glue our error event onto a torn line.
        let relay = if ctx.stream && status.is_success() {
            let watcher = codec::stream_translator(&ctx, created_now())?;
            Relay::new(
                upstream,
                ctx.idle_timeout,
                ctx.client_api,
                true,
                Some(watcher),
            )
            .reporting_to(facts)
        } else {
            Relay::new(upstream, ctx.idle_timeout, ctx.client_api, false, None)
        };
        return Ok(build(status, headers, body::stream(relay.into_stream())));
    }

    headers.remove(header::CONTENT_TYPE);
    if !status.is_success() {
        let raw = read_all(upstream, ctx.idle_timeout).await?;
        let translated =
            codec::translate_error(ctx.upstream_api, ctx.client_api, status.as_u16(), &raw);
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        return Ok(build(status, headers, body::full(translated)));
    }
    if ctx.stream {
        let translator = codec::stream_translator(&ctx, created_now())?;
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        let relay = Relay::new(
            upstream,
            ctx.idle_timeout,
            ctx.client_api,
            true,
            Some(translator),
        )
        .reporting_to(facts);
        return Ok(build(status, headers, body::stream(relay.into_stream())));
    }
    let raw = read_all(upstream, ctx.idle_timeout).await?;
    // A session to refresh takes its usage from this body, read whole anyway (spec §4.6).
    if let Some(plan) = facts.as_ref().and_then(|f| f.session.get())
        && let Some(u) = codec::response_usage(ctx.upstream_api, &raw)
    {
        let _ = plan.body_usage.set(u);
    }
    let translated = codec::translate_response(&ctx, created_now(), &raw)?;
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(build(status, headers, body::full(translated)))
}

fn build(status: StatusCode, headers: HeaderMap, body: ResponseBody) -> Response<ResponseBody> {
    let mut r = Response::new(body);
    *r.status_mut() = status;
    *r.headers_mut() = headers;
    r
}

/// Removes headers that describe the upstream connection's framing, which the gateway redoes.
fn strip_framing(h: &mut HeaderMap) {
    for name in [
        header::CONTENT_LENGTH,
        header::TRANSFER_ENCODING,
        header::CONNECTION,
        header::CONTENT_ENCODING,
        header::UPGRADE,
        header::TRAILER,
    ] {
        h.remove(name);
    }
    h.remove("keep-alive");
}

fn created_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Reads a whole upstream body, bounded in size and in silence between chunks.
async fn read_all(mut upstream: BodyStream, idle: Duration) -> Result<Bytes, GatewayError> {
    let mut buf = BytesMut::new();
    loop {
        match tokio::time::timeout(idle, upstream.next()).await {
            Ok(Some(Ok(chunk))) => {
                if buf.len() + chunk.len() > MAX_BUFFERED_RESPONSE {
                    return Err(GatewayError::new(
                        StatusCode::BAD_GATEWAY,
                        "upstream_response_too_large",
                        format!("upstream response exceeds {MAX_BUFFERED_RESPONSE} bytes"),
                    ));
                }
                buf.extend_from_slice(&chunk);
            }
            Ok(Some(Err(err))) => return Err(GatewayError::upstream(&err)),
            Ok(None) => return Ok(buf.freeze()),
            Err(_) => return Err(GatewayError::upstream(&UpstreamError::idle_timeout(idle))),
        }
    }
}

/// The body pump: upstream chunks → (optional translation) → client chunks.
struct Relay {
    upstream: BodyStream,
    idle: Duration,
    client_api: Api,
    /// The client expects SSE: failures become an error event instead of an aborted body.
    streaming: bool,
    translator: Option<Box<dyn StreamTranslator>>,
    out: BytesMut,
    done: bool,
    /// Where the translator's token usage goes when the relay ends (access log, metrics).
    facts: Option<Arc<Facts>>,
}

impl Drop for Relay {
    /// Reports usage however the relay ends — upstream end, upstream failure, or the client
    /// going away — reading only what the stream translator counted anyway.
    fn drop(&mut self) {
        if let (Some(f), Some(t)) = (&self.facts, &self.translator) {
            let _ = f.usage.set(t.usage());
        }
    }
}

impl Relay {
    fn new(
        upstream: BodyStream,
        idle: Duration,
        client_api: Api,
        streaming: bool,
        translator: Option<Box<dyn StreamTranslator>>,
    ) -> Self {
        Relay {
            upstream,
            idle,
            client_api,
            streaming,
            translator,
            out: BytesMut::new(),
            done: false,
            facts: None,
        }
    }

    fn reporting_to(mut self, facts: Option<Arc<Facts>>) -> Self {
        self.facts = facts;
        self
    }

    fn into_stream(self) -> impl Stream<Item = Result<Bytes, BoxError>> + Send {
        futures_util::stream::unfold(self, |mut relay| async move {
            let item = relay.next_chunk().await?;
            Some((item, relay))
        })
    }

    async fn next_chunk(&mut self) -> Option<Result<Bytes, BoxError>> {
        while !self.done {
            let failure = match tokio::time::timeout(self.idle, self.upstream.next()).await {
                Ok(Some(Ok(chunk))) => match &mut self.translator {
                    None => return Some(Ok(chunk)),
                    Some(t) => match t.push(&chunk, &mut self.out) {
                        Ok(()) if self.out.is_empty() => continue,
                        Ok(()) => return Some(Ok(self.out.split().freeze())),
                        Err(err) => {
                            // The translator has already ended the client stream with an error event.
                            self.done = true;
                            tracing::warn!(error = %err, "upstream stream could not be translated");
                            return self.flush();
                        }
                    },
                },
                Ok(None) => {
                    self.done = true;
                    if let Some(t) = &mut self.translator
                        && let Err(err) = t.finish(&mut self.out)
                    {
                        t.fail(
                            &format!("translating upstream stream: {err}"),
                            &mut self.out,
                        );
                    }
                    return self.flush();
                }
                Ok(Some(Err(err))) => err.message,
                Err(_) => UpstreamError::idle_timeout(self.idle).message,
            };
            self.done = true;
            tracing::warn!(error = %failure, "upstream body failed after the response head was sent");
            if !self.streaming {
                return Some(Err(failure.into()));
            }
            match &mut self.translator {
                Some(t) => t.fail(&failure, &mut self.out),
                None => codec::write_stream_error(self.client_api, &failure, &mut self.out),
            }
            return self.flush();
        }
        None
    }

    fn flush(&mut self) -> Option<Result<Bytes, BoxError>> {
        if self.out.is_empty() {
            None
        } else {
            Some(Ok(self.out.split().freeze()))
        }
    }
}
