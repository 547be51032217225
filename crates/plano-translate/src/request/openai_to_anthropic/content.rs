//! OpenAI message content (strings and parts) → Anthropic content blocks, including images by URL or
//! `data:` URL and PDF files.

use plano_wire::anthropic::{self, ContentBlock, DocumentBlock, ImageBlock, MediaSource};
use plano_wire::openai::{ContentPart, FilePart, MessageContent};
use serde_json::{Map, Value};

use crate::TranslateError;
use crate::media::{is_http_url, parse_data_url};
use crate::request::invalid;

/// User/system content → blocks. Empty text is skipped (Anthropic rejects empty text blocks).
pub(super) fn content_blocks(
    content: Option<MessageContent>,
    i: usize,
) -> Result<Vec<ContentBlock>, TranslateError> {
    let parts = match content {
        None => return Ok(Vec::new()),
        Some(MessageContent::Text(s)) if s.is_empty() => return Ok(Vec::new()),
        Some(MessageContent::Text(s)) => return Ok(vec![ContentBlock::text(s)]),
        Some(MessageContent::Parts(parts)) => parts,
    };
    let mut blocks = Vec::with_capacity(parts.len());
    for part in parts {
        let block = match part {
            ContentPart::Text(t) if t.text.is_empty() => continue,
            ContentPart::Text(t) => ContentBlock::Text(anthropic::TextBlock {
                text: t.text,
                extra: t.extra,
            }),
            ContentPart::Refusal(r) => ContentBlock::text(r.refusal),
            ContentPart::ImageUrl(img) => ContentBlock::Image(ImageBlock {
                source: media_source(&img.image_url.url)
                    .ok_or_else(|| invalid(i, "image URLs must be http(s) or base64 data URLs"))?,
                extra: Map::new(),
            }),
            ContentPart::File(file) => document(file, i)?,
            ContentPart::Other(map) => match map.get("type").and_then(Value::as_str) {
                Some("input_audio") => {
                    return Err(invalid(
                        i,
                        "audio input is not supported by this model's API",
                    ));
                }
                // Possibly an Anthropic-native block a client put in on purpose: pass it on.
                _ => ContentBlock::Other(map),
            },
        };
        blocks.push(block);
    }
    Ok(blocks)
}

fn media_source(url: &str) -> Option<MediaSource> {
    if let Some(d) = parse_data_url(url) {
        return Some(MediaSource::Base64 {
            media_type: d.media_type.to_owned(),
            data: d.data.to_owned(),
            extra: Map::new(),
        });
    }
    is_http_url(url).then(|| MediaSource::Url {
        url: url.to_owned(),
        extra: Map::new(),
    })
}

fn document(file: FilePart, i: usize) -> Result<ContentBlock, TranslateError> {
    let data = file.file.file_data.as_deref().and_then(parse_data_url).ok_or_else(|| {
        invalid(i, "file parts must carry inline base64 `file_data` (uploaded file ids are not portable)")
    })?;
    let mut extra = Map::new();
    if let Some(name) = file.file.filename {
        extra.insert("title".into(), Value::String(name));
    }
    Ok(ContentBlock::Document(DocumentBlock {
        source: MediaSource::Base64 {
            media_type: data.media_type.to_owned(),
            data: data.data.to_owned(),
            extra: Map::new(),
        },
        extra,
    }))
}
