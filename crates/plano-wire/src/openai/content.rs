//! Message content: a plain string or a list of typed parts; unknown part types are carried through.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `content`: a string, or an array of parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MessageContent {
    Text(String),
    Parts(Vec<ContentPart>),
}

impl MessageContent {
    /// All text of the content: the string, or the `text` parts concatenated with `separator`.
    pub fn joined_text(&self, separator: &str) -> String {
        match self {
            MessageContent::Text(s) => s.clone(),
            MessageContent::Parts(parts) => {
                let mut out = String::new();
                for part in parts {
                    if let ContentPart::Text(t) = part {
                        if !out.is_empty() {
                            out.push_str(separator);
                        }
                        out.push_str(&t.text);
                    }
                }
                out
            }
        }
    }
}

/// One content part, tagged by `type`. A part whose type is unknown (`input_audio`, future types) or whose
/// known shape does not parse is kept verbatim as `Other`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentPart {
    Text(TextPart),
    ImageUrl(ImagePart),
    File(FilePart),
    Refusal(RefusalPart),
    #[serde(untagged)]
    Other(Map<String, Value>),
}

impl ContentPart {
    /// The `type` string of this part.
    pub fn type_str(&self) -> &str {
        match self {
            ContentPart::Text(_) => "text",
            ContentPart::ImageUrl(_) => "image_url",
            ContentPart::File(_) => "file",
            ContentPart::Refusal(_) => "refusal",
            ContentPart::Other(map) => map.get("type").and_then(Value::as_str).unwrap_or(""),
        }
    }
}

/// `{"type":"text","text":..}`. `extra` keeps e.g. `cache_control` that some clients add for Anthropic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextPart {
    pub text: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"type":"image_url","image_url":{"url":..,"detail":..}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImagePart {
    pub image_url: ImageUrl,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An image reference: an `http(s)` URL or a `data:` URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageUrl {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"type":"file","file":{"file_data"|"file_id", "filename"}}` (PDF input).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilePart {
    pub file: FileRef,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The file of a [`FilePart`]: inline as a `data:` URL, or a previously uploaded id.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FileRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"type":"refusal","refusal":..}` (assistant history).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefusalPart {
    pub refusal: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
