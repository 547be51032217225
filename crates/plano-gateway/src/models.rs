//! `GET /v1/models`: the configured models in OpenAI's list shape (spec §2.7).
//!
//! The body is rendered once at start-up; serving it is a refcount bump. Wildcard providers are
//! not listed (they match any model of their prefix), nor are the gateway's internal providers.

use bytes::Bytes;
use plano_config::Provider;
use serde_json::json;

pub fn list_json(providers: &[Provider]) -> Bytes {
    let data: Vec<_> = providers
        .iter()
        .filter(|p| !p.wildcard && !p.internal)
        .map(|p| json!({"id": p.name, "object": "model", "created": 0, "owned_by": p.spec.display}))
        .collect();
    Bytes::from(json!({"object": "list", "data": data}).to_string())
}
