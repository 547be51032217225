//! How long a provider asked us to wait: `retry-after-ms` (OpenAI, Azure) or `Retry-After`
//! (RFC 9110 §10.2.3: delta-seconds or an HTTP-date).
//!
//! Parsing never fails loudly: a value that cannot be read is treated as absent, because a
//! provider's malformed header must not turn a retryable error into a hard one. Dates in the past
//! mean "now". The result is uncapped; the caller caps it for its own purpose (how long to sleep
//! inside a request, how long to remember a cool-down).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;

/// Milliseconds variant sent by OpenAI and Azure OpenAI; more precise, so it wins.
pub const RETRY_AFTER_MS: &str = "retry-after-ms";

/// The wait a response asks for, if it says.
pub fn from_headers(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(ms) = text(RETRY_AFTER_MS).and_then(parse_seconds_like) {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let now_unix = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    text(http::header::RETRY_AFTER.as_str()).and_then(|v| parse(v, now_unix))
}

/// Parses one `Retry-After` value relative to `now_unix` (seconds since the epoch).
pub fn parse(value: &str, now_unix: u64) -> Option<Duration> {
    let value = value.trim();
    if let Some(secs) = parse_seconds_like(value) {
        return Some(Duration::from_secs_f64(secs));
    }
    let at = parse_http_date(value)?;
    Some(Duration::from_secs(at.saturating_sub(now_unix)))
}

/// Delta-seconds. RFC 9110 only allows digits; a fraction (`"1.5"`) is accepted because some
/// providers send one, and rejecting it would lose the hint entirely.
fn parse_seconds_like(v: &str) -> Option<f64> {
    let v = v.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let n: f64 = v.parse().ok()?;
    // Cap absurd values before building a Duration (which panics on overflow).
    Some(n.min(86_400.0 * 365.0))
}

/// An HTTP-date (IMF-fixdate, RFC 850 or asctime) as seconds since the epoch.
fn parse_http_date(s: &str) -> Option<u64> {
    let mut parts = s.split([' ', ',']).filter(|p| !p.is_empty());
    let _weekday = parts.next()?;
    let first = parts.next()?;
    let (day, month, year, time) = if let Some((d, rest)) = first.split_once('-') {
        // RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`
        let (m, y) = rest.split_once('-')?;
        let y: i64 = y.parse().ok()?;
        // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
        let y = if y < 100 {
            if y < 70 { 2000 + y } else { 1900 + y }
        } else {
            y
        };
        (d.parse().ok()?, month(m)?, y, parts.next()?)
    } else if let Some(m) = month(first) {
        // asctime: `Sun Nov  6 08:49:37 1994`
        let d = parts.next()?.parse().ok()?;
        let t = parts.next()?;
        (d, m, parts.next()?.parse().ok()?, t)
    } else {
        // IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`
        let d = first.parse().ok()?;
        let m = month(parts.next()?)?;
        (d, m, parts.next()?.parse().ok()?, parts.next()?)
    };
    let mut hms = time.split(':').map(|p| p.parse::<u64>().ok());
    let (h, mi, se) = (hms.next()??, hms.next()??, hms.next()??);
    if !(1..=31).contains(&day) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days.checked_mul(86_400)?;
    u64::try_from(secs)
        .ok()
        .map(|s| s + h * 3600 + mi * 60 + se)
}

/// The month number (1–12) of an English three-letter abbreviation.
fn month(m: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    MONTHS
        .iter()
        .position(|x| x.eq_ignore_ascii_case(m))
        .map(|i| i as i64 + 1)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    /// 1994-11-06T08:49:37Z, the RFC's example instant.
    const RFC_EXAMPLE: u64 = 784_111_777;

    #[test]
    fn delta_seconds() {
        assert_eq!(parse("2", 0), Some(Duration::from_secs(2)));
        assert_eq!(parse(" 0 ", 0), Some(Duration::ZERO));
        assert_eq!(parse("1.5", 0), Some(Duration::from_millis(1500)));
        assert_eq!(parse("-1", 0), None);
        assert_eq!(parse("soon", 0), None);
        assert_eq!(parse("", 0), None);
        assert!(
            parse("99999999999999999999", 0).is_some(),
            "huge values do not panic"
        );
    }

    #[test]
    fn all_three_http_date_formats() {
        for v in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse_http_date(v), Some(RFC_EXAMPLE), "{v}");
        }
        assert_eq!(
            parse("Sun, 06 Nov 1994 08:49:37 GMT", RFC_EXAMPLE - 30),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse("Sun, 06 Nov 1994 08:49:37 GMT", RFC_EXAMPLE + 30),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(parse_http_date("Sun, 32 Nov 1994 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994"), None);
    }

    #[test]
    fn leap_years_and_the_epoch() {
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT"),
            Some(1_709_164_800)
        );
    }

    #[test]
    fn headers_prefer_the_millisecond_variant() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(
            from_headers(&h, SystemTime::now()),
            Some(Duration::from_secs(3))
        );
        h.insert("retry-after-ms", HeaderValue::from_static("250"));
        assert_eq!(
            from_headers(&h, SystemTime::now()),
            Some(Duration::from_millis(250))
        );
        assert_eq!(from_headers(&HeaderMap::new(), SystemTime::now()), None);
    }
}
