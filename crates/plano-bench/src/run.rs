//! One benchmark run: start the mock, the floor and the gateway, probe every target, then
//! measure in interleaved rounds so slow drift on a shared box (someone else's compile)
//! hits every target alike.
//!
//! Phases, each round visiting every target in a rotated order:
//! 1. c=1 latency: `c1_rounds` short cells per target; the report takes the median of the
//!    round medians, and added latency is paired within a round (target − direct).
//! 2. throughput: c=8 and c=64 cells, `tput_rounds` per target; median req/s, CPU pooled.
//!    Loaded RSS is read at the end of each c=64 cell (the last one wins).
//! 3. streaming: paced SSE answers at low concurrency; the latency is time to first byte.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::child::{Proc, Spawn};
use crate::load::{self, CellResult, CellSpec, Workload};
use crate::procfs::{self, Mem};
use crate::scenario::{Target, Via};

/// Command-line options of a run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub quick: bool,
    pub json: Option<PathBuf>,
    pub markdown: Option<PathBuf>,
    pub bin_dir: Option<PathBuf>,
    /// Proxies on CPU 1, mock and load generator on CPU 0.
    pub pin: bool,
    /// Skip the gateway (develop the harness against mock and floor alone).
    pub no_gateway: bool,
    /// The command line, for the report.
    pub command: String,
}

/// Mock pacing for the streaming phase: 16 events, 2 ms apart, the first one immediately.
pub const STREAM_CHUNKS: u32 = 16;
pub const CHUNK_DELAY_MS: u32 = 2;

/// Durations and repetitions of a run.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub c1_rounds: usize,
    pub c1_slice: Duration,
    pub tput_rounds: usize,
    pub tput_slice: Duration,
    pub stream_rounds: usize,
    pub stream_slice: Duration,
    pub stream_concurrency: usize,
    pub warmup_requests: u32,
    pub warmup_max: Duration,
}

impl Plan {
    pub fn new(quick: bool) -> Plan {
        if quick {
            Plan {
                c1_rounds: 3,
                c1_slice: Duration::from_millis(250),
                tput_rounds: 1,
                tput_slice: Duration::from_millis(1000),
                stream_rounds: 2,
                stream_slice: Duration::from_millis(400),
                stream_concurrency: 8,
                warmup_requests: 20,
                warmup_max: Duration::from_millis(150),
            }
        } else {
            Plan {
                c1_rounds: 5,
                c1_slice: Duration::from_millis(1000),
                tput_rounds: 3,
                tput_slice: Duration::from_millis(1000),
                stream_rounds: 3,
                stream_slice: Duration::from_millis(1000),
                stream_concurrency: 8,
                warmup_requests: 50,
                warmup_max: Duration::from_millis(300),
            }
        }
    }
}

/// Everything measured for one target.
pub struct TargetRun {
    pub target: Target,
    /// The process whose CPU and memory are charged (mock for direct targets).
    pub pid: Option<u32>,
    /// Why the target could not be measured (start failure, failed probe, crash).
    pub failed: Option<String>,
    pub stream_failed: Option<String>,
    pub c1: Vec<CellResult>,
    pub c8: Vec<CellResult>,
    pub c64: Vec<CellResult>,
    pub stream: Vec<CellResult>,
    pub idle: Option<Mem>,
    pub loaded: Option<Mem>,
    addr: Option<std::net::SocketAddr>,
}

/// Facts about the machine and the run, for the report header.
pub struct Machine {
    pub date_utc: String,
    pub nproc: usize,
    pub cpu_model: String,
    pub kernel: String,
    pub load_before: String,
    pub load_after: String,
    pub clk_tck: u64,
    /// Share of all CPU time during the run used by processes other than ours (0..1).
    pub foreign_cpu: Option<f64>,
    pub revision: String,
    pub wall: Duration,
}

/// The whole result.
pub struct RunResult {
    pub options: Options,
    pub plan: Plan,
    pub machine: Machine,
    pub targets: Vec<TargetRun>,
}

