//! Replays every committed fuzz corpus file through the same checks as the fuzz targets, on the
//! stable toolchain, so a crash once found and committed stays fixed.

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        check(&std::fs::read(e.path()).unwrap());
        n += 1;
    }
    assert!(n > 0, "no corpus for {target}");
}

#[test]
fn vault_parse_corpus() {
    replay("vault_parse", gsl_vault::fuzzing::vault_parse);
}

#[test]
fn share_text_corpus() {
    replay("share_text", gsl_vault::fuzzing::share_text);
}

#[test]
fn share_words_corpus() {
    replay("share_words", gsl_vault::fuzzing::share_words);
}

#[test]
fn share_compact_corpus() {
    replay("share_compact", gsl_vault::fuzzing::share_compact);
}

#[test]
fn combine_corpus() {
    replay("combine", gsl_vault::fuzzing::combine);
}

#[test]
fn age_share_corpus() {
    replay("age_share", gsl_vault::fuzzing::age_share);
}

#[test]
fn vault_body_corpus() {
    replay("vault_body", gsl_vault::fuzzing::vault_body);
}

#[test]
fn copy_parse_corpus() {
    replay("copy_parse", gsl_vault::fuzzing::copy_parse);
}

#[test]
fn proof_parse_corpus() {
    replay("proof_parse", gsl_vault::fuzzing::proof_parse);
}
