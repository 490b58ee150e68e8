#!/bin/sh
# Runs every end-to-end test (tests/e2e/t_*.sh), or those named as arguments (t_case t_journal),
# against $BATON and prints one summary line.
set -u
: "${BATON:?set BATON to the baton binary}"
export BATON
dir=$(cd "$(dirname "$0")" && pwd)
pass=0
fail=0
failed=""
res=$(mktemp)
only=" $* "
for t in "$dir"/t_*.sh; do
    name=$(basename "$t" .sh)
    if [ "$only" != "  " ] && [ "${only#* $name }" = "$only" ]; then
        continue
    fi
    : >"$res"
    RESULT_FILE=$res bash "$t"
    rc=$?
    read -r p f <"$res" || { p=0; f=1; }
    pass=$((pass + p))
    fail=$((fail + f))
    if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
        failed="$failed $name"
        [ "$f" -eq 0 ] && fail=$((fail + 1))
    fi
    printf '  %-28s %4d passed, %d failed\n' "$name" "$p" "$f"
done
rm -f "$res"
echo "e2e: $pass passed, $fail failed"
[ -z "$failed" ] || { echo "failing:$failed" >&2; exit 1; }
