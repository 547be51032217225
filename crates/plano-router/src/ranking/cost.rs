//! Price catalogs → [`Costs`] (spec §4.4, "Metrics sources").
//!
//! - **models.dev** (`https://models.dev/api.json`): an object keyed by provider id, each with
//!   `models: {<model key>: {cost: {input, output, cache_read?}}}`, USD per million tokens.
//!   Every priced model is registered as `<provider id>/<model key>` (or the `model_aliases`
//!   target of that key) and, as a fallback for routes written with another provider prefix,
//!   under its bare `<model key>` — the first provider in document order wins the bare key, and a
//!   qualified key always wins over a bare one.
//! - **DigitalOcean** (`/v2/gen-ai/models/catalog`): `{data: [{model_id, pricing:
//!   {input_price_per_million, output_price_per_million, cache_read_input_price_per_million |
//!   input_cache_read}}]}`. Despite the names the values are USD per *token*, so they are
//!   multiplied by 10⁶. Key = `model_id`, or its `model_aliases` target.
//!
//! Models lacking an input or an output price are skipped.

use std::collections::HashMap;

use serde_json::Value;

use super::{Costs, MetricsError, ModelCost, number};

/// Parses a models.dev catalog. `aliases` maps a catalog key (`<provider id>/<model key>`) to
/// the name the config uses.
pub fn parse_models_dev(
    body: &[u8],
    aliases: &HashMap<String, String>,
) -> Result<Costs, MetricsError> {
    let doc: Value = serde_json::from_slice(body).map_err(|e| MetricsError::Json(e.to_string()))?;
    let Value::Object(providers) = doc else {
        return Err(MetricsError::Shape(
            "a models.dev catalog is an object keyed by provider id",
        ));
    };
    let mut costs = Costs::new();
    let mut bare: Vec<(&str, ModelCost)> = Vec::new();
    for (provider, entry) in &providers {
        let Some(models) = entry.get("models").and_then(Value::as_object) else {
            continue;
        };
        for (key, model) in models {
            let Some(cost) = model.get("cost") else {
                continue;
            };
            let (Some(input), Some(output)) =
                (number(cost.get("input")), number(cost.get("output")))
            else {
                continue;
            };
            let c = ModelCost {
                input,
                output,
                cache_read: number(cost.get("cache_read")),
            };
            let qualified = format!("{provider}/{key}");
            let name = aliases.get(&qualified).cloned().unwrap_or(qualified);
            costs.entry(name).or_insert(c);
            bare.push((key, c));
        }
    }
    for (key, c) in bare {
        costs.entry(key.to_owned()).or_insert(c);
    }
    Ok(costs)
}

/// Parses DigitalOcean's model catalog. `aliases` maps a `model_id` to the name the config uses.
pub fn parse_digitalocean(
    body: &[u8],
    aliases: &HashMap<String, String>,
) -> Result<Costs, MetricsError> {
    const PER_MILLION: f64 = 1e6;
    let doc: Value = serde_json::from_slice(body).map_err(|e| MetricsError::Json(e.to_string()))?;
    let Some(data) = doc.get("data").and_then(Value::as_array) else {
        return Err(MetricsError::Shape(
            "a DigitalOcean catalog is an object with a `data` array",
        ));
    };
    let mut costs = Costs::new();
    for entry in data {
        let Some(id) = entry.get("model_id").and_then(Value::as_str) else {
            continue;
        };
        let Some(pricing) = entry.get("pricing") else {
            continue;
        };
        let (Some(input), Some(output)) = (
            number(pricing.get("input_price_per_million")),
            number(pricing.get("output_price_per_million")),
        ) else {
            continue;
        };
        let cache_read = number(pricing.get("cache_read_input_price_per_million"))
            .or_else(|| number(pricing.get("input_cache_read")));
        let name = aliases.get(id).map_or(id, String::as_str);
        costs.entry(name.to_owned()).or_insert(ModelCost {
            input: input * PER_MILLION,
            output: output * PER_MILLION,
            cache_read: cache_read.map(|c| c * PER_MILLION),
        });
    }
    Ok(costs)
}
