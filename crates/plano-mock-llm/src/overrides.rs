//! Per-request overrides from `x-mock-*` headers, for callers that cannot reach the
//! [`MockLlm`](crate::MockLlm) handle (real SDK tests, the benchmark, the binary).
//!
//! | header | effect |
//! |---|---|
//! | `x-mock-status: 429` | ≥ 400: answer with the API's error body for that status; < 400: just the status |
//! | `x-mock-retry-after: 2` | `Retry-After` response header, verbatim |
//! | `x-mock-delay-ms: 50` | delay before response headers |
//! | `x-mock-chunk-delay-ms: 20` | delay before each stream event but the first |
//! | `x-mock-cut-after-events: 3` | break the connection after 3 events |
//! | `x-mock-chunk-bytes: 7` | write the body in 7-byte pieces |
//! | `x-mock-stream-chunks: 64` | stream exactly 64 content events |
//!
//! Headers win over a scripted reply's own settings. Unparsable values are ignored.

use std::time::Duration;

use http::HeaderMap;

use crate::reply::Timing;

#[derive(Clone, Debug, Default)]
pub(crate) struct Overrides {
    pub status: Option<u16>,
    pub retry_after: Option<String>,
    pub timing: Timing,
}

fn parse<T: std::str::FromStr>(headers: &HeaderMap, name: &str) -> Option<T> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

impl Overrides {
    pub(crate) fn from_headers(headers: &HeaderMap) -> Overrides {
        // Fast path: most requests (and every benchmark request) carry none of these, and a
        // header-map scan for a common prefix is cheaper than seven hashed lookups.
        if !headers.keys().any(|k| k.as_str().starts_with("x-mock-")) {
            return Overrides::default();
        }
        let ms = |name: &str| parse::<u64>(headers, name).map(Duration::from_millis);
        Overrides {
            status: parse::<u16>(headers, "x-mock-status").filter(|s| (100..=999).contains(s)),
            retry_after: headers
                .get("x-mock-retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            timing: Timing {
                delay: ms("x-mock-delay-ms"),
                chunk_delay: ms("x-mock-chunk-delay-ms"),
                cut_after_events: parse(headers, "x-mock-cut-after-events"),
                chunk_bytes: parse::<usize>(headers, "x-mock-chunk-bytes").map(|k| k.max(1)),
                stream_chunks: parse(headers, "x-mock-stream-chunks"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_known_headers() {
        let mut h = HeaderMap::new();
        h.insert("x-mock-status", "429".parse().unwrap());
        h.insert(
            "x-mock-retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        h.insert("x-mock-chunk-bytes", "0".parse().unwrap());
        h.insert("x-mock-delay-ms", "nope".parse().unwrap());
        let o = Overrides::from_headers(&h);
        assert_eq!(o.status, Some(429));
        assert_eq!(
            o.retry_after.as_deref(),
            Some("Wed, 21 Oct 2015 07:28:00 GMT")
        );
        assert_eq!(o.timing.chunk_bytes, Some(1));
        assert_eq!(o.timing.delay, None);
    }
}
