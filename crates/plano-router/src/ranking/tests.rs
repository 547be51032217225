use std::collections::HashMap;

use super::*;

fn no_aliases() -> HashMap<String, String> {
    HashMap::new()
}

fn cost(input: f64, output: f64) -> ModelCost {
    ModelCost {
        input,
        output,
        cache_read: None,
    }
}

fn costs(entries: &[(&str, f64, f64)]) -> Costs {
    entries
        .iter()
        .map(|(k, i, o)| ((*k).to_owned(), cost(*i, *o)))
        .collect()
}

fn latencies(entries: &[(&str, f64)]) -> Latencies {
    entries.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

// ---- models.dev ----

const MODELS_DEV: &str = r#"{
  "openai": {
    "id": "openai", "name": "OpenAI", "env": ["OPENAI_API_KEY"],
    "models": {
      "gpt-4o": {"id": "gpt-4o", "cost": {"input": 2.5, "output": 10, "cache_read": 1.25},
                 "limit": {"context": 128000, "output": 16384}},
      "gpt-4o-mini": {"id": "gpt-4o-mini", "cost": {"input": 0.15, "output": 0.6}},
      "whisper-1": {"id": "whisper-1"},
      "tts-1": {"id": "tts-1", "cost": {"input": 15}}
    }
  },
  "azure": {
    "models": {
      "gpt-4o": {"cost": {"input": 5, "output": 20}},
      "gpt-4.1": {"cost": {"input": 2, "output": 8}}
    }
  },
  "openrouter": {
    "models": {
      "meta-llama/llama-3-70b": {"cost": {"input": 0.5, "output": "0.75"}},
      "odd": {"cost": {"input": "cheap", "output": 1}},
      "nulls": {"cost": {"input": null, "output": 1}},
      "flat": {"cost": 3}
    }
  },
  "broken-provider": 42,
  "no-models": {"id": "x"},
  "models-not-object": {"models": ["a"]}
}"#;

#[test]
fn models_dev_registers_qualified_and_bare_keys() {
    let c = parse_models_dev(MODELS_DEV.as_bytes(), &no_aliases()).unwrap();
    assert_eq!(
        c["openai/gpt-4o"],
        ModelCost {
            input: 2.5,
            output: 10.0,
            cache_read: Some(1.25)
        }
    );
    assert_eq!(c["openai/gpt-4o-mini"], cost(0.15, 0.6));
    assert_eq!(c["azure/gpt-4o"], cost(5.0, 20.0));
    // The bare key: the first provider in document order wins.
    assert_eq!(c["gpt-4o"], c["openai/gpt-4o"]);
    assert_eq!(c["gpt-4.1"], cost(2.0, 8.0));
    // Model keys with a slash, and prices given as strings.
    assert_eq!(c["openrouter/meta-llama/llama-3-70b"], cost(0.5, 0.75));
    assert_eq!(c["meta-llama/llama-3-70b"], cost(0.5, 0.75));
}

#[test]
fn models_dev_skips_models_without_both_prices() {
    let c = parse_models_dev(MODELS_DEV.as_bytes(), &no_aliases()).unwrap();
    for missing in [
        "openai/whisper-1",
        "whisper-1",
        "openai/tts-1",
        "tts-1",
        "openrouter/odd",
        "openrouter/nulls",
        "openrouter/flat",
    ] {
        assert!(!c.contains_key(missing), "{missing}");
    }
    // 5 qualified + 4 bare (gpt-4o once).
    assert_eq!(c.len(), 9, "{c:?}");
}

#[test]
fn models_dev_aliases_rename_the_qualified_key() {
    let aliases = HashMap::from([("openai/gpt-4o-mini".to_owned(), "my/mini".to_owned())]);
    let c = parse_models_dev(MODELS_DEV.as_bytes(), &aliases).unwrap();
    assert_eq!(c["my/mini"], cost(0.15, 0.6));
    assert!(!c.contains_key("openai/gpt-4o-mini"));
    // The bare fallback is still there.
    assert_eq!(c["gpt-4o-mini"], cost(0.15, 0.6));
}

#[test]
fn models_dev_qualified_keys_win_over_bare_ones() {
    // Provider "meta-llama"'s "llama-3-70b" and openrouter's "meta-llama/llama-3-70b" (bare)
    // share a key; the qualified one wins wherever it appears in the document.
    let body = r#"{
      "openrouter": {"models": {"meta-llama/llama-3-70b": {"cost": {"input": 9, "output": 9}}}},
      "meta-llama": {"models": {"llama-3-70b": {"cost": {"input": 1, "output": 1}}}}
    }"#;
    let c = parse_models_dev(body.as_bytes(), &no_aliases()).unwrap();
    assert_eq!(c["meta-llama/llama-3-70b"], cost(1.0, 1.0));
}

