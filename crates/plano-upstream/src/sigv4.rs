//! AWS Signature Version 4, hand-written and pure: a request description and a clock reading in,
//! the canonical request, string to sign and `Authorization` value out.
//!
//! Used for Bedrock with `auth_style: aws_sigv4` (see [`crate::auth::SigV4Signer`]), but general
//! over method, service, headers and query so the AWS test-suite vectors reproduce exactly.
//!
//! Path rule (non-S3 services): the canonical URI is the path *as sent on the wire* URI-encoded
//! once more, segment by segment. AWS double-encodes: a Bedrock model id `…-v1:0` sent raw
//! appears as `…-v1%3A0`, and one sent as `%3A` appears as `%253A`. Getting this wrong gives a
//! `SignatureDoesNotMatch` only for model ids with a `:`, which is most of them.
//!
//! No secret is ever formatted into anything but the HMAC key; [`Signed`] holds only the
//! signature and public scope.

use ring::{digest, hmac};

/// The algorithm name that starts the string to sign and the `Authorization` value.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The credential a request is signed with.
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
}

// Hand-written so the secret can never reach a log through `{:?}`.
impl std::fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .finish()
    }
}

/// What is signed. Header names must be lowercase; every header listed is signed (the caller
/// includes `host`, `x-amz-date`, and whatever else the service requires).
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    /// The path as sent on the wire (already percent-encoded where the sender encoded it).
    pub path: &'a str,
    /// The query as sent, without `?`; empty for none.
    pub query: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    /// Lowercase hex SHA-256 of the body ([`sha256_hex`]).
    pub payload_sha256: &'a str,
}

/// The clock reading and scope of one signature.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// `YYYYMMDDTHHMMSSZ` ([`amz_date`]); must equal the signed `x-amz-date` header.
    pub amz_date: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

/// The result of signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// Lowercase hex, 64 characters.
    pub signature: String,
    /// The full `Authorization` header value.
    pub authorization: String,
}

/// Signs `req`: canonical request → string to sign → HMAC chain over the derived key.
pub fn sign(creds: Credentials<'_>, scope: Scope<'_>, req: &Request<'_>) -> Signed {
    let date = scope.amz_date.get(..8).unwrap_or(scope.amz_date);
    let credential_scope = format!("{date}/{}/{}/aws4_request", scope.region, scope.service);
    let sts = string_to_sign(scope.amz_date, &credential_scope, &canonical_request(req));

    let secret = format!("AWS4{}", creds.secret_access_key);
    let k_date = hmac_sha256(secret.as_bytes(), date.as_bytes());
    let k_region = hmac_sha256(&k_date, scope.region.as_bytes());
    let k_service = hmac_sha256(&k_region, scope.service.as_bytes());
    let k_signing = hmac_sha256(&k_service, b"aws4_request");
    let signature = hex(&hmac_sha256(&k_signing, sts.as_bytes()));

    let authorization = format!(
        "{ALGORITHM} Credential={}/{credential_scope}, SignedHeaders={}, Signature={signature}",
        creds.access_key_id,
        signed_headers(req.headers)
    );
    Signed {
        signature,
        authorization,
    }
}

/// The canonical request text (public for tests and debugging; it holds no secret).
pub fn canonical_request(req: &Request<'_>) -> String {
    let mut headers: Vec<(String, String)> = req
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), normalize_value(v)))
        .collect();
    headers.sort();
    let mut out = String::with_capacity(256);
    out.push_str(req.method);
    out.push('\n');
    out.push_str(&canonical_uri(req.path));
    out.push('\n');
    out.push_str(&canonical_query(req.query));
    out.push('\n');
    for (n, v) in &headers {
        out.push_str(n);
        out.push(':');
        out.push_str(v);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed_headers(req.headers));
    out.push('\n');
    out.push_str(req.payload_sha256);
    out
}

fn string_to_sign(amz_date: &str, credential_scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{credential_scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// `host;x-amz-date;…`: lowercase names, sorted, `;`-joined.
fn signed_headers(headers: &[(&str, &str)]) -> String {
    let mut names: Vec<String> = headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .collect();
    names.sort();
    names.dedup();
    names.join(";")
}

/// Trims and collapses runs of spaces, as AWS requires of canonical header values.
fn normalize_value(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Each segment of the wire path encoded once more; `/` for an empty path.
fn canonical_uri(path: &str) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    path.split('/')
        .map(uri_encode)
        .collect::<Vec<_>>()
        .join("/")
}

/// Parameters decoded, re-encoded the AWS way and sorted by name, then value.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                uri_encode(&percent_decode(k)),
                uri_encode(&percent_decode(v)),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// AWS URI encoding: everything but `A-Z a-z 0-9 - _ . ~` as `%XX`, uppercase hex.
fn uri_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX_UPPER[usize::from(b >> 4)]));
            out.push(char::from(HEX_UPPER[usize::from(b & 0xf)]));
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let pair = b.get(i + 1).zip(b.get(i + 2));
        match (b[i], pair) {
            (b'%', Some((&h, &l))) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => {
                out.push(hex_val(h) << 4 | hex_val(l));
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c.to_ascii_lowercase().wrapping_sub(b'a').wrapping_add(10),
    }
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(HEX_LOWER[usize::from(b >> 4)]));
        out.push(char::from(HEX_LOWER[usize::from(b & 0xf)]));
    }
    out
}

