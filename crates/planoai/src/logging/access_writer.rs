//! The access log's writer thread, fed by a bounded channel (see the parent module for why).
//! [`ChannelWriter`] is also an `io::Write`/`MakeWriter`, one message per `write`.

use std::fs::OpenOptions;
use std::io::{self, BufWriter, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

use super::AccessSink;

/// Lines buffered between the request threads and the writer: one drain interval at 400k
/// requests/s. The slots are allocated up front, so more would only cost idle memory.
const CAPACITY: usize = 8 * 1024;

/// How often the writer drains. Polling instead of blocking on `recv` is deliberate: a
/// blocked receiver would make every `send` a futex wake-up, a syscall per request.
const DRAIN_EVERY: Duration = Duration::from_millis(20);

struct Shared {
    dropped: AtomicU64,
    stop: AtomicBool,
}

/// The `MakeWriter` the access layer formats into: each event's line becomes one message.
#[derive(Clone)]
pub struct ChannelWriter {
    tx: SyncSender<Vec<u8>>,
    shared: Arc<Shared>,
}

impl ChannelWriter {
    /// Hands one formatted line to the writer thread; never blocks.
    pub fn send(&self, line: Vec<u8>) {
        match self.tx.try_send(line) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                self.shared.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.send(buf.to_vec());
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for ChannelWriter {
    type Writer = ChannelWriter;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Stops the writer thread after a final drain, when dropped.
pub struct AccessGuard {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for AccessGuard {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub fn spawn(sink: AccessSink) -> (ChannelWriter, AccessGuard) {
    let (tx, rx) = std::sync::mpsc::sync_channel(CAPACITY);
    let shared = Arc::new(Shared {
        dropped: AtomicU64::new(0),
        stop: AtomicBool::new(false),
    });
    let out: Box<dyn Write + Send> = match &sink {
        AccessSink::Stdout => Box::new(io::stdout()),
        AccessSink::File(path) => match OpenOptions::new().create(true).append(true).open(path) {
            Ok(f) => Box::new(f),
            Err(err) => {
                // The gateway still runs; its log says why there is no access log.
                eprintln!(
                    "cannot open access log {}: {err}; writing it to stdout",
                    path.display()
                );
                Box::new(io::stdout())
            }
        },
    };
    let thread_shared = shared.clone();
    let thread = std::thread::Builder::new()
        .name("access-log".into())
        .spawn(move || run(rx, out, &thread_shared))
        .ok();
    (
        ChannelWriter {
            tx,
            shared: shared.clone(),
        },
        AccessGuard { shared, thread },
    )
}

fn run(rx: Receiver<Vec<u8>>, out: Box<dyn Write + Send>, shared: &Shared) {
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    let mut reported = 0u64;
    loop {
        let stopping = shared.stop.load(Ordering::Relaxed);
        let mut wrote = false;
        loop {
            match rx.try_recv() {
                Ok(line) => {
                    let _ = out.write_all(&line);
                    wrote = true;
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => return finish(&mut out),
            }
        }
        let dropped = shared.dropped.load(Ordering::Relaxed);
        if dropped > reported {
            let _ = writeln!(
                out,
                "access log: {} lines dropped (the writer fell behind)",
                dropped - reported
            );
            reported = dropped;
            wrote = true;
        }
        if wrote {
            let _ = out.flush();
        }
        if stopping {
            return finish(&mut out);
        }
        std::thread::sleep(DRAIN_EVERY);
    }
}

fn finish(out: &mut impl Write) {
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("plano-access-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("access.log")
    }

    #[test]
    fn lines_reach_the_file_when_the_guard_drops() {
        let path = temp("spawn");
        let (writer, guard) = spawn(AccessSink::File(path.clone()));
        writer.make_writer().write_all(b"one\n").unwrap();
        writer.make_writer().write_all(b"two\n").unwrap();
        drop(guard);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\ntwo\n");
    }

    #[test]
    fn a_full_channel_drops_and_counts_instead_of_blocking() {
        let (tx, rx) = std::sync::mpsc::sync_channel(CAPACITY);
        let shared = Arc::new(Shared {
            dropped: AtomicU64::new(0),
            stop: AtomicBool::new(false),
        });
        let mut w = ChannelWriter {
            tx,
            shared: shared.clone(),
        };
        // Nobody drains: the writes past the capacity must return at once, counted.
        for i in 0..CAPACITY + 10 {
            w.write_all(format!("line {i}\n").as_bytes()).unwrap();
        }
        assert_eq!(shared.dropped.load(Ordering::Relaxed), 10);
        let path = temp("full");
        let file = std::fs::File::create(&path).unwrap();
        shared.stop.store(true, Ordering::Relaxed);
        run(rx, Box::new(file), &shared);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("line 0\n"));
        assert!(text.ends_with("access log: 10 lines dropped (the writer fell behind)\n"));
    }
}
