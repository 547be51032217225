//! The session store the gateway holds: memory or Redis, chosen by
//! `routing.session_cache.type`, behind one async interface.
//!
//! An enum rather than a trait object: there are exactly two stores, the memory path stays a
//! direct synchronous call (no boxed future per request), and the gateway shares one value
//! behind an `Arc`.

use std::time::Duration;

use crate::binding::Binding;
use crate::error::StoreError;
use crate::memory::MemoryStore;
use crate::redis::{RedisOptions, RedisStore};

/// Where session bindings live.
#[derive(Debug)]
pub enum SessionStore {
    Memory(MemoryStore),
    Redis(RedisStore),
}

impl SessionStore {
    /// An in-process store of at most `capacity` bindings (clamped to `1..=10_000`).
    pub fn memory(capacity: usize) -> SessionStore {
        SessionStore::Memory(MemoryStore::new(capacity))
    }

    /// A Redis store with the default limits (5 s connect timeout, 2 s response timeout).
    /// Connects before returning, so an unreachable server or bad credentials fail here — the
    /// gateway refuses to start rather than run without its configured store.
    pub async fn redis(url: &str) -> Result<SessionStore, StoreError> {
        RedisStore::connect(url, RedisOptions::default())
            .await
            .map(SessionStore::Redis)
    }

    /// A Redis store that connects on first use (see [`RedisStore::lazy`]); only a malformed
    /// URL fails here.
    pub fn redis_lazy(url: &str) -> Result<SessionStore, StoreError> {
        RedisStore::lazy(url, RedisOptions::default()).map(SessionStore::Redis)
    }

    /// The live binding for `key`; expired bindings are misses.
    pub async fn get(&self, key: &str) -> Result<Option<Binding>, StoreError> {
        match self {
            SessionStore::Memory(store) => Ok(store.get(key)),
            SessionStore::Redis(store) => store.get(key).await,
        }
    }

    /// Stores `binding` under `key` for `ttl` (Redis rounds up to whole seconds, minimum 1).
    pub async fn put(&self, key: &str, binding: &Binding, ttl: Duration) -> Result<(), StoreError> {
        match self {
            SessionStore::Memory(store) => {
                store.put(key, binding, ttl);
                Ok(())
            }
            SessionStore::Redis(store) => store.put(key, binding, ttl).await,
        }
    }

    /// Drops expired bindings from a memory store and returns how many; Redis expires keys
    /// itself, so this is a no-op there. The gateway calls it periodically (spec: every 300 s).
    pub fn sweep(&self) -> usize {
        match self {
            SessionStore::Memory(store) => store.sweep(),
            SessionStore::Redis(_) => 0,
        }
    }

    /// `"memory"` or `"redis"`, for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            SessionStore::Memory(_) => "memory",
            SessionStore::Redis(_) => "redis",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_and_its_futures_are_send_and_sync() {
        fn send_sync<T: Send + Sync>(_: &T) {}
        fn send<T: Send>(_: &T) {}
        let store = SessionStore::memory(4);
        send_sync(&store);
        let binding = Binding::default();
        send(&store.get("k"));
        send(&store.put("k", &binding, Duration::from_secs(1)));
        send(&SessionStore::redis("redis://127.0.0.1:1"));
    }

    #[tokio::test]
    async fn memory_round_trip_through_the_enum() {
        let store = SessionStore::memory(4);
        assert_eq!(store.kind(), "memory");
        assert_eq!(store.get("k").await.unwrap(), None);
        let binding = Binding {
            anchor_model: "openai/gpt-4o".into(),
            last_used: 5,
            ..Binding::default()
        };
        store
            .put("k", &binding, Duration::from_secs(60))
            .await
            .unwrap();
        assert_eq!(store.get("k").await.unwrap(), Some(binding));
        store
            .put("gone", &Binding::default(), Duration::ZERO)
            .await
            .unwrap();
        assert_eq!(store.get("gone").await.unwrap(), None);
        assert_eq!(store.sweep(), 0);
    }
}
