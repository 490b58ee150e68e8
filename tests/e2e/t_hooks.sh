# Test hooks live in test builds only. The tests run a build with BATON_TODAY and BATON_NOW compiled
# in (and fault injection, search's bm25 limit, the due list worked out from git); the installed
# binary ($BATON_RELEASE, build/baton) must ignore them all, so nobody can date a record, or age
# the access log past its retention, by setting an environment variable.
. "$(dirname "$0")/lib.sh"

if [ -z "${BATON_RELEASE:-}" ] || [ ! -x "${BATON_RELEASE:-}" ]; then
    not_ok "BATON_RELEASE names the installed binary (make check sets it)"
    finish
    exit 1
fi
TODAY=$(date -u +%F)
created() { python3 -c 'import json,subprocess,sys; print(json.loads(subprocess.run(["git","--git-dir",sys.argv[1]+"/repo.git","show","main:baton.json"],capture_output=True).stdout)["created"])' "$1"; }

BATON_TODAY=2099-01-01 BATON_NOW=4070908800 "$BATON_RELEASE" init "$T/release" >/dev/null 2>&1
assert "the installed binary made a store" test -d "$T/release/repo.git"
assert "the installed binary ignores BATON_TODAY and BATON_NOW (created $(created "$T/release"), today $TODAY)" \
    test "$(created "$T/release")" = "$TODAY"
assert "its init commit carries today's time, not BATON_NOW's" \
    test "$(git --git-dir "$T/release/repo.git" log -1 --format=%ad --date=format:%Y main)" != 2099

BATON_TODAY=2099-01-01 "$BATON" init "$T/test" >/dev/null 2>&1
assert "the test build honours BATON_TODAY (so the check above can fail)" test "$(created "$T/test")" = 2099-01-01
assert "the installed binary has no BATON_TODAY in it at all" sh -c "! grep -q BATON_TODAY '$BATON_RELEASE'"
BIN=$BATON
[ -x "$(dirname "$BATON")/baton.real" ] && BIN=$(dirname "$BATON")/baton.real # under valgrind
assert "the test build does" grep -q BATON_TODAY "$BIN"
for hook in BATON_NOW BATON_FAULT BATON_RANK_LIMIT BATON_DUE_SCAN BATON_INDEX_KEPT BATON_LOCK_WAIT_MS; do
    assert "the installed binary has no $hook in it" sh -c "! grep -q $hook '$BATON_RELEASE'"
    assert "the test build has $hook" grep -q "$hook" "$BIN"
done

finish
