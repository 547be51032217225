//! Fuzz target: `plano_config::load_str` must never panic, on any input.
//!
//! The input is split into the document and an environment: bytes after the first NUL become
//! `KEY=VALUE` lines, so substitution (`$VAR`, `${VAR:-d}`, typed re-reading) is fuzzed too.
//! Both env policies run on every input because they take different error paths.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plano_config::{EnvPolicy, load_str};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (doc, env_text) = text.split_once('\0').unwrap_or((&text, ""));
    let vars: Vec<(&str, &str)> = env_text.lines().filter_map(|l| l.split_once('=')).collect();
    let env = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned());
    let _ = load_str(doc, &env, EnvPolicy::Lenient);
    let _ = load_str(doc, &env, EnvPolicy::Strict);
});
