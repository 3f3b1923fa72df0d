//! Records the commit a binary is built from, for `gsl-vault --version`: from git in a checkout,
//! or from the `.cargo_vcs_info.json` that `cargo package` writes into a published crate.
//! Nothing else: no timestamp, so that builds stay reproducible.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    for p in [".git/HEAD", ".git/refs", ".git/packed-refs"] {
        if std::path::Path::new(p).exists() {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success() && std::path::Path::new(".git").exists())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .or_else(packaged_commit)
        .unwrap_or_default();
    println!("cargo:rustc-env=GSL_VAULT_COMMIT={commit}");
}

/// The commit `cargo package` recorded (`{"git": {"sha1": "..."}, ...}`), if this is a crate.
fn packaged_commit() -> Option<String> {
    println!("cargo:rerun-if-changed=.cargo_vcs_info.json");
    let text = std::fs::read_to_string(".cargo_vcs_info.json").ok()?;
    let at = text.find("\"sha1\"")?;
    let rest = &text[at + 6..];
    let start = rest.find('"')? + 1;
    let sha: String = rest[start..].chars().take_while(|c| *c != '"').collect();
    (sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit())).then_some(sha)
}
