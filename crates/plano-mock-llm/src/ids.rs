//! Provider-style ids (`chatcmpl-…`, `msg_01…`, `toolu_01…`, `call_…`, `req_…`) and the
//! `created` timestamp.
//!
//! Ids come from a process-wide counter scrambled by splitmix64: unique across every mock in
//! the process (so a test can tell which upstream answered), cheap, and shaped like the real
//! ones (same prefix, length and alphabet) without needing a RNG dependency.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static COUNTER: AtomicU64 = AtomicU64::new(0x5eed_0000);

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// Anthropic ids use base58 (no 0, O, I, l).
const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const HEX: &[u8] = b"0123456789abcdef";

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn make(prefix: &str, len: usize, alphabet: &[u8]) -> String {
    let mut seed = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut out = String::with_capacity(prefix.len() + len);
    out.push_str(prefix);
    let base = alphabet.len() as u64;
    let mut word = 0u64;
    for i in 0..len {
        // One 64-bit word yields ~10 symbols; refresh every 8 to keep them uniform enough.
        if i % 8 == 0 {
            seed = splitmix64(seed);
            word = seed;
        }
        let idx = usize::try_from(word % base).unwrap_or(0);
        word /= base;
        out.push(char::from(alphabet[idx]));
    }
    out
}

pub(crate) fn chatcmpl() -> String {
    make("chatcmpl-", 29, ALNUM)
}

pub(crate) fn openai_call() -> String {
    make("call_", 24, ALNUM)
}

pub(crate) fn openai_request() -> String {
    make("req_", 32, HEX)
}

pub(crate) fn anthropic_msg() -> String {
    make("msg_01", 22, BASE58)
}

pub(crate) fn anthropic_tool() -> String {
    make("toolu_01", 22, BASE58)
}

pub(crate) fn anthropic_request() -> String {
    make("req_011C", 20, BASE58)
}

/// A plausible (opaque, base64-looking) thinking-block signature.
pub(crate) fn thinking_signature() -> String {
    let mut s = make("Eq", 86, ALNUM);
    s.push_str("==");
    s
}

/// OpenAI `system_fingerprint`; constant per process like a real backend build.
pub(crate) const SYSTEM_FINGERPRINT: &str = "fp_6b68a8204b";

pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let a = chatcmpl();
        let b = chatcmpl();
        assert_ne!(a, b);
        assert_eq!(a.len(), "chatcmpl-".len() + 29);
        assert!(anthropic_msg().starts_with("msg_01"));
        assert!(
            anthropic_tool()
                .chars()
                .skip(8)
                .all(|c| BASE58.contains(&(c as u8)))
        );
    }
}
