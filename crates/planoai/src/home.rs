//! Where a detached gateway keeps its files: `$PLANO_HOME` (default `~/.plano`), with
//! `run/plano.pid` and `run/logs/plano.log` beneath it, as upstream's CLI lays them out.
//!
//! Nothing with a secret in it is ever written here: the detached child reads the config and
//! the environment itself, so keys stay in memory.

use std::path::PathBuf;

use anyhow::{Context, Result};

pub struct Home {
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
        })
    }

    pub fn pid_file(&self) -> PathBuf {
        self.run.join("plano.pid")
    }

    pub fn log_file(&self) -> PathBuf {
        self.logs.join("plano.log")
    }
}
