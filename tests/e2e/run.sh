#!/bin/bash
# Runs every end-to-end test (tests/e2e/t_*.sh), or those named as arguments (t_case t_journal),
# against $BATON and prints one line per test (assertions and seconds) and a summary line.
# Tests are independent (each has its own temporary directory and stores), so they run
# BATON_TEST_JOBS at a time (default: one per processor); the lines come out in name order.
# Each test runs under a deadline (BATON_TEST_TIMEOUT seconds, default 600): a test that hangs
# is terminated (its own trap then kills every process group it started) and counts as failed.
set -u
: "${BATON:?set BATON to the baton binary}"
export BATON
dir=$(cd "$(dirname "$0")" && pwd)
limit=${BATON_TEST_TIMEOUT:-600}
jobs=${BATON_TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
case $jobs in '' | *[!0-9]* | 0) echo "run.sh: BATON_TEST_JOBS must be a positive number" >&2; exit 2 ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
only=" $* "
start_all=$(date +%s)

names=()
for t in "$dir"/t_*.sh; do
    name=$(basename "$t" .sh)
    if [ "$only" != "  " ] && [ "${only#* $name }" = "$only" ]; then
        continue
    fi
    names+=("$name")
done

# one test: its pass/fail counts in $work/NAME.res, its output in $work/NAME.log, and
# "rc seconds" in $work/NAME.done, written last so the printer knows it is complete
run_one() {
    local name=$1 start rc
    : >"$work/$name.res"
    start=$(date +%s)
    RESULT_FILE="$work/$name.res" timeout -s TERM -k 20 "$limit" bash "$dir/$name.sh" >"$work/$name.log" 2>&1
    rc=$?
    [ "$rc" -eq 124 ] && echo "  $name: terminated after ${limit}s (deadline)" >>"$work/$name.log"
    echo "$rc $(($(date +%s) - start))" >"$work/$name.tmp" && mv "$work/$name.tmp" "$work/$name.done"
}

# the longest tests start first, so the others fill the gaps beside them (the list only orders
# the start; a test missing from it still runs)
order=()
for name in t_crash t_stress t_access t_schema t_fixture t_transfer; do
    for n in "${names[@]}"; do [ "$n" = "$name" ] && order+=("$n"); done
done
for n in "${names[@]}"; do
    case " ${order[*]} " in *" $n "*) ;; *) order+=("$n") ;; esac
done

pass=0
fail=0
failed=""
next=0      # next test to start (in $order)
shown=0     # next test to print
running=0
while [ "$shown" -lt "${#names[@]}" ]; do
    while [ "$running" -lt "$jobs" ] && [ "$next" -lt "${#names[@]}" ]; do
        run_one "${order[$next]}" &
        next=$((next + 1))
        running=$((running + 1))
    done
    name=${names[$shown]}
    if [ ! -e "$work/$name.done" ]; then
        wait -n 2>/dev/null
        running=$((running - 1))
        continue
    fi
    read -r rc secs <"$work/$name.done"
    read -r p f <"$work/$name.res" || { p=0; f=1; }
    # the test's own output (what failed and why, notes like "crash: 200 kills") before its line
    cat "$work/$name.log"
    pass=$((pass + p))
    fail=$((fail + f))
    if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
        failed="$failed $name"
        [ "$f" -eq 0 ] && fail=$((fail + 1))
    fi
    printf '  %-28s %4d passed, %d failed  %4ds\n' "$name" "$p" "$f" "$secs"
    shown=$((shown + 1))
done
wait
echo "e2e: $pass passed, $fail failed in $(($(date +%s) - start_all))s ($jobs at a time)"
[ -z "$failed" ] || { echo "failing:$failed" >&2; exit 1; }
