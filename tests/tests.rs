//! gsl-vault's integration tests: one binary, one module per topic (ripgrep's layout). Each test
//! drives the real binary or the public library API; `common` holds what they share.

mod common;

mod age;
mod bad_inputs;
mod cmd;
mod copies;
mod crash;
mod demo;
mod ecosystem;
mod entries;
mod faults;
mod format3;
mod fuzz_corpus;
mod hygiene;
mod kdf_reference;
mod kit;
mod lifecycle;
mod proofs;
mod quorum;
mod recovery_page;
mod regressions;
mod revocation;
mod roundtrip;
mod secrecy;
mod share_typos;
mod strength;
mod tamper;
mod totp;
mod typed;
mod vectors;
