//! Borrowed views of stream chunks for the hot path.
//!
//! Text fields (`content`, `reasoning_content`, tool `arguments`) are kept as raw JSON string tokens
//! (`&RawValue`), so a translator can copy them into another API's JSON without unescaping or allocating.
//! Only the first choice (index 0) is kept: the gateway serves `n = 1`. Unknown fields are skipped.

use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::json_str::JsonStr;

/// One decoded `data:` payload of a Chat Completions stream.
#[derive(Debug, Deserialize)]
pub struct ChunkView<'a> {
    #[serde(default, borrow)]
    pub id: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub model: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub choices: FirstChoice<'a>,
    #[serde(default)]
    pub usage: Option<UsageView>,
    /// Some providers report failures mid-stream as `{"error":{...}}`.
    #[serde(default, borrow)]
    pub error: Option<ErrorView<'a>>,
}

/// The choice with index 0 of a chunk's `choices` (other choices are parsed and dropped, without
/// collecting them into a `Vec`).
#[derive(Debug, Default)]
pub struct FirstChoice<'a>(pub Option<ChoiceView<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for FirstChoice<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Seq;
        impl<'de> Visitor<'de> for Seq {
            type Value = FirstChoice<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of choices")
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(FirstChoice(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut first = None;
                while let Some(choice) = seq.next_element::<ChoiceView<'de>>()? {
                    if first.is_none() && choice.index.unwrap_or(0) == 0 {
                        first = Some(choice);
                    }
                }
                Ok(FirstChoice(first))
            }
        }
        deserializer.deserialize_any(Seq)
    }
}

/// One choice of a chunk.
#[derive(Debug, Deserialize)]
pub struct ChoiceView<'a> {
    #[serde(default)]
    pub index: Option<u32>,
    #[serde(default, borrow)]
    pub delta: Option<DeltaView<'a>>,
    #[serde(default, borrow)]
    pub finish_reason: Option<JsonStr<'a>>,
}

/// A choice's delta. Raw values are JSON tokens; read text with [`crate::json_str::raw_str`].
#[derive(Debug, Default, Deserialize)]
pub struct DeltaView<'a> {
    #[serde(default, borrow)]
    pub content: Option<&'a RawValue>,
    /// DeepSeek / vLLM spelling of reasoning text.
    #[serde(default, borrow)]
    pub reasoning_content: Option<&'a RawValue>,
    /// OpenRouter / newer vLLM spelling of reasoning text.
    #[serde(default, borrow)]
    pub reasoning: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub refusal: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub tool_calls: Option<Vec<ToolCallDeltaView<'a>>>,
}

/// A tool call fragment.
#[derive(Debug, Deserialize)]
pub struct ToolCallDeltaView<'a> {
    #[serde(default)]
    pub index: Option<u32>,
    #[serde(default, borrow)]
    pub id: Option<JsonStr<'a>>,
    #[serde(default, borrow)]
    pub function: Option<FunctionDeltaView<'a>>,
}

/// A function call fragment.
#[derive(Debug, Deserialize)]
pub struct FunctionDeltaView<'a> {
    #[serde(default, borrow)]
    pub name: Option<JsonStr<'a>>,
    #[serde(default, borrow)]
    pub arguments: Option<&'a RawValue>,
}

/// Usage as it appears in the final chunk.
#[derive(Debug, Default, Deserialize)]
pub struct UsageView {
    #[serde(default)]
    pub prompt_tokens: Option<u64>,
    #[serde(default)]
    pub completion_tokens: Option<u64>,
    #[serde(default)]
    pub prompt_tokens_details: Option<PromptDetailsView>,
    /// DeepSeek reports cache hits here instead of `prompt_tokens_details`.
    #[serde(default)]
    pub prompt_cache_hit_tokens: Option<u64>,
}

impl UsageView {
    /// Cached prompt tokens, from whichever field the provider used.
    pub fn cached_tokens(&self) -> Option<u64> {
        self.prompt_tokens_details
            .as_ref()
            .and_then(|d| d.cached_tokens)
            .or(self.prompt_cache_hit_tokens)
    }
}

/// `usage.prompt_tokens_details`.
#[derive(Debug, Default, Deserialize)]
pub struct PromptDetailsView {
    #[serde(default)]
    pub cached_tokens: Option<u64>,
}

/// A mid-stream error object.
#[derive(Debug, Default, Deserialize)]
pub struct ErrorView<'a> {
    #[serde(default, borrow)]
    pub message: Option<JsonStr<'a>>,
    #[serde(rename = "type", default, borrow)]
    pub kind: Option<JsonStr<'a>>,
    #[serde(default)]
    pub code: Option<IgnoredAny>,
}
