//! [`Reply`]: what the mock answers to one request, as a small builder.
//!
//! A reply is API-neutral: the same `Reply::text("hi")` renders as an OpenAI chat completion
//! on `…/chat/completions` and as an Anthropic message on `…/messages`, streamed or not as
//! the request asked. Faults (delays, cuts, odd chunking, malformed output) compose with any
//! content.

use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

/// One scripted answer. Build with a constructor, refine with `with_*` methods.
#[derive(Clone, Debug, Default)]
pub struct Reply {
    pub(crate) body: ReplyBody,
    pub(crate) usage: Option<Usage>,
    pub(crate) finish: Option<Finish>,
    pub(crate) model: Option<String>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) timing: Timing,
    /// Extra SSE content inserted before the event with that index (malformed streams).
    pub(crate) inject: Vec<(usize, Injection)>,
    /// After this many events, emit a provider-shaped error event and end the stream.
    pub(crate) error_event_after: Option<(usize, ErrorSpec)>,
}

#[derive(Clone, Debug)]
pub(crate) enum ReplyBody {
    Completion(Completion),
    Error(ErrorSpec),
    MalformedJson,
    Raw {
        status: u16,
        content_type: String,
        body: Bytes,
    },
}

impl Default for ReplyBody {
    fn default() -> Self {
        ReplyBody::Completion(Completion::default())
    }
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Completion {
    pub thinking: Option<String>,
    pub text: Text,
    pub tool_calls: Vec<ToolCall>,
}

/// The assistant text: echo the request (default), a fixed string, or none at all
/// (tool-call-only answers).
#[derive(Clone, Debug, Default)]
pub(crate) enum Text {
    #[default]
    Echo,
    Fixed(String),
    Absent,
}

/// Something wrong to put in a stream; rendered in the request's API at reply time.
#[derive(Clone, Debug)]
pub(crate) enum Injection {
    Raw(Bytes),
    /// A well-formed SSE event whose `data:` JSON is cut short.
    InvalidJson,
    /// A line that is not SSE at all (no colon, not blank).
    GarbageLine,
}

#[derive(Clone, Debug)]
pub(crate) struct ErrorSpec {
    pub status: u16,
    pub message: Option<String>,
    pub error_type: Option<String>,
    pub code: Option<String>,
}

impl ErrorSpec {
    pub(crate) fn new(status: u16) -> Self {
        ErrorSpec {
            status,
            message: None,
            error_type: None,
            code: None,
        }
    }
}

/// Wire-level knobs. Also filled from `x-mock-*` headers, which win over the reply.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Timing {
    pub delay: Option<Duration>,
    pub chunk_delay: Option<Duration>,
    pub cut_after_events: Option<usize>,
    pub chunk_bytes: Option<usize>,
    pub stream_chunks: Option<usize>,
}

impl Timing {
    /// Field-wise `other` over `self`.
    pub(crate) fn overridden_by(self, other: Timing) -> Timing {
        Timing {
            delay: other.delay.or(self.delay),
            chunk_delay: other.chunk_delay.or(self.chunk_delay),
            cut_after_events: other.cut_after_events.or(self.cut_after_events),
            chunk_bytes: other.chunk_bytes.or(self.chunk_bytes),
            stream_chunks: other.stream_chunks.or(self.stream_chunks),
        }
    }
}

/// A function/tool call the assistant makes.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolCall {
    /// `call_…` (OpenAI) / `toolu_…` (Anthropic); generated when `None`.
    pub id: Option<String>,
    pub name: String,
    /// Sent as a JSON string in OpenAI `arguments`, as an object in Anthropic `input`.
    pub arguments: Value,
}

impl ToolCall {
    pub fn new(name: impl Into<String>, arguments: Value) -> Self {
        ToolCall {
            id: None,
            name: name.into(),
            arguments,
        }
    }

    /// Fix the id (otherwise generated in the API's style).
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }
}

/// Token usage, reported verbatim in each API's own fields: `input_tokens` is OpenAI
/// `prompt_tokens` / Anthropic `input_tokens`, `cached_input_tokens` is OpenAI
/// `prompt_tokens_details.cached_tokens` / Anthropic `cache_read_input_tokens`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cached_input_tokens: u64,
    /// Anthropic `cache_creation_input_tokens` (OpenAI has no equivalent).
    pub cache_creation_input_tokens: u64,
    /// OpenAI `completion_tokens_details.reasoning_tokens` (Anthropic has no equivalent).
    pub reasoning_tokens: u64,
}

