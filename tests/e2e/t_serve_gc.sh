# baton serve packs the store out of its requests: a web save past the pack threshold is answered
# at once, and `baton gc --auto`, started by the server as a process of its own, merges the small
# packs every save writes; a save made meanwhile is not held up by it, and nothing is lost.
. "$(dirname "$0")/lib.sh"

S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
A=$(new_case "$S")
# packs past the threshold, one per save, left by saves that were told not to gc
for i in $(seq 1 200); do BATON_NO_AUTO_GC=1 "$BATON" case set "$A" plan.strengths "Styrke nummer $i" >/dev/null 2>&1; done
packs() { ls "$S/repo.git/objects/pack/" | grep -c '\.pack$'; }
before=$(packs)
assert "200 saves without gc left a pack each, and no loose object ($before packs)" \
    test "$before" -ge 200 -a -z "$(find "$S/repo.git/objects" -path '*/pack' -prune -o -type f -print)"
printf 'koordinatorens kodeord\n' | "$BATON" staff passwd koord >/dev/null
unset BATON_USER
serve_start || not_ok "baton serve listens"
python3 - "$PORT" "$A" "$S" >"$T/web.out" 2>&1 <<'PY'
import os, sys, time
from webclient import Web, check
port, case, store = sys.argv[1:]
web = Web(int(port))
tok = web.login("koord", "koordinatorens kodeord")
check("the coordinator logs in", tok is not None)
s, h, d = web.submit(f"/case/{case}/edit", f"/case/{case}/edit", {"plan.works_well": "Gemt på nettet"}, tok)
check(f"a web save past the pack threshold is answered with its redirect ({s})", s == 303)
def packs():
    return len([f for f in os.listdir(os.path.join(store, "repo.git", "objects", "pack")) if f.endswith(".pack")])
for _ in range(600):
    if packs() <= 24:
        break
    time.sleep(0.05)
check(f"the server's own gc merged the small packs ({packs()} left)", 1 <= packs() <= 24)
s, h, d = web.submit(f"/case/{case}/edit", f"/case/{case}/edit", {"plan.works_well": "Gemt igen"}, tok)
check(f"the next web save is saved ({s})", s == 303)
print("done")
PY
web_verdicts "$T/web.out"
serve_stop
export BATON_USER=koord
run case show "$A" --json
expect_out '"works_well": "Gemt igen"' "the last web save stands"
run case log "$A" --json
python3 -c 'import json,sys; sys.exit(len(json.load(open(sys.argv[1]))) != 203)' "$OUT"
assert "every version is there (1 + 200 + 2)" test $? -eq 0
run fsck
expect_rc 0 "baton fsck after the server's gc"
finish
