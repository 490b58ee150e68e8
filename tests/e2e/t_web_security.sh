# baton serve's security, over HTTP: the role matrix (every page for every role, each answer what
# the library's policy says), script and markup typed into every field a page shows coming back
# as text and never as markup, and a login that has been idle past its time opening nothing.
. "$(dirname "$0")/lib.sh"

S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S
export BATON_USER=koord
X='<script>alert(1)</script>"><img src=x onerror=alert(2)>'
"$BATON" staff add andenlaerer --name "Anden $X" --email anden@skole.example --role teacher --institution Andenskolen >/dev/null
"$BATON" staff add paed --name "Pia Pædagog" --email paed@skole.example --role pedagogue --institution Testskolen >/dev/null
"$BATON" staff add psyk --name "Per Psykolog" --email psyk@ppr.example --role psychologist >/dev/null
"$BATON" staff add leder --name "Lone Leder" --email leder@skole.example --role leader >/dev/null
A=$("$BATON" case new --child "Alma $X" --born 2017-05-06 --context "school:Testskolen:2.B $X:Testkommune" --contact laerer1)
for f in plan.works_well plan.strengths plan.child_perspective plan.guardian_perspective plan.challenges.school \
    plan.challenges.leisure plan.challenges.home plan.transition_notes; do
    "$BATON" case set "$A" "$f" "$f $X" >/dev/null || not_ok "case set $f"
done
"$BATON" measure add "$A" --setting school --description "Mål $X" --goal "Goal $X" --responsible laerer1 \
    --review-by 2026-11-01 >/dev/null 2>&1 || not_ok "measure add"
"$BATON" focus add "$A" --area "Area $X" --text "Focus $X" --school "S $X" --home "H $X" >/dev/null 2>&1 ||
    not_ok "focus add"
"$BATON" guardian add "$A" --name "Mor $X" --relation "mor $X" --phone "12345678" --email mor@hjem.example >/dev/null 2>&1 ||
    not_ok "guardian add"
"$BATON" team add "$A" paed --role "støtte $X" --responsible-for "ansvar $X" >/dev/null 2>&1 || not_ok "team add"
"$BATON" journal add "$A" --kind contact --text "Journal $X" --follow-up 2026-11-02 --owner laerer1 >/dev/null 2>&1 ||
    not_ok "journal add"
for who in koord laerer1 andenlaerer paed psyk leder; do
    printf 'kodeord for %s her\n' "$who" | "$BATON" staff passwd "$who" >/dev/null
done
unset BATON_USER
NOW=$(date +%s)
BATON_NOW=$NOW serve_start || not_ok "baton serve listens"
SERVER=$SERVED

PORT1=$PORT python3 - "$PORT" "$A" "$X" >"$T/web.out" 2>&1 <<'PY'
import re, sys, urllib.parse
from webclient import Web, check, form_fields
port, case_a, payload = int(sys.argv[1]), sys.argv[2], sys.argv[3]
web = Web(port)
tok = {who: web.login(who, f"kodeord for {who} her") for who in ("koord", "laerer1", "andenlaerer", "paed", "psyk", "leder")}
for who, t in tok.items():
    check(f"{who} logs in", t is not None)
open("/dev/stderr", "w").write(" ".join(f"{k}={v}" for k, v in tok.items()) + "\n")

# the role matrix: what each role gets for each page, as the library's policy has it (a coordinator
# reads and changes everything in the municipality; the contact person and the team read and change
# their case; PPR and leaders read every case but change none, so get no form to; a teacher of
# another school reads nothing of it; the staff directory and the access log are coordinators' and
# leaders')
klass = urllib.parse.quote("Testskolen:2.B " + payload)
R = ("/", f"/case/{case_a}", f"/case/{case_a}/history", f"/case/{case_a}/diff", f"/case/{case_a}/packet",
     f"/case/{case_a}/journal", f"/case/{case_a}/measure", f"/case/{case_a}/edit", f"/search?q=Journal",
     f"/class?context={klass}", "/staff", "/audit", "/audit/review", f"/audit/export?case={case_a}", "/password")
