//! plano-translate
