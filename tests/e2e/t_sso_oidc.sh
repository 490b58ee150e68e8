# Single sign-on through OpenID Connect, end to end: Apache with mod_auth_openidc (tools/sso/
# baton-oidc.conf, as shipped) in front of `baton serve`, a local OpenID provider (oidc-provider
# from npm, tests/sso/op.mjs) in place of the municipality's, and Debian's chromium logging in
# through it (tests/sso/login.mjs): a teacher reads their case and is refused one outside their
# scope, and logging out ends the login at the provider; a person who has left is refused; a login
# below the store's assurance minimum is shown no child; a header a client sends is dropped.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sso_lib.sh"

sso_needs auth_openidc
sso_store
sso_tls
OP_PORT=$(free_port)

# the provider, at an assurance level: every login it makes is at that level
op_start() {
    spawn sh -c "exec node \"\$0\" $OP_PORT $BASE/redirect_uri $1 >\"$T/op.log\" 2>&1" "$ROOT/tests/sso/op.mjs"
    OP=$SPAWNED
    for _ in $(seq 200); do grep -q listening "$T/op.log" 2>/dev/null && return 0; sleep 0.05; done
    return 1
}
op_start substantial || not_ok "the OpenID provider starts"

serve_start --secure --trusted-proxy 127.0.0.1 --trust-header X-Remote-User --trust-assurance X-Remote-Acr \
    --sso-logout "/redirect_uri?logout=https%3A%2F%2F127.0.0.1%3A$TLS_PORT%2F" || not_ok "baton serve listens"
SERVER=$SERVED
sso_apache auth_openidc baton-oidc.conf \
    -C "Define OIDC_METADATA http://127.0.0.1:$OP_PORT/.well-known/openid-configuration" \
    -C "Define OIDC_CLIENT_ID baton" -C "Define OIDC_CLIENT_SECRET baton-test-secret-not-for-production" \
    -C "Define OIDC_PASSPHRASE $(head -c 24 /dev/urandom | base64)" -C "Define OIDC_USER_CLAIM email"

# a client's own X-Remote-User never reaches Baton: without a login Apache sends it to the provider
CODE=$(curl -sk -o /dev/null -w "%{http_code} %{redirect_url}" -H "X-Remote-User: koord@skole.example" "$BASE/case/$O")
assert "a forged X-Remote-User through Apache gets the provider's login, not the case: $CODE" \
    test "${CODE%% *}" = 302 -a "$(echo "$CODE" | grep -c "127.0.0.1:$OP_PORT/auth")" = 1

sso_journey laerer1@skole.example
sso_logged_and_left

# the provider now logs people in at a lower level than the store asks for
kill_group "$OP"
op_start low || not_ok "the OpenID provider starts again"
sso_journey laerer1@skole.example weak

kill -TERM "$APACHE" "$SERVER"
wait_deadline 20 "$APACHE" "$SERVER"
finish
