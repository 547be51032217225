//! `plano-bench router`: the CPU the gateway spends on a routing decision, apart from the
//! router model's own latency — extracting the conversation, building the prompt, writing the
//! router body and parsing the answer — for small, agent-sized and oversized conversations.
//!
//! Routing costs one LLM round trip (tens to hundreds of milliseconds); this shows that what
//! the gateway adds around it is microseconds.

use std::hint::black_box;
use std::time::{Duration, Instant};

use plano_router::{Flavor, RouteDesc};

/// One measured case: a name and a chat-completions body.
struct Case {
    name: &'static str,
    body: Vec<u8>,
}

fn chat_body(turns: usize, words_per_turn: usize) -> Vec<u8> {
    let mut messages = vec![
        serde_json::json!({"role": "system", "content": "You are a coding agent. ".repeat(40)}),
    ];
    for i in 0..turns {
        let text = format!("turn {i}: ")
            + &"please refactor this function and explain ".repeat(words_per_turn / 6 + 1);
        let role = if i % 2 == 0 { "user" } else { "assistant" };
        messages.push(serde_json::json!({"role": role, "content": text}));
    }
    serde_json::to_vec(&serde_json::json!({"model": "m", "messages": messages, "tools": [
        {"type": "function", "function": {"name": "read_file", "parameters": {"type": "object"}}},
        {"type": "function", "function": {"name": "run_tests", "parameters": {"type": "object"}}}
    ]}))
    .unwrap_or_default()
}

const ROUTES: [(&str, &str); 7] = [
    (
        "code generation",
        "generating new code, writing functions, implementing features",
    ),
    (
        "code understanding",
        "reading and reviewing existing code, explaining what code does",
    ),
    (
        "troubleshooting",
        "analyzing exceptions, diagnosing bugs, investigating errors",
    ),
    (
        "analysis",
        "analyzing data, complex reasoning, evaluating tradeoffs",
    ),
    (
        "documentation",
        "writing documentation, README files, API docs",
    ),
    (
        "web browsing",
        "browsing websites, fetching web content, searching the internet",
    ),
    (
        "quick tasks",
        "simple questions, factual lookups, translations, short answers",
    ),
];

pub fn run() -> anyhow::Result<()> {
    let cases = [
        Case {
            name: "2 turns",
            body: chat_body(2, 20),
        },
        Case {
            name: "40 turns (agent loop)",
            body: chat_body(40, 120),
        },
        Case {
            name: "16 turns, 200 KB (trimmed)",
            body: chat_body(16, 2000),
        },
    ];
    let routes: Vec<RouteDesc<'_>> = ROUTES
        .iter()
        .map(|(name, description)| RouteDesc { name, description })
        .collect();
    let answer = br#"{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"{\"route\": [\"code generation\"]}"},"finish_reason":"stop"}]}"#;
    println!("| conversation | body | µs per decision (extract + prompt + body + parse) |");
    println!("|---|---|---|");
    for case in &cases {
        let one = || -> Option<usize> {
            let conv =
                plano_router::conversation(plano_catalog::Api::OpenAiChat, &case.body).ok()?;
            let prompt = plano_router::build_prompt(Flavor::OrchestratorV1, &routes, &conv, 8192);
            let body = plano_router::router_request_body("Plano-Orchestrator", &prompt);
            let text = plano_router::router_answer_text(answer).ok()??;
            let names = plano_router::parse_answer(&text).ok()?;
            Some(body.len() + names.len())
        };
        // Warm up, then time enough iterations for ~0.5 s.
        for _ in 0..20 {
            black_box(one());
        }
        let started = Instant::now();
        let mut n = 0u32;
        while started.elapsed() < Duration::from_millis(500) {
            black_box(one());
            n += 1;
        }
        let per = started.elapsed().as_secs_f64() * 1e6 / f64::from(n.max(1));
        println!(
            "| {} | {} KB | {per:.1} |",
            case.name,
            case.body.len() / 1024
        );
    }
    Ok(())
}
