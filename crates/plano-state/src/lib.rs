//! State the gateway keeps beyond one request.
//!
//! Today that is session affinity: for each session key, the [`Binding`] recording which model
//! served it last and when, so the session router can tell a warm provider cache from a cold one
//! (spec §4.6). The store is in process ([`MemoryStore`]) or shared by every replica through
//! Redis ([`RedisStore`]); the gateway holds a [`SessionStore`] and fails open on its errors.
//!
//! # Layout
//! - [`binding`]: the binding record and its model history; its JSON is the Redis value.
//! - [`memory`]: the sharded, bounded, TTL + LRU in-process store.
//! - [`redis`]: the Redis store and its own small RESP2 client (URL, codec, connection, pool).
//! - [`store`]: [`SessionStore`], the one type the gateway sees.
//! - [`error`]: [`StoreError`], with a metric label and no credentials in any message.

pub mod binding;
pub mod error;
pub mod memory;
pub mod redis;
pub mod store;

pub use binding::{Binding, HISTORY_LIMIT, HistoryEntry};
pub use error::StoreError;
pub use memory::MemoryStore;
pub use redis::{RedisOptions, RedisStore};
pub use store::SessionStore;
