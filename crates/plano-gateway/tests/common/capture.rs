//! Capturing what the gateway logs during a test: a thread-default `tracing` subscriber writing
//! into a shared buffer. The test runtime is single-threaded, so the gateway's tasks log here.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Everything logged so far.
    pub fn all(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }

    /// The access lines so far.
    pub fn access_lines(&self) -> Vec<String> {
        self.all()
            .lines()
            .filter(|l| l.contains("plano::access"))
            .map(str::to_string)
            .collect()
    }

    /// Waits until `n` access lines were written (the line follows the body's end).
    pub async fn wait_for(&self, n: usize) -> Vec<String> {
        for _ in 0..200 {
            let lines = self.access_lines();
            if lines.len() >= n {
                return lines;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("expected {n} access lines, got {:?}", self.access_lines());
    }
}

/// Captures every event at `level` and above on this thread until the guard is dropped.
pub fn capture(level: tracing::Level) -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(level)
        .with_ansi(false)
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

/// The value of ` name=` in a log line.
pub fn field<'a>(line: &'a str, name: &str) -> &'a str {
    let key = format!(" {name}=");
    let start = line
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {line}"))
        + key.len();
    line[start..].split(' ').next().unwrap_or("")
}
