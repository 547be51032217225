//! The Redis store against a real Redis, named by `PLANO_TEST_REDIS_URL` (CI:
//! `redis://127.0.0.1:6379`). Without it every test passes after saying it skipped.
//!
//! Every key carries a per-run suffix and a short TTL, and each test deletes what it wrote, so
//! parallel runs never collide and nothing else in the database is touched.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use plano_state::redis::{RedisUrl, Value};
use plano_state::{Binding, RedisStore, SessionStore, StoreError};

const TTL: Duration = Duration::from_secs(60);

fn redis_url() -> Option<String> {
    let url = std::env::var("PLANO_TEST_REDIS_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        println!("skipping: PLANO_TEST_REDIS_URL is not set");
    }
    url
}

/// A session key no other run or test uses.
fn unique_key(name: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("test:{name}:{}-{nanos:x}-{n}", std::process::id())
}

fn binding(anchor: &str, last_used: u64) -> Binding {
    let mut b = Binding {
        anchor_model: anchor.into(),
        default_model: "openai/gpt-4o".into(),
        requested_model: "fast".into(),
        route_name: Some("code".into()),
        prefix_hash: Some(0xdead_beef_cafe_f00d),
        last_used,
        cached_tokens: 1234,
        baseline_usd: 0.25,
        switch_spend_usd: 0.0125,
        switches: 1,
        history: Vec::new(),
        session_cost_usd: 0.5,
    };
    b.touch_history(anchor, last_used, 1234);
    b
}

async fn redis_store(url: &str) -> RedisStore {
    match SessionStore::redis(url).await.unwrap() {
        SessionStore::Redis(store) => store,
        other => panic!("expected a Redis store, got {}", other.kind()),
    }
}

