# Single sign-on behind a reverse proxy, over HTTP as the proxy would send it: the trusted header
# names a person by the store's sso_match (e-mail by default, case-insensitively; sso_id; staff
# id), only from the trusted proxy's address; an unknown or left person gets a refusal page and
# an access-log entry, never an account; a login below the store's assurance minimum is shown no
# child's data; logging out goes to the proxy's logout. Plus the bad input of each setting.
. "$(dirname "$0")/lib.sh"

S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S
export BATON_USER=koord
A=$(new_case "$S" "Alma Eksempel")
"$BATON" staff add laerer2 --name "Lars Lærer" --email laerer2@skole.example --role teacher >/dev/null
"$BATON" staff add vikar --name "Vera Vikar" --email vikar@skole.example --role teacher >/dev/null
"$BATON" staff leave vikar >/dev/null

# the settings' bad input: refused in words, nothing written
H=$(head_of "$S")
run config sso_match uniid
expect_rc 1 "sso_match of another kind is refused"
expect_err "sso_match: 'uniid' is not one of email\|sso_id\|staff_id" "names the setting and the choices"
run config sso_assurance_min substantial
expect_rc 1 "a minimum before the levels is refused"
expect_err "set sso_assurance_levels first" "says what comes first"
run config sso_assurance_levels "low substantial high"
expect_rc 0 "the provider's levels, lowest first"
H=$(head_of "$S")
run config sso_assurance_min medium
expect_rc 1 "a minimum that is not one of the levels is refused"
expect_err "'medium' is not one of sso_assurance_levels" "names the setting"
assert "nothing was written" test "$(head_of "$S")" = "$H"
run staff sso laerer1 "uni:l1"
expect_rc 0 "a staff member's identity at the provider"
H=$(head_of "$S")
run staff sso laerer2 "uni:l1"
expect_rc 1 "the same identity for a second person is refused"
expect_err "staff member 'laerer1' already has this identity" "names who has it"
run staff add ny --name "Ny Lærer" --email ny@skole.example --role teacher --sso-id "uni:l1"
expect_rc 1 "and at staff add too"
assert "nothing was written" test "$(head_of "$S")" = "$H"
BATON_USER=laerer2 run staff sso laerer2 "uni:l2"
expect_rc 1 "a teacher may not set identities"
assert "nothing was written" test "$(head_of "$S")" = "$H"
run serve --trust-header X-Remote-User
expect_rc 2 "--trust-header without --trusted-proxy"
run serve --trusted-proxy 127.0.0.1 --trust-assurance X-Acr
expect_rc 2 "--trust-assurance without --trust-header"
expect_err "needs --trust-header" "says what is missing"
run serve --trusted-proxy 127.0.0.1 --trust-header X-Remote-User --sso-logout "https://elsewhere.example/"
expect_rc 2 "--sso-logout off this site"
expect_err "--sso-logout: a path on this site" "says what it must be"
unset BATON_USER

