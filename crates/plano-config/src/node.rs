//! The YAML document as a tree of positioned nodes.
//!
//! serde's derive stops at the first error, but `planoai validate` must report every problem at
//! once. So the text is first parsed into this loosely typed tree (every node keeps its line and
//! column through serde-saphyr's `Spanned`), and the typed reading in `raw` walks the tree,
//! collecting errors as it goes. Environment substitution also works on this tree, after parsing,
//! so a substituted value can never change the document's structure.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::errors::ConfigError;

/// A line and column, both 1-based.
pub(crate) type Pos = Option<(usize, usize)>;

/// One YAML node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub value: Value,
    pub pos: Pos,
    /// What environment substitution did to this scalar.
    pub env: EnvMark,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in document order; keys are nodes too so errors can point at them.
    Map(Vec<(Node, Node)>),
}

/// Marks left on a string scalar by environment substitution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum EnvMark {
    /// Untouched, or variables inside a longer text were replaced.
    #[default]
    Plain,
    /// The scalar was exactly one variable reference (`$PORT`, `${PORT}`), so a typed field may
    /// re-read the substituted text as a number or a boolean.
    Whole,
    /// A referenced variable was not set (lenient mode): typed fields skip the value instead of
    /// reporting a type error, because the missing variable is already reported.
    Missing,
}

impl Value {
    /// A short noun for error messages ("a string", "a list", ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Value>::deserialize(d)?;
        let loc = spanned.referenced;
        let pos = if loc.line() == 0 {
            None
        } else {
            Some((
                usize::try_from(loc.line()).unwrap_or(usize::MAX),
                usize::try_from(loc.column()).unwrap_or(usize::MAX),
            ))
        };
        Ok(Node {
            value: spanned.value,
            pos,
            env: EnvMark::Plain,
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(i128::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(i128::from(v)))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        // Beyond i128 nothing in a config can use it; keep it as text so the typed reader
        // reports a range error instead of the parser failing.
        Ok(i128::try_from(v).map_or_else(|_| Value::Str(v.to_string()), Value::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        // `!!binary` scalars: keep them readable rather than failing the whole document.
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1024));
        while let Some(key) = map.next_key::<Node>()? {
            let value = map.next_value::<Node>()?;
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

/// Deepest nesting accepted in a config document.
const MAX_DEPTH: usize = 24;

/// Parses one YAML document. Syntax errors come back with their line and column.
pub(crate) fn parse(text: &str) -> Result<Node, ConfigError> {
    let mut options = serde_saphyr::Options::default();
    // YAML 1.2 booleans only: `yes`/`on` stay strings, so `name: on` is a name. Boolean fields
    // still accept the YAML 1.1 spellings (with a warning) because upstream's PyYAML did.
    options.strict_booleans = true;
    options.with_snippet = false;
    // A Plano config nests at most ~8 levels (model_providers[].retry_policy.on_status_codes[]
    // .codes[]). Each YAML level costs several deserializer frames here, so cap nesting well
    // below what would exhaust a thread's stack; the default budget (64) does not.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.flow_nesting_limit = MAX_DEPTH;
    options.budget = Some(budget);
    if text.trim().is_empty() {
        return Ok(Node {
            value: Value::Null,
            pos: None,
            env: EnvMark::Plain,
        });
    }
    serde_saphyr::from_str_with_options::<Node>(text, options).map_err(|e| {
        let line_col = e.location().and_then(|l| {
            (l.line() > 0).then(|| {
                (
                    usize::try_from(l.line()).unwrap_or(usize::MAX),
                    usize::try_from(l.column()).unwrap_or(usize::MAX),
                )
            })
        });
        ConfigError {
            path: String::new(),
            line_col,
            message: format!("invalid YAML: {}", clean_parser_message(&e.to_string())),
        }
    })
}

/// serde-saphyr's message repeats the position and sometimes names its own API; we print our own
/// position and speak about the config file instead.
fn clean_parser_message(msg: &str) -> String {
    let mut m = msg.lines().next().unwrap_or(msg).trim();
    if let Some(i) = m.rfind(" at line ") {
        m = &m[..i];
    }
    if m.contains("recursion limit") || m.contains("Depth {") {
        return format!("the document nests deeper than {MAX_DEPTH} levels");
    }
    if m.starts_with("multiple YAML documents") {
        return "more than one YAML document (`---`); a config file holds exactly one".to_owned();
    }
    m.replace(", set DuplicateKeyPolicy in Options if acceptable", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(n: &Node) -> &[(Node, Node)] {
        match &n.value {
            Value::Map(m) => m,
            other => panic!("not a map: {other:?}"),
        }
    }

    #[test]
    fn keeps_positions_and_types() {
        let n = parse("a: 1\nb:\n  - x\n  - yes\nc: 1.5\nd: ~\ne: true\n").unwrap();
        let m = map(&n);
        assert_eq!(m[0].0.pos, Some((1, 1)));
        assert_eq!(m[0].1.value, Value::Int(1));
        assert_eq!(m[0].1.pos, Some((1, 4)));
        let Value::Seq(items) = &m[1].1.value else {
            panic!()
        };
        assert_eq!(items[1].value, Value::Str("yes".into()));
        assert_eq!(items[1].pos, Some((4, 5)));
        assert_eq!(m[2].1.value, Value::Float(1.5));
        assert_eq!(m[3].1.value, Value::Null);
        assert_eq!(m[4].1.value, Value::Bool(true));
    }

    #[test]
    fn quoted_numbers_stay_strings() {
        let n = parse("v: \"2.1.0\"\np: '80'\n").unwrap();
        let m = map(&n);
        assert_eq!(m[0].1.value, Value::Str("2.1.0".into()));
        assert_eq!(m[1].1.value, Value::Str("80".into()));
    }

    #[test]
    fn syntax_error_has_position() {
        let e = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(e.line_col.is_some(), "{e:?}");
        let e = parse("a: 1\na: 2\n").unwrap_err();
        assert!(e.message.contains("uplicate"), "{e:?}");
    }

    #[test]
    fn merge_keys_and_anchors() {
        let n = parse("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n").unwrap();
        let m = map(&n);
        assert_eq!(map(&m[1].1).len(), 2);
    }
}
