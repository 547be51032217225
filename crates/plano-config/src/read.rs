//! Typed reading of the node tree, collecting every error.
//!
//! [`Obj`] wraps one YAML mapping. Each `get`-style call names a key the mapping may hold, reads
//! and type-checks its value, and remembers the key as known. [`Obj::finish`] then reports every
//! key that nobody asked for as unknown, suggesting the closest known key — so the list of
//! accepted keys is exactly the code that reads them and cannot drift from it.
//!
//! Type errors are reported and the value skipped (`None`), so reading continues and the user
//! sees all problems at once. Explicit `null` counts as absent, matching how people comment out
//! a value (`access_key:`).

use std::time::Duration;

use crate::errors::{Diag, Loc, Sp, child, index};
use crate::node::{EnvMark, Node, Value};
use crate::suggest;

/// One YAML mapping being read.
pub(crate) struct Obj<'n> {
    entries: &'n [(Node, Node)],
    pub loc: Loc,
    known: Vec<&'static str>,
}

/// The location of `node` under `path`.
pub(crate) fn loc(path: &str, node: &Node) -> Loc {
    Loc::new(path, node.pos)
}

/// Reports that `node` has the wrong type, unless it is an unresolved environment reference
/// (already reported as missing).
fn type_error(d: &mut Diag, loc: &Loc, node: &Node, expected: &str) {
    if node.env == EnvMark::Missing {
        return;
    }
    let found = match &node.value {
        Value::Str(s) if s.chars().count() <= 40 => format!("the string `{s}`"),
        Value::Int(n) => format!("the integer {n}"),
        Value::Float(f) => format!("the number {f}"),
        Value::Bool(b) => format!("the boolean {b}"),
        other => other.kind().to_owned(),
    };
    let hint = match (&node.value, expected) {
        (Value::Int(_) | Value::Float(_) | Value::Bool(_), "a string") => " (quote it)",
        _ => "",
    };
    d.error(loc, format!("expected {expected}, found {found}{hint}"));
}

impl<'n> Obj<'n> {
    /// Opens `node` as a mapping. `null` reads as an empty mapping; anything else that is not a
    /// mapping is reported and yields `None`.
    pub fn open(node: &'n Node, path: &str, d: &mut Diag) -> Option<Obj<'n>> {
        let loc = loc(path, node);
        match &node.value {
            Value::Map(entries) => Some(Obj {
                entries,
                loc,
                known: Vec::new(),
            }),
            Value::Null => Some(Obj {
                entries: &[],
                loc,
                known: Vec::new(),
            }),
            _ => {
                type_error(d, &loc, node, "a mapping");
                None
            }
        }
    }

    /// The entries in document order, for mappings whose keys are user data (aliases, endpoints).
    pub fn entries(&self) -> &'n [(Node, Node)] {
        self.entries
    }

