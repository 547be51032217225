//! The in-process binding store: bounded, per-entry TTL, least-recently-used eviction.
//!
//! It sits on the request path of every session with affinity, so it is split into shards, each
//! a `std::sync::Mutex` over a small map, chosen by a hash of the key: requests of different
//! sessions rarely touch the same lock, and no lock is ever held across an `await` (the methods
//! are synchronous). Recency and eviction are per shard — the entry evicted is the least recently
//! used *of its shard*, which approximates a global LRU closely once shards hold more than a few
//! entries, without a global list every read would have to lock.
//!
//! Expiry is checked on read (an expired entry is a miss and is removed), on insert into a full
//! shard (expired entries go before any live one is evicted), and by [`MemoryStore::sweep`].
//! Every time-dependent method has an `_at` form taking `now`, so tests are deterministic.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::binding::Binding;

/// Largest capacity a memory store accepts (spec: `session_max_entries` default and maximum).
pub const MAX_CAPACITY: usize = 10_000;

/// Shards in a store with at least this many entries of capacity.
const SHARDS: usize = 16;

/// A bounded in-memory map from session key to [`Binding`].
#[derive(Debug)]
pub struct MemoryStore {
    shards: Box<[Mutex<Shard>]>,
    hasher: RandomState,
    capacity: usize,
}

#[derive(Debug)]
struct Shard {
    entries: HashMap<String, Entry>,
    capacity: usize,
    /// Monotonic counter stamped on every access; the smallest stamp is the LRU entry.
    clock: u64,
}

#[derive(Debug)]
struct Entry {
    binding: Binding,
    /// `None` when `now + ttl` does not fit in an `Instant`: never expires.
    expires_at: Option<Instant>,
    last_access: u64,
}

impl Entry {
    fn is_expired(&self, now: Instant) -> bool {
        self.expires_at.is_some_and(|t| now >= t)
    }
}

impl MemoryStore {
    /// A store holding at most `capacity` bindings, clamped to `1..=`[`MAX_CAPACITY`].
    pub fn new(capacity: usize) -> MemoryStore {
        MemoryStore::with_shards(capacity, SHARDS)
    }

    /// A store with `shards` shards (at most one per entry of capacity). The capacity is split
    /// as evenly as possible, so the total is exact.
    fn with_shards(capacity: usize, shards: usize) -> MemoryStore {
        let capacity = capacity.clamp(1, MAX_CAPACITY);
        let shards = shards.clamp(1, capacity);
        let (base, extra) = (capacity / shards, capacity % shards);
        let shards = (0..shards)
            .map(|i| {
                let capacity = base + usize::from(i < extra);
                Mutex::new(Shard {
                    entries: HashMap::with_capacity(capacity.min(1024)),
                    capacity,
                    clock: 0,
                })
            })
            .collect();
        MemoryStore {
            shards,
            hasher: RandomState::new(),
            capacity,
        }
    }

    /// The most bindings this store holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Bindings currently held, expired ones not yet removed included.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).entries.len()).sum()
    }

    /// True when the store holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The live binding for `key`, marking it most recently used.
    pub fn get(&self, key: &str) -> Option<Binding> {
        self.get_at(key, Instant::now())
    }

    /// [`MemoryStore::get`] as seen at `now`.
    pub fn get_at(&self, key: &str, now: Instant) -> Option<Binding> {
        let mut shard = lock(self.shard(key));
        let stamp = shard.tick();
        let entry = shard.entries.get_mut(key)?;
        if entry.is_expired(now) {
            shard.entries.remove(key);
            return None;
        }
        entry.last_access = stamp;
        Some(entry.binding.clone())
    }

    /// Stores `binding` under `key` for `ttl`, replacing any previous binding.
    pub fn put(&self, key: &str, binding: &Binding, ttl: Duration) {
        self.put_at(key, binding, ttl, Instant::now());
    }

    /// [`MemoryStore::put`] as if done at `now`.
    pub fn put_at(&self, key: &str, binding: &Binding, ttl: Duration, now: Instant) {
        let expires_at = now.checked_add(ttl);
        let mut shard = lock(self.shard(key));
        let last_access = shard.tick();
        if let Some(entry) = shard.entries.get_mut(key) {
            // Overwrite in place: reuses the key's allocation and needs no eviction.
            entry.binding.clone_from(binding);
            entry.expires_at = expires_at;
            entry.last_access = last_access;
            return;
        }
        if shard.entries.len() >= shard.capacity {
            shard.make_room(now);
        }
        shard.entries.insert(
            key.to_owned(),
            Entry {
                binding: binding.clone(),
                expires_at,
                last_access,
            },
        );
    }

    /// Removes every expired binding; returns how many went. One shard is locked at a time.
    pub fn sweep(&self) -> usize {
        self.sweep_at(Instant::now())
    }

    /// [`MemoryStore::sweep`] as seen at `now`.
    pub fn sweep_at(&self, now: Instant) -> usize {
        self.shards
            .iter()
            .map(|s| {
                let mut shard = lock(s);
                let before = shard.entries.len();
                shard.entries.retain(|_, e| !e.is_expired(now));
                before - shard.entries.len()
            })
            .sum()
    }

    fn shard(&self, key: &str) -> &Mutex<Shard> {
        // The modulo of a 64-bit hash by at most 16 always fits in usize.
        let index = (self.hasher.hash_one(key) % self.shards.len() as u64) as usize;
        &self.shards[index]
    }
}

