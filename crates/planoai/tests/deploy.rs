//! The packaging in `deploy/` stays in step with the binary: the ConfigMap's config.yaml
//! validates, and the Dockerfile's ENTRYPOINT (its flags, with the ConfigMap's config and the
//! Secret's variable) starts a gateway that answers the probes' `/healthz`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{free_port, temp_dir};

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

fn deploy_file(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../deploy")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The block scalar under `config.yaml: |` in the ConfigMap, dedented.
fn configmap_config() -> String {
    let manifest = deploy_file("kubernetes/configmap.yaml");
    let mut lines = manifest
        .lines()
        .skip_while(|l| l.trim() != "config.yaml: |");
    let key = lines.next().expect("a `config.yaml: |` key");
    let key_indent = key.len() - key.trim_start().len();
    let block: Vec<&str> = lines
        .take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > key_indent)
        .collect();
    let indent = block
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .expect("a non-empty config block");
    block
        .iter()
        .map(|l| format!("{}\n", l.get(indent..).unwrap_or("")))
        .collect()
}

fn write_config(name: &str) -> PathBuf {
    let file = temp_dir(&format!("deploy-{name}")).join("config.yaml");
    std::fs::write(&file, configmap_config()).unwrap();
    file
}

#[test]
fn the_configmap_config_validates_and_matches_the_manifests() {
    let config = configmap_config();
    assert!(config.starts_with("version: "), "{config}");
    assert!(config.contains("port: 12000"), "{config}");
    assert!(config.contains("$OPENAI_API_KEY"), "{config}");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_planoai"))
        .arg("validate")
        .arg(write_config("validate"))
        .env("OPENAI_API_KEY", "sk-test")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        !format!("{stdout}{stderr}")
            .to_lowercase()
            .contains("warning"),
        "{stdout}{stderr}"
    );

    // The pieces the manifests share.
    let deployment = deploy_file("kubernetes/deployment.yaml");
    let secret = deploy_file("kubernetes/secret.yaml");
    let service = deploy_file("kubernetes/service.yaml");
    let dockerfile = deploy_file("Dockerfile");
    assert!(dockerfile.contains("\"/etc/plano/config.yaml\""));
    assert!(deployment.contains("mountPath: /etc/plano\n"));
    assert!(
        deployment.contains("name: plano-config")
            && deployment.contains("name: plano-provider-keys")
    );
    assert!(secret.contains("  OPENAI_API_KEY: "));
    assert!(deployment.contains("containerPort: 12000") && deployment.contains("path: /healthz"));
    assert!(service.contains("port: 12000") && service.contains("port: 9092"));
    assert!(dockerfile.contains("EXPOSE 12000 9092"));
}

/// The ENTRYPOINT as an argument vector.
fn entrypoint() -> Vec<String> {
    let dockerfile = deploy_file("Dockerfile");
    let line = dockerfile
        .lines()
        .find_map(|l| l.strip_prefix("ENTRYPOINT "))
        .expect("an ENTRYPOINT");
    serde_json::from_str(line).expect("ENTRYPOINT in exec (JSON array) form")
}

#[tokio::test]
async fn the_dockerfile_entrypoint_serves_the_configmap_config() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args = entrypoint();
    assert_eq!(args[0], "/usr/local/bin/planoai");
    assert_eq!(args[2], "/etc/plano/config.yaml");
    let file = write_config("entrypoint");
    let (port, metrics_port) = (free_port(), free_port());
    let mut child = Command::new(env!("CARGO_BIN_EXE_planoai"))
        .args(args[1..].iter().map(|a| {
            if a == "/etc/plano/config.yaml" {
                file.to_str().unwrap()
            } else {
                a.as_str()
            }
        }))
        // Not the fixed ports of the image: tests share the host.
        .args(["--listener-port", &port.to_string()])
        .args(["--metrics-port", &metrics_port.to_string()])
        .env("OPENAI_API_KEY", "sk-test")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut banner = String::new();
    while let Ok(Ok(Some(line))) =
        tokio::time::timeout(Duration::from_secs(20), lines.next_line()).await
    {
        banner.push_str(&line);
        banner.push('\n');
        if line.contains("metrics on") {
            break;
        }
    }
    assert!(
        banner.contains(&format!("0.0.0.0:{port}")),
        "the listener binds every interface: {banner}"
    );
    assert!(
        banner.contains(&format!("http://0.0.0.0:{metrics_port}/metrics")),
        "so does /metrics in the image: {banner}"
    );
    let health = reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let metrics = reqwest::get(format!("http://127.0.0.1:{metrics_port}/metrics"))
        .await
        .unwrap();
    assert_eq!(metrics.status(), 200);

    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id().unwrap() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status:?}");
}
