# Single sign-on through SAML 2.0, end to end: Apache with mod_auth_mellon (tools/sso/
# baton-mellon.conf, as shipped) in front of `baton serve`, a local SAML identity provider (samlify
# from npm, tests/sso/idp.mjs) in place of KOMBIT's or Skolfederation's, and Debian's chromium
# logging in through it (tests/sso/login.mjs): a teacher reads their case and is refused one
# outside their scope; a person who has left is refused; a login below the store's assurance
# minimum is shown no child; a header a client sends is dropped. (Single logout is not checked
# here: mod_auth_mellon 0.18 could not make the logout request to this provider; see the README.)
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
for need in apache2 node openssl mellon_create_metadata "${CHROMIUM:-/usr/bin/chromium}"; do
    command -v "$need" >/dev/null || { not_ok "$need is installed (tools/install-deps)"; finish; exit 1; }
done
[ -f /usr/lib/apache2/modules/mod_auth_mellon.so ] || { not_ok "mod_auth_mellon is installed (tools/install-deps)"; finish; exit 1; }

S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S
export BATON_USER=koord
A=$(new_case "$S" "Alma Eksempel")
O=$("$BATON" case new --child "Bo Andensted" --born 2016-01-02 --context school:Andenskolen:3.A:Testkommune --contact koord)
"$BATON" staff add vikar --name "Vera Vikar" --email vikar@skole.example --role teacher >/dev/null
"$BATON" staff leave vikar >/dev/null
"$BATON" config sso_assurance_levels "low substantial high" >/dev/null
"$BATON" config sso_assurance_min substantial >/dev/null
unset BATON_USER

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
IDP_PORT=$(free_port)
TLS_PORT=$(free_port)
BASE="https://127.0.0.1:$TLS_PORT"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 1 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
chmod 644 "$T/key.pem" "$T/cert.pem"

# the service provider's key and metadata, as an administrator makes them once; the provider's own
(cd "$T" && mellon_create_metadata "$BASE/mellon/metadata" "$BASE/mellon" >/dev/null 2>&1)
SP=$T/$(cd "$T" && ls *.xml | sed 's/\.xml$//')
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/idp.key" -out "$T/idp.crt" -days 1 -subj "/CN=test-idp" 2>/dev/null
chmod 644 "$SP.key" "$SP.cert" "$SP.xml"

# the provider, at an assurance level: every login it makes is at that level
idp_start() {
    spawn sh -c "exec node \"\$0\" $IDP_PORT \"$T/idp.key\" \"$T/idp.crt\" \"$SP.xml\" $1 >\"$T/idp.log\" 2>&1" \
        "$ROOT/tests/sso/idp.mjs"
    IDP=$SPAWNED
    for _ in $(seq 200); do grep -q listening "$T/idp.log" 2>/dev/null && return 0; sleep 0.05; done
    return 1
}
idp_start substantial || not_ok "the SAML identity provider starts"
curl -s "http://127.0.0.1:$IDP_PORT/metadata" >"$T/idp-metadata.xml"
chmod 644 "$T/idp-metadata.xml"

serve_start --secure --trusted-proxy 127.0.0.1 --trust-header X-Remote-User --trust-assurance X-Remote-Acr \
    --sso-logout "/mellon/logout?ReturnTo=https%3A%2F%2F127.0.0.1%3A$TLS_PORT%2F" || not_ok "baton serve listens"
SERVER=$SERVED

# Apache as shipped in tools/sso/, in the foreground, in its own process group
USER_NAME=$(id -un)
GROUP_NAME=$(id -gn)
[ "$(id -u)" -eq 0 ] && { USER_NAME=nobody; GROUP_NAME=nogroup; chmod 755 "$T"; }
spawn apache2 -f "$ROOT/tests/sso/httpd.conf" -DFOREGROUND -C "Define SSO_DIR $T" -C "Define SSO_MODULE auth_mellon" \
    -C "Define SSO_SITE $ROOT/tools/sso/baton-mellon.conf" -C "Define SSO_USER $USER_NAME" -C "Define SSO_GROUP $GROUP_NAME" \
    -C "Define BATON_LISTEN 127.0.0.1:$TLS_PORT" -C "Define BATON_HOST 127.0.0.1:$TLS_PORT" -C "Define BATON_PORT $PORT" \
    -C "Define BATON_CERT $T/cert.pem" -C "Define BATON_KEY $T/key.pem" \
    -C "Define MELLON_SP_KEY $SP.key" -C "Define MELLON_SP_CERT $SP.cert" -C "Define MELLON_SP_METADATA $SP.xml" \
    -C "Define MELLON_IDP_METADATA $T/idp-metadata.xml" -C "Define MELLON_USER NAME_ID" -C "Define MELLON_LEVEL loa"
APACHE=$SPAWNED
for _ in $(seq 200); do curl -sk -o /dev/null "$BASE/" 2>/dev/null && break; sleep 0.05; done

# a client's own X-Remote-User never reaches Baton: without a login Apache sends it to the provider
CODE=$(curl -sk -o /dev/null -w "%{http_code} %{redirect_url}" -H "X-Remote-User: koord@skole.example" "$BASE/case/$O")
assert "a forged X-Remote-User through Apache gets the SAML login, not the case: $CODE" \
    test "${CODE%% *}" = 303 -a "$(echo "$CODE" | grep -c "/mellon/login")" = 1

journey() { # LOGIN [EXPECT]
    node "$ROOT/tests/sso/login.mjs" "$BASE" "$1" "$A" "$O" "${2:-}" >"$T/journey.out" 2>&1
    while read -r verdict what; do
        case $verdict in ok) ok ;; FAIL) not_ok "$what" ;; esac
    done <"$T/journey.out"
    assert "the journey of $1 ran to the end" grep -q "^end of the sso checks" "$T/journey.out"
    grep -v "^ok \|^end of" "$T/journey.out" | head -10 >&2
}
journey laerer1@skole.example nologout
assert "the teacher's reads through single sign-on are in the access log" \
    sh -c "BATON_USER=koord \"$BATON\" audit list --staff laerer1 | grep -q 'read.*$A'"
journey vikar@skole.example refused
BATON_USER=koord run audit list --json
expect_out '"action": "sso-refused"' "the refusal of the person who left is in the access log"

# the provider now logs people in at a lower level than the store asks for
kill_group "$IDP"
idp_start low || not_ok "the SAML identity provider starts again"
journey laerer1@skole.example weak

kill -TERM "$APACHE" "$SERVER"
wait_deadline 20 "$APACHE" "$SERVER"
finish
