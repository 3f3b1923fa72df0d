#!/usr/bin/env bash
# Software bills of materials, in CycloneDX JSON, for what a user runs:
#
#   target/sbom/gsl-vault.cdx.json       the Rust crates of every platform (cargo cyclonedx; cargo install --locked
#                                        cargo-cyclonedx), dev-dependencies left out
#   target/sbom/recovery-page.cdx.json   the npm packages bundled into recover.html (npm sbom,
#                                        from package-lock.json, dev-dependencies left out)
#
#   scripts/sbom.sh           write both
#   scripts/sbom.sh --check   write both, then check them against the lockfiles: every crate
#                             compiled into the binary (cargo tree) and every npm package the page
#                             bundles is listed with its exact version, and nothing is listed
#                             that the lockfiles do not hold
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v cargo-cyclonedx >/dev/null || {
    echo "sbom: cargo-cyclonedx is missing: cargo install --locked cargo-cyclonedx" >&2
    exit 2
}
out=target/sbom
mkdir -p "$out"

# The Rust side: written beside Cargo.toml by the tool, then moved.
cargo cyclonedx --format json --spec-version 1.5 --target all --override-filename gsl-vault.sbom -q
mv gsl-vault.sbom.json "$out/gsl-vault.cdx.json"
# The page's side: the packages in package-lock.json that recover.html bundles.
(cd recovery-page && npm sbom --sbom-format cyclonedx --omit dev --package-lock-only) \
    >"$out/recovery-page.cdx.json"
echo "wrote $out/gsl-vault.cdx.json and $out/recovery-page.cdx.json"

[ "${1:-}" = "--check" ] || exit 0

cargo tree --locked --offline -e normal --prefix none --format '{p}' --target all \
    >"$out/cargo-tree.txt"
python3 - "$out" <<'EOF'
import json, sys, tomllib

out = sys.argv[1]

def components(bom):
    """Every (name, version) the BOM lists, nested components included."""
    seen = set()
    stack = list(bom.get("components", []))
    while stack:
        c = stack.pop()
        seen.add((c["name"], c.get("version", "")))
        stack.extend(c.get("components", []))
    return seen

fail = []

# Rust: every crate of the binary's normal dependency tree (any platform), by exact version.
rust = components(json.load(open(f"{out}/gsl-vault.cdx.json")))
tree = set()
for line in open(f"{out}/cargo-tree.txt"):
    parts = line.split()
    if len(parts) >= 2 and parts[1].startswith("v") and parts[0] != "gsl-vault":
        tree.add((parts[0], parts[1][1:]))
lock = {(p["name"], p["version"]) for p in tomllib.load(open("Cargo.lock", "rb"))["package"]}
missing = sorted(tree - rust)
extra = sorted(c for c in rust if c not in lock)
if missing:
    fail.append(f"gsl-vault.cdx.json lacks {len(missing)} crate(s) of the binary: {missing[:5]}")
if extra:
    fail.append(f"gsl-vault.cdx.json lists {len(extra)} crate(s) not in Cargo.lock: {extra[:5]}")

# npm: every package the page depends on (dependencies, not devDependencies, and theirs).
lockjson = json.load(open("recovery-page/package-lock.json"))
pkgs = lockjson["packages"]
bundled = set()
for path, p in pkgs.items():
    if path.startswith("node_modules/") and not p.get("dev", False):
        bundled.add((path.split("node_modules/")[-1], p["version"]))
# A scope ("@noble") may stand in "group" rather than in the name.
full = set()
for c in json.load(open(f"{out}/recovery-page.cdx.json")).get("components", []):
    name = f'{c["group"]}/{c["name"]}' if c.get("group") else c["name"]
    full.add((name, c.get("version", "")))
missing = sorted(bundled - full)
dev = sorted(c for c in full if c not in bundled)
if missing:
    fail.append(f"recovery-page.cdx.json lacks {len(missing)} bundled package(s): {missing[:5]}")
if dev:
    fail.append(f"recovery-page.cdx.json lists {len(dev)} package(s) the page does not bundle: {dev[:5]}")

if fail:
    print("sbom --check: " + "; ".join(fail), file=sys.stderr)
    sys.exit(1)
print(f"sbom: {len(rust)} crates (the binary's {len(tree)} among them) and {len(full)} npm packages, each at its locked version")
EOF
