//! See gsl_vault::fuzzing::share_words for the property checked.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| gsl_vault::fuzzing::share_words(data));
