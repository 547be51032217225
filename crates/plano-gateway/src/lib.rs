//! plano-gateway
