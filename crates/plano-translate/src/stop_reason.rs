//! Stop/finish reason mapping. Unknown values map to the neutral "stopped normally" of the other side
//! rather than failing the response.

/// Anthropic `stop_reason` → OpenAI `finish_reason`.
pub fn anthropic_to_openai_finish(stop_reason: &str) -> &'static str {
    match stop_reason {
        "max_tokens" | "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        // end_turn, stop_sequence, pause_turn, and anything new.
        _ => "stop",
    }
}

/// OpenAI `finish_reason` → Anthropic `stop_reason`.
pub fn openai_to_anthropic_stop(finish_reason: &str) -> &'static str {
    match finish_reason {
        "length" => "max_tokens",
        "tool_calls" | "function_call" => "tool_use",
        "content_filter" => "refusal",
        // stop, and anything new.
        _ => "end_turn",
    }
}

/// Bedrock `stopReason` → OpenAI `finish_reason`.
pub fn bedrock_to_openai_finish(stop_reason: &str) -> &'static str {
    match stop_reason {
        "max_tokens" | "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "guardrail_intervened" | "content_filtered" => "content_filter",
        // end_turn, stop_sequence, and anything new.
        _ => "stop",
    }
}

/// Bedrock `stopReason` → Anthropic `stop_reason`. Both APIs share most values; a guardrail or content
/// filter stopping the answer is what Anthropic calls a refusal.
pub fn bedrock_to_anthropic_stop(stop_reason: &str) -> &'static str {
    match stop_reason {
        "max_tokens" => "max_tokens",
        "tool_use" => "tool_use",
        "stop_sequence" => "stop_sequence",
        "model_context_window_exceeded" => "model_context_window_exceeded",
        "guardrail_intervened" | "content_filtered" => "refusal",
        // end_turn, and anything new.
        _ => "end_turn",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ways() {
        for (a, o) in [
            ("end_turn", "stop"),
            ("stop_sequence", "stop"),
            ("pause_turn", "stop"),
            ("max_tokens", "length"),
            ("model_context_window_exceeded", "length"),
            ("tool_use", "tool_calls"),
            ("refusal", "content_filter"),
            ("brand_new", "stop"),
        ] {
            assert_eq!(anthropic_to_openai_finish(a), o, "{a}");
        }
        for (o, a) in [
            ("stop", "end_turn"),
            ("length", "max_tokens"),
            ("tool_calls", "tool_use"),
            ("function_call", "tool_use"),
            ("content_filter", "refusal"),
            ("brand_new", "end_turn"),
        ] {
            assert_eq!(openai_to_anthropic_stop(o), a, "{o}");
        }
        for (b, o, a) in [
            ("end_turn", "stop", "end_turn"),
            ("stop_sequence", "stop", "stop_sequence"),
            ("tool_use", "tool_calls", "tool_use"),
            ("max_tokens", "length", "max_tokens"),
            (
                "model_context_window_exceeded",
                "length",
                "model_context_window_exceeded",
            ),
            ("guardrail_intervened", "content_filter", "refusal"),
            ("content_filtered", "content_filter", "refusal"),
            ("brand_new", "stop", "end_turn"),
        ] {
            assert_eq!(bedrock_to_openai_finish(b), o, "{b}");
            assert_eq!(bedrock_to_anthropic_stop(b), a, "{b}");
        }
    }
}