# sso STATE PROXY [SERVE OPTIONS]: requests as the proxy sends them; the python prints one line
sso() {
    local proxy=$1
    shift
    serve_start --trusted-proxy "$proxy" --trust-header X-Remote-User "$@" || { echo "no server"; return; }
    local pid=$SERVED
    python3 - "$PORT" "$A" <<'PY'
import http.client, re, sys
port, case_a = int(sys.argv[1]), sys.argv[2]
def req(method, path, who, acr=None, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    h = {"Host": f"127.0.0.1:{port}", "Accept-Language": "en"}
    if who is not None:
        h["X-Remote-User"] = who
    if acr is not None:
        h["X-Remote-Acr"] = acr
    if body is not None:
        h["Content-Type"] = "application/x-www-form-urlencoded"
        h["Origin"] = f"http://127.0.0.1:{port}"
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read().decode()
import html, os
out, words = [], []
for step in os.environ["SSO_STEPS"].split(";"):
    who, acr, path = (step.split("|") + ["", "", ""])[:3]
    who = None if who == "-" else who
    acr = None if acr in ("", "-") else acr
    path = (path or "/case/{case}").format(case=case_a)
    if path == "LOGOUT":
        s, h, d = req("GET", "/", who, acr)
        token = re.search(r'action="/logout"><input type="hidden" name="csrf" value="([^"]+)"', d)
        s, h, d = req("POST", "/logout", who, acr, "csrf=" + (token.group(1) if token else ""))
        out.append(f"{s}>{h.get('location', '')}")
        continue
    s, h, d = req("GET", path, who, acr)
    said = re.search(r'<p class="error"[^>]*>(.*?)</p>', d, re.S)
    out.append(f"{s}" + (f">{h['location']}" if "location" in h else ""))
    if said:
        words.append(html.unescape(said.group(1)))
# the statuses on the first line, what the pages said on the second
print(" ".join(out))
print(" | ".join(words))
PY
    kill -TERM "$pid"
    wait_deadline 20 "$pid"
}
export SSO_STEPS
# by e-mail (the default), in any case; the unknown and the left are refused with a page of words
SSO_STEPS="Laerer1@Skole.Example||;ghost@skole.example||/;vikar@skole.example||/;-||/"
R=$(sso 127.0.0.1)
set -- $(head -1 <<<"$R")
assert "the header's e-mail, in any case, opens laerer1's case: $1" test "$1" = 200
assert "an unknown person: 403 with words, no account: $2" test "$2" = 403
assert "... the words say they are not in the staff directory: $R" grep -q "not in this store's staff directory" <<<"$R"
assert "a person who has left: 403: $3" test "$3" = 403
assert "... the words say they have left: $R" grep -q "you have left" <<<"$R"
assert "no header from the proxy: the login page (local passwords are the fallback): $4" test "$4" = "303>/login"
BATON_USER=koord run audit list --json
expect_out '"action": "sso-refused"' "each refusal is in the access log"
expect_out 'email: ghost@skole.example' "with what was presented"
expect_out '"staff": "vikar"' "a left person's refusal names them"
BATON_USER=koord run staff list --all
assert "no account was made for the unknown person" test "$(grep -c ghost "$OUT")" = 0

# the header from anywhere but the trusted proxy counts for nothing: a forged one gets the login page
SSO_STEPS="laerer1@skole.example||/"
R=$(sso 10.9.8.7)
assert "a forged header (not from the trusted proxy): the login page: $R" test "$R" = "303>/login"

# by the identity at the provider
BATON_USER=koord "$BATON" config sso_match sso_id >/dev/null
SSO_STEPS="uni:l1||;laerer1@skole.example||/"
R=$(sso 127.0.0.1)
set -- $(head -1 <<<"$R")
assert "sso_match sso_id: the provider's id opens the case: $1" test "$1" = 200
assert "... and the e-mail no longer names anyone: $2" test "$2" = 403
BATON_USER=koord "$BATON" config sso_match email >/dev/null

# the assurance level: below the minimum nothing of a child is shown, at or above it all is
BATON_USER=koord "$BATON" config sso_assurance_min substantial >/dev/null
SSO_STEPS="laerer1@skole.example|low|;laerer1@skole.example|low|/;laerer1@skole.example|weird|;laerer1@skole.example|substantial|;laerer1@skole.example|high|;laerer1@skole.example|-|"
R=$(sso 127.0.0.1 --trust-assurance X-Remote-Acr)
set -- $(head -1 <<<"$R")
assert "a login at a lower level is refused the case: $1" test "$1" = 403
assert "... and the overview too (no child's name): $2" test "$2" = 403
assert "... in words naming the level: $R" grep -q "assurance level (low)" <<<"$R"
assert "a level the store does not know is not enough: $3" test "$3" = 403
assert "at the minimum: the case: $4" test "$4" = 200
assert "above it: the case: $5" test "$5" = 200
assert "the provider sent no level: the case: $6" test "$6" = 200

# logging out of a single sign-on login goes to the proxy's logout
SSO_STEPS="laerer1@skole.example||LOGOUT"
R=$(sso 127.0.0.1 --sso-logout "/redirect_uri?logout=https%3A%2F%2Fbaton.example%2F")
assert "logout goes to the proxy's logout: $R" test "$R" = "303>/redirect_uri?logout=https%3A%2F%2Fbaton.example%2F"
finish
