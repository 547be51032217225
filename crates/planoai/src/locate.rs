//! Finding the config file: an explicit file, else `<dir>/config.yaml`, else
//! `<dir>/plano_config.yaml` (spec §1.1).
//!
//! "Nothing found" and "the file you named is missing" are different outcomes: `up` answers the
//! first with the zero-config default (spec §1.22) but must never do that for a typo in an
//! explicit path.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

/// The config to use: `Ok(Some(_))` when found, `Ok(None)` when no `file` was given and `dir`
/// holds neither name, an error when `file` was given but is not a file.
pub fn config_file(file: Option<&Path>, dir: &Path) -> Result<Option<PathBuf>> {
    if let Some(f) = file {
        if !f.is_file() {
            bail!("config file {} not found", f.display());
        }
        return Ok(Some(f.to_path_buf()));
    }
    Ok(["config.yaml", "plano_config.yaml"]
        .into_iter()
        .map(|name| dir.join(name))
        .find(|candidate| candidate.is_file()))
}

/// [`config_file`] for commands that need a file: not finding one is an error.
pub fn required(file: Option<&Path>, dir: &Path) -> Result<PathBuf> {
    config_file(file, dir)?.ok_or_else(|| {
        anyhow!(
            "no config file given and neither config.yaml nor plano_config.yaml exists in {} \
             (`planoai init` writes one)",
            dir.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("planoai-locate-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn nothing_found_is_none_but_a_missing_explicit_file_is_an_error() {
        let dir = temp_dir("empty");
        assert!(config_file(None, &dir).unwrap().is_none());
        assert!(required(None, &dir).is_err());
        let missing = dir.join("nope.yaml");
        let err = config_file(Some(&missing), &dir).unwrap_err();
        assert!(err.to_string().contains("nope.yaml"), "{err}");
    }

    #[test]
    fn config_yaml_wins_over_plano_config_yaml() {
        let dir = temp_dir("both");
        std::fs::write(dir.join("plano_config.yaml"), "x").unwrap();
        assert_eq!(
            config_file(None, &dir).unwrap(),
            Some(dir.join("plano_config.yaml"))
        );
        std::fs::write(dir.join("config.yaml"), "x").unwrap();
        assert_eq!(
            config_file(None, &dir).unwrap(),
            Some(dir.join("config.yaml"))
        );
    }
}
