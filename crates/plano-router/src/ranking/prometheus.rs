//! Latency from Prometheus (spec §4.4, "Metrics sources"):
//! `GET <base>/api/v1/query?query=<PromQL>` answers an instant vector whose samples are keyed by
//! their `model_name` label.
//!
//! Samples without a `model_name` label or with an unparsable value are skipped; `NaN` samples
//! (what Prometheus returns for a rate over no data) are skipped too — they mean "no data", and
//! ranking treats them so anyway. When several series carry the same `model_name`, the first
//! one wins.

use serde_json::Value;

use super::{Latencies, MetricsError};

/// The instant-query URL for a Prometheus base URL and a PromQL expression.
pub fn query_url(base: &str, query: &str) -> String {
    let mut url = String::with_capacity(base.len() + 20 + query.len() * 3);
    url.push_str(base.trim_end_matches('/'));
    url.push_str("/api/v1/query?query=");
    for b in query.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            url.push(char::from(b));
        } else {
            url.push('%');
            url.push(char::from(HEX[usize::from(b >> 4)]));
            url.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    url
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Parses an instant-query answer: `{"status": "success", "data": {"resultType": "vector",
/// "result": [{"metric": {"model_name": …}, "value": [<ts>, "<float>"]}]}}`.
pub fn parse_prometheus(body: &[u8]) -> Result<Latencies, MetricsError> {
    let doc: Value = serde_json::from_slice(body).map_err(|e| MetricsError::Json(e.to_string()))?;
    if !doc.is_object() {
        return Err(MetricsError::Shape("a Prometheus answer is a JSON object"));
    }
    match doc.get("status").and_then(Value::as_str) {
        Some("success") => {}
        status => {
            let why = doc.get("error").and_then(Value::as_str).map_or_else(
                || format!("status {}", status.unwrap_or("missing")),
                str::to_owned,
            );
            return Err(MetricsError::Prometheus(why));
        }
    }
    let data = doc.get("data");
    if data
        .and_then(|d| d.get("resultType"))
        .and_then(Value::as_str)
        != Some("vector")
    {
        return Err(MetricsError::Shape(
            "the Prometheus query must return an instant vector",
        ));
    }
    let Some(result) = data.and_then(|d| d.get("result")).and_then(Value::as_array) else {
        return Err(MetricsError::Shape(
            "a Prometheus vector has a `result` array",
        ));
    };
    let mut latencies = Latencies::new();
    for sample in result {
        let Some(model) = sample
            .get("metric")
            .and_then(|m| m.get("model_name"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        let Some(value) = sample
            .get("value")
            .and_then(|v| v.get(1))
            .and_then(Value::as_str)
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|v| !v.is_nan())
        else {
            continue;
        };
        latencies.entry(model.to_owned()).or_insert(value);
    }
    Ok(latencies)
}
