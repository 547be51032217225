//! Environment-variable substitution on parsed string scalars.
//!
//! Syntax: `$VAR`, `${VAR}` and `${VAR:-default}` (default used when `VAR` is unset or empty).
//! `$$`, and a `$` not followed by a variable name, stay literal. Substitution runs after YAML
//! parsing, on every string value (never on keys), so a secret containing `:`, `#` or a newline
//! cannot change the document's structure — upstream substituted the rendered text instead.
//!
//! A scalar that is exactly one reference (`port: $PORT`) is marked so that a typed field can
//! re-read the substituted text as a number or boolean.

use indexmap::IndexMap;

use crate::errors::{Loc, child, index};
use crate::node::{EnvMark, Node, Value};

/// What to do about referenced variables that are not set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvPolicy {
    /// Missing variables are errors, all listed at once (`planoai up`).
    Strict,
    /// Missing variables are reported in [`crate::Loaded::missing_env`] and as a warning; the
    /// text is left as written (`$VAR`), and typed fields skip it (`planoai validate`).
    Lenient,
}

/// Whether `s` is a valid variable name: `[A-Za-z_][A-Za-z0-9_]*`.
pub(crate) fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Result of expanding one string.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Expanded {
    pub text: String,
    /// The input was exactly one variable reference.
    pub whole: bool,
    /// Names referenced but not set (and without a default).
    pub missing: Vec<String>,
}

/// Expands the references in `s`. Missing variables leave their reference text in place.
pub(crate) fn expand(s: &str, env: &dyn Fn(&str) -> Option<String>) -> Expanded {
    let mut out = String::with_capacity(s.len());
    let mut missing = Vec::new();
    let mut refs = 0usize;
    let mut literal_text = false;
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        if i > 0 {
            literal_text = true;
        }
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push_str("$$");
            literal_text = true;
            rest = tail;
            continue;
        }
        if let Some(inner_start) = after.strip_prefix('{') {
            if let Some(end) = inner_start.find('}') {
                let inner = &inner_start[..end];
                let (name, default) = match inner.split_once(":-") {
                    Some((n, d)) => (n, Some(d)),
                    None => (inner, None),
                };
                if is_name(name) {
                    refs += 1;
                    match (env(name), default) {
                        (Some(v), Some(d)) if v.is_empty() => out.push_str(d),
                        (Some(v), _) => out.push_str(&v),
                        (None, Some(d)) => out.push_str(d),
                        (None, None) => {
                            missing.push(name.to_owned());
                            out.push_str(&rest[i..i + 1 + 1 + end + 1]);
                        }
                    }
                    rest = &inner_start[end + 1..];
                    continue;
                }
            }
            out.push('$');
            literal_text = true;
            rest = after;
            continue;
        }
        let name_len = after
            .char_indices()
            .find(|&(j, c)| {
                !(c.is_ascii_alphanumeric() || c == '_') || (j == 0 && c.is_ascii_digit())
            })
            .map_or(after.len(), |(j, _)| j);
        if name_len == 0 {
            out.push('$');
            literal_text = true;
            rest = after;
            continue;
        }
        let name = &after[..name_len];
        refs += 1;
        match env(name) {
            Some(v) => out.push_str(&v),
            None => {
                missing.push(name.to_owned());
                out.push('$');
                out.push_str(name);
            }
        }
        rest = &after[name_len..];
    }
    if !rest.is_empty() {
        literal_text = true;
    }
    out.push_str(rest);
    Expanded {
        text: out,
        whole: refs == 1 && !literal_text,
        missing,
    }
}

/// Substitutes variables in every string value under `node`, recording the first location of
/// each missing variable.
pub(crate) fn substitute_tree(
    node: &mut Node,
    path: &str,
    env: &dyn Fn(&str) -> Option<String>,
    missing: &mut IndexMap<String, Loc>,
) {
    match &mut node.value {
        Value::Str(s) => {
            if !s.contains('$') {
                return;
            }
            let e = expand(s, env);
            node.env = if !e.missing.is_empty() {
                EnvMark::Missing
            } else if e.whole {
                EnvMark::Whole
            } else {
                EnvMark::Plain
            };
            for name in e.missing {
                missing
                    .entry(name)
                    .or_insert_with(|| Loc::new(path, node.pos));
            }
            *s = e.text;
        }
        Value::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                substitute_tree(item, &index(path, i), env, missing);
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                let p = match &k.value {
                    Value::Str(k) => child(path, k),
                    _ => path.to_owned(),
                };
                substitute_tree(v, &p, env, missing);
            }
        }
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "KEY" => Some("sk-123".into()),
            "PORT" => Some("8080".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn forms() {
        let e = expand("$KEY", &env);
        assert_eq!((e.text.as_str(), e.whole), ("sk-123", true));
        let e = expand("${PORT}", &env);
        assert_eq!((e.text.as_str(), e.whole), ("8080", true));
        let e = expand("Bearer $KEY", &env);
        assert_eq!((e.text.as_str(), e.whole), ("Bearer sk-123", false));
        assert_eq!(expand("${NOPE:-dflt}", &env).text, "dflt");
        assert_eq!(expand("${EMPTY:-dflt}", &env).text, "dflt");
        assert_eq!(expand("${KEY:-dflt}", &env).text, "sk-123");
        assert_eq!(expand("${KEY}x${PORT}", &env).text, "sk-123x8080");
        assert_eq!(expand("$KEY.$PORT", &env).text, "sk-123.8080");
    }

    #[test]
    fn literals() {
        assert_eq!(expand("costs $5", &env).text, "costs $5");
        assert_eq!(expand("a $$KEY b", &env).text, "a $$KEY b");
        assert_eq!(expand("end $", &env).text, "end $");
        assert_eq!(expand("${not valid}", &env).text, "${not valid}");
        assert_eq!(expand("${UNCLOSED", &env).text, "${UNCLOSED");
        assert!(!expand("$5", &env).whole);
    }

    #[test]
    fn missing_are_listed_and_left_literal() {
        let e = expand("$A and ${B} and ${C:-c}", &env);
        assert_eq!(e.text, "$A and ${B} and c");
        assert_eq!(e.missing, vec!["A".to_owned(), "B".to_owned()]);
    }
}