impl Shard {
    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// Frees at least one slot in a full shard: every expired entry if there is one, else the
    /// least recently used. One pass over a shard of at most `MAX_CAPACITY / SHARDS` entries,
    /// and only when inserting a new key into a full shard.
    fn make_room(&mut self, now: Instant) {
        let mut lru: Option<(&String, u64)> = None;
        let mut any_expired = false;
        for (key, entry) in &self.entries {
            if entry.is_expired(now) {
                any_expired = true;
                break;
            }
            if lru.is_none_or(|(_, stamp)| entry.last_access < stamp) {
                lru = Some((key, entry.last_access));
            }
        }
        if any_expired {
            self.entries.retain(|_, e| !e.is_expired(now));
        } else if let Some(key) = lru.map(|(k, _)| k.clone()) {
            self.entries.remove(&key);
        }
    }
}

/// A poisoned shard still holds consistent data (no method panics between two writes to it), so
/// keep serving it rather than failing every later request.
fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    shard.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn binding(anchor: &str) -> Binding {
        Binding {
            anchor_model: anchor.into(),
            default_model: anchor.into(),
            requested_model: "lane".into(),
            last_used: 1,
            ..Binding::default()
        }
    }

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn capacity_is_clamped_and_split_exactly() {
        assert_eq!(MemoryStore::new(0).capacity(), 1);
        assert_eq!(MemoryStore::new(50_000).capacity(), MAX_CAPACITY);
        for capacity in [1, 5, 16, 17, 100, 10_000] {
            let store = MemoryStore::new(capacity);
            let total: usize = store.shards.iter().map(|s| lock(s).capacity).sum();
            assert_eq!(total, capacity);
            assert!(store.shards.len() <= SHARDS);
        }
    }

    #[test]
    fn entry_expires_after_its_ttl() {
        let store = MemoryStore::new(10);
        let t0 = Instant::now();
        store.put_at("s", &binding("a/x"), MIN, t0);
        assert_eq!(
            store.get_at("s", t0 + MIN - Duration::from_millis(1)),
            Some(binding("a/x"))
        );
        assert_eq!(store.get_at("s", t0 + MIN), None);
        // The expired read removed it.
        assert!(store.is_empty());
    }

    #[test]
    fn ttls_are_per_entry() {
        let store = MemoryStore::new(10);
        let t0 = Instant::now();
        store.put_at("short", &binding("a/x"), Duration::from_secs(1), t0);
        store.put_at("long", &binding("a/y"), MIN, t0);
        let later = t0 + Duration::from_secs(2);
        assert_eq!(store.get_at("short", later), None);
        assert_eq!(store.get_at("long", later), Some(binding("a/y")));
    }

    #[test]
    fn huge_ttl_never_expires() {
        let store = MemoryStore::new(1);
        let t0 = Instant::now();
        store.put_at("s", &binding("a/x"), Duration::MAX, t0);
        assert!(
            store
                .get_at("s", t0 + Duration::from_secs(1 << 40))
                .is_some()
        );
    }

    #[test]
    fn overwrite_replaces_binding_and_ttl() {
        let store = MemoryStore::new(10);
        let t0 = Instant::now();
        store.put_at("s", &binding("a/x"), Duration::from_secs(1), t0);
        store.put_at("s", &binding("a/y"), MIN, t0);
        assert_eq!(store.len(), 1);
        assert_eq!(
            store.get_at("s", t0 + Duration::from_secs(30)),
            Some(binding("a/y"))
        );
    }

    #[test]
    fn evicts_least_recently_used_when_full() {
        let store = MemoryStore::with_shards(3, 1);
        let t0 = Instant::now();
        store.put_at("a", &binding("m/a"), MIN, t0);
        store.put_at("b", &binding("m/b"), MIN, t0);
        store.put_at("c", &binding("m/c"), MIN, t0);
        // Reading `a` makes `b` the least recently used.
        assert!(store.get_at("a", t0).is_some());
        store.put_at("d", &binding("m/d"), MIN, t0);
        assert!(store.get_at("b", t0).is_none());
        // Now `c` is the oldest; overwriting `c` refreshes it, so `a` goes next.
        store.put_at("c", &binding("m/c2"), MIN, t0);
        store.put_at("e", &binding("m/e"), MIN, t0);
        assert!(store.get_at("a", t0).is_none());
        for key in ["c", "d", "e"] {
            assert!(store.get_at(key, t0).is_some(), "{key}");
        }
        assert_eq!(store.len(), 3);
    }

    #[test]
    fn evicts_expired_entries_before_live_ones() {
        let store = MemoryStore::with_shards(3, 1);
        let t0 = Instant::now();
        store.put_at("old-live", &binding("m/a"), MIN, t0);
        store.put_at("dying-1", &binding("m/b"), Duration::from_secs(1), t0);
        store.put_at("dying-2", &binding("m/c"), Duration::from_secs(1), t0);
        let t1 = t0 + Duration::from_secs(5);
        store.put_at("new", &binding("m/d"), MIN, t1);
        // The least recently used entry survives: both expired ones made room instead.
        assert!(store.get_at("old-live", t1).is_some());
        assert!(store.get_at("new", t1).is_some());
        assert_eq!(store.len(), 2);
    }

    #[test]
    fn sharded_store_never_exceeds_capacity() {
        let store = MemoryStore::new(40);
        let t0 = Instant::now();
        for i in 0..1_000 {
            store.put_at(&format!("k{i}"), &binding("m/x"), MIN, t0);
        }
        assert_eq!(store.len(), 40);
        // The most recent key always survives its own insert.
        assert!(store.get_at("k999", t0).is_some());
    }

    #[test]
    fn sweep_drops_only_expired() {
        // Room for all 30 in every shard, so no insert evicts.
        let store = MemoryStore::new(MAX_CAPACITY);
        let t0 = Instant::now();
        for i in 0..30 {
            let ttl = if i % 3 == 0 {
                MIN
            } else {
                Duration::from_secs(1)
            };
            store.put_at(&format!("k{i}"), &binding("m/x"), ttl, t0);
        }
        assert_eq!(store.sweep_at(t0), 0);
        assert_eq!(store.sweep_at(t0 + Duration::from_secs(2)), 20);
        assert_eq!(store.len(), 10);
    }

    #[test]
    fn concurrent_access_from_threads() {
        let store = Arc::new(MemoryStore::new(MAX_CAPACITY));
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let store = Arc::clone(&store);
                std::thread::spawn(move || {
                    for i in 0..500 {
                        let key = format!("t{t}-k{}", i % 50);
                        let mut b = binding(&format!("m/{t}"));
                        b.last_used = i;
                        store.put(&key, &b, MIN);
                        let got = store.get(&key).unwrap();
                        // Only this thread writes its keys.
                        assert_eq!(got.last_used, i);
                        // Shared keys are read and written by everyone.
                        store.put("shared", &b, MIN);
                        assert!(store.get("shared").is_some());
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(store.len(), 8 * 50 + 1);
        for t in 0..8 {
            assert_eq!(store.get(&format!("t{t}-k49")).unwrap().last_used, 499);
        }
    }
}
