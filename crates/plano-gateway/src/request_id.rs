//! Request ids: the client's `x-request-id` when it sent one, else a cheap unique id.
//!
//! Generated ids are a per-process random prefix plus a counter. That is unique across
//! restarts with overwhelming probability and costs no syscall per request, unlike a random
//! UUID per request.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use http::HeaderValue;

static COUNTER: AtomicU64 = AtomicU64::new(0);
static PREFIX: OnceLock<String> = OnceLock::new();

pub fn generate() -> HeaderValue {
    let prefix = PREFIX.get_or_init(|| uuid::Uuid::new_v4().simple().to_string()[..12].to_string());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    // The string is hex and digits only, always a valid header value.
    HeaderValue::from_str(&format!("{prefix}-{n:x}")).unwrap_or(HeaderValue::from_static("plano"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_unique() {
        let a = super::generate();
        let b = super::generate();
        assert_ne!(a, b);
    }
}
