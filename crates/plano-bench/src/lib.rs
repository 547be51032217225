//! plano-bench
