//! Non-streaming response translation, one module per direction (named `<upstream>_to_<client>`).

pub mod anthropic_to_openai;
pub mod openai_to_anthropic;
