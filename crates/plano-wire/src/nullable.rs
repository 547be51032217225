//! `Nullable<T>`: tells "absent" from "explicit `null`" so that round trips keep both.
//!
//! Providers send `"content": null`, `"finish_reason": null` or `"stop_sequence": null` routinely; a plain
//! `Option` would turn those into absent keys when re-serialized. Use with
//! `#[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::nullable::deserialize")]`.

use serde::{Deserialize, Deserializer};

/// `None` = key absent, `Some(None)` = explicit `null`, `Some(Some(v))` = a value.
pub type Nullable<T> = Option<Option<T>>;

/// Deserializes a present key: `null` becomes `Some(None)`; absence is handled by `#[serde(default)]`.
pub(crate) fn deserialize<'de, T, D>(deserializer: D) -> Result<Nullable<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
