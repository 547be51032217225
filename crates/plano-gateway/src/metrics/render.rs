//! The Prometheus text exposition format (version 0.0.4), written by hand: the format is a few
//! lines per family and a client library would be a dependency for nothing.

use std::fmt::Write;
use std::sync::atomic::Ordering;

use super::Histogram;
use super::histogram::BOUNDS;
use super::{Handler, METHODS, STATUS_CLASSES, TOKEN_KINDS};
use crate::state::Gateway;

/// Escapes a label value (`\`, `"` and newlines, as the format requires).
pub(crate) fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

pub(crate) fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// One histogram series (buckets, sum, count) under `labels`; nothing while it is empty.
pub(crate) fn histogram(out: &mut String, name: &str, labels: &str, h: &Histogram) {
    let s = h.snapshot();
    if s.count == 0 {
        return;
    }
    for (bound, n) in BOUNDS.iter().zip(s.cumulative) {
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {n}");
    }
    let _ = writeln!(
        out,
        "{name}_bucket{{{labels},le=\"+Inf\"}} {}",
        s.cumulative[11]
    );
    let _ = writeln!(out, "{name}_sum{{{labels}}} {}", s.sum_seconds);
    let _ = writeln!(out, "{name}_count{{{labels}}} {}", s.count);
}

/// Renders every metric of `gw`. Runs on scrape only, never on the request path.
pub(crate) fn render(gw: &Gateway) -> String {
    let m = &gw.metrics;
    let mut out = String::with_capacity(8 * 1024);

    family(
        &mut out,
        "brightstaff_http_requests_total",
        "counter",
        "Requests served by the model listeners.",
    );
    for h in Handler::ALL {
        for (mi, method) in METHODS.iter().enumerate() {
            for (ci, class) in STATUS_CLASSES.iter().enumerate() {
                let n = m.http[h as usize][mi][ci].load(Ordering::Relaxed);
                // The grid is mostly empty; absent series read as zero in PromQL.
                if n > 0 {
                    let _ = writeln!(
                        out,
                        "brightstaff_http_requests_total{{handler=\"{}\",method=\"{method}\",status_class=\"{class}\"}} {n}",
                        h.label()
                    );
                }
            }
        }
    }

    family(
        &mut out,
        "brightstaff_http_in_flight_requests",
        "gauge",
        "Requests being served right now.",
    );
    for h in Handler::ALL {
        let n = m.in_flight[h as usize].load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "brightstaff_http_in_flight_requests{{handler=\"{}\"}} {n}",
            h.label()
        );
    }

    family(
        &mut out,
        "brightstaff_llm_upstream_requests_total",
        "counter",
        "LLM requests by the provider that served them and the final status class.",
    );
    for row in m.providers.iter() {
        for (ci, class) in STATUS_CLASSES.iter().enumerate() {
            let n = row.requests[ci].load(Ordering::Relaxed);
            if n > 0 {
                let _ = writeln!(
                    out,
                    "brightstaff_llm_upstream_requests_total{{{},status_class=\"{class}\"}} {n}",
                    row.labels
                );
            }
        }
    }

    family(
        &mut out,
        "brightstaff_llm_tokens_total",
        "counter",
        "Tokens reported by providers, when the gateway saw the usage.",
    );
    for row in m.providers.iter() {
        for (ki, kind) in TOKEN_KINDS.iter().enumerate() {
            let n = row.tokens[ki].load(Ordering::Relaxed);
            if n > 0 {
                let _ = writeln!(
                    out,
                    "brightstaff_llm_tokens_total{{{},kind=\"{kind}\"}} {n}",
                    row.labels
                );
            }
        }
    }

    family(
        &mut out,
        "brightstaff_llm_upstream_duration_seconds",
        "histogram",
        "Time from the request's arrival until its response body ended.",
    );
    for row in m.providers.iter() {
        histogram(
            &mut out,
            "brightstaff_llm_upstream_duration_seconds",
            &row.labels,
            &row.duration,
        );
    }

    family(
        &mut out,
        "brightstaff_llm_time_to_first_token_seconds",
        "histogram",
        "Streams: time from the request's arrival until its first bytes went to the client.",
    );
    for row in m.providers.iter() {
        histogram(
            &mut out,
            "brightstaff_llm_time_to_first_token_seconds",
            &row.labels,
            &row.ttft,
        );
    }

    family(
        &mut out,
        "plano_streams_in_flight",
        "gauge",
        "Streamed responses being sent right now.",
    );
    let _ = writeln!(
        out,
        "plano_streams_in_flight {}",
        m.streams_in_flight.load(Ordering::Relaxed)
    );

    resilience(&mut out, gw);
    if let Some(router) = &gw.router {
        router.metrics.render(&mut out);
    }

    super::process::render(&mut out);

    family(
        &mut out,
        "brightstaff_build_info",
        "gauge",
        "Always 1; the labels name the build.",
    );
    let _ = writeln!(
        out,
        "brightstaff_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    );
    out
}

/// A resilience family: name, help, and the counter it reads.
type Family = (
    &'static str,
    &'static str,
    fn(&plano_upstream::ProviderStats) -> u64,
);

/// The per-provider resilience counters (`plano_upstream::stats`).
fn resilience(out: &mut String, gw: &Gateway) {
    let snapshots: Vec<_> = (0..gw.providers.len())
        .map(|i| gw.stats.snapshot(i))
        .collect();
    let families: [Family; 8] = [
        (
            "plano_upstream_attempts_total",
            "Upstream requests sent, first attempts included.",
            |s| s.attempts,
        ),
        (
            "plano_upstream_retries_total",
            "Attempts that were not the first of their request.",
            |s| s.retries,
        ),
        (
            "plano_upstream_failovers_total",
            "Attempts for a request that resolved to another provider.",
            |s| s.failovers,
        ),
        (
            "plano_upstream_skipped_total",
            "Times the provider was passed over while cooling down.",
            |s| s.skipped,
        ),
        (
            "plano_upstream_cooldowns_total",
            "Cool-downs entered (Retry-After or circuit breaker).",
            |s| s.cool_downs,
        ),
        (
            "plano_upstream_circuit_opens_total",
            "Circuit-breaker openings.",
            |s| s.circuit_opens,
        ),
        (
            "plano_upstream_recovered_total",
            "Requests that succeeded after more than one attempt.",
            |s| s.recovered,
        ),
        (
            "plano_upstream_exhausted_total",
            "Requests that failed after more than one attempt.",
            |s| s.exhausted,
        ),
    ];
    for (name, help, get) in families {
        family(out, name, "counter", help);
        for (row, s) in gw.metrics.providers.iter().zip(&snapshots) {
            let _ = writeln!(out, "{name}{{{}}} {}", row.name_label, get(s));
        }
    }
}
