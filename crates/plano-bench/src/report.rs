//! Turns a run into numbers per target, the target ratios, and a Markdown/JSON report.
//!
//! Aggregation rules (see also BENCHMARKS.md, "how to read this"):
//! * c=1 p50/p99: median over rounds of each round's percentile.
//! * added latency: per round, target percentile − direct percentile (same upstream API,
//!   same round), then the median over rounds; pairing within a round cancels slow drift.
//! * req/s: median over rounds. CPU µs/req: proxy CPU over all c=8 and c=64 cells ÷ the
//!   requests they completed (pooled, because one cell holds only a few clock ticks).
//! * ratios: gateway ÷ floor with the same upstream API, both measured in this run.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::load::CellResult;
use crate::run::{CHUNK_DELAY_MS, RunResult, STREAM_CHUNKS, TargetRun};
use crate::scenario::Via;
use crate::stats::{median, ratio};

/// Targets the issue sets, as ratios to the floor (and one absolute).
pub const MAX_ADDED_P50: f64 = 1.2;
pub const MAX_ADDED_P99: f64 = 1.5;
pub const MIN_RPS: f64 = 0.8;
pub const MAX_CPU: f64 = 1.3;
pub const MAX_IDLE_RSS_MB: f64 = 20.0;
/// Above this share of the machine used by other processes a run is flagged as noisy.
pub const NOISY_FOREIGN_CPU: f64 = 0.10;

/// The reduced numbers of one target.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub key: String,
    pub label: String,
    pub via: Option<Via>,
    pub floor_key: String,
    pub failed: Option<String>,
    pub stream_failed: Option<String>,
    pub c1_p50: Option<f64>,
    pub c1_p99: Option<f64>,
    pub added_p50: Option<f64>,
    pub added_p99: Option<f64>,
    pub c8_rps: Option<f64>,
    pub c64_rps: Option<f64>,
    pub cpu_us: Option<f64>,
    pub cpu_us_c1: Option<f64>,
    pub cpu_us_c8: Option<f64>,
    pub cpu_us_c64: Option<f64>,
    pub rss_idle_mb: Option<f64>,
    pub rss_loaded_mb: Option<f64>,
    pub threads_loaded: Option<u64>,
    pub ok: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub ttft_p50: Option<f64>,
    pub ttft_p99: Option<f64>,
    pub ttft_added_p50: Option<f64>,
    pub ttft_added_p99: Option<f64>,
    pub streams: u64,
}

fn round_median(cells: &[CellResult], f: impl Fn(&CellResult) -> Option<f64>) -> Option<f64> {
    median(&cells.iter().filter_map(f).collect::<Vec<_>>())
}

/// Median over rounds of (target − baseline) for percentile `p`, pairing round `i` with `i`.
fn paired_added(t: &[CellResult], base: &[CellResult], p: f64) -> Option<f64> {
    let diffs: Vec<f64> = t
        .iter()
        .zip(base)
        .filter_map(|(a, b)| Some(a.pct(p)? - b.pct(p)?))
        .collect();
    median(&diffs)
}

fn cpu_us<'a>(cells: impl IntoIterator<Item = &'a CellResult>, clk_tck: u64) -> Option<f64> {
    let (mut ticks, mut ok) = (0u64, 0u64);
    for c in cells {
        ticks += c.cpu_ticks?;
        ok += c.ok;
    }
    (ok > 0 && clk_tck > 0).then(|| ticks as f64 * 1e6 / clk_tck as f64 / ok as f64)
}

fn mb(kib: u64) -> f64 {
    kib as f64 * 1024.0 / 1e6
}

