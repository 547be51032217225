//! Request recording: order, path with query, headers, body, on/off, clear.

use plano_mock_llm::MockLlm;

use crate::{anthropic_request, client, openai_request, post};

#[tokio::test]
async fn records_requests_in_order() {
    let mock = MockLlm::start().await.unwrap();
    let c = client();
    post(
        &c,
        &mock.url("/openai/deployments/gpt/chat/completions?api-version=2024-10-21"),
        &openai_request("first", false),
        &[
            ("authorization", "Bearer sk-test"),
            ("api-key", "azure-key"),
        ],
    )
    .await;
    post(
        &c,
        &mock.url("/v1/messages"),
        &anthropic_request("second", false),
        &[("x-api-key", "sk-ant"), ("anthropic-version", "2023-06-01")],
    )
    .await;

    let reqs = mock.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(
        reqs[0].path,
        "/openai/deployments/gpt/chat/completions?api-version=2024-10-21"
    );
    assert_eq!(
        reqs[0].path_only(),
        "/openai/deployments/gpt/chat/completions"
    );
    assert_eq!(reqs[0].header("Authorization"), Some("Bearer sk-test"));
    assert_eq!(reqs[0].header("api-key"), Some("azure-key"));
    assert!(reqs[0].headers.iter().all(|(n, _)| *n == n.to_lowercase()));
    assert_eq!(reqs[0].json()["messages"][1]["content"], "first");
    assert_eq!(reqs[1].header("x-api-key"), Some("sk-ant"));
    assert_eq!(reqs[1].header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(reqs[1].json()["model"], "claude-sonnet-4-5");
    assert_eq!(mock.last_request().unwrap().path, "/v1/messages");

    mock.set_recording(false);
    post(
        &c,
        &mock.url("/v1/messages"),
        &anthropic_request("x", false),
        &[],
    )
    .await;
    assert_eq!(mock.requests().len(), 2);
    mock.clear_requests();
    assert!(mock.requests().is_empty());
    mock.shutdown().await;
}

#[tokio::test]
async fn control_endpoint_lists_and_clears() {
    let mock = MockLlm::start().await.unwrap();
    let c = client();
    post(
        &c,
        &mock.url("/v1/chat/completions"),
        &openai_request("hi", false),
        &[],
    )
    .await;
    let list: serde_json::Value = serde_json::from_slice(
        &c.get(mock.url("/_mock/requests"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["path"], "/v1/chat/completions");
    let resp = c.delete(mock.url("/_mock/requests")).send().await.unwrap();
    assert_eq!(resp.status(), 204);
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn shutdown_closes_the_port() {
    let mock = MockLlm::start().await.unwrap();
    let url = mock.url("/v1/chat/completions");
    mock.shutdown().await;
    let err = client().post(url).body("{}").send().await;
    assert!(err.is_err());
}
