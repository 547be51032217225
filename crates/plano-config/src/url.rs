//! Parsing the URLs a config names: provider `base_url`, agent/filter `url`, the tracing
//! endpoint and session-cache URLs.
//!
//! Only the shape `scheme://host[:port][/path]` is meaningful to the gateway, so this is a small
//! purpose-built parser rather than a general URL library: it rejects what the gateway could not
//! use (query strings, credentials in the URL, missing host) with a message saying why.

use crate::model::BaseUrl;

/// Splits `scheme://host[:port][/path]`. The scheme is lower-cased and must be one of `schemes`.
pub(crate) fn parse(raw: &str, schemes: &[&str]) -> Result<BaseUrl, String> {
    let s = raw.trim();
    let Some((scheme, rest)) = s.split_once("://") else {
        return Err(format!(
            "`{s}` has no scheme; expected {}://host[:port][/path]",
            schemes.join("|")
        ));
    };
    let scheme = scheme.to_ascii_lowercase();
    if !schemes.contains(&scheme.as_str()) {
        return Err(format!(
            "scheme `{scheme}` is not supported (use {})",
            schemes.join(" or ")
        ));
    }
    if rest.contains('?') || rest.contains('#') {
        return Err("query strings and fragments are not supported".to_owned());
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    // Credentials belong in access_key/headers for HTTP upstreams; redis and postgres URLs
    // carry them by convention.
    let authority = match authority.rsplit_once('@') {
        Some(_) if scheme == "http" || scheme == "https" => {
            return Err(
                "credentials in the URL are not supported; use access_key or headers".to_owned(),
            );
        }
        Some((_, host)) => host,
        None => authority,
    };
    let default_port = match scheme.as_str() {
        "https" | "rediss" => 443,
        "redis" => 6379,
        "postgres" | "postgresql" => 5432,
        _ => 80,
    };
    let (host, port) = split_host_port(authority, default_port)?;
    if host.is_empty() {
        return Err("the URL has no host".to_owned());
    }
    let path = path.trim_end_matches('/').to_owned();
    Ok(BaseUrl {
        scheme,
        host,
        port,
        path,
    })
}

/// Splits `host[:port]` (IPv6 hosts in brackets).
pub(crate) fn split_host_port(authority: &str, default_port: u16) -> Result<(String, u16), String> {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let Some((h, tail)) = v6.split_once(']') else {
            return Err(format!("`{authority}`: unclosed `[` in IPv6 host"));
        };
        let port = match tail.strip_prefix(':') {
            Some(p) => Some(p),
            None if tail.is_empty() => None,
            None => return Err(format!("`{authority}`: unexpected text after IPv6 host")),
        };
        (format!("[{h}]"), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), Some(p)),
            None => (authority.to_owned(), None),
        }
    };
    let port = match port {
        None => default_port,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => return Err(format!("`{p}` is not a valid port (1-65535)")),
        },
    };
    if host.chars().any(|c| c.is_whitespace()) {
        return Err(format!("host `{host}` contains whitespace"));
    }
    Ok((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HTTP: &[&str] = &["http", "https"];

    #[test]
    fn shapes() {
        let u = parse("https://api.z.ai/api/coding/paas/v4/", HTTP).unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("api.z.ai", 443, "/api/coding/paas/v4")
        );
        let u = parse("http://localhost:11434", HTTP).unwrap();
        assert_eq!((u.port, u.path.as_str()), (11434, ""));
        let u = parse("HTTP://[::1]:8080/", HTTP).unwrap();
        assert_eq!(
            (u.scheme.as_str(), u.host.as_str(), u.port),
            ("http", "[::1]", 8080)
        );
        assert_eq!(u.origin(), "http://[::1]:8080");
    }

    #[test]
    fn rejects() {
        assert!(
            parse("api.openai.com", HTTP)
                .unwrap_err()
                .contains("no scheme")
        );
        assert!(
            parse("ftp://x", HTTP)
                .unwrap_err()
                .contains("not supported")
        );
        assert!(parse("https://x/v1?a=b", HTTP).is_err());
        assert!(parse("https://:80", HTTP).is_err());
        assert!(parse("https://x:99999", HTTP).is_err());
        assert!(parse("https://u:p@x", HTTP).is_err());
        let r = parse("redis://:pw@cache:6379/0", &["redis"]).unwrap();
        assert_eq!((r.host.as_str(), r.port), ("cache", 6379));
    }
}
