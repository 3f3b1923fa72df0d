//! Records the commit a binary is built from (when built from a git checkout), for
//! `gsl-vault --version`. Nothing else: no timestamp, so that builds stay reproducible.

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
        .unwrap_or_default();
    println!("cargo:rustc-env=GSL_VAULT_COMMIT={commit}");
}
