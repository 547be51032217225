//! What Linux's `/proc` says about a process and the machine: CPU time, resident memory,
//! load average, whole-machine busy time.
//!
//! CPU time comes from `utime + stime` in `/proc/<pid>/stat`, which covers every thread of
//! the process including ones that already exited, so it charges the proxy for all the work
//! it did during a cell, whatever else runs on the box. Its unit is the clock tick
//! (`CLK_TCK`, 100 Hz on Linux), read once with `getconf` since this crate has no libc.

use std::process::Command;

use anyhow::{Context, Result, anyhow};

/// Clock ticks per second for `/proc` CPU times; 100 unless `getconf` says otherwise.
pub fn clk_tck() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<u64>().ok())
        .filter(|&t| t > 0)
        .unwrap_or(100)
}

/// `utime + stime` of `pid`, in clock ticks.
pub fn cpu_ticks(pid: u32) -> Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .with_context(|| format!("reading /proc/{pid}/stat"))?;
    parse_cpu_ticks(&stat).ok_or_else(|| anyhow!("unexpected /proc/{pid}/stat format"))
}

/// Parses `utime + stime` out of a `/proc/<pid>/stat` line. The command name (field 2) may
/// contain spaces and parentheses, so fields are counted from the *last* `)`.
fn parse_cpu_ticks(stat: &str) -> Option<u64> {
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let mut fields = rest.split_whitespace();
    // After ')' the first field is field 3 (state); utime is field 14, stime field 15.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// Memory facts of a process from `/proc/<pid>/status`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Mem {
    /// Resident set size now, KiB.
    pub rss_kib: u64,
    /// Peak resident set size, KiB.
    pub hwm_kib: u64,
    /// Thread count.
    pub threads: u64,
}

pub fn mem(pid: u32) -> Result<Mem> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("reading /proc/{pid}/status"))?;
    Ok(parse_mem(&status))
}

fn parse_mem(status: &str) -> Mem {
    let mut m = Mem::default();
    for line in status.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        // "VmRSS:	    1234 kB" → 1234
        let n = value
            .split_whitespace()
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        match key {
            "VmRSS" => m.rss_kib = n,
            "VmHWM" => m.hwm_kib = n,
            "Threads" => m.threads = n,
            _ => {}
        }
    }
    m
}

/// The three load averages, as the kernel prints them.
pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// Whole-machine CPU time from the first line of `/proc/stat`: (busy, total) in ticks.
/// Busy excludes idle and iowait.
pub fn machine_cpu() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    parse_machine_cpu(stat.lines().next()?)
}

fn parse_machine_cpu(line: &str) -> Option<(u64, u64)> {
    let mut it = line.split_whitespace();
    if it.next()? != "cpu" {
        return None;
    }
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    let v: Vec<u64> = it.take(8).filter_map(|x| x.parse().ok()).collect();
    if v.len() < 8 {
        return None;
    }
    let total: u64 = v.iter().sum();
    let idle = v.get(3)? + v.get(4)?;
    Some((total - idle, total))
}

/// The CPU model name from `/proc/cpuinfo`.
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_line() {
        let line = "1234 (tokio (worker)) S 1 1234 1234 0 -1 4194560 100 0 0 0 37 5 0 0 20 0 3 0 100 1000 200";
        assert_eq!(parse_cpu_ticks(line), Some(42));
        assert_eq!(parse_cpu_ticks("garbage"), None);
    }

    #[test]
    fn status_file() {
        let m = parse_mem("Name:\tx\nVmHWM:\t   2048 kB\nVmRSS:\t   1024 kB\nThreads:\t3\n");
        assert_eq!((m.rss_kib, m.hwm_kib, m.threads), (1024, 2048, 3));
    }

    #[test]
    fn proc_stat() {
        assert_eq!(
            parse_machine_cpu("cpu  10 1 5 100 4 1 1 0 0 0"),
            Some((18, 122))
        );
        assert_eq!(parse_machine_cpu("intr 1 2"), None);
    }

    #[test]
    fn own_process() {
        let pid = std::process::id();
        assert!(cpu_ticks(pid).is_ok());
        assert!(mem(pid).map(|m| m.rss_kib > 0).unwrap_or(false));
    }
}
