//! Non-streaming response translation, one module per direction (named `<upstream>_to_<client>`).

pub mod anthropic_to_openai;
pub mod bedrock_to_anthropic;
pub mod bedrock_to_openai;
pub mod openai_to_anthropic;
