//! Share reader (words, prefixes, compact form): never panics; round-trips (see gsl_vault::fuzzing).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| gsl_vault::fuzzing::share_text(data));
