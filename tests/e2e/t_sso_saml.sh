# Single sign-on through SAML 2.0, end to end: Apache with mod_auth_mellon (tools/sso/
# baton-mellon.conf, as shipped) in front of `baton serve`, a local SAML identity provider (samlify
# from npm, tests/sso/idp.mjs) in place of KOMBIT's or Skolfederation's, and Debian's chromium
# logging in through it (tests/sso/login.mjs): a teacher reads their case, is refused one outside
# their scope, and logging out ends the login at the provider (SAML single logout); a person who
# has left is refused; a login below the store's assurance minimum is shown no child; a header a
# client sends is dropped.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sso_lib.sh"

sso_needs auth_mellon mellon_create_metadata
sso_store
sso_tls
IDP_PORT=$(free_port)

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
sso_apache auth_mellon baton-mellon.conf \
    -C "Define MELLON_SP_KEY $SP.key" -C "Define MELLON_SP_CERT $SP.cert" -C "Define MELLON_SP_METADATA $SP.xml" \
    -C "Define MELLON_IDP_METADATA $T/idp-metadata.xml" -C "Define MELLON_USER NAME_ID" -C "Define MELLON_LEVEL loa"

# a client's own X-Remote-User never reaches Baton: without a login Apache sends it to the provider
CODE=$(curl -sk -o /dev/null -w "%{http_code} %{redirect_url}" -H "X-Remote-User: koord@skole.example" "$BASE/case/$O")
assert "a forged X-Remote-User through Apache gets the SAML login, not the case: $CODE" \
    test "${CODE%% *}" = 303 -a "$(echo "$CODE" | grep -c "/mellon/login")" = 1

sso_journey laerer1@skole.example
sso_logged_and_left

# the provider now logs people in at a lower level than the store asks for
kill_group "$IDP"
idp_start low || not_ok "the SAML identity provider starts again"
sso_journey laerer1@skole.example weak

kill -TERM "$APACHE" "$SERVER"
wait_deadline 20 "$APACHE" "$SERVER"
finish
