//! Shortening one message to a byte allowance while keeping both ends.
//!
//! The start of a long user message usually says what is wanted and the end often holds the actual question,
//! so the middle goes: about 60% of the allowance is kept from the start, the rest from the end, joined by `…`.
//! Cuts always fall on UTF-8 character boundaries, so the result may be a few bytes shorter than allowed but is
//! never longer.

/// Joins the kept head and tail.
pub const ELLIPSIS: &str = "…";

/// `text` cut to at most `allowance` bytes.
///
/// - `text` already fits → unchanged.
/// - `allowance` ≤ 3 (no room for the 3-byte `…` and anything else) → the longest head that fits.
/// - otherwise → head + `…` + tail, where of the `allowance - 3` bytes left after the ellipsis, 60% (rounded
///   down) go to the head and the rest to the tail; the head's end is moved back and the tail's start moved
///   forward to the nearest character boundary.
pub fn middle_trim(text: &str, allowance: usize) -> String {
    if text.len() <= allowance {
        return text.to_owned();
    }
    if allowance <= ELLIPSIS.len() {
        return text[..floor_boundary(text, allowance)].to_owned();
    }
    let content = allowance - ELLIPSIS.len();
    let head_bytes = content * 3 / 5;
    let tail_bytes = content - head_bytes;
    let head_end = floor_boundary(text, head_bytes);
    let tail_start = ceil_boundary(text, text.len() - tail_bytes);
    let mut out = String::with_capacity(allowance);
    out.push_str(&text[..head_end]);
    out.push_str(ELLIPSIS);
    out.push_str(&text[tail_start..]);
    out
}

/// The largest character boundary ≤ `at` (`at` ≤ `text.len()`).
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The smallest character boundary ≥ `at` (`at` ≤ `text.len()`).
fn ceil_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_split_is_sixty_forty() {
        let text: String = ('a'..='z').cycle().take(100).collect();
        let out = middle_trim(&text, 23);
        // 20 bytes of content: 12 head, 8 tail.
        assert_eq!(out, format!("{}…{}", &text[..12], &text[92..]));
        assert_eq!(out.len(), 23);
    }

    #[test]
    fn fits_or_tiny_allowance() {
        assert_eq!(middle_trim("short", 5), "short");
        assert_eq!(middle_trim("short", 100), "short");
        assert_eq!(middle_trim("abcdef", 3), "abc");
        assert_eq!(middle_trim("abcdef", 0), "");
        assert_eq!(middle_trim("éé", 3), "é");
        assert_eq!(middle_trim("🎉🎉", 3), "");
        assert_eq!(middle_trim("abcdef", 4), "…f");
    }

    #[test]
    fn every_cut_is_on_a_char_boundary() {
        let text = "héllo wörld 🎉 日本語のテキスト ñandú 😀😀 end".repeat(7);
        for allowance in 0..=text.len() + 2 {
            let out = middle_trim(&text, allowance);
            assert!(
                out.len() <= allowance || text.len() <= allowance,
                "allowance {allowance}"
            );
            if text.len() <= allowance {
                assert_eq!(out, text);
                continue;
            }
            if allowance > 3 {
                let (head, tail) = out.split_once(ELLIPSIS).unwrap();
                assert!(text.starts_with(head), "allowance {allowance}");
                assert!(text.ends_with(tail), "allowance {allowance}");
                // Nothing lost to rounding beyond one character on each side.
                assert!(
                    out.len() + 8 > allowance,
                    "allowance {allowance}: {}",
                    out.len()
                );
                assert!(
                    head.len() >= tail.len() || allowance < 20,
                    "allowance {allowance}"
                );
            } else {
                assert!(text.starts_with(&out));
            }
        }
    }
}