    fn find(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == key))
            .map(|(_, v)| v)
    }

    /// The location of `key` in this mapping (its value's position, or the mapping's).
    pub fn key_loc(&self, key: &str) -> Loc {
        let pos = self.find(key).and_then(|n| n.pos).or(self.loc.pos);
        Loc::new(child(&self.loc.path, key), pos)
    }

    /// The value node of `key`, unless absent or `null`. Marks the key known.
    pub fn node(&mut self, key: &'static str) -> Option<(&'n Node, Loc)> {
        self.known.push(key);
        let n = self.find(key)?;
        if n.value == Value::Null {
            return None;
        }
        Some((n, loc(&child(&self.loc.path, key), n)))
    }

    fn missing(&self, d: &mut Diag, key: &str) {
        d.error(&self.loc, format!("missing required key `{key}`"));
    }

    pub fn str(&mut self, d: &mut Diag, key: &'static str) -> Option<Sp<String>> {
        let (n, l) = self.node(key)?;
        as_str(d, n, l)
    }

    pub fn req_str(&mut self, d: &mut Diag, key: &'static str) -> Option<Sp<String>> {
        let present = self.find(key).is_some_and(|n| n.value != Value::Null);
        let v = self.str(d, key);
        if !present {
            self.missing(d, key);
        }
        v
    }

    pub fn bool(&mut self, d: &mut Diag, key: &'static str) -> Option<Sp<bool>> {
        let (n, l) = self.node(key)?;
        as_bool(d, n, l)
    }

    /// An integer in `min..=max`.
    pub fn int(
        &mut self,
        d: &mut Diag,
        key: &'static str,
        min: i128,
        max: i128,
    ) -> Option<Sp<i128>> {
        let (n, l) = self.node(key)?;
        as_int(d, n, l, min, max)
    }

    pub fn req_int(
        &mut self,
        d: &mut Diag,
        key: &'static str,
        min: i128,
        max: i128,
    ) -> Option<Sp<i128>> {
        let present = self.find(key).is_some_and(|n| n.value != Value::Null);
        let v = self.int(d, key, min, max);
        if !present {
            self.missing(d, key);
        }
        v
    }

    pub fn float(&mut self, d: &mut Diag, key: &'static str) -> Option<Sp<f64>> {
        let (n, l) = self.node(key)?;
        as_float(d, n, l)
    }

    pub fn duration(&mut self, d: &mut Diag, key: &'static str) -> Option<Sp<Duration>> {
        let (n, l) = self.node(key)?;
        if n.env == EnvMark::Missing {
            return None;
        }
        match crate::duration::parse(&n.value) {
            Ok(v) => Some(Sp { v, loc: l }),
            Err(e) => {
                d.error(&l, e);
                None
            }
        }
    }

    /// A string that must be one of `allowed` (case-sensitive, with a did-you-mean hint).
    pub fn one_of(
        &mut self,
        d: &mut Diag,
        key: &'static str,
        allowed: &[&str],
    ) -> Option<Sp<String>> {
        let s = self.str(d, key)?;
        check_one_of(d, s, allowed)
    }

    pub fn req_one_of(
        &mut self,
        d: &mut Diag,
        key: &'static str,
        allowed: &[&str],
    ) -> Option<Sp<String>> {
        let s = self.req_str(d, key)?;
        check_one_of(d, s, allowed)
    }

    /// A list value: each item with its path. A single scalar is not promoted to a list.
    pub fn list(
        &mut self,
        d: &mut Diag,
        key: &'static str,
    ) -> Option<(Vec<(&'n Node, String)>, Loc)> {
        let (n, l) = self.node(key)?;
        match &n.value {
            Value::Seq(items) => Some((
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| (item, index(&l.path, i)))
                    .collect(),
                l,
            )),
            _ => {
                type_error(d, &l, n, "a list");
                None
            }
        }
    }

    pub fn str_list(&mut self, d: &mut Diag, key: &'static str) -> Option<Sp<Vec<Sp<String>>>> {
        let (items, l) = self.list(d, key)?;
        let v = items
            .into_iter()
            .filter_map(|(n, p)| as_str(d, n, loc(&p, n)))
            .collect();
        Some(Sp { v, loc: l })
    }

    /// A mapping of string keys to string values (headers, span attributes).
    pub fn str_map(
        &mut self,
        d: &mut Diag,
        key: &'static str,
    ) -> Option<Vec<(Sp<String>, Sp<String>)>> {
        let (n, l) = self.node(key)?;
        let o = Obj::open(n, &l.path, d)?;
        let mut out = Vec::new();
        for (k, v) in o.entries {
            let Some(name) = key_str(d, &o.loc.path, k) else {
                continue;
            };
            let vl = loc(&child(&o.loc.path, &name.v), v);
            if v.value == Value::Null {
                d.error(&vl, "expected a string, found null");
                continue;
            }
            if let Some(val) = as_str(d, v, vl) {
                out.push((name, val));
            }
        }
        Some(out)
    }

    /// A nested mapping.
    pub fn obj(&mut self, d: &mut Diag, key: &'static str) -> Option<Obj<'n>> {
        let (n, l) = self.node(key)?;
        Obj::open(n, &l.path, d)
    }

    /// Reports every key that was not asked for.
    pub fn finish(self, d: &mut Diag) {
        for (k, _) in self.entries {
            match &k.value {
                Value::Str(name) => {
                    if !self.known.contains(&name.as_str()) {
                        let hint = suggest::hint(name, self.known.iter().copied());
                        d.error(
                            &Loc::new(child(&self.loc.path, name), k.pos),
                            format!("unknown key `{name}`{hint}"),
                        );
                    }
                }
                other => d.error(
                    &Loc::new(self.loc.path.clone(), k.pos),
                    format!("keys must be strings, found {}", other.kind()),
                ),
            }
        }
    }
}

