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
}