#[test]
fn models_dev_malformed_bodies_are_errors() {
    for body in ["", "not json", "[1, 2]", "\"text\"", "null", "{\"a\": "] {
        let err = parse_models_dev(body.as_bytes(), &no_aliases());
        assert!(err.is_err(), "{body:?} → {err:?}");
    }
    assert!(matches!(
        parse_models_dev(b"[]", &no_aliases()),
        Err(MetricsError::Shape(_))
    ));
    assert!(matches!(
        parse_models_dev(b"{", &no_aliases()),
        Err(MetricsError::Json(_))
    ));
    // An empty catalog is not an error: just no data.
    assert!(parse_models_dev(b"{}", &no_aliases()).unwrap().is_empty());
}

// ---- DigitalOcean ----

const DIGITALOCEAN: &str = r#"{
  "data": [
    {"model_id": "llama3.3-70b-instruct", "name": "Llama 3.3",
     "pricing": {"input_price_per_million": 0.00000065, "output_price_per_million": 0.00000065}},
    {"model_id": "anthropic-claude-3.5-sonnet",
     "pricing": {"input_price_per_million": 0.000003, "output_price_per_million": 0.000015,
                 "cache_read_input_price_per_million": 0.0000003}},
    {"model_id": "openai-gpt-4o",
     "pricing": {"input_price_per_million": 0.0000025, "output_price_per_million": 0.00001,
                 "input_cache_read": 0.00000125}},
    {"model_id": "bge-m3"},
    {"model_id": "half", "pricing": {"input_price_per_million": 0.000001}},
    {"pricing": {"input_price_per_million": 1, "output_price_per_million": 1}},
    {"model_id": 7, "pricing": {"input_price_per_million": 1, "output_price_per_million": 1}},
    "junk"
  ],
  "links": {}
}"#;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn digitalocean_prices_are_per_token_and_scaled() {
    let c = parse_digitalocean(DIGITALOCEAN.as_bytes(), &no_aliases()).unwrap();
    assert_eq!(c.len(), 3, "{c:?}");
    let llama = c["llama3.3-70b-instruct"];
    assert!(
        close(llama.input, 0.65) && close(llama.output, 0.65),
        "{llama:?}"
    );
    assert_eq!(llama.cache_read, None);
    let sonnet = c["anthropic-claude-3.5-sonnet"];
    assert!(close(sonnet.input, 3.0) && close(sonnet.output, 15.0));
    assert!(close(sonnet.cache_read.unwrap(), 0.3));
    // The older field name for the cached rate.
    assert!(close(c["openai-gpt-4o"].cache_read.unwrap(), 1.25));
}

#[test]
fn digitalocean_aliases_rename_the_model_id() {
    let aliases = HashMap::from([(
        "openai-gpt-4o".to_owned(),
        "digitalocean/openai-gpt-4o".to_owned(),
    )]);
    let c = parse_digitalocean(DIGITALOCEAN.as_bytes(), &aliases).unwrap();
    assert!(c.contains_key("digitalocean/openai-gpt-4o"));
    assert!(!c.contains_key("openai-gpt-4o"));
}

#[test]
fn digitalocean_malformed_bodies_are_errors() {
    for body in [
        "",
        "{",
        "[]",
        "{}",
        "{\"data\": {}}",
        "{\"data\": null}",
        "7",
    ] {
        let err = parse_digitalocean(body.as_bytes(), &no_aliases());
        assert!(err.is_err(), "{body:?} → {err:?}");
    }
    assert!(
        parse_digitalocean(b"{\"data\": []}", &no_aliases())
            .unwrap()
            .is_empty()
    );
}

// ---- Prometheus ----

