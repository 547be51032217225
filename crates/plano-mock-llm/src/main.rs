//! `plano-mock-llm`: the mock providers as a standalone server, for benchmarks and tests
//! that run processes.
//!
//! ```text
//! plano-mock-llm [--addr IP] [--port N] [--stream-chunks N] [--chunk-delay-ms D]
//!                [--no-record] [--threads N] [--router MODEL --route KEYWORD=ROUTE ...]
//! ```
//!
//! `--router MODEL` turns on router mode: requests for `MODEL` are answered
//! `{"route": ["ROUTE"]}` for the first `--route KEYWORD=ROUTE` whose keyword is in the
//! conversation, `{"route": []}` otherwise — a stand-in for a Plano router model.
//!
//! Prints `listening on http://ADDR` on stdout once bound (harnesses parse that line), then
//! serves until Ctrl-C/SIGINT. Per-request faults come from `x-mock-*` headers; recorded
//! requests are at `GET /_mock/requests`.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use plano_mock_llm::MockLlm;

const USAGE: &str = "usage: plano-mock-llm [--addr IP] [--port N] [--stream-chunks N] \
[--chunk-delay-ms D] [--no-record] [--threads N] [--router MODEL --route KEYWORD=ROUTE ...]";

struct Args {
    addr: IpAddr,
    port: u16,
    stream_chunks: Option<usize>,
    chunk_delay: Option<Duration>,
    record: bool,
    threads: Option<usize>,
    router: Option<String>,
    routes: Vec<(String, String)>,
}

fn value<T: std::str::FromStr>(flag: &str, v: Option<String>) -> Result<T, String> {
    let v = v.ok_or_else(|| format!("{flag} needs a value"))?;
    v.parse()
        .map_err(|_| format!("{flag}: invalid value {v:?}"))
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut args = Args {
        addr: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port: 0,
        stream_chunks: None,
        chunk_delay: None,
        record: true,
        threads: None,
        router: None,
        routes: Vec::new(),
    };
    while let Some(flag) = it.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match flag.split_once('=') {
            Some((f, v)) => (f.to_owned(), Some(v.to_owned())),
            None => (flag, None),
        };
        let mut next = || inline.clone().or_else(|| it.next());
        match flag.as_str() {
            "--addr" => args.addr = value(&flag, next())?,
            "--port" => args.port = value(&flag, next())?,
            "--stream-chunks" => args.stream_chunks = Some(value(&flag, next())?),
            "--chunk-delay-ms" => {
                args.chunk_delay = Some(Duration::from_millis(value(&flag, next())?));
            }
            "--threads" => args.threads = Some(value(&flag, next())?),
            "--no-record" => args.record = false,
            "--router" => args.router = Some(value(&flag, next())?),
            "--route" => {
                let rule: String = value(&flag, next())?;
                let (k, r) = rule
                    .split_once('=')
                    .ok_or_else(|| format!("--route wants KEYWORD=ROUTE, got {rule:?}"))?;
                args.routes.push((k.to_owned(), r.to_owned()));
            }
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(args))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("plano-mock-llm: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    rt.enable_all();
    if let Some(n) = args.threads {
        rt.worker_threads(n.max(1));
    }
    let rt = match rt.build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("plano-mock-llm: cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(serve(args))
}

async fn serve(args: Args) -> ExitCode {
    let mock = match MockLlm::start_on(SocketAddr::new(args.addr, args.port)).await {
        Ok(mock) => mock,
        Err(e) => {
            eprintln!(
                "plano-mock-llm: cannot listen on {}:{}: {e}",
                args.addr, args.port
            );
            return ExitCode::FAILURE;
        }
    };
    mock.set_recording(args.record);
    mock.set_default_stream_chunks(args.stream_chunks);
    mock.set_default_chunk_delay(args.chunk_delay);
    if let Some(model) = &args.router {
        mock.serve_router(
            model,
            args.routes.iter().map(|(k, r)| (k.as_str(), r.as_str())),
        );
    }

    let mut out = std::io::stdout().lock();
    // Flush explicitly: stdout is a pipe under a harness, hence block-buffered.
    if writeln!(out, "listening on {}", mock.base_url())
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(out);

    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("plano-mock-llm: cannot wait for Ctrl-C: {e}");
        return ExitCode::FAILURE;
    }
    mock.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Option<Args>, String> {
        parse_args(s.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn flags() {
        let a =
            parse("--port 8080 --addr 0.0.0.0 --stream-chunks=64 --chunk-delay-ms 20 --no-record")
                .unwrap()
                .unwrap();
        assert_eq!(a.port, 8080);
        assert_eq!(a.addr, IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        assert_eq!(a.stream_chunks, Some(64));
        assert_eq!(a.chunk_delay, Some(Duration::from_millis(20)));
        assert!(!a.record);
        assert!(parse("--port").is_err());
        assert!(parse("--bogus").is_err());
        assert!(parse("--help").unwrap().is_none());
    }

    #[test]
    fn router_flags() {
        let a = parse("--router Plano-Orchestrator --route python=code --route=capital=quick")
            .unwrap()
            .unwrap();
        assert_eq!(a.router.as_deref(), Some("Plano-Orchestrator"));
        assert_eq!(
            a.routes,
            vec![
                ("python".into(), "code".into()),
                ("capital".into(), "quick".into())
            ]
        );
        assert!(parse("--route nokeyword").is_err());
    }
}
