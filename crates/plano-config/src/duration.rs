//! Durations in config values: `"30s"`, `"500ms"`, `"1m 30s"`, or a bare number of seconds.
//!
//! Upstream's listener `timeout` is an Envoy duration string; our extension keys
//! (`connect_timeout`, `first_byte_timeout`, `idle_timeout`) also take plain integers, which is
//! what people type first.

use std::time::Duration;

use crate::node::Value;

/// Reads a duration from a scalar. `Err` carries the reason.
pub(crate) fn parse(v: &Value) -> Result<Duration, String> {
    match v {
        Value::Int(n) => u64::try_from(*n)
            .map(Duration::from_secs)
            .map_err(|_| format!("{n} is not a valid number of seconds")),
        Value::Float(f) => Duration::try_from_secs_f64(*f)
            .map_err(|_| format!("{f} is not a valid number of seconds")),
        Value::Str(s) => parse_str(s),
        other => Err(format!(
            "expected a duration like \"30s\", found {}",
            other.kind()
        )),
    }
}

pub(crate) fn parse_str(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| format!("`{t}` is not a valid number of seconds"));
    }
    humantime::parse_duration(t).map_err(|e| {
        format!("`{t}` is not a duration ({e}); write e.g. \"30s\", \"500ms\" or \"2m\"")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(
            parse(&Value::Str("30s".into())),
            Ok(Duration::from_secs(30))
        );
        assert_eq!(
            parse(&Value::Str("500ms".into())),
            Ok(Duration::from_millis(500))
        );
        assert_eq!(
            parse(&Value::Str("1m 30s".into())),
            Ok(Duration::from_secs(90))
        );
        assert_eq!(parse(&Value::Str("45".into())), Ok(Duration::from_secs(45)));
        assert_eq!(parse(&Value::Int(10)), Ok(Duration::from_secs(10)));
        assert_eq!(parse(&Value::Float(0.25)), Ok(Duration::from_millis(250)));
        assert!(parse(&Value::Int(-1)).is_err());
        assert!(parse(&Value::Str("soon".into())).is_err());
        assert!(parse(&Value::Bool(true)).is_err());
    }
}
