# baton serve, over HTTP as a browser would use it: login with the password `staff passwd` set,
# cookies HttpOnly and SameSite=Strict with a new token at every login, the security headers on
# every response, forms refused without their anti-forgery token or from another origin, text
# from records escaped, pages in the reader's language, only what the person may read, every
# read in the access log, logins throttled, and clear 4xx answers for odd requests.
. "$(dirname "$0")/lib.sh"

S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S
export BATON_USER=koord
A=$(new_case "$S" "Alma <script>alert(1)</script> Eksempel")
"$BATON" case set "$A" plan.works_well "Faste makkere & korte beskeder" >/dev/null
"$BATON" journal add "$A" --kind contact --text "Mor ringede om <b>morgenen</b>" >/dev/null 2>&1
"$BATON" journal add "$A" --kind observation --text "Fortroligt: samtale med PPR" --restricted >/dev/null 2>&1
OTHER=$("$BATON" case new --child "Bo Andensted" --born 2016-01-02 --context school:Andenskolen:3.A:Testkommune \
    --contact koord)
# a case handed over to laerer1, waiting for the acknowledgement
C=$("$BATON" case new --child "Cia Overdraget" --born 2016-03-04 --context school:Testskolen:2.B:Testkommune \
    --contact koord)
"$BATON" handover staff "$C" --to laerer1 >/dev/null 2>&1
printf 'korrekt hest batteri\n' | "$BATON" staff passwd laerer1 >/dev/null
"$BATON" staff add laerer2 --name "Lars Lærer" --email laerer2@skole.example --role teacher >/dev/null
printf 'koordinatorens kodeord\n' | "$BATON" staff passwd koord >/dev/null
printf 'den nye lærers kodeord\n' | "$BATON" staff passwd laerer2 >/dev/null
unset BATON_USER
serve_start || not_ok "baton serve listens"
SERVER=$SERVED

echo wait >"$T/signal"
# while the web checks run: when they say so, someone else changes case A (the conflict check)
changer() {
    for _ in $(seq 400); do
        if [ "$(cat "$T/signal")" = go ]; then
            BATON_USER=koord "$BATON" case set "$A" plan.strengths "Ændret af en anden" >/dev/null 2>&1
            echo done >"$T/signal"
            return
        fi
        sleep 0.05
    done
}
export A T BATON BATON_STORE
spawn changer
CHANGER=$SPAWNED
python3 - "$PORT" "$A" "$OTHER" "$C" "$T/signal" >"$T/web.out" 2>&1 <<'PY'
import http.client, re, sys
from webclient import CSP, Web, check, header, said
port, case_a, other, case_c = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
req = Web(port).req
def secure_headers(what, h):
    check(what + ": Content-Security-Policy", header(h, "content-security-policy") == [CSP])
    check(what + ": Cache-Control no-store", header(h, "cache-control") == ["no-store"])
    check(what + ": Referrer-Policy no-referrer", header(h, "referrer-policy") == ["no-referrer"])
    check(what + ": X-Content-Type-Options nosniff", header(h, "x-content-type-options") == ["nosniff"])

s, h, d = req("GET", "/login")
check("the login page answers", s == 200)
secure_headers("login page", h)
pre = re.search(r"baton_pre=([^;]+)", " ".join(header(h, "set-cookie"))).group(1)
csrf = re.search(r'name="csrf" value="([^"]+)"', d).group(1)
check("the pre-login cookie is HttpOnly and SameSite=Strict", all("HttpOnly" in v and "SameSite=Strict" in v for v in header(h, "set-cookie")))
check("the login page is Danish for a Danish reader", 'lang="da"' in d and "Log ind" in d)

# forms without their token, with another's, or from another origin are refused
s, _, _ = req("POST", "/login", {"staff": "laerer1", "password": "korrekt hest batteri"}, {"baton_pre": pre})
check("login without the form's token: 403", s == 403)
s, _, _ = req("POST", "/login", {"csrf": csrf, "staff": "laerer1", "password": "korrekt hest batteri"}, {"baton_pre": pre},
              origin_header="http://evil.example")
check("login from another origin: 403", s == 403)
s, _, _ = req("POST", "/login", {"csrf": csrf, "staff": "laerer1", "password": "korrekt hest batteri"}, {"baton_pre": pre},
              origin_header=None)
