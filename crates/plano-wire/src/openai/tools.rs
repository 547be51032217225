//! Tool definitions, `tool_choice`, and the tool calls an assistant makes.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::open_enum::open_enum;

/// One entry of `tools`. Non-function tools (`custom`, hosted tools of compatible providers) are kept as-is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Tool {
    Function(FunctionTool),
    #[serde(untagged)]
    Other(Map<String, Value>),
}

/// `{"type":"function","function":{..}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionTool {
    pub function: FunctionDef,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A function's name, description and JSON-schema parameters (kept as an opaque value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionDef {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strict: Option<bool>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

open_enum! {
    /// The string forms of `tool_choice`.
    pub enum ToolChoiceMode {
        None = "none",
        Auto = "auto",
        Required = "required",
    }
}

/// `tool_choice`: a mode string, a named function, or another object shape (e.g. `allowed_tools`) kept as-is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ToolChoice {
    Mode(ToolChoiceMode),
    Named(NamedToolChoice),
    Other(Value),
}

/// `{"type":"function","function":{"name":..}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedToolChoice {
    #[serde(rename = "type")]
    pub kind: String,
    pub function: NamedFunction,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The function a [`NamedToolChoice`] forces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedFunction {
    pub name: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A tool call on an assistant message. A struct rather than a tagged enum so that a call with a missing or
/// unknown `type` (custom tools) still parses; `function` is then `None` and the payload stays in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    pub id: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<FunctionCall>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A function call: name and arguments as a JSON-encoded string (as OpenAI sends them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionCall {
    pub name: String,
    #[serde(default)]
    pub arguments: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
