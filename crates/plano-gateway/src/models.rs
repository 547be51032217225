//! `GET /v1/models`: the configured models in OpenAI's list shape (spec §2.7).
//!
//! The body is rendered once at start-up; serving it is a refcount bump. A wildcard entry itself is
//! not listed (it matches any model of its prefix); a known provider's wildcard lists the catalog
//! models it expands to. The gateway's internal providers are not listed.

use bytes::Bytes;
use plano_config::Provider;
use serde_json::json;

pub fn list_json(providers: &[Provider]) -> Bytes {
    let mut data: Vec<_> = providers
        .iter()
        .filter(|p| !p.wildcard && !p.internal)
        .map(|p| json!({"id": p.name, "object": "model", "created": 0, "owned_by": p.spec.display}))
        .collect();
    // Known-provider wildcards list their catalog models by canonical name (spec §2.6).
    data.extend(
        plano_config::expand_wildcards(providers)
            .into_iter()
            .filter(|e| !providers[e.provider].internal)
            .map(|e| {
                let owned_by = providers[e.provider].spec.display;
                json!({"id": e.canonical, "object": "model", "created": 0, "owned_by": owned_by})
            }),
    );
    Bytes::from(json!({"object": "list", "data": data}).to_string())
}