expect = {
    "koord":       [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "laerer1":     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403, 403, 403, 403, 200],
    "paed":        [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403, 403, 403, 403, 200],
    "psyk":        [200, 200, 200, 200, 200, 403, 403, 403, 200, 200, 403, 403, 403, 403, 200],
    "leder":       [200, 200, 200, 200, 200, 403, 403, 403, 200, 200, 200, 200, 200, 200, 200],
    "andenlaerer": [200, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403, 200],
}
for who, want in expect.items():
    for path, w in zip(R, want):
        s, _, d = web.get(path, tok[who])
        check(f"{who} GET {path}: {w} ({s})", s == w)
        # every page, whatever it says: the payload never comes back as markup
        check(f"{who} GET {path}: nothing typed comes back as markup",
              "<script>alert" not in d and "<img src=x" not in d and "onerror=alert(2)>" not in d.replace("&gt;", ""))
# what may not be read is not counted or hinted at either: the other school's teacher searches
s, _, d = web.get("/search?q=Journal", tok["andenlaerer"])
check("a search by someone who may not read the case shows nothing of it", case_a not in d and "Alma" not in d)
# changes: a psychologist reads but does not change; the other school's teacher does neither
for who, w in (("psyk", 403), ("andenlaerer", 403), ("laerer1", 303)):
    s, _, d = web.get("/", tok[who])
    csrf = form_fields(d, "/logout")["csrf"]
    s, _, _ = web.post(f"/case/{case_a}/edit", {"csrf": csrf, "plan.works_well": f"ændret af {who}"}, tok[who])
    check(f"{who} POST /case/{case_a}/edit: {w} ({s})", s == w)

# the payload is shown, as text, where it was typed
s, _, d = web.get(f"/case/{case_a}", tok["koord"])
esc = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"
for what in ("Alma ", "plan.strengths ", "plan.challenges.home ", "Mål ", "Goal ", "Area ", "Focus ", "Mor ", "støtte ",
             "ansvar ", "Journal "):
    check(f"the case page shows {what.strip()} with the payload escaped", (what + esc) in d)
s, _, d = web.get("/staff", tok["koord"])
check("the staff directory shows a name with the payload escaped", ("Anden " + esc) in d)
s, _, d = web.get(f"/class?context={klass}", tok["koord"])
check("the class page shows a group with the payload escaped", esc in d)
print("end of the security checks")
PY
while read -r verdict what; do
    case $verdict in ok) ok ;; FAIL) not_ok "$what" ;; esac
done <"$T/web.out"
assert "the security checks ran to the end" grep -q "^end of the security checks" "$T/web.out"
grep -v "^ok " "$T/web.out" | grep -v "^koord=" | head -20 >&2
TOKENS=$(grep "^koord=" "$T/web.out")
kill -TERM "$SERVER"
wait_deadline 20 "$SERVER"

# 9 minutes on, a login still opens the overview; 31 minutes on, one idle since it began has
# lapsed (idle timeout 30 min) and opens nothing
for step in 540:laerer1 1860:paed; do
    BATON_NOW=$((NOW + ${step%%:*})) serve_start || not_ok "baton serve listens again"
    LOGIN=$(echo "$TOKENS" | tr ' ' '\n' | grep "^${step#*:}=" | cut -d= -f2)
    CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "baton_session=$LOGIN" "http://127.0.0.1:$PORT/")
    if [ "${step%%:*}" = 540 ]; then
        assert "9 minutes on, the login still opens the overview ($CODE)" test "$CODE" = 200
    else
        assert "31 minutes idle, the login opens nothing: to the login page ($CODE)" test "$CODE" = 303
    fi
    kill -TERM "$SERVED"
    wait_deadline 20 "$SERVED"
done
finish
