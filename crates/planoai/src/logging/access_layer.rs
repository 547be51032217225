//! A minimal `tracing` layer for access events: the timestamp and `key=value` pairs are
//! written straight into the line's buffer, which then goes to the writer thread as is.
//!
//! `tracing_subscriber::fmt` would do the same job with more machinery per event (a
//! thread-local string, generic field formatting, a copy into the writer); one line per
//! request is on the hot path, so it gets the short path.

use std::fmt;
use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::Context;

use super::access_writer::ChannelWriter;

pub struct AccessLayer {
    writer: ChannelWriter,
}

impl AccessLayer {
    pub fn new(writer: ChannelWriter) -> Self {
        AccessLayer { writer }
    }
}

impl<S: Subscriber> tracing_subscriber::Layer<S> for AccessLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut line = Vec::with_capacity(384);
        timestamp(&mut line, SystemTime::now());
        line.extend_from_slice(b"  INFO ");
        line.extend_from_slice(event.metadata().target().as_bytes());
        line.push(b':');
        event.record(&mut Fields(&mut line));
        line.push(b'\n');
        self.writer.send(line);
    }
}

struct Fields<'a>(&'a mut Vec<u8>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() != "message" {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        // The event's message ("access") says nothing the target does not.
        if field.name() != "message" {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
}

/// `2026-11-22T05:19:00.123456Z`, UTC, without a date library.
fn timestamp(out: &mut Vec<u8>, now: SystemTime) {
    let d = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let (y, m, day) = civil_from_days((secs / 86_400) as i64);
    let s = secs % 86_400;
    let _ = write!(
        out,
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        s / 3600,
        s / 60 % 60,
        s % 60,
        d.subsec_micros()
    );
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::time::Duration;

    use super::*;

    #[test]
    fn timestamps_are_utc_rfc3339() {
        let mut out = Vec::new();
        // 2024-02-29T23:59:59.5Z: a leap day, the end of a day.
        timestamp(
            &mut out,
            UNIX_EPOCH + Duration::from_millis(1_709_251_199_500),
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "2024-02-29T23:59:59.500000Z"
        );
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
