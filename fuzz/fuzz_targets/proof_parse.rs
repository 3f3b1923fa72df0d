//! See gsl_vault::fuzzing::proof_parse for the property checked.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| gsl_vault::fuzzing::proof_parse(data));