impl Usage {
    pub fn new(input_tokens: u64, output_tokens: u64) -> Self {
        Usage {
            input_tokens,
            output_tokens,
            ..Usage::default()
        }
    }

    pub fn with_cached(mut self, cached_input_tokens: u64) -> Self {
        self.cached_input_tokens = cached_input_tokens;
        self
    }

    pub fn with_cache_creation(mut self, tokens: u64) -> Self {
        self.cache_creation_input_tokens = tokens;
        self
    }

    pub fn with_reasoning(mut self, tokens: u64) -> Self {
        self.reasoning_tokens = tokens;
        self
    }
}

/// Why generation stopped, mapped to each API's vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finish {
    /// `stop` / `end_turn`
    Stop,
    /// `length` / `max_tokens`
    Length,
    /// `tool_calls` / `tool_use`
    ToolCalls,
    /// `content_filter` / `refusal`
    ContentFilter,
    /// `stop` / `stop_sequence` with `stop_sequence` set to the string.
    StopSequence(String),
    /// Sent verbatim in both APIs (e.g. Anthropic `pause_turn`).
    Other(String),
}

impl Reply {
    /// The default behaviour (echo of the last user message); useful to add faults to it.
    pub fn echo() -> Self {
        Reply::default()
    }

    /// A normal completion with this assistant text.
    pub fn text(text: impl Into<String>) -> Self {
        Reply::default().with_text(text)
    }

    /// One tool call and no text; finish reason `tool_calls` / `tool_use`.
    pub fn tool_call(name: impl Into<String>, arguments: Value) -> Self {
        Reply::tool_calls([ToolCall::new(name, arguments)])
    }

    /// Several (parallel) tool calls and no text.
    pub fn tool_calls(calls: impl IntoIterator<Item = ToolCall>) -> Self {
        Reply {
            body: ReplyBody::Completion(Completion {
                thinking: None,
                text: Text::Absent,
                tool_calls: calls.into_iter().collect(),
            }),
            ..Reply::default()
        }
    }

    /// Thinking then text: an Anthropic `thinking` block (with signature) before the text
    /// block; OpenAI-compatible `reasoning_content` before `content`.
    pub fn thinking(thinking: impl Into<String>, text: impl Into<String>) -> Self {
        Reply::text(text).with_thinking(thinking)
    }

    /// An error status with the API's error body (OpenAI `{"error":{…}}`, Anthropic
    /// `{"type":"error",…}`), with a message and type typical for that status.
    pub fn error(status: u16) -> Self {
        Reply {
            body: ReplyBody::Error(ErrorSpec::new(status)),
            ..Reply::default()
        }
    }

    /// An error with a specific message.
    pub fn error_message(status: u16, message: impl Into<String>) -> Self {
        let mut spec = ErrorSpec::new(status);
        spec.message = Some(message.into());
        Reply {
            body: ReplyBody::Error(spec),
            ..Reply::default()
        }
    }

    /// `200 application/json` whose body is a real completion cut in half (always JSON,
    /// even for streaming requests).
    pub fn malformed_json() -> Self {
        Reply {
            body: ReplyBody::MalformedJson,
            ..Reply::default()
        }
    }

    /// The default stream with an event carrying truncated JSON after the first event.
    pub fn malformed_sse() -> Self {
        Reply::echo().with_sse_invalid_json_at(1)
    }

    /// Escape hatch: exactly these bytes with this status and content type.
    pub fn raw(status: u16, content_type: impl Into<String>, body: impl Into<Bytes>) -> Self {
        Reply {
            body: ReplyBody::Raw {
                status,
                content_type: content_type.into(),
                body: body.into(),
            },
            ..Reply::default()
        }
    }

    fn completion_mut(&mut self) -> Option<&mut Completion> {
        match &mut self.body {
            ReplyBody::Completion(c) => Some(c),
            _ => None,
        }
    }

    fn error_mut(&mut self) -> Option<&mut ErrorSpec> {
        match &mut self.body {
            ReplyBody::Error(e) => Some(e),
            _ => None,
        }
    }

