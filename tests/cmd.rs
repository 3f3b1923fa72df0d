//! Golden CLI files (trycmd): every bad-input case, usage errors, and the read-only commands on
//! the committed vectors, each with its full stdout, stderr and exit code. They pin the CLI
//! contract byte for byte; `TRYCMD=overwrite cargo test --test tests cmd::` rewrites them after
//! a deliberate change, which then shows in review as a diff of `tests/cmd/`.

#[test]
fn golden_cli_files() {
    trycmd::TestCases::new()
        .register_bin("gsl-vault", trycmd::cargo::cargo_bin!("gsl-vault"))
        .case("tests/cmd/*.toml");
}