/// Reduces every target of a run.
pub fn summarize(res: &RunResult) -> Vec<Summary> {
    let find = |key: &str| res.targets.iter().find(|t| t.target.key == key);
    let tck = res.machine.clk_tck;
    res.targets
        .iter()
        .map(|t: &TargetRun| {
            let direct = find(&t.target.direct_key()).filter(|d| d.target.key != t.target.key);
            let all = t.c1.iter().chain(&t.c8).chain(&t.c64).chain(&t.stream);
            let mut s = Summary {
                key: t.target.key.clone(),
                label: t.target.label.clone(),
                via: Some(t.target.via),
                floor_key: t.target.floor_key(),
                failed: t.failed.clone(),
                stream_failed: t.stream_failed.clone(),
                c1_p50: round_median(&t.c1, |c| c.pct(50.0)),
                c1_p99: round_median(&t.c1, |c| c.pct(99.0)),
                added_p50: direct.and_then(|d| paired_added(&t.c1, &d.c1, 50.0)),
                added_p99: direct.and_then(|d| paired_added(&t.c1, &d.c1, 99.0)),
                c8_rps: round_median(&t.c8, |c| Some(c.rps())),
                c64_rps: round_median(&t.c64, |c| Some(c.rps())),
                cpu_us: cpu_us(t.c8.iter().chain(&t.c64), tck),
                cpu_us_c1: cpu_us(&t.c1, tck),
                cpu_us_c8: cpu_us(&t.c8, tck),
                cpu_us_c64: cpu_us(&t.c64, tck),
                rss_idle_mb: t.idle.map(|m| mb(m.rss_kib)),
                rss_loaded_mb: t.loaded.map(|m| mb(m.rss_kib)),
                threads_loaded: t.loaded.map(|m| m.threads),
                ttft_p50: round_median(&t.stream, |c| c.pct(50.0)),
                ttft_p99: round_median(&t.stream, |c| c.pct(99.0)),
                ttft_added_p50: direct.and_then(|d| paired_added(&t.stream, &d.stream, 50.0)),
                ttft_added_p99: direct.and_then(|d| paired_added(&t.stream, &d.stream, 99.0)),
                streams: t.stream.iter().map(|c| c.ok).sum(),
                ..Summary::default()
            };
            for c in all {
                s.ok += c.ok;
                s.errors += c.errors;
                if s.first_error.is_none() {
                    s.first_error.clone_from(&c.first_error);
                }
            }
            s
        })
        .collect()
}

/// One gateway target's ratios to its floor.
#[derive(Clone, Debug)]
pub struct Ratios {
    pub key: String,
    pub label: String,
    pub added_p50: Option<f64>,
    pub added_p99: Option<f64>,
    pub c8: Option<f64>,
    pub c64: Option<f64>,
    pub cpu: Option<f64>,
    pub idle_rss_mb: Option<f64>,
    pub ttft_added_p50: Option<f64>,
    pub ttft_added_p99: Option<f64>,
}

pub fn ratios(sums: &[Summary]) -> Vec<Ratios> {
    sums.iter()
        .filter(|s| s.via == Some(Via::Gateway))
        .map(|g| {
            let f = sums.iter().find(|f| f.key == g.floor_key);
            let r = |pick: fn(&Summary) -> Option<f64>| ratio(pick(g), f.and_then(pick));
            Ratios {
                key: g.key.clone(),
                label: g.label.clone(),
                added_p50: r(|s| s.added_p50),
                added_p99: r(|s| s.added_p99),
                c8: r(|s| s.c8_rps),
                c64: r(|s| s.c64_rps),
                cpu: r(|s| s.cpu_us),
                idle_rss_mb: g.rss_idle_mb,
                ttft_added_p50: r(|s| s.ttft_added_p50),
                ttft_added_p99: r(|s| s.ttft_added_p99),
            }
        })
        .collect()
}

fn num(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{v:.decimals$}"))
}

/// `1.07× ✓` against an upper (`max = true`) or lower bound.
fn check(v: Option<f64>, bound: f64, max: bool) -> String {
    match v {
        None => "n/a".into(),
        Some(v) => {
            let ok = if max { v <= bound } else { v >= bound };
            format!("{v:.2}× {}", if ok { "✓" } else { "✗" })
        }
    }
}

fn one_line(s: &str) -> String {
    let flat: String = s
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|");
    if flat.chars().count() > 400 {
        flat.chars().take(400).collect::<String>() + "…"
    } else {
        flat
    }
}

