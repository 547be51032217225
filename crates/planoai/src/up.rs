//! `planoai up`.
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::UpArgs;

pub fn run(args: &UpArgs) -> Result<ExitCode> {
    let _file = crate::locate::config_file(args.file.as_deref(), &args.path)?;
    Ok(ExitCode::SUCCESS)
}
