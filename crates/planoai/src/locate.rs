//! Finding the config file: an explicit file, else `<dir>/config.yaml`, else
//! `<dir>/plano_config.yaml` (spec §1.1).

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

pub fn config_file(file: Option<&Path>, dir: &Path) -> Result<PathBuf> {
    if let Some(f) = file {
        if !f.is_file() {
            bail!("config file {} not found", f.display());
        }
        return Ok(f.to_path_buf());
    }
    for name in ["config.yaml", "plano_config.yaml"] {
        let candidate = dir.join(name);
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    bail!(
        "no config file given and neither config.yaml nor plano_config.yaml exists in {}",
        dir.display()
    )
}