/// The Markdown report.
pub fn markdown(res: &RunResult) -> String {
    let sums = summarize(res);
    let rats = ratios(&sums);
    let m = &res.machine;
    let p = &res.plan;
    let mut o = String::new();
    let _ = writeln!(o, "### Run {} (commit {})\n", m.date_utc, m.revision);
    let _ = writeln!(o, "Command: `{}`\n", res.options.command);
    let _ = writeln!(
        o,
        "- Machine: {} CPUs ({}), Linux {}",
        m.nproc, m.cpu_model, m.kernel
    );
    let _ = writeln!(
        o,
        "- Load average before: {} · after: {} · CPU used by other processes during the run: {}",
        m.load_before,
        m.load_after,
        m.foreign_cpu.map_or_else(
            || "unknown".into(),
            |f| format!("{:.0} % of the machine", f * 100.0)
        )
    );
    if let Some(f) = m.foreign_cpu
        && f > NOISY_FOREIGN_CPU
    {
        let _ = writeln!(
            o,
            "- ⚠ Noisy run: other processes used more than {:.0} % of the CPU; absolute numbers and tails \
             are inflated, compare ratios only.",
            NOISY_FOREIGN_CPU * 100.0
        );
    }
    let _ = writeln!(
        o,
        "- Plan: c=1 {}×{} ms interleaved rounds; c=8/c=64 {}×{} ms; streaming {}×{} ms at c={} \
         ({STREAM_CHUNKS} events, {CHUNK_DELAY_MS} ms apart); pinned: {}; wall time {:.0} s",
        p.c1_rounds,
        p.c1_slice.as_millis(),
        p.tput_rounds,
        p.tput_slice.as_millis(),
        p.stream_rounds,
        p.stream_slice.as_millis(),
        p.stream_concurrency,
        if res.options.pin {
            "proxies on CPU 1, mock + load generator on CPU 0"
        } else {
            "no"
        },
        m.wall.as_secs_f64()
    );

    let _ = writeln!(
        o,
        "\n#### Cells (latency in µs; direct rows show the mock's own CPU and RSS)\n"
    );
    let _ = writeln!(
        o,
        "| target | c=1 p50 | c=1 p99 | added p50 | added p99 | c=8 req/s | c=64 req/s | CPU µs/req | idle RSS MB | loaded RSS MB | errors |"
    );
    let _ = writeln!(o, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    for s in &sums {
        if let Some(f) = &s.failed
            && s.ok == 0
        {
            let _ = writeln!(o, "| {} | FAILED: {} ||||||||||", s.label, one_line(f));
            continue;
        }
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            s.label,
            num(s.c1_p50, 0),
            num(s.c1_p99, 0),
            num(s.added_p50, 0),
            num(s.added_p99, 0),
            num(s.c8_rps, 0),
            num(s.c64_rps, 0),
            num(s.cpu_us, 1),
            num(s.rss_idle_mb, 1),
            num(s.rss_loaded_mb, 1),
            s.errors
        );
    }

    let _ = writeln!(
        o,
        "\n#### Targets: gateway ÷ floor (same upstream API, same run)\n"
    );
    let _ = writeln!(
        o,
        "| scenario | added p50 (≤{MAX_ADDED_P50}×) | added p99 (≤{MAX_ADDED_P99}×) | c=8 req/s (≥{MIN_RPS}×) | c=64 req/s (≥{MIN_RPS}×) | CPU/req (≤{MAX_CPU}×) | idle RSS (≤{MAX_IDLE_RSS_MB} MB) |"
    );
    let _ = writeln!(o, "|---|--:|--:|--:|--:|--:|--:|");
    for r in &rats {
        let rss = match r.idle_rss_mb {
            None => "n/a".to_owned(),
            Some(v) => format!("{v:.1} MB {}", if v <= MAX_IDLE_RSS_MB { "✓" } else { "✗" }),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.label,
            check(r.added_p50, MAX_ADDED_P50, true),
            check(r.added_p99, MAX_ADDED_P99, true),
            check(r.c8, MIN_RPS, false),
            check(r.c64, MIN_RPS, false),
            check(r.cpu, MAX_CPU, true),
            rss
        );
    }

    let _ = writeln!(
        o,
        "\n#### Streaming time to first byte (µs; added = target − direct, same round)\n"
    );
    let _ = writeln!(
        o,
        "| target | TTFT p50 | TTFT p99 | added p50 | added p99 | added ÷ floor (p50) | streams |"
    );
    let _ = writeln!(o, "|---|--:|--:|--:|--:|--:|--:|");
    for s in &sums {
        if s.failed.is_some() && s.ok == 0 {
            continue;
        }
        if let Some(e) = &s.stream_failed {
            let _ = writeln!(o, "| {} | FAILED: {} ||||||", s.label, one_line(e));
            continue;
        }
        let vs_floor = match s.via {
            Some(Via::Gateway) => rats
                .iter()
                .find(|r| r.key == s.key)
                .and_then(|r| r.ttft_added_p50)
                .map_or_else(|| "n/a".into(), |v| format!("{v:.2}×")),
            _ => String::new(),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} |",
            s.label,
            num(s.ttft_p50, 0),
            num(s.ttft_p99, 0),
            num(s.ttft_added_p50, 0),
            num(s.ttft_added_p99, 0),
            vs_floor,
            s.streams
        );
    }

    let problems: Vec<&Summary> = sums
        .iter()
        .filter(|s| s.failed.is_some() || s.stream_failed.is_some() || s.errors > 0)
        .collect();
    if !problems.is_empty() {
        let _ = writeln!(o, "\n#### Errors\n");
        for s in problems {
            let what = s
                .failed
                .as_ref()
                .or(s.stream_failed.as_ref())
                .or(s.first_error.as_ref());
            let _ = writeln!(
                o,
                "- `{}`: {} error(s); {}",
                s.key,
                s.errors,
                what.map_or_else(String::new, |w| format!("`{}`", one_line(w)))
            );
        }
    }
    o
}

