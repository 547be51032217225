//! Lean input parsing: a fast path in front of the lossless wire types, never instead of them.
//!
//! The lossless types in `plano_wire` keep unknown fields in `#[serde(flatten)]` maps and use untagged or
//! internally tagged enums with fallbacks; serde implements both by buffering the input into an
//! intermediate tree first and deserializing again from it. On the translation hot path that double work
//! dominates. A lean parse reads the common shapes directly, then builds the *same* typed value the
//! lossless parse would have produced, so the translation and its output bytes are unchanged.
//!
//! The contract that keeps this exact: a lean type accepts a subset of what its lossless counterpart
//! accepts, and for every input it accepts, it yields the same meaning. Anything else — an unknown field,
//! a content part it does not model, a duplicate key, a value of an unexpected type — makes the lean parse
//! fail, and the caller parses again with the lossless type, which then produces exactly the old result or
//! the old error. Rules for lean types:
//!
//! - `#[serde(deny_unknown_fields)]`; every field the lossless type declares is declared with the same
//!   type (or a narrower one that fails instead of accepting more), and keys the lossless type keeps in its
//!   `extra` map are declared as [`Skip`] (any JSON value, like `Value`) or `Option<Value>` when read;
//! - every struct is wrapped in [`MapOnly`] where it is used: derived structs without `flatten` would
//!   also accept JSON arrays, the lossless (flattened) ones only objects;
//! - derived structs reject duplicate fields, so duplicates always take the lossless path.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};

/// Parses `body` with the lean type `T`; `None` means "take the lossless path".
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_json::from_slice::<MapOnly<T>>(body).ok().map(|m| m.0)
}

/// A struct that must be a JSON object (as flattened structs must).
pub(crate) struct MapOnly<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for MapOnly<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }
        deserializer.deserialize_map(V(PhantomData)).map(MapOnly)
    }
}

impl<T: Default> Default for MapOnly<T> {
    fn default() -> Self {
        MapOnly(T::default())
    }
}

/// A JSON string (for a lossless field of a string type that the translation does not read). Use
/// `#[serde(default)] field: AnyStr` for a lossless `#[serde(default)] field: String`: absent is fine,
/// `null` is not.
#[derive(Default)]
pub(crate) struct AnyStr;

impl<'de> Deserialize<'de> for AnyStr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = AnyStr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E>(self, _: &str) -> Result<AnyStr, E> {
                Ok(AnyStr)
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// Any JSON value, validated exactly as `serde_json::Value` would be (strings, numbers, nesting) but not
/// kept. For keys the lossless types would put into an `extra` map that the translation then drops.
pub(crate) struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SkipVisitor)
    }
}

struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skip;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_str<E>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_unit<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_none<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Skip, D::Error> {
        Skip::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_entry::<Skip, Skip>()?.is_some() {}
        Ok(Skip)
    }
}

/// A JSON string only (lossless content enums also take arrays of parts: those take the lossless path).
pub(crate) struct OnlyText(pub String);

impl<'de> Deserialize<'de> for OnlyText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(OnlyText)
    }
}

/// `#[serde(default, deserialize_with = "lean::present")]` on an `Option<Value>`: a present `null` is
/// `Some(Value::Null)` (as in a lossless `extra` map), only an absent key is `None`.
pub(crate) fn present<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(deserializer).map(Some)
}

/// OpenAI `stop`: `"x"` or `["x", ..]`, as the lossless (untagged) `StopSequences`.
pub(crate) struct LeanStop(pub plano_wire::openai::StopSequences);

impl<'de> Deserialize<'de> for LeanStop {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use plano_wire::openai::StopSequences;
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StopSequences;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E>(self, v: &str) -> Result<StopSequences, E> {
                Ok(StopSequences::One(v.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StopSequences, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(StopSequences::Many(out))
            }
        }
        deserializer.deserialize_any(V).map(LeanStop)
    }
}

/// A string, or a list of `T` (the lean counterpart of the lossless untagged content enums).
pub(crate) enum TextOr<T> {
    Text(String),
    List(Vec<T>),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for TextOr<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = TextOr<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list")
            }
            fn visit_str<E>(self, v: &str) -> Result<TextOr<T>, E> {
                Ok(TextOr::Text(v.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TextOr<T>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(item) = seq.next_element::<T>()? {
                    out.push(item);
                }
                Ok(TextOr::List(out))
            }
        }
        deserializer.deserialize_any(V(PhantomData))
    }
}
