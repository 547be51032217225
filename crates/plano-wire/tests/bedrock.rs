//! Bedrock Converse wire types: fixture round trips (unknown block kinds and members survive), typed access
//! to the known parts, and stream payload views.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use plano_wire::bedrock::view::EventView;
use plano_wire::bedrock::{
    ContentBlock, ConverseRequest, ConverseResponse, ReasoningContent, StopReason, SystemBlock,
    Tool, ToolChoice, ToolResultContent,
};
use plano_wire::json_str::raw_str;
use serde_json::Value;

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(name: &str) -> T {
    let text = std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let original: Value = serde_json::from_str(&text).unwrap();
    let typed: T = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), original);
    typed
}

#[test]
fn request() {
    let req: ConverseRequest = round_trip("bedrock_request.json");
    let user = &req.messages[0].content;
    assert!(matches!(user[1], ContentBlock::Image(_)));
    assert!(matches!(user[2], ContentBlock::Document(_)));
    assert!(matches!(user[3], ContentBlock::Other(_)), "video is kept");
    assert!(matches!(user[4], ContentBlock::CachePoint(_)));
    let assistant = &req.messages[1].content;
    assert!(matches!(
        assistant[1],
        ContentBlock::ReasoningContent(ReasoningContent::RedactedContent(_))
    ));
    let ContentBlock::ToolResult(result) = &req.messages[2].content[0] else {
        panic!()
    };
    assert!(matches!(result.content[2], ToolResultContent::Other(_)));
    assert!(matches!(
        req.system.as_deref().unwrap()[2],
        SystemBlock::Other(_)
    ));
    let tools = req.tool_config.as_ref().unwrap();
    assert!(matches!(tools.tools[2], Tool::Other(_)));
    assert!(matches!(tools.tool_choice, Some(ToolChoice::Tool(_))));
    assert_eq!(req.inference_config.as_ref().unwrap().max_tokens, Some(512));
    assert!(req.extra.contains_key("guardrailConfig"));
}

#[test]
fn response() {
    let resp: ConverseResponse = round_trip("bedrock_response.json");
    assert_eq!(
        resp.stop_reason,
        Some(StopReason::Other("guardrail_intervened_v2".into()))
    );
    assert_eq!(
        resp.invoked_model_id(),
        Some("arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku")
    );
    let usage = resp.usage.unwrap();
    assert_eq!(
        (usage.input_tokens, usage.cache_read_input_tokens),
        (12, Some(100))
    );
    assert_eq!(resp.output.message.unwrap().content.len(), 4);
}

#[test]
fn stream_payload_views() {
    let delta: EventView<'_> = serde_json::from_str(
        r#"{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"q\":"}},"p":"abcdefgh"}"#,
    )
    .unwrap();
    assert_eq!(delta.content_block_index, Some(1));
    let input = delta.delta.unwrap().tool_use.unwrap().input;
    assert_eq!(raw_str(input), Some(r#""{\"q\":""#));

    let start: EventView<'_> = serde_json::from_str(
        r#"{"contentBlockIndex":0,"start":{"toolUse":{"toolUseId":"t1","name":"f"}}}"#,
    )
    .unwrap();
    let tool = start.start.unwrap().tool_use.unwrap();
    assert_eq!(
        (tool.tool_use_id.as_deref(), tool.name.as_deref()),
        (Some("t1"), Some("f"))
    );

    let meta: EventView<'_> = serde_json::from_str(
        r#"{"usage":{"inputTokens":3,"outputTokens":4,"totalTokens":7,"cacheReadInputTokens":2},"metrics":{"latencyMs":5}}"#,
    )
    .unwrap();
    let u = meta.usage.unwrap();
    assert_eq!(
        (u.input_tokens, u.output_tokens, u.cache_read_input_tokens),
        (Some(3), Some(4), Some(2))
    );

    let exception: EventView<'_> = serde_json::from_str(r#"{"Message":"slow down"}"#).unwrap();
    assert_eq!(exception.message.as_deref(), Some("slow down"));
}