struct Procs {
    mock: Proc,
    floor: Proc,
    gateway: Result<Proc, String>,
    // Keep the floor's stdin open: it exits when this is dropped.
    _dir: TempDir,
}

/// A scratch directory removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn locate(bin_dir: &Path, name: &str) -> Result<PathBuf> {
    let p = bin_dir.join(name);
    if !p.is_file() {
        bail!(
            "{} not found; build everything first: \
             cargo build --release -p planoai -p plano-mock-llm -p plano-bench",
            p.display()
        );
    }
    Ok(p)
}

fn gateway_config(mock: std::net::SocketAddr) -> String {
    format!(
        "version: v0.4.0\n\
         listeners:\n  - type: model\n    name: bench\n    address: 127.0.0.1\n    port: 12000\n\
         model_providers:\n\
         \x20 - model: openai/gpt-4o\n    access_key: sk-bench\n    base_url: http://{mock}\n    default: true\n\
         \x20 - model: anthropic/claude-sonnet-4-5\n    access_key: sk-bench\n    base_url: http://{mock}\n"
    )
}

fn start(opts: &Options) -> Result<Procs> {
    let bin_dir = match &opts.bin_dir {
        Some(d) => d.clone(),
        None => std::env::current_exe()?
            .parent()
            .context("executable has no directory")?
            .to_path_buf(),
    };
    let dir = std::env::temp_dir().join(format!("plano-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let dir = TempDir(dir);
    let proxy_cpus = opts.pin.then_some("1");
    let mock_cpus = opts.pin.then_some("0");

    let mock_bin = locate(&bin_dir, "plano-mock-llm")?;
    let mock = Proc::spawn(Spawn {
        name: "mock",
        program: &mock_bin,
        args: vec![
            "--no-record".into(),
            "--stream-chunks".into(),
            STREAM_CHUNKS.to_string(),
            "--chunk-delay-ms".into(),
            CHUNK_DELAY_MS.to_string(),
        ],
        ready_prefix: "listening on",
        cpus: mock_cpus,
        stdin_pipe: false,
        log_dir: &dir.0,
        env: vec![],
    })?;

    let self_bin = std::env::current_exe()?;
    let floor = Proc::spawn(Spawn {
        name: "floor",
        program: &self_bin,
        args: vec![
            "floor".into(),
            "--listen".into(),
            "127.0.0.1:0".into(),
            "--upstream".into(),
            format!("http://{}", mock.addr),
            "--exit-on-eof".into(),
        ],
        ready_prefix: "listening on",
        cpus: proxy_cpus,
        stdin_pipe: true,
        log_dir: &dir.0,
        env: vec![],
    })?;

    let gateway = if opts.no_gateway {
        Err("skipped (--no-gateway)".to_owned())
    } else {
        let cfg = dir.0.join("bench.yaml");
        std::fs::write(&cfg, gateway_config(mock.addr)).context("writing the gateway config")?;
        locate(&bin_dir, "planoai")
            .and_then(|bin| {
                Proc::spawn(Spawn {
                    name: "gateway",
                    program: &bin,
                    args: vec![
                        "up".into(),
                        cfg.display().to_string(),
                        "--foreground".into(),
                        "--listener-port".into(),
                        "0".into(),
                    ],
                    ready_prefix: "✓ listener",
                    cpus: proxy_cpus,
                    stdin_pipe: false,
                    log_dir: &dir.0,
                    env: vec![],
                })
            })
            .map_err(|e| format!("{e:#}"))
    };
    Ok(Procs {
        mock,
        floor,
        gateway,
        _dir: dir,
    })
}

fn log(msg: impl AsRef<str>) {
    eprintln!("[plano-bench] {}", msg.as_ref());
}

/// Runs the whole benchmark.
pub fn run(opts: Options) -> Result<RunResult> {
    let plan = Plan::new(opts.quick);
    let wall0 = Instant::now();
    let load_before = procfs::loadavg();
    let cpu_before = procfs::machine_cpu();
    // Before pinning: afterwards this process would see only its own CPU.
    let nproc = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    if opts.pin {
        // The load generator shares CPU 0 with the mock; `-a` covers all our threads.
        let status = std::process::Command::new("taskset")
            .args(["-a", "-p", "-c", "0", &std::process::id().to_string()])
            .stdout(std::process::Stdio::null())
            .status();
        if !status.map(|s| s.success()).unwrap_or(false) {
            log("warning: could not pin the load generator to CPU 0");
        }
    }

    let mut procs = start(&opts)?;
    log(format!(
        "mock on {}, floor on {}",
        procs.mock.addr, procs.floor.addr
    ));
    match &procs.gateway {
        Ok(g) => log(format!("gateway on {}", g.addr)),
        Err(e) => log(format!("gateway not running: {e}")),
    }
    let our_pids: Vec<u32> = [
        Some(procs.mock.pid()),
        Some(procs.floor.pid()),
        procs.gateway.as_ref().ok().map(Proc::pid),
    ]
    .into_iter()
    .flatten()
    .chain(std::iter::once(std::process::id()))
    .collect();
    let ours_before: u64 = our_pids
        .iter()
        .filter_map(|&p| procfs::cpu_ticks(p).ok())
        .sum();

    // Idle memory: after start, before any request.
    let mock_idle = procfs::mem(procs.mock.pid()).ok();
    let floor_idle = procfs::mem(procs.floor.pid()).ok();
    let gw_idle = procs
        .gateway
        .as_ref()
        .ok()
        .and_then(|g| procfs::mem(g.pid()).ok());

    let mut runs: Vec<TargetRun> = crate::scenario::targets()
        .into_iter()
        .map(|t| {
            let (pid, addr, idle, failed) = match t.via {
                Via::Direct => (
                    Some(procs.mock.pid()),
                    Some(procs.mock.addr),
                    mock_idle,
                    None,
                ),
                Via::Floor => (
                    Some(procs.floor.pid()),
                    Some(procs.floor.addr),
                    floor_idle,
                    None,
                ),
                Via::Gateway => match &procs.gateway {
                    Ok(g) => (Some(g.pid()), Some(g.addr), gw_idle, None),
                    Err(e) => (None, None, None, Some(e.clone())),
                },
            };
            TargetRun {
                target: t,
                pid,
                failed,
                stream_failed: None,
                c1: Vec::new(),
                c8: Vec::new(),
                c64: Vec::new(),
                stream: Vec::new(),
                idle,
                loaded: None,
                addr,
            }
        })
        .collect();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    rt.block_on(measure(&plan, &mut runs, &mut procs));

    let ours_after: u64 = our_pids
        .iter()
        .filter_map(|&p| procfs::cpu_ticks(p).ok())
        .sum();
    let foreign_cpu = match (cpu_before, procfs::machine_cpu()) {
        (Some((b0, t0)), Some((b1, t1))) if t1 > t0 => {
            let ours = ours_after.saturating_sub(ours_before) as f64;
            Some((((b1 - b0) as f64 - ours) / (t1 - t0) as f64).max(0.0))
        }
        _ => None,
    };
    let machine = Machine {
        date_utc: crate::report::utc_now(),
        nproc,
        cpu_model: procfs::cpu_model(),
        kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|s| s.trim().to_owned())
            .unwrap_or_default(),
        load_before,
        load_after: procfs::loadavg(),
        clk_tck: procfs::clk_tck(),
        foreign_cpu,
        revision: revision(),
        wall: wall0.elapsed(),
    };
    drop(procs);
    Ok(RunResult {
        options: opts,
        plan,
        machine,
        targets: runs,
    })
}

/// The checked-out commit of the source tree this binary was built from, whatever the
/// current directory; read-only (`git rev-parse` never writes).
fn revision() -> String {
    std::process::Command::new("git")
        .args([
            "-C",
            env!("CARGO_MANIFEST_DIR"),
            "rev-parse",
            "--short",
            "HEAD",
        ])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|| "unknown".into())
}

