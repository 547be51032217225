//! Plano `config.yaml` loading: YAML text → raw mirror → validated [`Config`].
//!
//! (Full crate documentation is at the end of this file's doc block; see below.)
mod dotenv;
mod duration;
mod env;
pub mod errors;
mod load;
mod migrate;
pub mod model;
mod node;
mod raw;
mod read;
pub mod secret;
mod suggest;
mod url;
mod validate;

pub use env::EnvPolicy;
pub use errors::{ConfigError, ConfigErrors};
pub use load::{EnvSource, Loaded, dotenv_path, load_file, load_str};
pub use model::*;
pub use secret::Secret;
