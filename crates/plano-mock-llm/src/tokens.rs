//! The default reply text, and splitting text into token-sized stream pieces.
//!
//! Real providers stream roughly one token per event, with the leading space attached to
//! the word (`"Hello"`, `" world"`). We approximate that by splitting before each
//! whitespace run; the piece count doubles as the estimated output token count, so
//! streamed and non-streamed usage agree.

/// Non-ASCII tail of every default reply, so byte-level chunk splitting hits multi-byte
/// UTF-8 sequences (2-, 3- and 4-byte characters).
pub const DEFAULT_TAIL: &str = "héllo 世界 🎉";

/// Characters of the user's message echoed back.
const ECHO_CHARS: usize = 64;

/// The text of the default reply to a request whose last user message is `user_text`:
/// `"mock reply to: <first 64 chars> · héllo 世界 🎉"`.
pub fn default_reply_text(user_text: &str) -> String {
    let prefix = match user_text.char_indices().nth(ECHO_CHARS) {
        Some((i, _)) => &user_text[..i],
        None => user_text,
    };
    let mut s = String::with_capacity(prefix.len() + 40);
    s.push_str("mock reply to: ");
    s.push_str(prefix);
    s.push_str(" · ");
    s.push_str(DEFAULT_TAIL);
    s
}

/// Split into word pieces, each (but the first) starting with its leading whitespace.
/// Concatenating the pieces gives back `text`.
pub(crate) fn split_tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev_ws = true;
    for (i, c) in text.char_indices() {
        let ws = c.is_whitespace();
        if ws && !prev_ws && i > start {
            out.push(&text[start..i]);
            start = i;
        }
        prev_ws = ws;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Estimated token count of `text` (at least 1 for non-empty text).
pub(crate) fn count_tokens(text: &str) -> u64 {
    // Same boundaries as `split_tokens`, without allocating: a token starts at the first
    // char and at each whitespace char that follows a non-whitespace one.
    let mut count = 0;
    let mut prev_ws = true;
    for (i, c) in text.char_indices() {
        let ws = c.is_whitespace();
        if i == 0 || (ws && !prev_ws) {
            count += 1;
        }
        prev_ws = ws;
    }
    count
}

/// The content pieces to stream for `text`: one per token, or exactly `n` when set
/// (tokens grouped when fewer are wanted, cycled when more are).
pub(crate) fn stream_pieces(text: &str, n: Option<usize>) -> Vec<String> {
    let tokens = split_tokens(text);
    let Some(n) = n.filter(|&n| n > 0) else {
        return tokens.into_iter().map(str::to_owned).collect();
    };
    if tokens.is_empty() {
        return Vec::new();
    }
    if n >= tokens.len() {
        return (0..n)
            .map(|i| tokens[i % tokens.len()].to_owned())
            .collect();
    }
    // Group contiguous tokens into n runs of near-equal token counts.
    let mut out = Vec::with_capacity(n);
    let len = tokens.len();
    for g in 0..n {
        let (from, to) = (g * len / n, (g + 1) * len / n);
        out.push(tokens[from..to].concat());
    }
    out
}

/// Split a JSON argument string into small pieces on char boundaries, as providers stream
/// tool arguments a few characters at a time.
pub(crate) fn split_json_args(args: &str) -> Vec<&str> {
    const PIECE: usize = 10;
    let mut out = Vec::new();
    let mut start = 0;
    while start < args.len() {
        let mut end = (start + PIECE).min(args.len());
        while !args.is_char_boundary(end) {
            end += 1;
        }
        out.push(&args[start..end]);
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_roundtrip() {
        let t = default_reply_text("hi there");
        assert_eq!(split_tokens(&t).concat(), t);
        assert_eq!(split_tokens("a  b"), vec!["a", "  b"]);
        for s in [t.as_str(), "", " lead", "a  b ", "x"] {
            assert_eq!(count_tokens(s), split_tokens(s).len() as u64, "{s:?}");
        }
        assert_eq!(split_tokens(""), Vec::<&str>::new());
    }

    #[test]
    fn echo_is_char_limited() {
        let long = "é".repeat(100);
        let t = default_reply_text(&long);
        assert_eq!(t.matches('é').count(), 65); // 64 echoed + the one in "héllo"
    }

    #[test]
    fn pieces_exact_count() {
        let t = "one two three four five";
        assert_eq!(stream_pieces(t, Some(2)).concat(), t);
        assert_eq!(stream_pieces(t, Some(2)).len(), 2);
        assert_eq!(stream_pieces(t, Some(12)).len(), 12);
        assert_eq!(stream_pieces(t, None).len(), 5);
    }

    #[test]
    fn args_split_on_char_boundaries() {
        let a = r#"{"city":"Zürich 世界 🎉 long enough"}"#;
        assert_eq!(split_json_args(a).concat(), a);
    }
}