check("login without an Origin: 403", s == 403)
# under Referrer-Policy: no-referrer a browser sends "Origin: null" for our own forms, and says
# where the form came from in Sec-Fetch-Site: only same-origin counts
for site, want in (("cross-site", 403), ("same-site", 403), (None, 403)):
    s, _, d = req("POST", "/login", {"csrf": csrf, "staff": "laerer1", "password": "forkert"}, {"baton_pre": pre},
                  origin_header="null", headers={"Sec-Fetch-Site": site} if site else None)
    check(f"Origin: null with Sec-Fetch-Site {site}: refused as not our own form ({s})",
          s == want and "Baton" in said(d) and "TLS" in said(d))
s, _, d = req("POST", "/login", {"csrf": csrf, "staff": "laerer1", "password": "forkert"}, {"baton_pre": pre},
              origin_header="null", headers={"Sec-Fetch-Site": "same-origin"})
check(f"Origin: null with Sec-Fetch-Site same-origin: our own form, checked on (a wrong password: 403 from the login) ({s})",
      s == 403 and "TLS" not in d)
s, _, d = req("POST", "/login", {"csrf": csrf, "staff": "laerer1", "password": "forkert"}, {"baton_pre": pre})
check("a wrong password: 403, the form again, one answer for every failure", s == 403 and "<form" in d)

# session fixation: a token the browser brings is never taken for a login
s, h, _ = req("GET", "/", cookies={"baton_session": "A" * 43})
check("a made-up session cookie: to the login", s == 303 and header(h, "location") == ["/login"])
s, h, _ = req("POST", "/login", {"csrf": csrf, "staff": "laerer1", "password": "korrekt hest batteri"},
              {"baton_pre": pre, "baton_session": "B" * 43})
cookies = header(h, "set-cookie")
tok = [re.search(r"baton_session=([^;]*)", v).group(1) for v in cookies if v.startswith("baton_session=")][0]
check("login: 303 to the overview", s == 303 and header(h, "location") == ["/"])
check("login: a new token, not the one brought", len(tok) == 43 and tok != "B" * 43)
check("the login cookie is HttpOnly, SameSite=Strict, Path=/", any(v.startswith("baton_session=" + tok) and "HttpOnly" in v
      and "SameSite=Strict" in v and "Path=/" in v for v in cookies))

s, h, d = req("GET", "/", cookies={"baton_session": tok})
check("the overview answers", s == 200)
secure_headers("overview", h)
check("the overview lists the person's case", "/case/" + case_a in d)
check("a child's name is escaped", "&lt;script&gt;alert(1)&lt;/script&gt;" in d and "<script>" not in d)
check("the overview is Danish", "Dine sager" in d and "Your cases" not in d)

s, h, d = req("GET", "/case/" + case_a, cookies={"baton_session": tok})
check("the case page answers", s == 200)
secure_headers("case page", h)
check("the case page shows what works first, escaped", "Faste makkere &amp; korte beskeder" in d
      and d.index("Faste makkere") < d.index("Udfordringer"))
check("the case page has the journal, kinds in Danish, text escaped", "kontakt" in d and "Mor ringede om &lt;b&gt;morgenen&lt;/b&gt;" in d)
check("a restricted entry's text is not shown to a teacher", "Fortroligt: samtale" not in d)
s, h, d = req("GET", "/case/" + case_a, cookies={"baton_session": tok}, lang="sv-SE,sv;q=0.9")
check("a Swedish reader gets Swedish", 'lang="sv"' in d and "Utmaningar" in d and "Udfordringer" not in d)

s, _, d = req("GET", "/case/" + other, cookies={"baton_session": tok})
check("a case outside the teacher's scope: 403, and nothing of it shown", s == 403 and "Andensted" not in d)
s, _, _ = req("GET", "/case/nosuchcase", cookies={"baton_session": tok})
check("an unknown case: 404", s == 404)
for path in ["/../../etc/passwd", "/case/../../etc/passwd", "/case/" + case_a + "/x", "/nothing", "/case/"]:
    s, h, _ = req("GET", path, cookies={"baton_session": tok})
    check(f"{path}: 404", s == 404)
    secure_headers(path, h)
