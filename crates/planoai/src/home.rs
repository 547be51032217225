//! Where a detached gateway keeps its files: `$PLANO_HOME` (default `~/.plano`), with
//! `run/plano.pid` and `run/logs/plano.log` beneath it, as upstream's CLI lays them out.
//!
//! Nothing with a secret in it is ever written here: the detached child reads the config and
//! the environment itself, so keys stay in memory. The zero-config default
//! (`default_config.yaml`) holds `$VAR` references only.

use std::path::PathBuf;

use anyhow::{Context, Result};

pub struct Home {
    pub root: PathBuf,
    pub run: PathBuf,
    pub logs: PathBuf,
}

impl Home {
    pub fn locate() -> Result<Self> {
        let root = match std::env::var_os("PLANO_HOME") {
            Some(h) if !h.is_empty() => PathBuf::from(h),
            _ => {
                let home =
                    std::env::var_os("HOME").context("neither PLANO_HOME nor HOME is set")?;
                PathBuf::from(home).join(".plano")
            }
        };
        let run = root.join("run");
        Ok(Home {
            logs: run.join("logs"),
            run,
            root,
        })
    }

    pub fn pid_file(&self) -> PathBuf {
        self.run.join("plano.pid")
    }

    /// Where `up` writes the zero-config default (spec §10.3).
    pub fn default_config(&self) -> PathBuf {
        self.root.join("default_config.yaml")
    }

    pub fn log_file(&self) -> PathBuf {
        self.logs.join("plano.log")
    }

    /// One line per request (`plano::access`), written by the detached gateway.
    pub fn access_log_file(&self) -> PathBuf {
        self.logs.join("access.log")
    }
}
