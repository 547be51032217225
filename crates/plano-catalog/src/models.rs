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

/// A Bedrock model id (plain, cross-region profile such as `us.`/`global.`, or an ARN) that names an
/// Anthropic Claude model. Claude on Bedrock takes Anthropic's own `thinking`/`top_k` parameters through
/// `additionalModelRequestFields` and accepts signed reasoning blocks in the history; other Bedrock models
/// reject them.
pub fn is_bedrock_claude(model: &str) -> bool {
    model.to_ascii_lowercase().contains("anthropic.claude")
}

#[cfg(test)]
mod tests {
    use super::is_openai_reasoning_model as r;

    #[test]
    fn bedrock_claude() {
        for m in [
            "anthropic.claude-3-5-sonnet-20241022-v2:0",
            "us.anthropic.claude-sonnet-4-20250514-v1:0",
            "arn:aws:bedrock:us-east-1:123:inference-profile/global.anthropic.claude-opus-4-1-20250805-v1:0",
        ] {
            assert!(super::is_bedrock_claude(m), "{m}");
        }
        for m in [
            "us.amazon.nova-pro-v1:0",
            "meta.llama3-3-70b-instruct-v1:0",
            "claude-opus-4-1",
        ] {
            assert!(!super::is_bedrock_claude(m), "{m}");
        }
    }

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
