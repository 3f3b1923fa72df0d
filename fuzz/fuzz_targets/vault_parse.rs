//! Vault parser: never panics; accepts only canonical bytes (see gsl_vault::fuzzing).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| gsl_vault::fuzzing::vault_parse(data));
