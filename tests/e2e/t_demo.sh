# make demo's story, as a newcomer runs it: it ends with demo logins for the web front end, and
# stops after the story when its standard input is not a terminal (so CI and scripts never hang);
# the printed logins then open the served demo store.
. "$(dirname "$0")/lib.sh"

DEMO=$T/demo
DEMO_DIR=$DEMO BATON=$BATON sh "$(dirname "$0")/../../tools/demo" </dev/null >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "the demo runs to its end"
expect_out "mette.r \(lærer i 2.B\): adgangskode demo-kodeord-mette.r" "it prints the demo logins"
expect_out "standard input is not a terminal, so the story stops here" "without a terminal it stops after the story"
expect_out "serve --listen 127.0.0.1:8080" "and says how to serve it"
assert "no password is written anywhere in the store's history" \
    sh -c "! git --git-dir '$DEMO/repo.git' log -p --all | grep -q demo-kodeord"
assert "auth.db is readable by its owner only" test "$(stat -c %a "$DEMO/auth.db")" = 600

export BATON_STORE=$DEMO
serve_start || not_ok "the demo store is served"
python3 - "$PORT" >"$T/web.out" 2>&1 <<'PY'
import sys
from webclient import Web, check
web = Web(int(sys.argv[1]))
tok = web.login("mette.r", "demo-kodeord-mette.r")
check("the printed login of mette.r opens the demo store", tok is not None)
s, _, d = web.get("/", tok)
check("her overview lists the children of 2.B she is contact person of", s == 200 and "/case/" in d)
koord = web.login("hanne.k", "demo-kodeord-hanne.k")
check("the coordinator's login reaches the access log", koord is not None and web.get("/audit", koord)[0] == 200)
PY
while read -r verdict what; do
    case $verdict in ok) ok ;; FAIL) not_ok "$what" ;; esac
done <"$T/web.out"
assert "the web checks ran" grep -q "coordinator's login reaches" "$T/web.out"
kill -TERM "$SERVED"
wait_deadline 20 "$SERVED"
mv "$DEMO/receiver" "$T/receiver"
finish
