//! [`RecordedRequest`]: what the mock received, so tests can assert the gateway's outbound
//! request (URL, auth headers, translated body).

use bytes::Bytes;
use serde_json::Value;

/// One request as received: method, path with query, headers (lowercase names, in order,
/// repeated names kept), body bytes.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl RecordedRequest {
    pub(crate) fn from_parts(parts: &http::request::Parts, body: &Bytes) -> Self {
        let path = parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str().to_owned())
            .unwrap_or_else(|| parts.uri.path().to_owned());
        let headers = parts
            .headers
            .iter()
            .map(|(name, value)| {
                // Non-UTF-8 values are rare and never what a test asserts on; keep them
                // visible rather than dropping them.
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect();
        RecordedRequest {
            method: parts.method.as_str().to_owned(),
            path,
            headers,
            body: body.clone(),
        }
    }

    /// First value of a header; `name` is matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, `Value::Null` when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The path without the query string.
    pub fn path_only(&self) -> &str {
        self.path.split('?').next().unwrap_or(&self.path)
    }

    /// JSON view used by the `/_mock/requests` control endpoint.
    pub(crate) fn to_json(&self) -> Value {
        let headers: serde_json::Map<String, Value> = self
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), Value::String(v.clone())))
            .collect();
        serde_json::json!({
            "method": self.method,
            "path": self.path,
            "headers": headers,
            "body": self.body_text(),
        })
    }
}
