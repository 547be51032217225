//! Facts about model families that change how a request must be shaped.

/// OpenAI reasoning models (o-series, gpt-5 family) accept `reasoning_effort`; other chat
/// models reject it, so an Anthropic client's `thinking` is only mapped for these.
pub fn is_openai_reasoning_model(model: &str) -> bool {
    let m = model
        .rsplit('/')
        .next()
        .unwrap_or(model)
        .to_ascii_lowercase();
    let o_series = m.len() >= 2
        && m.starts_with('o')
        && m.as_bytes()[1].is_ascii_digit()
        && m.as_bytes().get(2).is_none_or(|b| !b.is_ascii_digit());
    o_series || m.starts_with("gpt-5")
}

#[cfg(test)]
mod tests {
    use super::is_openai_reasoning_model as r;

    #[test]
    fn reasoning_families() {
        for m in [
            "o1",
            "o3-mini",
            "o4-mini-high",
            "gpt-5",
            "gpt-5.4",
            "openai/o3",
        ] {
            assert!(r(m), "{m}");
        }
        for m in [
            "gpt-4o",
            "gpt-4.1",
            "omni-moderation",
            "claude-opus-4-6",
            "o",
        ] {
            assert!(!r(m), "{m}");
        }
    }
}
