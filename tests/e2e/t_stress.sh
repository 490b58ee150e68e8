# Concurrency stress: 8 writer processes make 100 edits each on 20 cases (25 each under the
# sanitizers, 10 under valgrind), while readers search and show in parallel. Every edit is
# committed or refused with the conflict exit code; no acknowledged edit is missing; each case's
# history holds exactly the acknowledged edits, and its current state is the last of them; the
# store and the access log are whole.
. "$(dirname "$0")/lib.sh"

S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
EDITS=100
[ -n "${BATON_SANITIZED:-}" ] && EDITS=25
[ -n "${BATON_VALGRIND:-}" ] && EDITS=10
EDITS=${BATON_STRESS_EDITS:-$EDITS}
CASES=""
for i in $(seq 1 20); do CASES="$CASES $(new_case "$S" "Barn Stress$i")"; done
set -- $CASES

writer() {
    w=$1
    shift
    for e in $(seq 1 "$EDITS"); do
        eval "id=\${$((1 + (w * 7 + e * 13) % 20))}"
        "$BATON" case set "$id" plan.strengths "w$w-e$e" >/dev/null 2>>"$T/w$w.err"
        echo "$w $e $id $?" >>"$T/results.$w"
    done
}
reader() {
    while [ ! -e "$T/stop" ]; do
        "$BATON" search "styrke" >/dev/null 2>>"$T/r.err" || echo "search $?" >>"$T/reader.fail"
        "$BATON" case show "$1" --json >/dev/null 2>>"$T/r.err" || echo "show $?" >>"$T/reader.fail"
    done
}
export BATON T EDITS BATON_STORE BATON_USER
spawn reader "$1"
r1=$SPAWNED
spawn reader "$2"
r2=$SPAWNED
writers=""
for w in 1 2 3 4 5 6 7 8; do spawn writer "$w" $CASES; writers="$writers $SPAWNED"; done
wait_deadline 400 $writers
touch "$T/stop"
wait_deadline 60 "$r1" "$r2"

cat "$T"/results.* >"$T/results"
total=$(wc -l <"$T/results")
committed=$(awk '$4 == 0' "$T/results" | wc -l)
conflicts=$(awk '$4 == 3' "$T/results" | wc -l)
other=$(awk '$4 != 0 && $4 != 3' "$T/results" | wc -l)
assert "all $((8 * EDITS)) edits ran ($total)" test "$total" -eq $((8 * EDITS))
assert "every edit was committed or refused as a conflict ($committed committed, $conflicts conflicts, $other other)" \
    test "$other" -eq 0
assert "the readers never failed" test ! -s "$T/reader.fail"
if [ -s "$T/reader.fail" ]; then sort "$T/reader.fail" | uniq -c | head -5 >&2; sort "$T/r.err" | uniq -c | head -10 >&2; fi
if grep -qE 'Sanitizer|runtime error' "$T"/w*.err "$T/r.err" 2>/dev/null; then not_ok "sanitizer reports in the stress"; else ok; fi

# each case's history, replayed: exactly the acknowledged edits, and the current state is the last
python3 - "$S" "$T/results" <<'PY'
import collections, json, subprocess, sys
store, results = sys.argv[1:]
acked = collections.defaultdict(set)
for line in open(results):
    w, e, cid, rc = line.split()
    if rc == "0":
        acked[cid].add(f"w{w}-e{e}")
def git(*a):
    return subprocess.run(["git", "--git-dir", store + "/repo.git", *a], capture_output=True, check=True).stdout.decode()
paths = {p.split("/")[2]: p for p in git("ls-tree", "-r", "--name-only", "main").split() if p.endswith("/case.json")}
bad = []
for cid, path in paths.items():
    values = []
    for c in reversed(git("rev-list", "main", "--", path).split()):
        v = json.loads(git("show", f"{c}:{path}"))["plan"].get("strengths")
        if v and (not values or values[-1] != v):
            values.append(v)
    seen = set(values)
    if seen != acked.get(cid, set()):
        bad.append(f"{cid}: history {len(seen)} values, acknowledged {len(acked.get(cid, set()))}")
    current = json.loads(git("show", f"main:{path}"))["plan"].get("strengths")
    if values and current != values[-1]:
        bad.append(f"{cid}: current {current} is not the last save {values[-1]}")
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
assert "each case's history is exactly its acknowledged edits, the current state the last of them" test $? -eq 0
assert "git fsck --strict" fsck_ok "$S"
run fsck
expect_rc 0 "baton fsck: the index agrees with git"
run audit verify
expect_rc 0 "the access log's chain is whole after concurrent appends"
echo "stress: $committed committed, $conflicts conflicts of $total edits" >&2

finish
