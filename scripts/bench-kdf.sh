#!/usr/bin/env bash
# Whole-process comparison of Argon2id: `gsl-vault open` vs Debian's `argon2` CLI (the portable C
# reference) vs argon2-cffi (the SSE2-optimised C code, from Python), same costs, outputs checked
# identical first. Writes the table of BENCHMARKS.md to stdout (and raw JSON under $OUT).
#
#   scripts/bench-kdf.sh            # installs argon2, hyperfine and argon2-cffi if missing
#   RUNS=10 scripts/bench-kdf.sh    # more runs per command
#
# Run it on an idle machine: anything else on the cores skews the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-7}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"

need=()
command -v argon2 >/dev/null || need+=(argon2)
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
python3 -c 'import argon2.low_level' 2>/dev/null || pip install --quiet argon2-cffi

cargo build --release --quiet --bin gsl-vault --example kdf
GV=$PWD/target/release/gsl-vault
KDF=$PWD/target/release/examples/kdf
PASS='bench passphrase for gsl-vault'
SALT='gsl-vault-bench-salt'
printf '%s' "$PASS" > "$OUT/pass"
printf 'BENCH-MASTER-KEY\n' > "$OUT/master"

cffi() { # m_kib t p -> python command computing the same hash
  echo "python3 -c \"import argon2.low_level as a; print(a.hash_secret_raw(b'$PASS', b'$SALT', time_cost=$2, memory_cost=$1, parallelism=$3, hash_len=32, type=a.Type.ID).hex())\""
}

for cost in "64 3 4" "256 3 4" "1024 1 4" "2048 1 4"; do
  set -- $cost
  m=$1 t=$2 p=$3 kib=$(( $1 * 1024 ))
  ours=$("$KDF" "$SALT" "$kib" "$t" "$p" < "$OUT/pass")
  ref=$(argon2 "$SALT" -id -t "$t" -k "$kib" -p "$p" -l 32 -r < "$OUT/pass")
  py=$(sh -c "$(cffi "$kib" "$t" "$p")")
  if [ "$ours" != "$ref" ] || [ "$ours" != "$py" ]; then
    echo "outputs differ at $m MiB t=$t p=$p: $ours / $ref / $py" >&2
    exit 1
  fi
  rm -f "$OUT/v$m.vault" "$OUT"/*.share
  "$GV" init "$OUT/v$m.vault" -t 2 --custodian a --custodian b --shares-dir "$OUT" \
    --secret-file "$OUT/master" --passphrase-file "$OUT/pass" \
    --kdf-memory "$m" --kdf-iterations "$t" --kdf-parallelism "$p" --force 2>/dev/null
  hyperfine --warmup 1 --runs "$RUNS" --export-json "$OUT/kdf-$m.json" \
    -n gsl-vault "$GV open $OUT/v$m.vault --passphrase-file $OUT/pass" \
    -n argon2-cli "argon2 $SALT -id -t $t -k $kib -p $p -l 32 -r < $OUT/pass" \
    -n argon2-cffi "$(cffi "$kib" "$t" "$p")" >&2
  for tool in gsl-vault argon2-cli argon2-cffi; do
    case $tool in
      gsl-vault) cmd="$GV open $OUT/v$m.vault --passphrase-file $OUT/pass" ;;
      argon2-cli) cmd="argon2 $SALT -id -t $t -k $kib -p $p -l 32 -r < $OUT/pass" ;;
      argon2-cffi) cmd=$(cffi "$kib" "$t" "$p") ;;
    esac
    /usr/bin/time -f '%M' -o "$OUT/rss-$m-$tool" sh -c "$cmd" >/dev/null
  done
done

# Without the KDF: status, check-share and a quorum drill (policy either), whole processes.
rm -f "$OUT/q.vault"
"$GV" init "$OUT/q.vault" -t 2 --custodian a --custodian b --shares-dir "$OUT" --secret-file "$OUT/master" \
  --passphrase-file "$OUT/pass" --kdf-memory 64 --kdf-iterations 3 --force 2>/dev/null
hyperfine --warmup 3 --runs 30 --export-json "$OUT/nokdf.json" \
  -n status "$GV status $OUT/q.vault" \
  -n check-share "$GV check-share $OUT/q.vault $OUT/a.share" \
  -n "quorum drill" "$GV drill $OUT/q.vault $OUT/a.share $OUT/b.share" >&2

python3 - "$OUT" <<'PY'
import json, sys, os, platform, subprocess
out = sys.argv[1]
med = lambda r: sorted(r["times"])[len(r["times"]) // 2]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
mem = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal"))) // 1024 // 1024
thp = open("/sys/kernel/mm/transparent_hugepage/enabled").read().strip() if os.path.exists("/sys/kernel/mm/transparent_hugepage/enabled") else "n/a"
print(f"Machine: {cpu}, {os.cpu_count()} cores, {mem} GiB, Linux {platform.release()}, THP {thp}.")
print()
print("| Argon2id cost | gsl-vault open | argon2 CLI | argon2-cffi | gsl-vault / CLI | gsl-vault / cffi | peak RSS gsl-vault (m + …) | peak RSS CLI | peak RSS cffi |")
print("|---|---|---|---|---|---|---|---|---|")
for m, t, p in [(64, 3, 4), (256, 3, 4), (1024, 1, 4), (2048, 1, 4)]:
    rs = {r["command"]: r for r in json.load(open(f"{out}/kdf-{m}.json"))["results"]}
    g, c, y = (med(rs[k]) for k in ("gsl-vault", "argon2-cli", "argon2-cffi"))
    rss = {k: int(open(f"{out}/rss-{m}-{k}").read().split()[-1]) // 1024 for k in ("gsl-vault", "argon2-cli", "argon2-cffi")}
    print(f"| {m} MiB, t={t}, p={p} | {g*1000:.0f} ms | {c*1000:.0f} ms | {y*1000:.0f} ms | {g/c:.2f}x | {g/y:.2f}x | {rss['gsl-vault']} MiB (+{rss['gsl-vault']-m}) | {rss['argon2-cli']} MiB | {rss['argon2-cffi']} MiB |")
print()
print("| without the KDF (policy either) | median | max |")
print("|---|---|---|")
for r in json.load(open(f"{out}/nokdf.json"))["results"]:
    print(f"| {r['command']} | {med(r)*1000:.1f} ms | {max(r['times'])*1000:.1f} ms |")
PY
