//! Reading a `.env` file that sits beside the config.
//!
//! Format: one `KEY=VALUE` per line; blank lines and `#` comment lines are skipped; an optional
//! `export ` prefix is allowed; a value wrapped in matching single or double quotes is unwrapped.
//! Upstream Plano did neither of the last two, but users copy lines from shell scripts, and a
//! value that keeps its quotes becomes a wrong API key that fails only at request time.
//! There is no interpolation inside `.env` values.

use indexmap::IndexMap;

/// Parses `.env` text. Lines without `=` or with an invalid name are skipped (reported back as
/// line numbers so `planoai validate` can warn about them).
pub(crate) fn parse(text: &str) -> (IndexMap<String, String>, Vec<usize>) {
    let mut vars = IndexMap::new();
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let Some((key, value)) = line.split_once('=') else {
            bad.push(i + 1);
            continue;
        };
        let key = key.trim();
        if !crate::env::is_name(key) {
            bad.push(i + 1);
            continue;
        }
        vars.insert(key.to_owned(), unquote(value.trim()).to_owned());
    }
    (vars, bad)
}

fn unquote(v: &str) -> &str {
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return &v[1..v.len() - 1];
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_shapes() {
        let (vars, bad) = parse(
            "# keys\n\nOPENAI_API_KEY=sk-1\nexport B = \"two words\"\nC='x=y'\nD=\nnot a line\n1X=2\n",
        );
        assert_eq!(vars.get("OPENAI_API_KEY").map(String::as_str), Some("sk-1"));
        assert_eq!(vars.get("B").map(String::as_str), Some("two words"));
        assert_eq!(vars.get("C").map(String::as_str), Some("x=y"));
        assert_eq!(vars.get("D").map(String::as_str), Some(""));
        assert_eq!(bad, vec![7, 8]);
    }
}
