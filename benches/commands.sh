#!/usr/bin/env bash
# Whole-command benchmarks of bcode against age itself (issue 8), in one run:
#   bash benches/commands.sh            # everything; prints times, ratios and peak memory
# Environment:
#   SIZES="10 100 1000 10000"   identity-file vault sizes (services of 16 codes)
#   PASS_SIZES="1000"           passphrase vault sizes (each command costs one scrypt, ~0.6 s)
#   RUNS=20 PASS_RUNS=10        hyperfine runs per command (after 3 warmup runs; 1 for scrypt)
#   GO_AGE_PASS=1               also time Debian's Go `age -d` of a passphrase file through `script`
#   BUILD_TIME=1                also time a clean release build in a fresh target dir (slow)
#   KEEP=1                      keep the work folder (vaults, hyperfine CSVs)
# Needs: cargo, hyperfine, age, age-keygen, /usr/bin/time, strace (optional), script (optional).
#
# References ("the floor is age itself"):
# - identity-file vault: `age -d -i KEY vault.age` on the same file (Go age, Debian).
# - passphrase vault: one age scrypt decryption at work factor 18 of a passphrase-encrypted
#   file holding the same-sized document, done by the age crate bcode links
#   (`bench_vault open`, examples/bench_vault.rs). The `age` CLI reads a passphrase only
#   from a terminal; GO_AGE_PASS=1 drives it through `script` as a second reference,
#   but the pty and a different scrypt implementation make it a poorer yardstick for
#   "one scrypt per command, never two".
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
SIZES=${SIZES-"10 100 1000 10000"}
PASS_SIZES=${PASS_SIZES-"1000"}
RUNS=${RUNS:-20}
PASS_RUNS=${PASS_RUNS:-10}
target=${CARGO_TARGET_DIR:-$root/target}

for tool in hyperfine age age-keygen /usr/bin/time; do
    command -v "$tool" >/dev/null || {
        echo "commands.sh: $tool is missing (apt-get install hyperfine age time)" >&2
        exit 1
    }
done

echo "== building (release)" >&2
(cd "$root" && cargo build --release --quiet --bin bcode --example bench_vault)
bcode=$target/release/bcode
helper=$target/release/examples/bench_vault

work=$(mktemp -d "${TMPDIR:-/tmp}/bcode-bench.XXXXXX")
if [[ -z ${KEEP:-} ]]; then
    trap 'rm -rf "$work"' EXIT
else
    echo "work folder: $work" >&2
fi
age-keygen -o "$work/key.txt" 2>/dev/null
printf 'correct horse battery staple\n' >"$work/pass"
chmod 600 "$work/pass"
export BCODE_PASSPHRASE_FILE=$work/pass
unset BCODE_IDENTITY BCODE_DIR RUST_BACKTRACE

results=$work/results.tsv # label, command, mean s, stddev s, reference mean s, peak KiB
: >"$results"

# The service `show`/`use` pick: github-00008 (any size >= 10 has it).
svc=github-00008

make_vault() { # kind size -> folder
    local kind=$1 n=$2 dir=$work/$1-$2
    if [[ $kind == id ]]; then
        "$bcode" --dir "$dir" init --identity "$work/key.txt" 2>/dev/null
    else
        "$bcode" --dir "$dir" init 2>/dev/null
    fi
    "$helper" populate "$dir" "$n"
    cp "$dir/vault.age" "$dir/vault.orig"
    rm -rf "$dir/backups"
    # Puts the original vault back before each timed run (`use` changes it), then
    # writes it to disk: a vault at rest, as `bcode` meets it in real use. Left
    # dirty, its megabyte would be written by the next fsync (`use` writes the new
    # vault's), and that would be timed as part of the command.
    printf '#!/bin/sh\ncp "%s" "%s" && sync\n' "$dir/vault.orig" "$dir/vault.age" >"$dir.restore"
    chmod +x "$dir.restore"
    echo "$dir"
}

peak_kib() { # command... -> max RSS in KiB
    /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1 || true
    cat "$work/rss"
}

