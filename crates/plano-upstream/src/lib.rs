//! plano-upstream