#[test]
fn prometheus_vector_by_model_name() {
    let body = r#"{"status":"success","data":{"resultType":"vector","result":[
      {"metric":{"model_name":"openai/gpt-4o","job":"plano"},"value":[1712345678.123,"0.85"]},
      {"metric":{"model_name":"openai/gpt-4o-mini"},"value":[1712345678.123,"0.3"]},
      {"metric":{"model_name":"openai/gpt-4o"},"value":[1712345678.123,"9"]},
      {"metric":{"model_name":"idle"},"value":[1712345678.123,"NaN"]},
      {"metric":{"model_name":"slowest"},"value":[1712345678.123,"+Inf"]},
      {"metric":{"model_name":"garbled"},"value":[1712345678.123,"fast"]},
      {"metric":{"model_name":"numeric"},"value":[1712345678.123,0.5]},
      {"metric":{"model_name":"short"},"value":[1712345678.123]},
      {"metric":{"instance":"x"},"value":[1712345678.123,"1"]},
      {"value":[1712345678.123,"1"]},
      "junk"
    ]}}"#;
    let l = parse_prometheus(body.as_bytes()).unwrap();
    assert_eq!(l["openai/gpt-4o"], 0.85, "first series wins");
    assert_eq!(l["openai/gpt-4o-mini"], 0.3);
    assert_eq!(l["slowest"], f64::INFINITY);
    assert_eq!(l.len(), 3, "{l:?}");
}

