//! [`Answer`]: a scripted [`Completion`](crate::reply::Completion) resolved against one
//! request (echo text, model, usage estimate, finish reason) — the API-neutral input the
//! `openai` and `anthropic` renderers share.

use std::borrow::Cow;

use crate::reply::{Completion, Finish, Reply, Text, ToolCall, Usage};
use crate::request::RequestFacts;
use crate::tokens;

pub(crate) struct Answer<'a> {
    pub model: &'a str,
    pub thinking: Option<&'a str>,
    pub text: Option<Cow<'a, str>>,
    pub tool_calls: &'a [ToolCall],
    pub usage: Usage,
    pub finish: Finish,
    /// Content events wanted when streaming (`None` = one per token).
    pub stream_chunks: Option<usize>,
    /// OpenAI `stream_options.include_usage`.
    pub include_usage: bool,
}

/// Model name when neither the reply nor the request names one.
const FALLBACK_MODEL: &str = "mock-model";

impl<'a> Answer<'a> {
    pub(crate) fn resolve(
        reply: &'a Reply,
        completion: &'a Completion,
        facts: &'a RequestFacts,
        stream_chunks: Option<usize>,
        streaming: bool,
    ) -> Self {
        let text: Option<Cow<'a, str>> = match &completion.text {
            Text::Echo => Some(Cow::Owned(tokens::default_reply_text(&facts.user_text))),
            Text::Fixed(s) => Some(Cow::Borrowed(s.as_str())),
            Text::Absent => None,
        };
        let usage = reply.usage.unwrap_or_else(|| {
            let natural = text.as_deref().map_or(0, tokens::count_tokens);
            // A fixed event count larger than the token count cycles the text, so report
            // what was actually streamed.
            let text_tokens = match stream_chunks {
                Some(n) if streaming && text.as_deref().is_some_and(|t| !t.is_empty()) => {
                    natural.max(n as u64)
                }
                _ => natural,
            };
            let reasoning = completion
                .thinking
                .as_deref()
                .map_or(0, tokens::count_tokens);
            let tools: u64 = completion
                .tool_calls
                .iter()
                .map(|c| 1 + c.arguments.to_string().len() as u64 / 4)
                .sum();
            Usage {
                input_tokens: facts.input_tokens,
                output_tokens: text_tokens + reasoning + tools,
                reasoning_tokens: reasoning,
                ..Usage::default()
            }
        });
        let finish = reply
            .finish
            .clone()
            .unwrap_or(if completion.tool_calls.is_empty() {
                Finish::Stop
            } else {
                Finish::ToolCalls
            });
        Answer {
            model: reply
                .model
                .as_deref()
                .or(facts.model.as_deref())
                .unwrap_or(FALLBACK_MODEL),
            thinking: completion.thinking.as_deref(),
            text,
            tool_calls: &completion.tool_calls,
            usage,
            finish,
            stream_chunks,
            include_usage: facts.include_usage,
        }
    }

    /// Content pieces to stream, honouring `stream_chunks`.
    pub(crate) fn text_pieces(&self) -> Vec<String> {
        self.text
            .as_deref()
            .map(|t| tokens::stream_pieces(t, self.stream_chunks))
            .unwrap_or_default()
    }
}