# the receiver acknowledges a handover from the overview
s, _, d = req("GET", "/", cookies={"baton_session": tok})
ack = re.search(r'action="/case/' + case_c + r'/ack"><input type="hidden" name="csrf" value="([^"]+)"><input type="hidden" name="number" value="([0-9]+)"', d)
check("the overview offers the waiting handover's acknowledgement", ack is not None)
if ack:
    s, _, _ = req("POST", f"/case/{case_c}/ack", {"number": ack.group(2)}, cookies={"baton_session": tok})
    check("acknowledging without the form's token: 403", s == 403)
    s, _, _ = req("POST", f"/case/{case_c}/ack", {"csrf": ack.group(1), "number": "x"}, cookies={"baton_session": tok})
    check("acknowledging no number: 400", s == 400)
    s, h, _ = req("POST", f"/case/{case_c}/ack", {"csrf": ack.group(1), "number": ack.group(2)}, cookies={"baton_session": tok})
    check("acknowledging: 303 back to the overview", s == 303 and header(h, "location") == ["/"])
    s, _, d = req("GET", "/", cookies={"baton_session": tok})
    check("the handover waits no more", f"/case/{case_c}/ack" not in d)
    s, _, d = req("POST", f"/case/{case_c}/ack", {"csrf": ack.group(1), "number": ack.group(2)}, cookies={"baton_session": tok})
    check("acknowledging it twice is refused in words", 400 <= s < 500 and said(d))
# editing the plan: saved as the person; a save over a change made meanwhile is refused (409)
# with the person's text kept beside what the case holds now, and nothing overwritten
def edit_form(case):
    s, _, d = req("GET", f"/case/{case}/edit", cookies={"baton_session": tok})
    f = {"csrf": re.search(r'name="csrf" value="([^"]+)"', d.split("<main>")[1]).group(1),
         "base": re.search(r'name="base" value="([0-9a-f]+)"', d).group(1)}
    return s, d, f
s, d, f = edit_form(case_a)
check("the edit form answers, with the current text", s == 200 and "Faste makkere &amp; korte beskeder</textarea>" in d)
f["plan.strengths"] = "Tegner <flot> i detaljer"
import json, os, subprocess
def logged(case):
    """the access log's entries of the case: what each staff member did, in order"""
    out = subprocess.run([os.environ["BATON"], "audit", "list", "--case", case, "--json"], capture_output=True,
                         text=True, env=dict(os.environ, BATON_USER="koord")).stdout
    return [(e["staff"], e["action"]) for e in json.loads(out)]
before = logged(case_a)
s, h, _ = req("POST", f"/case/{case_a}/edit", f, cookies={"baton_session": tok})
check("a save: 303 to the case", s == 303 and header(h, "location") == ["/case/" + case_a])
after = logged(case_a)
# the save shows nothing of the case (it redirects): its change is logged, and no read
check("a save that lands is logged as one change, not as a read", after[len(before):-1] == [("laerer1", "change")])
s, _, d = req("GET", "/case/" + case_a, cookies={"baton_session": tok})
check("the case shows the saved text, escaped", "Tegner &lt;flot&gt; i detaljer" in d)
s, d, f = edit_form(case_a)
open(sys.argv[5], "w").write("go")  # the shell changes the case now, as someone else
import time
for _ in range(200):
    if open(sys.argv[5]).read() == "done":
        break
    time.sleep(0.05)
f["plan.strengths"] = "Min egen tekst, som ikke må gå tabt"
s, _, d = req("POST", f"/case/{case_a}/edit", f, cookies={"baton_session": tok})
check("a save over a change made meanwhile: 409", s == 409)
after_conflict = logged(case_a)
check("the refused save's form shows the case again, and that read is logged",
      ("laerer1", "read") in after_conflict[len(after) + 1:] and ("laerer1", "change") not in after_conflict[len(after) + 1:])
check("the person's text is kept in the form", "Min egen tekst, som ikke må gå tabt</textarea>" in d)
check("beside what the case holds now, word by word", "Sagen rummer nu" in d and re.search(r"<del>[^<]*Ændret", d) is not None)
s, _, d2 = req("GET", "/case/" + case_a, cookies={"baton_session": tok})
check("nothing was overwritten", "Ændret af en anden" in d2 and "Min egen tekst" not in d2)
f2 = {"csrf": f["csrf"], "base": re.search(r'name="base" value="([0-9a-f]+)"', d).group(1),
      "plan.strengths": "Min egen tekst, som ikke må gå tabt"}
