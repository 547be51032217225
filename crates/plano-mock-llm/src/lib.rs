//! plano-mock-llm
