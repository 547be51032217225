//! The wire APIs the gateway speaks, as a client-facing listener or towards a provider.

use std::fmt;

/// A request/response wire format.
///
/// Clients speak the first three; `BedrockConverse` only ever appears on the provider side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Api {
    /// OpenAI Chat Completions (`/v1/chat/completions`).
    OpenAiChat,
    /// Anthropic Messages (`/v1/messages`).
    AnthropicMessages,
    /// OpenAI Responses (`/v1/responses`).
    OpenAiResponses,
    /// Amazon Bedrock Converse / ConverseStream.
    BedrockConverse,
}

impl Api {
    /// A short stable label, used in logs, metrics and error messages.
    pub const fn as_str(self) -> &'static str {
        match self {
            Api::OpenAiChat => "openai_chat",
            Api::AnthropicMessages => "anthropic_messages",
            Api::OpenAiResponses => "openai_responses",
            Api::BedrockConverse => "bedrock_converse",
        }
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