/// Lowercase hex SHA-256, the `x-amz-content-sha256` / payload hash form.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, data).as_ref())
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data)
        .as_ref()
        .to_vec()
}

/// `YYYYMMDDTHHMMSSZ` (UTC) for seconds since the Unix epoch.
pub fn amz_date(unix_secs: u64) -> String {
    let days = unix_secs / 86_400;
    let rem = unix_secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 → (year, month, day); Howard Hinnant's `civil_from_days`, restricted to
/// dates after the epoch (a clock before 1970 is not a case worth a signed type).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_SHA: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const CREDS: Credentials<'static> = Credentials {
        access_key_id: "AKIDEXAMPLE",
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    };

    /// AWS SigV4 test suite, `get-vanilla`. The suite's host is `example.amazonaws.com`; the
    /// published signature does not verify with any other host.
    #[test]
    fn get_vanilla() {
        let headers = [
            ("host", "example.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
        ];
        let req = Request {
            method: "GET",
            path: "/",
            query: "",
            headers: &headers,
            payload_sha256: EMPTY_SHA,
        };
        assert_eq!(
            canonical_request(&req),
            format!(
                "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{EMPTY_SHA}"
            )
        );
        let scope = Scope {
            amz_date: "20150830T123600Z",
            region: "us-east-1",
            service: "service",
        };
        let s = sign(CREDS, scope, &req);
        assert_eq!(
            s.signature,
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
        assert_eq!(
            s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    /// AWS SigV4 test suite, `get-vanilla-query-order-key-case` (sorted query).
    #[test]
    fn query_is_sorted() {
        let headers = [
            ("host", "example.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
        ];
        let req = Request {
            method: "GET",
            path: "/",
            query: "Param2=value2&Param1=value1",
            headers: &headers,
            payload_sha256: EMPTY_SHA,
        };
        let scope = Scope {
            amz_date: "20150830T123600Z",
            region: "us-east-1",
            service: "service",
        };
        assert!(canonical_request(&req).contains("\nParam1=value1&Param2=value2\n"));
        assert_eq!(
            sign(CREDS, scope, &req).signature,
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
        );
    }

    #[test]
    fn bedrock_model_id_colon_is_encoded_in_canonical_uri() {
        let body = br#"{"messages":[]}"#;
        let sha = sha256_hex(body);
        let headers = [
            ("host", "bedrock-runtime.us-east-1.amazonaws.com"),
            ("x-amz-content-sha256", sha.as_str()),
            ("x-amz-date", "20250101T000000Z"),
            ("x-amz-security-token", "tok  en"),
        ];
        let req = Request {
            method: "POST",
            path: "/model/anthropic.claude-3-5-sonnet-20240620-v1:0/converse",
            query: "",
            headers: &headers,
            payload_sha256: &sha,
        };
        assert_eq!(
            canonical_request(&req),
            format!(
                "POST\n/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse\n\n\
                 host:bedrock-runtime.us-east-1.amazonaws.com\n\
                 x-amz-content-sha256:{sha}\n\
                 x-amz-date:20250101T000000Z\n\
                 x-amz-security-token:tok en\n\n\
                 host;x-amz-content-sha256;x-amz-date;x-amz-security-token\n{sha}"
            )
        );
        // A path already encoded on the wire is encoded again (non-S3 double encoding).
        let req = Request {
            path: "/model/us.amazon.nova-pro-v1%3A0/converse-stream",
            ..req
        };
        assert!(
            canonical_request(&req)
                .starts_with("POST\n/model/us.amazon.nova-pro-v1%253A0/converse-stream\n")
        );
    }

    #[test]
    fn dates_and_hex() {
        assert_eq!(amz_date(0), "19700101T000000Z");
        assert_eq!(amz_date(1_440_938_160), "20150830T123600Z");
        assert_eq!(amz_date(951_825_600), "20000229T120000Z");
        assert_eq!(sha256_hex(b""), EMPTY_SHA);
        assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
        assert_eq!(percent_decode("a%3Ab%2"), "a:b%2");
        assert_eq!(uri_encode("a b:c~"), "a%20b%3Ac~");
    }

    #[test]
    fn credentials_debug_redacts() {
        assert!(!format!("{CREDS:?}").contains("EXAMPLEKEY"));
    }
}
