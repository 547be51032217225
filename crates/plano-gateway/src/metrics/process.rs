//! The standard `process_*` families (resident and virtual memory, CPU seconds, open file
//! descriptors, start time), read from `/proc/self` on scrape — Linux only; elsewhere the
//! families are simply absent. Nothing is recorded on the request path.

use std::fmt::Write;

use super::render::family;

pub(crate) fn render(out: &mut String) {
    let Some(stat) = read_stat() else { return };
    let page = 4096.0;
    let ticks = 100.0;
    family(
        out,
        "process_resident_memory_bytes",
        "gauge",
        "Resident memory size in bytes.",
    );
    let _ = writeln!(
        out,
        "process_resident_memory_bytes {}",
        stat.rss_pages * page
    );
    family(
        out,
        "process_virtual_memory_bytes",
        "gauge",
        "Virtual memory size in bytes.",
    );
    let _ = writeln!(out, "process_virtual_memory_bytes {}", stat.vsize_bytes);
    family(
        out,
        "process_cpu_seconds_total",
        "counter",
        "User and system CPU time spent, in seconds.",
    );
    let _ = writeln!(
        out,
        "process_cpu_seconds_total {}",
        (stat.utime + stat.stime) / ticks
    );
    if let Some(boot) = boot_time() {
        family(
            out,
            "process_start_time_seconds",
            "gauge",
            "Start time of the process since the Unix epoch, in seconds.",
        );
        let _ = writeln!(
            out,
            "process_start_time_seconds {}",
            boot + stat.start_ticks / ticks
        );
    }
    if let Ok(fds) = std::fs::read_dir("/proc/self/fd") {
        family(out, "process_open_fds", "gauge", "Open file descriptors.");
        let _ = writeln!(out, "process_open_fds {}", fds.count());
    }
}

struct Stat {
    utime: f64,
    stime: f64,
    start_ticks: f64,
    vsize_bytes: f64,
    rss_pages: f64,
}

/// `/proc/self/stat`: fields after the parenthesised command name (which may hold spaces).
/// Clock ticks are assumed to be 100 per second and pages 4 KiB, as on every Linux the
/// gateway targets (reading `sysconf` would need `unsafe` or a dependency).
fn read_stat() -> Option<Stat> {
    let text = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &text[text.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state); field n is f[n - 3].
    let num = |n: usize| f.get(n - 3).and_then(|v| v.parse::<f64>().ok());
    Some(Stat {
        utime: num(14)?,
        stime: num(15)?,
        start_ticks: num(22)?,
        vsize_bytes: num(23)?,
        rss_pages: num(24)?,
    })
}

fn boot_time() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("btime "))
        .and_then(|v| v.trim().parse().ok())
}
