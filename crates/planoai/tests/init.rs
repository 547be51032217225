//! `planoai init` with the real binary: templates are written where `--output` says, an
//! existing file is refused without `--force`, and without a terminal `init` never waits for
//! an answer.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::temp_dir;

use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `planoai` in `dir` with stdin closed (so never a terminal).
fn planoai(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_planoai"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn template_to_output_then_refuse_then_force() {
    let dir = temp_dir("init-force");
    let (ok, stdout, stderr) = planoai(
        &dir,
        &[
            "init",
            "--template",
            "coding_agent_routing",
            "--output",
            "sub/dir/plano.yaml",
        ],
    );
    assert!(ok, "{stdout}{stderr}");
    let path = dir.join("sub/dir/plano.yaml");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("arch.claude.code.small.fast"), "{written}");
    assert!(stdout.contains("planoai up sub/dir/plano.yaml"), "{stdout}");

    // The written file is a valid config for `planoai validate`.
    let (ok, stdout, stderr) = planoai(&dir, &["validate", "sub/dir/plano.yaml"]);
    assert!(ok, "{stdout}{stderr}");

    std::fs::write(&path, "mine").unwrap();
    let (ok, _, stderr) = planoai(&dir, &["init", "--clean", "-o", "sub/dir/plano.yaml"]);
    assert!(!ok);
    assert!(
        stderr.contains("Refusing to overwrite existing file: sub/dir/plano.yaml (use --force)"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");

    let (ok, _, stderr) = planoai(
        &dir,
        &["init", "--clean", "-o", "sub/dir/plano.yaml", "--force"],
    );
    assert!(ok, "{stderr}");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("version: v0.4.0"), "{written}");
}

#[test]
fn default_output_is_config_yaml_in_the_current_directory() {
    let dir = temp_dir("init-default");
    let (ok, _, stderr) = planoai(&dir, &["init", "--template", "filter_chain_guardrails"]);
    assert!(ok, "{stderr}");
    let written = std::fs::read_to_string(dir.join("config.yaml")).unwrap();
    assert!(written.contains("input_filters"), "{written}");
    let (ok, _, _) = planoai(&dir, &["validate"]);
    assert!(ok, "the written file is found and valid");
}

#[test]
fn without_a_terminal_or_a_choice_init_fails_and_says_what_to_pass() {
    let dir = temp_dir("init-notty");
    let (ok, _, stderr) = planoai(&dir, &["init"]);
    assert!(!ok);
    assert!(
        stderr.contains("--template") && stderr.contains("--clean"),
        "{stderr}"
    );
    assert!(!dir.join("config.yaml").exists());
}

#[test]
fn unknown_template_list_and_usage_errors() {
    let dir = temp_dir("init-misc");
    let (ok, _, stderr) = planoai(&dir, &["init", "--template", "nope"]);
    assert!(!ok);
    assert!(stderr.contains("Unknown template: nope"), "{stderr}");
    assert!(stderr.contains("preference_aware_routing"), "{stderr}");

    let (ok, stdout, _) = planoai(&dir, &["init", "--list-templates"]);
    assert!(ok);
    for id in [
        "preference_aware_routing",
        "coding_agent_routing",
        "sub_agent_orchestration",
        "filter_chain_guardrails",
        "conversational_state_v1_responses",
    ] {
        assert!(stdout.contains(id), "{stdout}");
    }

    let (ok, _, stderr) = planoai(
        &dir,
        &["init", "--clean", "--template", "coding_agent_routing"],
    );
    assert!(!ok);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
    assert!(!dir.join("config.yaml").exists());
}
