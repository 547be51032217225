//! Config errors and the collector that gathers all of them.
//!
//! Loading never stops at the first problem: every stage pushes into a `Diag`, and the caller
//! gets the whole list. Each error names the YAML path of the offending value
//! (`model_providers[2].base_url`) and, when the parser knows it, its line and column, so a user
//! can fix a config in one pass.

use std::fmt;

use crate::node::Pos;

/// One problem in a config file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    /// YAML path of the offending value, e.g. `model_providers[2].base_url`; empty for the
    /// document itself.
    pub path: String,
    /// 1-based line and column, when known.
    pub line_col: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "config"
        } else {
            &self.path
        };
        match self.line_col {
            Some((line, col)) => write!(f, "{path} (line {line}, column {col}): {}", self.message),
            None => write!(f, "{path}: {}", self.message),
        }
    }
}

/// Every problem found in a config file, in document order of discovery. Displays one per line.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl ConfigErrors {
    pub fn iter(&self) -> std::slice::Iter<'_, ConfigError> {
        self.0.iter()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Whether any error message contains `needle` (handy in tests and tooling).
    pub fn mentions(&self, needle: &str) -> bool {
        self.0
            .iter()
            .any(|e| e.message.contains(needle) || e.path.contains(needle))
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl<'a> IntoIterator for &'a ConfigErrors {
    type Item = &'a ConfigError;
    type IntoIter = std::slice::Iter<'a, ConfigError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl IntoIterator for ConfigErrors {
    type Item = ConfigError;
    type IntoIter = std::vec::IntoIter<ConfigError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Where a value sits in the document: its YAML path and position.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Loc {
    pub path: String,
    pub pos: Pos,
}

impl Loc {
    pub fn new(path: impl Into<String>, pos: Pos) -> Self {
        Loc {
            path: path.into(),
            pos,
        }
    }
}

/// A value read from the document together with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sp<T> {
    pub v: T,
    pub loc: Loc,
}

/// Collects errors and warnings across all loading stages.
#[derive(Debug, Default)]
pub(crate) struct Diag {
    pub errors: Vec<ConfigError>,
    pub warnings: Vec<String>,
}

impl Diag {
    pub fn error(&mut self, loc: &Loc, message: impl Into<String>) {
        self.errors.push(ConfigError {
            path: loc.path.clone(),
            line_col: loc.pos,
            message: message.into(),
        });
    }

    /// A warning prefixed with its path (and line) so the user can find it.
    pub fn warn(&mut self, loc: &Loc, message: impl fmt::Display) {
        let w = match (loc.path.is_empty(), loc.pos) {
            (true, _) => message.to_string(),
            (false, Some((line, _))) => format!("{} (line {line}): {message}", loc.path),
            (false, None) => format!("{}: {message}", loc.path),
        };
        self.warnings.push(w);
    }

    /// A warning that concerns the whole document.
    pub fn warn_global(&mut self, message: impl Into<String>) {
        self.warnings.push(message.into());
    }
}

/// Appends `.key` (or `["key"]` for keys that are not plain identifiers) to a YAML path.
pub(crate) fn child(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (path.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (true, false) => format!("[{key:?}]"),
        (false, true) => format!("{path}.{key}"),
        (false, false) => format!("{path}[{key:?}]"),
    }
}

/// Appends `[i]` to a YAML path.
pub(crate) fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_one_per_line() {
        let errs = ConfigErrors(vec![
            ConfigError {
                path: "model_providers[2].base_url".into(),
                line_col: Some((14, 5)),
                message: "bad".into(),
            },
            ConfigError {
                path: String::new(),
                line_col: None,
                message: "worse".into(),
            },
        ]);
        assert_eq!(
            errs.to_string(),
            "model_providers[2].base_url (line 14, column 5): bad\nconfig: worse"
        );
    }

    #[test]
    fn paths() {
        assert_eq!(child("", "version"), "version");
        assert_eq!(
            child(&index("model_providers", 2), "base_url"),
            "model_providers[2].base_url"
        );
        assert_eq!(
            child("model_aliases", "plano.fast.v1"),
            "model_aliases[\"plano.fast.v1\"]"
        );
    }
}