# Runs hyperfine over NAME=COMMAND pairs (first is the reference), records mean and
# stddev, the ratio to the reference and each command's peak memory.
bench() { # label runs warmup prepare-for-use name=cmd...
    local label=$1 runs=$2 warmup=$3 restore=$4
    shift 4
    local args=() names=() cmds=()
    for pair in "$@"; do
        names+=("${pair%%=*}")
        cmds+=("${pair#*=}")
    done
    for i in "${!cmds[@]}"; do
        # `use` changes the vault: put the original back before each run of every
        # command (not timed), so that all meet the same vault.
        args+=(--prepare "$restore" -n "${names[$i]}" "${cmds[$i]}")
    done
    hyperfine -N --style basic --warmup "$warmup" --runs "$runs" \
        --export-csv "$work/$label.csv" "${args[@]}" >&2
    local ref
    ref=$(awk -F, 'NR==2 {print $2}' "$work/$label.csv")
    local i=0
    while IFS=, read -r _ mean sd _; do
        $restore
        read -ra argv <<<"${cmds[$i]}"
        local kib
        kib=$(peak_kib "${argv[@]}")
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "${names[$i]}" "$mean" "$sd" "$ref" "$kib" >>"$results"
        i=$((i + 1))
    done < <(tail -n +2 "$work/$label.csv")
}

for n in $SIZES; do
    echo "== identity-file vault, $n services" >&2
    d=$(make_vault id "$n")
    bench "id-$n" "$RUNS" 3 "$d.restore" \
        "age -d=age -d -i $work/key.txt -o /dev/null $d/vault.age" \
        "list=$bcode --dir $d list" \
        "show=$bcode --dir $d show $svc" \
        "use=$bcode --dir $d use $svc" \
        "print --pdf=$bcode --dir $d print --pdf -o $work/sheet.pdf"
done

for n in $PASS_SIZES; do
    echo "== passphrase vault, $n services" >&2
    d=$(make_vault pass "$n")
    "$helper" seal "$n" "$work/pass" "$work/pass-$n.age"
    refs=("age crate scrypt -d=$helper open $work/pass-$n.age $work/pass")
    bench "pass-$n" "$PASS_RUNS" 1 "$d.restore" \
        "${refs[@]}" \
        "list=$bcode --dir $d list" \
        "show=$bcode --dir $d show $svc" \
        "use=$bcode --dir $d use $svc" \
        "print --pdf=$bcode --dir $d print --pdf -o $work/sheet.pdf"
    if [[ -n ${GO_AGE_PASS:-} ]] && command -v script >/dev/null; then
        # Go age reads the passphrase from its terminal: `script` gives it one, fed from stdin.
        printf '#!/bin/sh\nexec script -qec "age -d -o /dev/null %s" /dev/null <%s\n' \
            "$work/pass-$n.age" "$work/pass" >"$work/go-age-pass"
        chmod +x "$work/go-age-pass"
        bench "go-age-pass-$n" "$PASS_RUNS" 1 true \
            "age crate scrypt -d=$helper open $work/pass-$n.age $work/pass" \
            "Go age -d (via script)=$work/go-age-pass"
    fi
done

# Dynamic completion of service names, and the commands that must not open the vault.
cn=1000
[[ " $SIZES " == *" 1000 "* ]] || cn=$(echo "$SIZES" | awk '{print $NF}')
d=$work/id-$cn
complete_cmd="env COMPLETE=bash _CLAP_COMPLETE_INDEX=2 _CLAP_COMPLETE_COMP_TYPE=9 _CLAP_COMPLETE_SPACE=true BCODE_DIR=$d $bcode -- bcode use gi"
echo "== completion and help, $cn services" >&2
bench "startup-$cn" "$RUNS" 3 true \
    "age -d=age -d -i $work/key.txt -o /dev/null $d/vault.age" \
    "complete 'bcode use gi'=$complete_cmd" \
    "help=$bcode --dir $d --help" \
    "completions bash=$bcode --dir $d completions bash"
read -ra argv <<<"$complete_cmd"
found=$("${argv[@]}" | grep -c '^gi' || true)
echo "completion of 'gi' offered $found names" >&2

