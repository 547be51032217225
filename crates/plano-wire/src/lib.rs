//! plano-wire