fn opt(v: Option<f64>) -> Value {
    v.map_or(Value::Null, |v| json!((v * 100.0).round() / 100.0))
}

fn cells_json(cells: &[CellResult], tck: u64) -> Value {
    Value::Array(
        cells
            .iter()
            .map(|c| {
                json!({
                    "ok": c.ok,
                    "errors": c.errors,
                    "secs": c.elapsed.as_secs_f64(),
                    "rps": opt(Some(c.rps())),
                    "p50_us": opt(c.pct(50.0)),
                    "p99_us": opt(c.pct(99.0)),
                    "max_us": opt(c.pct(100.0)),
                    "cpu_ticks": c.cpu_ticks,
                    "cpu_us_per_req": opt(cpu_us(std::iter::once(c), tck)),
                })
            })
            .collect(),
    )
}

/// The machine-readable report: summaries, ratios and every cell.
pub fn json(res: &RunResult) -> Value {
    let sums = summarize(res);
    let rats = ratios(&sums);
    let m = &res.machine;
    let tck = m.clk_tck;
    json!({
        "date_utc": m.date_utc,
        "revision": m.revision,
        "command": res.options.command,
        "machine": {
            "nproc": m.nproc, "cpu_model": m.cpu_model, "kernel": m.kernel,
            "load_before": m.load_before, "load_after": m.load_after,
            "foreign_cpu_share": opt(m.foreign_cpu), "clk_tck": m.clk_tck,
            "wall_secs": m.wall.as_secs_f64(),
        },
        "plan": format!("{:?}", res.plan),
        "pinned": res.options.pin,
        "targets": sums.iter().zip(&res.targets).map(|(s, t)| json!({
            "key": s.key, "label": s.label,
            "failed": s.failed, "stream_failed": s.stream_failed,
            "c1_p50_us": opt(s.c1_p50), "c1_p99_us": opt(s.c1_p99),
            "added_p50_us": opt(s.added_p50), "added_p99_us": opt(s.added_p99),
            "c8_rps": opt(s.c8_rps), "c64_rps": opt(s.c64_rps),
            "cpu_us_per_req": opt(s.cpu_us),
            "cpu_us_per_req_c1": opt(s.cpu_us_c1), "cpu_us_per_req_c8": opt(s.cpu_us_c8),
            "cpu_us_per_req_c64": opt(s.cpu_us_c64),
            "rss_idle_mb": opt(s.rss_idle_mb), "rss_loaded_mb": opt(s.rss_loaded_mb),
            "threads_loaded": s.threads_loaded,
            "ok": s.ok, "errors": s.errors, "first_error": s.first_error,
            "ttft_p50_us": opt(s.ttft_p50), "ttft_p99_us": opt(s.ttft_p99),
            "ttft_added_p50_us": opt(s.ttft_added_p50), "ttft_added_p99_us": opt(s.ttft_added_p99),
            "cells": {
                "c1": cells_json(&t.c1, tck), "c8": cells_json(&t.c8, tck),
                "c64": cells_json(&t.c64, tck), "stream": cells_json(&t.stream, tck),
            },
        })).collect::<Vec<_>>(),
        "ratios_vs_floor": rats.iter().map(|r| json!({
            "key": r.key,
            "added_p50": opt(r.added_p50), "added_p99": opt(r.added_p99),
            "c8_rps": opt(r.c8), "c64_rps": opt(r.c64), "cpu_per_req": opt(r.cpu),
            "idle_rss_mb": opt(r.idle_rss_mb),
            "ttft_added_p50": opt(r.ttft_added_p50), "ttft_added_p99": opt(r.ttft_added_p99),
        })).collect::<Vec<_>>(),
    })
}

/// Current UTC time as `YYYY-MM-DD HH:MM UTC`, without a date crate.
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, mo, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{mo:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// Days since 1970-01-01 → (year, month, day); Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn checks() {
        assert_eq!(check(Some(1.1), 1.2, true), "1.10× ✓");
        assert_eq!(check(Some(0.7), 0.8, false), "0.70× ✗");
        assert_eq!(check(None, 1.2, true), "n/a");
    }

    #[test]
    fn pairing() {
        let cell = |v: Vec<u32>| CellResult {
            lat_us: v,
            ..CellResult::default()
        };
        let t = vec![cell(vec![10, 20, 30]), cell(vec![50, 60, 70])];
        let d = vec![cell(vec![5, 10, 15]), cell(vec![40, 45, 50])];
        // Round diffs of p50: 10 and 15 → median 12.5.
        assert_eq!(paired_added(&t, &d, 50.0), Some(12.5));
    }
}