    /// Set the assistant text (also alongside tool calls). No-op on non-completions.
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        if let Some(c) = self.completion_mut() {
            c.text = Text::Fixed(text.into());
        }
        self
    }

    /// Add thinking / reasoning before the text. No-op on non-completions.
    pub fn with_thinking(mut self, thinking: impl Into<String>) -> Self {
        if let Some(c) = self.completion_mut() {
            c.thinking = Some(thinking.into());
        }
        self
    }

    /// Append a tool call (after any text). No-op on non-completions.
    pub fn with_tool_call(mut self, call: ToolCall) -> Self {
        if let Some(c) = self.completion_mut() {
            c.tool_calls.push(call);
        }
        self
    }

    /// Report these usage numbers instead of the estimate.
    pub fn with_usage(mut self, usage: Usage) -> Self {
        self.usage = Some(usage);
        self
    }

    /// Report this finish/stop reason instead of the natural one.
    pub fn with_finish(mut self, finish: Finish) -> Self {
        self.finish = Some(finish);
        self
    }

    /// Answer with this `model` instead of echoing the request's.
    pub fn with_model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// Add a response header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// `Retry-After`, verbatim: delta-seconds (`"2"`) or an HTTP-date.
    pub fn with_retry_after(self, value: impl Into<String>) -> Self {
        self.with_header("retry-after", value)
    }

    /// Error `type` (OpenAI `error.type`, Anthropic `error.type`). No-op on non-errors.
    pub fn with_error_type(mut self, error_type: impl Into<String>) -> Self {
        if let Some(e) = self.error_mut() {
            e.error_type = Some(error_type.into());
        }
        self
    }

    /// OpenAI `error.code`. No-op on non-errors.
    pub fn with_error_code(mut self, code: impl Into<String>) -> Self {
        if let Some(e) = self.error_mut() {
            e.code = Some(code.into());
        }
        self
    }

    /// Wait this long before sending the response headers (time to first byte).
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.timing.delay = Some(delay);
        self
    }

    /// Wait this long before each SSE event but the first.
    pub fn with_chunk_delay(mut self, delay: Duration) -> Self {
        self.timing.chunk_delay = Some(delay);
        self
    }

    /// Send `n` whole events, then break the connection (no terminating chunk / an h2
    /// reset): the client sees a body error, not a clean end. A non-streaming reply is cut
    /// after half of its JSON.
    pub fn with_cut_after_events(mut self, n: usize) -> Self {
        self.timing.cut_after_events = Some(n);
        self
    }

    /// Write the body in pieces of `k` bytes (ignoring event and UTF-8 boundaries), each
    /// flushed separately.
    pub fn with_chunk_bytes(mut self, k: usize) -> Self {
        self.timing.chunk_bytes = Some(k.max(1));
        self
    }

    /// Stream the text as exactly `n` content events (token pieces are grouped, or cycled
    /// when `n` exceeds the text's token count).
    pub fn with_stream_chunks(mut self, n: usize) -> Self {
        self.timing.stream_chunks = Some(n);
        self
    }

    /// Insert raw bytes into the stream before event `index` (0 = first).
    pub fn with_sse_injected(mut self, index: usize, raw: impl Into<Bytes>) -> Self {
        self.inject.push((index, Injection::Raw(raw.into())));
        self
    }

    /// Before event `index`, an event of the API's usual shape (OpenAI `data:` chunk,
    /// Anthropic `content_block_delta`) whose JSON is truncated.
    pub fn with_sse_invalid_json_at(mut self, index: usize) -> Self {
        self.inject.push((index, Injection::InvalidJson));
        self
    }

    /// Before event `index`, a line that is not SSE at all (no colon, not blank).
    pub fn with_sse_garbage_line_at(mut self, index: usize) -> Self {
        self.inject.push((index, Injection::GarbageLine));
        self
    }

    /// After `n` events, emit the API's in-stream error event (OpenAI `data: {"error":…}`,
    /// Anthropic `event: error`) for `status` and end the stream cleanly.
    pub fn with_error_event_after(mut self, n: usize, status: u16) -> Self {
        self.error_event_after = Some((n, ErrorSpec::new(status)));
        self
    }
}