touches=""
if command -v strace >/dev/null; then
    for c in "--help" "completions bash" "completions zsh"; do
        read -ra a <<<"$c"
        if strace -f -e trace=open,openat,stat,newfstatat,statx -o "$work/strace" \
            "$bcode" --dir "$d" "${a[@]}" >/dev/null 2>&1 &&
            grep -q "$d" "$work/strace"; then
            touches+=" $c"
        fi
    done
    if [[ -z $touches ]]; then
        echo "vault folder untouched by --help and completions (strace)" >&2
    else
        echo "TOUCHED the vault folder:$touches" >&2
    fi
fi

size=$(stat -c %s "$bcode")

if [[ -n ${BUILD_TIME:-} ]]; then
    echo "== clean release build in a fresh target dir" >&2
    bt=$work/build-target
    start=$(date +%s)
    (cd "$root" && CARGO_TARGET_DIR=$bt cargo build --release --quiet --bin bcode)
    build_s=$(($(date +%s) - start))
    rm -rf "$bt"
fi

# The report.
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '%-18s %-28s %10s %8s %8s %9s\n' vault command "mean ms" "± ms" ratio "peak MiB"
awk -F'\t' '{printf "%-18s %-28s %10.1f %8.1f %8.2f %9.1f\n", $1, $2, $3*1000, $4*1000, $3/$5, $6/1024}' "$results"

mean() { awk -F'\t' -v l="$1" -v c="$2" '$1==l && $2==c {print $3}' "$results"; }
rss() { awk -F'\t' -v l="$1" -v c="$2" '$1==l && $2==c {print $6}' "$results"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
verdict() { awk -v r="$1" -v m="$2" 'BEGIN {print (r <= m) ? "ok" : "MISSED"}'; }

echo
echo "budgets:"
if [[ -n $(mean id-1000 list) ]]; then
    r=$(ratio "$(mean id-1000 list)" "$(mean id-1000 'age -d')")
    echo "  identity 1,000: list / age -d = $r (<= 1.5) $(verdict "$r" 1.5)"
    r=$(ratio "$(mean id-1000 use)" "$(mean id-1000 'age -d')")
    echo "  identity 1,000: use / age -d = $r (<= 3) $(verdict "$r" 3)"
fi
for n in $PASS_SIZES; do
    for c in list show use "print --pdf"; do
        r=$(ratio "$(mean "pass-$n" "$c")" "$(mean "pass-$n" 'age crate scrypt -d')")
        echo "  passphrase $n: $c / one scrypt age -d = $r (<= 1.15) $(verdict "$r" 1.15)"
    done
done
if [[ -n $(mean id-1000 list) && -n $(mean id-10000 list) ]]; then
    for c in "age -d" list show use "print --pdf"; do
        r=$(ratio "$(mean id-10000 "$c")" "$(mean id-1000 "$c")")
        echo "  growth 1,000 -> 10,000: $c x$r (<= 12) $(verdict "$r" 12)"
    done
    for c in list show use "print --pdf"; do
        m=$(awk -v k="$(rss id-10000 "$c")" 'BEGIN {printf "%.1f", k/1024}')
        echo "  peak memory 10,000 identity: $c $m MiB (<= 64) $(verdict "$m" 64)"
    done
fi
c=$(mean "startup-$cn" "complete 'bcode use gi'")
ms=$(awk -v s="$c" 'BEGIN {printf "%.1f", s*1000}')
echo "  completion 'bcode use gi' on $cn services: $ms ms (< 20) $(verdict "$ms" 19.999)"
echo "  --help and completions touch the vault: ${touches:-no}"
mb=$(awk -v b="$size" 'BEGIN {printf "%.2f", b/1048576}')
echo "  release binary: $mb MiB (<= 8 MB) $(verdict "$size" 8000000)"
if [[ -n ${build_s:-} ]]; then
    echo "  clean release build: ${build_s} s (< 180 s; load $(cut -d' ' -f1-3 /proc/loadavg)) $(verdict "$build_s" 179)"
fi
