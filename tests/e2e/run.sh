#!/bin/sh
# Runs every end-to-end test (tests/e2e/t_*.sh), or those named as arguments (t_case t_journal),
# against $BATON and prints one line per test (assertions and seconds) and a summary line.
# Each test runs under a deadline (BATON_TEST_TIMEOUT seconds, default 600): a test that hangs
# is terminated (its own trap then kills every process group it started) and counts as failed.
set -u
: "${BATON:?set BATON to the baton binary}"
export BATON
dir=$(cd "$(dirname "$0")" && pwd)
limit=${BATON_TEST_TIMEOUT:-600}
pass=0
fail=0
failed=""
res=$(mktemp)
only=" $* "
start_all=$(date +%s)
for t in "$dir"/t_*.sh; do
    name=$(basename "$t" .sh)
    if [ "$only" != "  " ] && [ "${only#* $name }" = "$only" ]; then
        continue
    fi
    : >"$res"
    start=$(date +%s)
    RESULT_FILE=$res timeout -s TERM -k 20 "$limit" bash "$t"
    rc=$?
    secs=$(($(date +%s) - start))
    [ "$rc" -eq 124 ] && echo "  $name: terminated after ${limit}s (deadline)" >&2
    read -r p f <"$res" || { p=0; f=1; }
    pass=$((pass + p))
    fail=$((fail + f))
    if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
        failed="$failed $name"
        [ "$f" -eq 0 ] && fail=$((fail + 1))
    fi
    printf '  %-28s %4d passed, %d failed  %4ds\n' "$name" "$p" "$f" "$secs"
done
rm -f "$res"
echo "e2e: $pass passed, $fail failed in $(($(date +%s) - start_all))s"
[ -z "$failed" ] || { echo "failing:$failed" >&2; exit 1; }
