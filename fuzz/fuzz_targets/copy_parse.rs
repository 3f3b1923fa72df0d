//! See gsl_vault::fuzzing::copy_parse for the property checked.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| gsl_vault::fuzzing::copy_parse(data));
