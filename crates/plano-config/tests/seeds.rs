//! Every YAML example from the seed documents, with its expected outcome.
//!
//! `tests/fixtures/seeds/<seed>--<section>--<kind>.yaml` holds the example and a sibling
//! `.expect` holds the outcome: a first line `ok` or `error: <substring of some error>`, then
//! optional `warning: <substring>` lines that must appear among the warnings. How the examples
//! were extracted (and which needed wrapping) is in that directory's README.md.

use std::path::Path;

use plano_config::{EnvPolicy, load_str};

#[test]
fn seed_examples_have_their_documented_outcome() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seeds");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 50,
        "expected the extracted seed examples, found {}",
        files.len()
    );

    let mut failures = Vec::new();
    for yaml in &files {
        let name = yaml.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(yaml).unwrap();
        let expect = std::fs::read_to_string(yaml.with_extension("expect"))
            .unwrap_or_else(|_| panic!("{name}: missing .expect file"));
        let mut lines = expect.lines();
        let outcome = lines.next().unwrap_or_default().trim();
        // Seeds reference $OPENAI_API_KEY etc.; validate the way `planoai validate` does.
        let result = load_str(&text, &|_| None, EnvPolicy::Lenient);
        match (outcome, &result) {
            ("ok", Ok(loaded)) => {
                for w in lines.filter_map(|l| l.strip_prefix("warning: ")) {
                    if !loaded.warnings.iter().any(|have| have.contains(w.trim())) {
                        failures.push(format!(
                            "{name}: missing warning `{w}`; got {:#?}",
                            loaded.warnings
                        ));
                    }
                }
            }
            ("ok", Err(e)) => failures.push(format!("{name}: expected ok, got errors:\n{e}")),
            (o, Ok(_)) => failures.push(format!("{name}: expected `{o}`, but it validated")),
            (o, Err(e)) => {
                let needle = o
                    .strip_prefix("error: ")
                    .unwrap_or_else(|| panic!("{name}: bad .expect line `{o}`"));
                if !e.iter().any(|err| err.to_string().contains(needle)) {
                    failures.push(format!(
                        "{name}: expected an error containing `{needle}`, got:\n{e}"
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} seed examples failed:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}
