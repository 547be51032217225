//! The `plano-mock-llm` binary: prints its address, honours the streaming knobs, records.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::{client, openai_request, parse_sse, post};

#[tokio::test]
async fn binary_serves_with_stream_knobs() {
    let child = Command::new(env!("CARGO_BIN_EXE_plano-mock-llm"))
        .args([
            "--port",
            "0",
            "--stream-chunks",
            "5",
            "--chunk-delay-ms",
            "1",
            "--threads",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill the server even when an assertion fails, so it cannot outlive the test run.
    let mut child = KillOnDrop(child);
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    assert!(base.starts_with("http://127.0.0.1:"));

    let c = client();
    let resp = post(
        &c,
        &format!("{base}/v1/chat/completions"),
        &openai_request("x", true),
        &[],
    )
    .await;
    let events = parse_sse(&resp.text().await.unwrap());
    // role + 5 content + finish + [DONE]
    assert_eq!(events.len(), 8);
    let list: serde_json::Value = serde_json::from_slice(
        &c.get(format!("{base}/_mock/requests"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