s, _, _ = req("POST", f"/case/{case_a}/edit", f2, cookies={"baton_session": tok})
check("saved again from the conflict page, deliberately: 303", s == 303)
s, d, f = edit_form(case_a)
f["plan.strengths"] = "x" * 10001
s, _, d = req("POST", f"/case/{case_a}/edit", f, cookies={"baton_session": tok})
check("a text over the limit: 400, said, and kept", s == 400 and said(d) and "x" * 10001 in d)
s, _, _ = req("GET", f"/case/{other}/edit", cookies={"baton_session": tok})
check("the edit form of a case outside the reader's scope: 403", s == 403)
# search: the reader's cases only, the match marked, the rest escaped; a bad query said in words
s, h, d = req("GET", "/search?q=makkere", cookies={"baton_session": tok})
check("search answers", s == 200)
secure_headers("search", h)
check("search finds the text, the match marked", "<mark>makkere</mark>" in d and "/case/" + case_a in d)
check("search shows the child's name escaped", "&lt;script&gt;" in d and "<script>" not in d)
s, _, d = req("GET", "/search?q=Andensted&history=1", cookies={"baton_session": tok})
check("search shows nothing of a case the reader may not read", "/case/" + other not in d)
s, _, d = req("GET", "/search?q=%22aaben", cookies={"baton_session": tok})
check("a malformed query: 400, said on the page", s == 400 and said(d))
# history: every version with who and what
s, _, d = req("GET", "/case/" + case_a + "/history", cookies={"baton_session": tok})
check("the case's history answers", s == 200 and "plan.works_well" in d and "Kirsten Koordinator" in d)
# the case as it was on a date: before it existed there is nothing; a date that is no date is said
import datetime
today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
s, _, d = req("GET", f"/case/{case_a}?at={today}", cookies={"baton_session": tok})
check("the case as it was on a date", s == 200 and "Som den var" in d and "Faste makkere" in d)
s, _, d = req("GET", f"/case/{case_a}?at=1999-01-01", cookies={"baton_session": tok})
check("before the case existed: 404, said", s == 404 and said(d))
s, _, d = req("GET", f"/case/{case_a}?at=2026-13-45", cookies={"baton_session": tok})
check("a date that is no date: refused in words (4xx)", 400 <= s < 500 and said(d))
# a psychologist's way: when did a word first appear, and what did that change bring
s, _, d = req("GET", "/search?q=makkere&history=1", cookies={"baton_session": tok})
first = re.search(r'href="(/case/[^"]+/diff\?to=[0-9a-f]{40})"', d)
check("a hit links to the change that brought its text in", first is not None)
if first:
    s, h, d = req("GET", first.group(1), cookies={"baton_session": tok})
    check("that change, word by word", s == 200 and "<ins>Faste makkere &amp; korte beskeder</ins>" in d)
    secure_headers("diff", h)
s, _, d = req("GET", "/case/" + case_a + "/history", cookies={"baton_session": tok})
links = re.findall(r'href="(/case/[^"]+/diff\?to=[0-9a-f]{40})"', d)
check("every version in the history links to its change", len(links) >= 2)
if links:
    s, _, d = req("GET", links[-1], cookies={"baton_session": tok})
    check("the first version: what the case began with", s == 200 and "<code>child.name</code>" in d)
s, _, _ = req("GET", "/case/" + other + "/diff", cookies={"baton_session": tok})
check("the diff of a case outside the reader's scope: 403", s == 403)
s, _, d = req("GET", "/case/" + case_a + "/diff?to=nonsense", cookies={"baton_session": tok})
check("a diff to no such revision: refused in words (4xx)", s in (400, 404) and said(d))
s, _, _ = req("GET", "/case/" + other + "/history", cookies={"baton_session": tok})
check("the history of a case outside the reader's scope: 403", s == 403)
# headers or a URL too large for the server's 32 KiB: a clear 4xx, before any page runs
c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
c.putrequest("GET", "/")
c.putheader("X-Padding", "a" * 40000)
c.endheaders()
check("headers over 32 KiB: 431", c.getresponse().status == 431)
s, _, _ = req("GET", "/" + "a" * 40000, cookies={"baton_session": tok})
check("a URL over 32 KiB: 414", s == 414)
s, _, _ = req("DELETE", "/", cookies={"baton_session": tok})
check("DELETE: 405", s == 405)
s, _, _ = req("POST", "/logout", raw_body="x" * 100000, cookies={"baton_session": tok})
check("a body over 64 KiB: 413", s == 413)
s, _, _ = req("POST", "/logout", raw_body="{}", ctype="application/json", cookies={"baton_session": tok})
check("a POST that is not a form: 415", s == 415)
s, _, _ = req("POST", "/logout", {"csrf": "x" * 43}, cookies={"baton_session": tok})
check("logout with a wrong token: 403", s == 403)
s, _, d = req("GET", "/", cookies={"baton_session": tok})
lcsrf = re.search(r'action="/logout"><input type="hidden" name="csrf" value="([^"]+)"', d).group(1)
s, h, _ = req("POST", "/logout", {"csrf": lcsrf}, cookies={"baton_session": tok})
check("logout: 303 to the login, the cookie cleared", s == 303 and any("baton_session=;" in v for v in header(h, "set-cookie")))
s, _, _ = req("GET", "/", cookies={"baton_session": tok})
check("after logout the old token opens nothing", s == 303)
s, h, _ = req("GET", "/style.css")
check("the style sheet", s == 200 and header(h, "content-type") == ["text/css; charset=utf-8"])