async fn delete(store: &RedisStore, keys: &[String]) {
    for key in keys {
        let redis_key = RedisStore::redis_key(key);
        store
            .command(&[b"DEL", redis_key.as_bytes()])
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn put_get_round_trip() {
    let Some(url) = redis_url() else { return };
    let store = SessionStore::redis(&url).await.unwrap();
    assert_eq!(store.kind(), "redis");
    let key = unique_key("round-trip");

    assert_eq!(store.get(&key).await.unwrap(), None);
    let first = binding("anthropic/claude-sonnet-4", 100);
    store.put(&key, &first, TTL).await.unwrap();
    assert_eq!(store.get(&key).await.unwrap(), Some(first));

    // Overwrite.
    let second = binding("openai/gpt-4o-mini", 200);
    store.put(&key, &second, TTL).await.unwrap();
    assert_eq!(store.get(&key).await.unwrap(), Some(second));

    let SessionStore::Redis(redis) = &store else {
        unreachable!()
    };
    delete(redis, &[key]).await;
}

#[tokio::test]
async fn value_is_binding_json_under_the_prefixed_key() {
    let Some(url) = redis_url() else { return };
    let store = redis_store(&url).await;
    let key = unique_key("layout");
    let b = binding("openai/gpt-4o", 7);
    store.put(&key, &b, TTL).await.unwrap();

    let redis_key = format!("plano:affinity:{key}");
    let Value::Bulk(json) = store
        .command(&[b"GET", redis_key.as_bytes()])
        .await
        .unwrap()
    else {
        panic!("expected a bulk string");
    };
    let stored: Binding = serde_json::from_slice(&json).unwrap();
    assert_eq!(stored, b);
    delete(&store, &[key]).await;
}

#[tokio::test]
async fn foreign_value_is_a_bad_value_error() {
    let Some(url) = redis_url() else { return };
    let store = redis_store(&url).await;
    let key = unique_key("foreign");
    let redis_key = RedisStore::redis_key(&key);
    store
        .command(&[b"SET", redis_key.as_bytes(), b"not json", b"EX", b"60"])
        .await
        .unwrap();
    let err = store.get(&key).await.unwrap_err();
    assert!(matches!(err, StoreError::BadValue(_)), "{err:?}");
    delete(&store, &[key]).await;
}

#[tokio::test]
async fn ttl_is_set_and_honoured() {
    let Some(url) = redis_url() else { return };
    let store = redis_store(&url).await;
    let long = unique_key("ttl-long");
    let short = unique_key("ttl-short");

    store
        .put(&long, &binding("a/x", 1), Duration::from_secs(300))
        .await
        .unwrap();
    let redis_key = RedisStore::redis_key(&long);
    let Value::Integer(ttl) = store
        .command(&[b"TTL", redis_key.as_bytes()])
        .await
        .unwrap()
    else {
        panic!("TTL answers an integer");
    };
    assert!((295..=300).contains(&ttl), "ttl {ttl}");

    // Sub-second TTLs round up to one second, and the key is gone after it.
    store
        .put(&short, &binding("a/x", 1), Duration::from_millis(200))
        .await
        .unwrap();
    assert!(store.get(&short).await.unwrap().is_some());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(store.get(&short).await.unwrap(), None);

    delete(&store, &[long]).await;
}

#[tokio::test]
async fn wrong_password_fails_at_connect_without_echoing_it() {
    let Some(url) = redis_url() else { return };
    let parsed = RedisUrl::parse(&url).unwrap();
    let scheme = if parsed.tls { "rediss" } else { "redis" };
    let secret = unique_key("pw").replace(':', "");
    let bad = format!(
        "{scheme}://plano-no-such-user:{secret}@{}/{}",
        parsed.addr(),
        parsed.db
    );
    let started = Instant::now();
    let err = SessionStore::redis(&bad).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    let text = format!("{err} {err:?}");
    assert!(
        matches!(&err, StoreError::Server { command, .. } if command == "AUTH"),
        "{text}"
    );
    assert!(!text.contains(&secret), "{text}");
}

#[tokio::test]
async fn closed_port_fails_fast() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    // Runs without Redis too: nothing listens on the port.
    let started = Instant::now();
    let err = SessionStore::redis(&format!("redis://127.0.0.1:{port}"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Connect { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn survives_a_killed_connection() {
    let Some(url) = redis_url() else { return };
    let store = redis_store(&url).await;
    let killer = redis_store(&url).await;
    let key = unique_key("killed");
    store.put(&key, &binding("a/x", 1), TTL).await.unwrap();

    let Value::Integer(id) = store.command(&[b"CLIENT", b"ID"]).await.unwrap() else {
        panic!("CLIENT ID answers an integer");
    };
    let id_arg = id.to_string();
    let killed = killer
        .command(&[b"CLIENT", b"KILL", b"ID", id_arg.as_bytes()])
        .await
        .unwrap();
    assert_eq!(killed, Value::Integer(1));

    // The pooled connection is dead; the store notices and reconnects within the same call.
    assert_eq!(store.get(&key).await.unwrap(), Some(binding("a/x", 1)));
    let Value::Integer(new_id) = store.command(&[b"CLIENT", b"ID"]).await.unwrap() else {
        panic!("CLIENT ID answers an integer");
    };
    assert_ne!(new_id, id);

    // Dropping every pooled connection is just as harmless.
    store.drop_idle_connections();
    assert_eq!(store.idle_connections(), 0);
    assert!(store.get(&key).await.unwrap().is_some());
    delete(&store, &[key]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_gets_and_puts() {
    let Some(url) = redis_url() else { return };
    let store = Arc::new(SessionStore::redis(&url).await.unwrap());
    let keys: Vec<String> = (0..16).map(|i| unique_key(&format!("conc{i}"))).collect();

    let tasks: Vec<_> = keys
        .iter()
        .cloned()
        .map(|key| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                for round in 0..25u64 {
                    store.put(&key, &binding("a/x", round), TTL).await.unwrap();
                    let got = store.get(&key).await.unwrap().unwrap();
                    // Only this task writes this key.
                    assert_eq!(got.last_used, round);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }

    let SessionStore::Redis(redis) = &*store else {
        unreachable!()
    };
    assert!(
        redis.idle_connections() <= 8,
        "{}",
        redis.idle_connections()
    );
    for key in &keys {
        assert_eq!(store.get(key).await.unwrap().unwrap().last_used, 24);
    }
    delete(redis, &keys).await;
}
