//! Images and documents by reference: `data:` URLs (OpenAI) ↔ base64 sources (Anthropic).

/// A parsed base64 `data:` URL.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct DataUrl<'a> {
    pub media_type: &'a str,
    pub data: &'a str,
}

/// Parses `data:<media type>[;param]*;base64,<data>`. Non-base64 (percent-encoded) data URLs are not
/// supported by Anthropic sources and yield `None`.
pub(crate) fn parse_data_url(url: &str) -> Option<DataUrl<'_>> {
    let rest = url.strip_prefix("data:")?;
    let (meta, data) = rest.split_once(',')?;
    let mut params = meta.split(';');
    let media_type = params.next().unwrap_or_default();
    if !params.any(|p| p.eq_ignore_ascii_case("base64")) {
        return None;
    }
    let media_type = if media_type.is_empty() {
        "application/octet-stream"
    } else {
        media_type
    };
    Some(DataUrl { media_type, data })
}

/// Builds a base64 `data:` URL.
pub(crate) fn data_url(media_type: &str, data: &str) -> String {
    format!("data:{media_type};base64,{data}")
}

/// Whether a URL can be passed to Anthropic as a `url` source.
pub(crate) fn is_http_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The Bedrock image `format` for a media type (`png`, `jpeg`, `gif`, `webp`).
pub(crate) fn bedrock_image_format(media_type: &str) -> Option<&'static str> {
    let sub = media_type.strip_prefix("image/")?;
    Some(match sub.to_ascii_lowercase().as_str() {
        "png" => "png",
        "jpeg" | "jpg" | "pjpeg" => "jpeg",
        "gif" => "gif",
        "webp" => "webp",
        _ => return None,
    })
}

/// The Bedrock document `format` for a media type.
pub(crate) fn bedrock_document_format(media_type: &str) -> Option<&'static str> {
    Some(match media_type.to_ascii_lowercase().as_str() {
        "application/pdf" => "pdf",
        "text/csv" => "csv",
        "application/msword" => "doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.ms-excel" => "xls",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "text/html" => "html",
        "text/plain" => "txt",
        "text/markdown" => "md",
        _ => return None,
    })
}

/// A document name Bedrock accepts: letters, digits, single spaces, hyphens, parentheses and square
/// brackets only (it rejects anything else), without the file extension; `fallback` if nothing is left.
pub(crate) fn bedrock_document_name(name: Option<&str>, fallback: &str) -> String {
    let stem = name
        .map(|n| n.rsplit_once('.').map_or(n, |(stem, _)| stem))
        .unwrap_or_default();
    let mut out = String::with_capacity(stem.len());
    for c in stem.chars() {
        let c = if c.is_ascii_alphanumeric() || matches!(c, '-' | '(' | ')' | '[' | ']') {
            c
        } else {
            ' '
        };
        if !(c == ' ' && (out.is_empty() || out.ends_with(' '))) {
            out.push(c);
        }
    }
    let trimmed = out.trim_end();
    if trimmed.is_empty() {
        fallback.to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_urls() {
        assert_eq!(
            parse_data_url("data:image/png;base64,iVBOR"),
            Some(DataUrl {
                media_type: "image/png",
                data: "iVBOR"
            })
        );
        assert_eq!(
            parse_data_url("data:image/jpeg;name=a.jpg;BASE64,/9j/"),
            Some(DataUrl {
                media_type: "image/jpeg",
                data: "/9j/"
            })
        );
        assert_eq!(parse_data_url("data:text/plain,hello"), None);
        assert_eq!(parse_data_url("https://x/y.png"), None);
        assert_eq!(
            data_url("image/png", "iVBOR"),
            "data:image/png;base64,iVBOR"
        );
        assert!(is_http_url("HTTPS://example.com/a.png"));
        assert!(!is_http_url("ftp://example.com"));
    }

    #[test]
    fn bedrock_formats_and_names() {
        assert_eq!(bedrock_image_format("image/JPG"), Some("jpeg"));
        assert_eq!(bedrock_image_format("image/svg+xml"), None);
        assert_eq!(bedrock_document_format("application/pdf"), Some("pdf"));
        assert_eq!(bedrock_document_format("application/zip"), None);
        assert_eq!(
            bedrock_document_name(Some("Q3 report_final (v2).pdf"), "d"),
            "Q3 report final (v2)"
        );
        assert_eq!(bedrock_document_name(Some("..."), "document1"), "document1");
        assert_eq!(bedrock_document_name(None, "document1"), "document1");
    }
}
