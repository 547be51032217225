//! `planoai validate`.
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::ValidateArgs;

pub fn run(args: &ValidateArgs) -> Result<ExitCode> {
    let _file = crate::locate::config_file(args.file.as_deref(), &args.path)?;
    Ok(ExitCode::SUCCESS)
}
