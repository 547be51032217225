//! Helpers shared by the fixture-driven tests: fixture discovery and loading.

#![allow(
    dead_code,
    clippy::unwrap_used,
    reason = "test helpers: a missing fixture should fail loudly"
)]

use std::path::PathBuf;

pub mod checks;

pub fn fixture_dir(pair: &str, kind: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(pair)
        .join(kind)
}

/// All fixture files of a pair and kind with the given extension, sorted, as (stem, bytes).
pub fn fixtures(pair: &str, kind: &str, ext: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(fixture_dir(pair, kind))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no fixtures in {pair}/{kind}");
    out
}
