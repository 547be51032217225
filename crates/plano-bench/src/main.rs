//! `plano-bench`: run the benchmark, or serve as the floor proxy.
//!
//! ```text
//! plano-bench [run] [--quick] [--pin] [--json PATH] [--markdown PATH] [--bin-dir DIR] [--no-gateway]
//! plano-bench floor --listen ADDR --upstream URL [--exit-on-eof]
//! plano-bench router
//! plano-bench translate [FILTER]
//! ```
//!
//! Build everything in release first; the binaries are looked up next to this one:
//! `cargo build --release -p planoai -p plano-mock-llm -p plano-bench`.
//! The report goes to stdout, progress to stderr.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use plano_bench::{floor, report, router_cpu, run, translate_cpu};

const USAGE: &str = "usage:
  plano-bench [run] [--quick] [--pin] [--json PATH] [--markdown PATH] [--bin-dir DIR] [--no-gateway]
  plano-bench floor --listen ADDR --upstream URL [--exit-on-eof]
  plano-bench router   (CPU of a routing decision, router latency excluded)
  plano-bench translate [FILTER]   (CPU of OpenAI <-> Anthropic translation: requests, responses, streams)";

fn main() -> ExitCode {
    match real_main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("plano-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn real_main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("router") => router_cpu::run(),
        Some("translate") => translate_cpu::run(args.get(1).map(String::as_str)),
        Some("floor") => floor::run(parse_floor(args.get(1..).unwrap_or_default())?),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some("run") => bench(args.get(1..).unwrap_or_default()),
        _ => bench(&args),
    }
}

fn value<'a>(it: &mut impl Iterator<Item = &'a String>, flag: &str) -> Result<&'a String> {
    it.next()
        .ok_or_else(|| anyhow!("{flag} needs a value\n{USAGE}"))
}

fn parse_floor(args: &[String]) -> Result<floor::FloorArgs> {
    let (mut listen, mut upstream, mut exit_on_eof) = (None, None, false);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--listen" => listen = Some(value(&mut it, flag)?.parse().context("--listen")?),
            "--upstream" => upstream = Some(value(&mut it, flag)?.parse().context("--upstream")?),
            "--exit-on-eof" => exit_on_eof = true,
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    Ok(floor::FloorArgs {
        listen: listen.ok_or_else(|| anyhow!("--listen is required\n{USAGE}"))?,
        upstream: upstream.ok_or_else(|| anyhow!("--upstream is required\n{USAGE}"))?,
        exit_on_eof,
    })
}

fn bench(args: &[String]) -> Result<()> {
    let mut opts = run::Options {
        command: std::iter::once("target/release/plano-bench".to_owned())
            .chain(args.iter().cloned())
            .collect::<Vec<_>>()
            .join(" "),
        ..run::Options::default()
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--quick" => opts.quick = true,
            "--pin" => opts.pin = true,
            "--no-gateway" => opts.no_gateway = true,
            "--json" => opts.json = Some(PathBuf::from(value(&mut it, flag)?)),
            "--markdown" => opts.markdown = Some(PathBuf::from(value(&mut it, flag)?)),
            "--bin-dir" => opts.bin_dir = Some(PathBuf::from(value(&mut it, flag)?)),
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    let res = run::run(opts)?;
    let md = report::markdown(&res);
    print!("{md}");
    if let Some(p) = &res.options.markdown {
        std::fs::write(p, &md).with_context(|| format!("writing {}", p.display()))?;
    }
    if let Some(p) = &res.options.json {
        let text = serde_json::to_string_pretty(&report::json(&res))?;
        std::fs::write(p, text).with_context(|| format!("writing {}", p.display()))?;
    }
    Ok(())
}