# five wrong passwords hold the account, the right one included
for i in range(5):
    req("POST", "/login", {"csrf": csrf, "staff": "laerer1", "password": "gæt nummer %d" % i}, {"baton_pre": pre})
s, _, d = req("POST", "/login", {"csrf": csrf, "staff": "laerer1", "password": "korrekt hest batteri"}, {"baton_pre": pre})
check("after 5 failures: 429, saying for how long", s == 429 and "min" in d)
PY
# a coordinator's way: a teacher leaves, everything they hold goes to a colleague in one step,
# and the colleague acknowledges from their own overview
python3 - "$PORT" "$A" "$C" >>"$T/web.out" 2>&1 <<'PY'
import re, sys
from webclient import Web, check
port, case_a, case_c = int(sys.argv[1]), sys.argv[2], sys.argv[3]
web = Web(port)
req, login = web.req, web.login
koord = login("koord", "koordinatorens kodeord")
s, _, d = req("GET", "/", cookies={"baton_session": koord})
check("a coordinator's header links to the staff directory", 'href="/staff"' in d)
s, _, d = req("GET", "/staff", cookies={"baton_session": koord})
form = re.search(r'action="/staff/laerer1/leave"><input type="hidden" name="csrf" value="([^"]+)"', d)
check("the staff directory offers laerer1's leaving", s == 200 and form is not None)
s, h, d = req("POST", "/staff/laerer1/leave", {"csrf": form.group(1), "to": "laerer2"}, {"baton_session": koord})
check("everything laerer1 held goes to laerer2, and laerer1 has left: 303", s == 303)
s, _, d = req("GET", "/staff", cookies={"baton_session": koord})
check("laerer1 is no longer in the directory's active staff", "/staff/laerer1/leave" not in d)
new = login("laerer2", "den nye lærers kodeord")
s, _, d = req("GET", "/", cookies={"baton_session": new})
acks = re.findall(r'action="/case/([a-z0-9]+)/ack"><input type="hidden" name="csrf" value="([^"]+)"><input type="hidden" name="number" value="([0-9]+)"', d)
check("the colleague's overview has the handovers waiting", {a[0] for a in acks} >= {case_a, case_c})
check("the colleague's header has no staff directory", 'href="/staff"' not in d)
for case, csrf, number in acks:
    s, _, _ = req("POST", f"/case/{case}/ack", {"csrf": csrf, "number": number}, {"baton_session": new})
    check(f"the colleague acknowledges the handover of {case}", s == 303)
s, _, d = req("GET", "/", cookies={"baton_session": new})
check("nothing waits any more, and the cases are the colleague's", "/ack" not in d and "/case/" + case_a in d)
s, _, _ = req("GET", "/staff", cookies={"baton_session": new})
check("a teacher may not open the staff directory: 403", s == 403)
PY
wait_deadline 30 "$CHANGER"
while read -r verdict what; do
    if [ "$verdict" = ok ]; then ok; else not_ok "$what"; fi
done <"$T/web.out"
assert "the web checks ran to the end" grep -q "after 5 failures" "$T/web.out"
assert "the coordinator's checks ran to the end" grep -q "a teacher may not open the staff directory" "$T/web.out"
grep -v "^ok " "$T/web.out" | head -20 >&2

