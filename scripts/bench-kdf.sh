#!/usr/bin/env bash
# Whole-process comparison of Argon2id: `gsl-vault open` vs Debian's `argon2` CLI (the portable C
# reference) vs argon2-cffi (the SSE2-optimised C code, from Python), same costs, outputs checked
# identical first. Paired runs: each round runs the three once, one after the other, so that a
# machine's slow moments fall on all of them; the ratio of each pair is reported as its median,
# minimum and maximum over the rounds (a bimodal result cannot hide behind two medians). Writes
# the table of BENCHMARKS.md to stdout (raw times under $OUT).
#
#   scripts/bench-kdf.sh            # installs argon2, hyperfine and argon2-cffi if missing
#   RUNS=21 scripts/bench-kdf.sh    # more rounds (at least 11)
#   PAUSE=5 scripts/bench-kdf.sh    # idle 5 s before every run: each process then meets the
#                                   # memory a user meets after an idle minute, not the pages
#                                   # the previous run has just freed (BENCHMARKS.md)
#
# Run it on an idle machine: anything else on the cores skews the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-11}
PAUSE=${PAUSE:-0}
[ "$RUNS" -ge 11 ] || { echo "RUNS must be at least 11" >&2; exit 2; }
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
  : > "$OUT/pairs-$m"
  for r in $(seq 0 "$RUNS"); do   # round 0 is a warm-up, not recorded
    line=""
    for tool in gsl-vault argon2-cli argon2-cffi; do
      case $tool in
        gsl-vault) cmd="$GV open $OUT/v$m.vault --passphrase-file $OUT/pass" ;;
        argon2-cli) cmd="argon2 $SALT -id -t $t -k $kib -p $p -l 32 -r < $OUT/pass" ;;
        argon2-cffi) cmd=$(cffi "$kib" "$t" "$p") ;;
      esac
      sleep "$PAUSE"
      # Wall time from the shell's microsecond clock (time's %e has 10 ms steps, a tenth of a
      # 64 MiB run); system time and peak RSS from /usr/bin/time.
      t0=$EPOCHREALTIME
      /usr/bin/time -f '%S %M' -o "$OUT/t" sh -c "$cmd" >/dev/null
      t1=$EPOCHREALTIME
      wall=$(python3 -c "print(f'{$t1 - $t0:.4f}')")
      line="$line $tool $wall $(cat "$OUT/t")"
    done
    [ "$r" -gt 0 ] && echo "$line" >> "$OUT/pairs-$m"
  done
  echo "cost $m MiB done" >&2
done

# Without the KDF: status, check-share and a quorum drill (policy either), whole processes.
rm -f "$OUT/q.vault"
"$GV" init "$OUT/q.vault" -t 2 --custodian a --custodian b --shares-dir "$OUT" --secret-file "$OUT/master" \
  --passphrase-file "$OUT/pass" --kdf-memory 64 --kdf-iterations 3 --force 2>/dev/null
hyperfine --warmup 3 --runs 30 --export-json "$OUT/nokdf.json" \
  -n status "$GV status $OUT/q.vault" \
  -n check-share "$GV check-share $OUT/q.vault $OUT/a.share" \
  -n "quorum drill" "$GV drill $OUT/q.vault $OUT/a.share $OUT/b.share" >&2

python3 - "$OUT" "$PAUSE" <<'PY'
import json, sys, os, platform, subprocess
out = sys.argv[1]
med = lambda r: sorted(r["times"])[len(r["times"]) // 2]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
mem = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal"))) // 1024 // 1024
thp = open("/sys/kernel/mm/transparent_hugepage/enabled").read().strip() if os.path.exists("/sys/kernel/mm/transparent_hugepage/enabled") else "n/a"
pause = sys.argv[2]
how = "back to back" if float(pause) == 0 else f"each after {pause} s idle"
print(f"Machine: {cpu}, {os.cpu_count()} cores, {mem} GiB, Linux {platform.release()}, THP {thp}. Runs: {how}.")
print()
print("| Argon2id cost | gsl-vault open, median (min-max) | argon2 CLI, median (min-max) | gsl-vault / CLI per pair: median (min-max) | slowest gsl-vault vs slowest CLI | gsl-vault / cffi, median | sys time gsl-vault / CLI, median (max) | peak RSS gsl-vault / CLI |")
print("|---|---|---|---|---|---|---|---|")
for m, t, p in [(64, 3, 4), (256, 3, 4), (1024, 1, 4), (2048, 1, 4)]:
    rounds = []
    for line in open(f"{out}/pairs-{m}"):
        f = line.split()
        rounds.append({f[i]: (float(f[i + 1]), float(f[i + 2]), int(f[i + 3])) for i in range(0, len(f), 4)})
    col = lambda tool, k: [r[tool][k] for r in rounds]
    g, c, y = col("gsl-vault", 0), col("argon2-cli", 0), col("argon2-cffi", 0)
    ratio = [a / b for a, b in zip(g, c)]
    ry = [a / b for a, b in zip(g, y)]
    md = lambda v: sorted(v)[len(v) // 2]
    gs, cs = col("gsl-vault", 1), col("argon2-cli", 1)
    rss_g, rss_c = max(col("gsl-vault", 2)) // 1024, max(col("argon2-cli", 2)) // 1024
    print(f"| {m} MiB, t={t}, p={p} ({len(rounds)} pairs) | {md(g):.3f} s ({min(g):.3f}-{max(g):.3f}) | {md(c):.3f} s ({min(c):.3f}-{max(c):.3f}) | "
          f"{md(ratio):.2f}x ({min(ratio):.2f}-{max(ratio):.2f}) | {max(g):.3f} s vs {max(c):.3f} s | {md(ry):.2f}x | "
          f"{md(gs):.2f} s ({max(gs):.2f}) / {md(cs):.2f} s ({max(cs):.2f}) | {rss_g} / {rss_c} MiB |")
print()
print("| without the KDF (policy either) | median | max |")
print("|---|---|---|")
for r in json.load(open(f"{out}/nokdf.json"))["results"]:
    print(f"| {r['command']} | {med(r)*1000:.1f} ms | {max(r['times'])*1000:.1f} ms |")
PY
