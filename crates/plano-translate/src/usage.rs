//! Token usage in one convention, and conversion between the two APIs' conventions.
//!
//! OpenAI's `prompt_tokens` counts every input token, cached or not, and `cached_tokens` is a subset of it.
//! Anthropic's `input_tokens` counts only tokens that were neither read from nor written to the prompt cache;
//! `cache_read_input_tokens` and `cache_creation_input_tokens` are reported beside it. Adding or subtracting
//! the cache counts is therefore required in each direction; copying the numbers would make cached requests
//! look cheaper (or dearer) than they were.

/// Usage in OpenAI's convention: `input_tokens` includes `cached_input_tokens` (and cache writes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cached_input_tokens: u64,
}

impl Usage {
    /// From Anthropic's fields.
    pub fn from_anthropic(input: u64, output: u64, cache_read: u64, cache_creation: u64) -> Self {
        Usage {
            input_tokens: input
                .saturating_add(cache_read)
                .saturating_add(cache_creation),
            output_tokens: output,
            cached_input_tokens: cache_read,
        }
    }

    /// From OpenAI's fields.
    pub fn from_openai(prompt: u64, completion: u64, cached: u64) -> Self {
        Usage {
            input_tokens: prompt,
            output_tokens: completion,
            cached_input_tokens: cached,
        }
    }

    /// Anthropic `input_tokens`: input not served from the cache.
    pub fn anthropic_input_tokens(&self) -> u64 {
        self.input_tokens.saturating_sub(self.cached_input_tokens)
    }

    /// `input + output`.
    pub fn total_tokens(&self) -> u64 {
        self.input_tokens.saturating_add(self.output_tokens)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_reads_move_between_conventions() {
        let u = Usage::from_anthropic(12, 6, 100, 20);
        assert_eq!(
            (u.input_tokens, u.cached_input_tokens, u.total_tokens()),
            (132, 100, 138)
        );
        // Cache writes cannot be told apart in OpenAI's convention; they stay in input.
        assert_eq!(u.anthropic_input_tokens(), 32);
        let o = Usage::from_openai(1117, 46, 1024);
        assert_eq!(o.anthropic_input_tokens(), 93);
        assert_eq!(Usage::from_openai(5, 1, 9).anthropic_input_tokens(), 0);
    }
}