# the acknowledgement is in the history, as laerer1's
BATON_USER=koord run handover list --case "$C" --json
expect_out '"acknowledged"' "the handover is acknowledged in the store"
# every page read a case through the library: the access log has them, by laerer1
BATON_USER=koord run audit list --staff laerer1
expect_out "read +laerer1 +.*$A" "the access log has laerer1's reads of the case"
# Ctrl-C or SIGTERM stops it cleanly: open requests finish, exit 0 (under the sanitizers, this
# is where a leak would show)
kill -TERM "$SERVER"
wait_deadline 20 "$SERVER"
assert "SIGTERM stops the server cleanly (exit $WAITED_RC)" test "$WAITED_RC" -eq 0

# single sign-on behind a reverse proxy: the header names the person, from the trusted proxy only
run serve --trust-header X-Remote-User
expect_rc 2 "--trust-header without --trusted-proxy"
expect_err "needs --trusted-proxy" "says what is missing"
sso() { # PROXY: serves with the header trusted from PROXY, prints the overview's status for laerer1
    serve_start --trust-header X-Remote-User --trusted-proxy "$1"
    local pid=$SERVED
    python3 - "$PORT" "$A" <<'PY'
import http.client, sys
port, case_a = int(sys.argv[1]), sys.argv[2]
def get(path, who):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    c.request("GET", path, headers={"X-Remote-User": who, "Host": f"127.0.0.1:{port}"})
    r = c.getresponse()
    return r.status, r.read().decode()
s, d = get("/", "laerer2@skole.example")
s2, _ = get("/", "ghost@skole.example")
print(s, "/case/" + case_a in d, s2)
PY
    kill -TERM "$pid"
    wait_deadline 20 "$pid"
}
OUT1=$(sso 127.0.0.1)
assert "from the trusted proxy, the header's e-mail logs laerer2 in (overview, their case; nobody else): $OUT1" test "$OUT1" = "200 True 403"
OUT2=$(sso 10.1.2.3)
assert "from any other address the header counts for nothing: $OUT2" test "$OUT2" = "303 False 303"

# behind a trusted proxy (a TLS terminator), every request comes from its address: the client's is
# the last in X-Forwarded-For, so one client's failed logins do not hold everyone's; from anyone
# else the header counts for nothing
throttle() { # [SERVE OPTIONS]: 20 failed logins "from" 10.0.0.1, then the right password from 10.0.0.1 and from 10.0.0.2
    serve_start "$@"
    local pid=$SERVED
    python3 - "$PORT" <<'PY'
import re, sys
from webclient import Web, form_fields, header
web = Web(int(sys.argv[1]))
def attempt(who, password, client):
    s, h, d = web.req("GET", "/login")
    pre = re.search(r"baton_pre=([^;]+)", " ".join(header(h, "set-cookie"))).group(1)
    csrf = form_fields(d, "/login")["csrf"]
    return web.req("POST", "/login", {"csrf": csrf, "staff": who, "password": password}, {"baton_pre": pre},
                   headers={"X-Forwarded-For": f"203.0.113.9, {client}"})[0]
for i in range(20):
    attempt(f"ghost{i}", "forkert kodeord her", "10.0.0.1")
print(attempt("laerer2", "den nye lærers kodeord", "10.0.0.1"), attempt("laerer2", "den nye lærers kodeord", "10.0.0.2"))
PY
    kill -TERM "$pid"
    wait_deadline 20 "$pid"
}
OUT3=$(throttle --trusted-proxy 127.0.0.1)
assert "behind the trusted proxy: 10.0.0.1 is held after 20 failures, 10.0.0.2 logs in: $OUT3" test "$OUT3" = "429 303"
OUT4=$(throttle)
assert "without it, X-Forwarded-For counts for nothing: every client is the one address, held: $OUT4" test "$OUT4" = "429 429"

# the pages write only through the escaping writer: markup from literals, text through web_text
WEBDIR=$(cd "$(dirname "$0")/../../src/web" && pwd)
UNESCAPED=$(cd "$WEBDIR" && grep -nE 'printf *\(|puts *\(|fwrite *\(|web_raw_ *\(|MHD_create_response' $(ls *.c | grep -vx 'html.c\|server.c') | grep -v 'snprintf')
assert "no page writes anything unescaped (only html.c's writer, only server.c sends): $UNESCAPED" test -z "$UNESCAPED"
assert "the pages are where the test looks: $(ls "$WEBDIR" | tr '\n' ' ')" test -f "$WEBDIR/case_page.c"
finish