/// A mapping key as a string (keys of user-named maps such as `model_aliases`).
pub(crate) fn key_str(d: &mut Diag, parent: &str, k: &Node) -> Option<Sp<String>> {
    match &k.value {
        Value::Str(s) => Some(Sp {
            v: s.clone(),
            loc: Loc::new(child(parent, s), k.pos),
        }),
        // Numeric keys (`1: ...`) read as their text, as in upstream's PyYAML-then-str.
        Value::Int(n) => Some(Sp {
            v: n.to_string(),
            loc: Loc::new(child(parent, &n.to_string()), k.pos),
        }),
        other => {
            d.error(
                &Loc::new(parent, k.pos),
                format!("keys must be strings, found {}", other.kind()),
            );
            None
        }
    }
}

fn check_one_of(d: &mut Diag, s: Sp<String>, allowed: &[&str]) -> Option<Sp<String>> {
    if allowed.contains(&s.v.as_str()) {
        return Some(s);
    }
    let hint = suggest::hint(&s.v, allowed.iter().copied());
    d.error(
        &s.loc,
        format!(
            "`{}` is not one of {}{hint}",
            s.v,
            allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    None
}

pub(crate) fn as_str(d: &mut Diag, n: &Node, l: Loc) -> Option<Sp<String>> {
    match &n.value {
        Value::Str(s) => Some(Sp {
            v: s.clone(),
            loc: l,
        }),
        _ => {
            type_error(d, &l, n, "a string");
            None
        }
    }
}

pub(crate) fn as_bool(d: &mut Diag, n: &Node, l: Loc) -> Option<Sp<bool>> {
    match &n.value {
        Value::Bool(b) => Some(Sp { v: *b, loc: l }),
        Value::Str(s) if n.env == EnvMark::Whole => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Some(Sp { v: true, loc: l }),
            "false" | "no" | "off" | "0" => Some(Sp { v: false, loc: l }),
            _ => {
                d.error(
                    &l,
                    format!("expected a boolean, the environment variable gave `{s}`"),
                );
                None
            }
        },
        // YAML 1.1 spellings: PyYAML (upstream) read them as booleans, YAML 1.2 does not.
        // Accept them in boolean fields so old configs keep working, and say so.
        Value::Str(s) if n.env == EnvMark::Plain => {
            let v = match s.as_str() {
                "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => true,
                "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n" | "N" => false,
                _ => {
                    type_error(d, &l, n, "a boolean");
                    return None;
                }
            };
            d.warn(
                &l,
                format!("`{s}` read as {v}; write `{v}` (YAML 1.2 booleans are true/false)"),
            );
            Some(Sp { v, loc: l })
        }
        _ => {
            type_error(d, &l, n, "a boolean");
            None
        }
    }
}

pub(crate) fn as_int(d: &mut Diag, n: &Node, l: Loc, min: i128, max: i128) -> Option<Sp<i128>> {
    let v = match &n.value {
        Value::Int(i) => *i,
        Value::Str(s) if n.env == EnvMark::Whole => match s.trim().parse::<i128>() {
            Ok(i) => i,
            Err(_) => {
                d.error(
                    &l,
                    format!("expected an integer, the environment variable gave `{s}`"),
                );
                return None;
            }
        },
        _ => {
            type_error(d, &l, n, "an integer");
            return None;
        }
    };
    if v < min || v > max {
        d.error(&l, format!("{v} is out of range ({min}..={max})"));
        return None;
    }
    Some(Sp { v, loc: l })
}

pub(crate) fn as_float(d: &mut Diag, n: &Node, l: Loc) -> Option<Sp<f64>> {
    let v = match &n.value {
        Value::Float(f) => *f,
        // Integers are exact in f64 well beyond any config number.
        #[allow(clippy::cast_precision_loss)]
        Value::Int(i) => *i as f64,
        Value::Str(s) if n.env == EnvMark::Whole => match s.trim().parse::<f64>() {
            Ok(f) if f.is_finite() => f,
            _ => {
                d.error(
                    &l,
                    format!("expected a number, the environment variable gave `{s}`"),
                );
                return None;
            }
        },
        _ => {
            type_error(d, &l, n, "a number");
            return None;
        }
    };
    Some(Sp { v, loc: l })
}