#[test]
fn prometheus_errors() {
    let failed = r#"{"status":"error","errorType":"bad_data","error":"parse error at char 5"}"#;
    assert_eq!(
        parse_prometheus(failed.as_bytes()),
        Err(MetricsError::Prometheus("parse error at char 5".into()))
    );
    assert_eq!(
        parse_prometheus(br#"{"data":{}}"#),
        Err(MetricsError::Prometheus("status missing".into()))
    );
    let matrix = r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
    assert!(matches!(
        parse_prometheus(matrix.as_bytes()),
        Err(MetricsError::Shape(_))
    ));
    let no_result = r#"{"status":"success","data":{"resultType":"vector"}}"#;
    assert!(matches!(
        parse_prometheus(no_result.as_bytes()),
        Err(MetricsError::Shape(_))
    ));
    for body in ["", "{", "[]", "null", "\"success\""] {
        assert!(parse_prometheus(body.as_bytes()).is_err(), "{body:?}");
    }
    let empty = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
    assert!(parse_prometheus(empty.as_bytes()).unwrap().is_empty());
}

#[test]
fn prometheus_query_url_encodes_promql() {
    assert_eq!(
        query_url(
            "http://prom:9090/",
            r#"histogram_quantile(0.5, sum by (model_name, le) (rate(x{a="b"}[5m])))"#
        ),
        "http://prom:9090/api/v1/query?query=histogram_quantile%280.5%2C%20sum%20by%20%28model_name%2C%20le%29%20%28rate%28x%7Ba%3D%22b%22%7D%5B5m%5D%29%29%29"
    );
    assert_eq!(
        query_url("https://p.example/prom", "up+1 é"),
        "https://p.example/prom/api/v1/query?query=up%2B1%20%C3%A9"
    );
}

// ---- ranking ----

const ROUTE: [&str; 3] = [
    "openai/gpt-4o",
    "anthropic/claude-sonnet-4-5",
    "openai/gpt-4o-mini",
];

#[test]
fn cheapest_sorts_by_input_plus_output() {
    let c = costs(&[
        ("openai/gpt-4o", 2.5, 10.0),
        ("anthropic/claude-sonnet-4-5", 3.0, 15.0),
        ("openai/gpt-4o-mini", 0.15, 0.6),
    ]);
    assert_eq!(
        rank(&ROUTE, Prefer::Cheapest, &c, &Latencies::new()),
        [2, 0, 1]
    );
    // Input alone would put gpt-4o first: the blend is what counts.
    let c = costs(&[("a/x", 1.0, 100.0), ("a/y", 2.0, 3.0)]);
    assert_eq!(
        rank(&["a/x", "a/y"], Prefer::Cheapest, &c, &Latencies::new()),
        [1, 0]
    );
}

#[test]
fn fastest_sorts_by_latency() {
    let l = latencies(&[
        ("openai/gpt-4o", 0.9),
        ("anthropic/claude-sonnet-4-5", 0.4),
        ("openai/gpt-4o-mini", 1.2),
    ]);
    assert_eq!(rank(&ROUTE, Prefer::Fastest, &Costs::new(), &l), [1, 0, 2]);
    // Prices are irrelevant to fastest and latencies to cheapest.
    let c = costs(&[("openai/gpt-4o-mini", 0.1, 0.1)]);
    assert_eq!(rank(&ROUTE, Prefer::Fastest, &c, &l), [1, 0, 2]);
    assert_eq!(rank(&ROUTE, Prefer::Cheapest, &Costs::new(), &l), [0, 1, 2]);
}

#[test]
fn none_is_configured_order() {
    let c = costs(&[("openai/gpt-4o-mini", 0.1, 0.1)]);
    let l = latencies(&[("openai/gpt-4o-mini", 0.1)]);
    assert_eq!(rank(&ROUTE, Prefer::None, &c, &l), [0, 1, 2]);
}

#[test]
fn models_without_data_follow_in_configured_order() {
    let c = costs(&[("anthropic/claude-sonnet-4-5", 3.0, 15.0)]);
    assert_eq!(
        rank(&ROUTE, Prefer::Cheapest, &c, &Latencies::new()),
        [1, 0, 2]
    );
    // NaN counts as no data (a table built by hand may hold one; the parsers drop them).
    let l = latencies(&[
        ("openai/gpt-4o", f64::NAN),
        ("anthropic/claude-sonnet-4-5", 2.0),
        ("openai/gpt-4o-mini", 1.0),
    ]);
    assert_eq!(rank(&ROUTE, Prefer::Fastest, &Costs::new(), &l), [2, 1, 0]);
    let c = costs(&[("openai/gpt-4o", f64::NAN, 1.0)]);
    assert_eq!(
        rank(&ROUTE, Prefer::Cheapest, &c, &Latencies::new()),
        [0, 1, 2]
    );
    // Infinity is data: ranked, last among the ranked.
    let l = latencies(&[
        ("openai/gpt-4o", f64::INFINITY),
        ("openai/gpt-4o-mini", 5.0),
    ]);
    assert_eq!(rank(&ROUTE, Prefer::Fastest, &Costs::new(), &l), [2, 0, 1]);
}

#[test]
fn empty_tables_and_empty_routes() {
    assert_eq!(
        rank(&ROUTE, Prefer::Cheapest, &Costs::new(), &Latencies::new()),
        [0, 1, 2]
    );
    assert_eq!(
        rank(&ROUTE, Prefer::Fastest, &Costs::new(), &Latencies::new()),
        [0, 1, 2]
    );
    assert!(rank(&[], Prefer::Cheapest, &Costs::new(), &Latencies::new()).is_empty());
}

#[test]
fn ties_keep_configured_order() {
    let c = costs(&[("a/1", 1.0, 1.0), ("a/2", 0.5, 1.5), ("a/3", 2.0, 0.0)]);
    assert_eq!(
        rank(
            &["a/1", "a/2", "a/3"],
            Prefer::Cheapest,
            &c,
            &Latencies::new()
        ),
        [0, 1, 2]
    );
    assert_eq!(
        rank(
            &["a/3", "a/1", "a/2"],
            Prefer::Cheapest,
            &c,
            &Latencies::new()
        ),
        [0, 1, 2]
    );
}

#[test]
fn exact_key_first_then_the_part_after_the_first_slash() {
    // The bare catalog key answers for any provider prefix…
    let c = costs(&[("gpt-4o", 2.5, 10.0), ("gpt-4o-mini", 0.15, 0.6)]);
    assert_eq!(
        rank(
            &["custom/gpt-4o", "azure/gpt-4o-mini"],
            Prefer::Cheapest,
            &c,
            &Latencies::new()
        ),
        [1, 0]
    );
    // …but an exact entry wins over it.
    let c = costs(&[
        ("gpt-4o", 2.5, 10.0),
        ("gpt-4o-mini", 0.15, 0.6),
        ("azure/gpt-4o-mini", 50.0, 50.0),
    ]);
    assert_eq!(
        rank(
            &["custom/gpt-4o", "azure/gpt-4o-mini"],
            Prefer::Cheapest,
            &c,
            &Latencies::new()
        ),
        [0, 1]
    );
    // Only the first slash is cut: `together_ai/meta-llama/x` → `meta-llama/x`.
    let l = latencies(&[("meta-llama/x", 0.1)]);
    assert_eq!(
        rank(
            &["openai/gpt-4o", "together_ai/meta-llama/x"],
            Prefer::Fastest,
            &Costs::new(),
            &l
        ),
        [1, 0]
    );
    // A name without a slash is looked up as is.
    assert_eq!(lookup(&l, "meta-llama/x"), Some(&0.1));
    assert_eq!(lookup(&l, "x"), None);
    assert_eq!(lookup(&latencies(&[("router", 1.0)]), "router"), Some(&1.0));
}

#[test]
fn parsed_feeds_rank_a_route() {
    let c = parse_models_dev(MODELS_DEV.as_bytes(), &no_aliases()).unwrap();
    assert_eq!(
        rank(
            &[
                "openai/gpt-4o",
                "openai/gpt-4o-mini",
                "custom/gpt-4.1",
                "custom/unknown"
            ],
            Prefer::Cheapest,
            &c,
            &Latencies::new()
        ),
        [1, 2, 0, 3]
    );
}