fn workload(run: &TargetRun, stream: bool) -> Option<Arc<Workload>> {
    Some(Arc::new(Workload {
        addr: run.addr?,
        path: run.target.client.path(),
        body: run.target.body(stream),
        headers: run.target.headers(),
        streaming: stream,
    }))
}

/// Index order for round `r`: rotated so no target always runs first or right after another.
fn order(n: usize, r: usize) -> impl Iterator<Item = usize> {
    (0..n).map(move |i| (i + r) % n.max(1))
}

async fn measure(plan: &Plan, runs: &mut [TargetRun], procs: &mut Procs) {
    // Probe: one plain and one streaming request per target, checked for the right shape.
    for run in runs.iter_mut().filter(|r| r.failed.is_none()) {
        let Some(w) = workload(run, false) else {
            continue;
        };
        if let Err(e) = load::probe(&w, run.target.expect_marker()).await {
            log(format!("{}: probe failed: {e:#}", run.target.key));
            run.failed = Some(format!("probe: {e:#}"));
            continue;
        }
        let Some(ws) = workload(run, true) else {
            continue;
        };
        if let Err(e) = load::probe(&ws, run.target.expect_stream_marker()).await {
            log(format!("{}: streaming probe failed: {e:#}", run.target.key));
            run.stream_failed = Some(format!("probe: {e:#}"));
        }
    }
    let n = runs.len();
    let spec = |concurrency, duration| CellSpec {
        concurrency,
        duration,
        warmup_requests: plan.warmup_requests,
        warmup_max: plan.warmup_max,
    };

    for r in 0..plan.c1_rounds {
        log(format!("c=1 latency, round {}/{}", r + 1, plan.c1_rounds));
        for i in order(n, r) {
            let Some(run) = runs.get_mut(i) else { continue };
            if run.failed.is_some() {
                continue;
            }
            let Some(w) = workload(run, false) else {
                continue;
            };
            let cell = load::run_cell(w, spec(1, plan.c1_slice), run.pid).await;
            check_alive(run, &cell, procs);
            run.c1.push(cell);
        }
    }

    for r in 0..plan.tput_rounds {
        for c in [8usize, 64] {
            log(format!(
                "throughput c={c}, round {}/{}",
                r + 1,
                plan.tput_rounds
            ));
            for i in order(n, r) {
                let Some(run) = runs.get_mut(i) else { continue };
                if run.failed.is_some() {
                    continue;
                }
                let Some(w) = workload(run, false) else {
                    continue;
                };
                let cell = load::run_cell(w, spec(c, plan.tput_slice), run.pid).await;
                check_alive(run, &cell, procs);
                if c == 8 {
                    run.c8.push(cell);
                } else {
                    run.loaded = run.pid.and_then(|p| procfs::mem(p).ok());
                    run.c64.push(cell);
                }
            }
        }
    }

    for r in 0..plan.stream_rounds {
        log(format!(
            "streaming TTFT, round {}/{}",
            r + 1,
            plan.stream_rounds
        ));
        for i in order(n, r) {
            let Some(run) = runs.get_mut(i) else { continue };
            if run.failed.is_some() || run.stream_failed.is_some() {
                continue;
            }
            let Some(w) = workload(run, true) else {
                continue;
            };
            let cell =
                load::run_cell(w, spec(plan.stream_concurrency, plan.stream_slice), run.pid).await;
            check_alive(run, &cell, procs);
            run.stream.push(cell);
        }
    }
}

/// After a cell with errors, finds out whether the target's process died, so the rest of
/// the run skips it and the report says why.
fn check_alive(run: &mut TargetRun, cell: &CellResult, procs: &mut Procs) {
    if cell.errors == 0 {
        return;
    }
    let proc = match run.target.via {
        Via::Direct => Some(&mut procs.mock),
        Via::Floor => Some(&mut procs.floor),
        Via::Gateway => procs.gateway.as_mut().ok(),
    };
    if let Some(reason) = proc.and_then(Proc::exited) {
        log(format!("{}: {reason}", run.target.key));
        run.failed = Some(reason);
    }
}
