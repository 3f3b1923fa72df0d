//! See gsl_vault::fuzzing::vault_body for the property checked.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| gsl_vault::fuzzing::vault_body(data));
