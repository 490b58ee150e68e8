# What the end-to-end single sign-on tests (t_sso_oidc.sh, t_sso_saml.sh) share: the tools they
# need, a store with a teacher's case, a case outside their scope, a person who has left and an
# assurance minimum; free ports and a TLS certificate; Apache as tools/sso/ ships it; and the
# browser journey (tests/sso/login.mjs), counted as checks. Sourced after lib.sh.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

# sso_needs MODULE COMMAND...: each is installed, or the test fails saying which (install-deps)
sso_needs() {
    local module=$1 need
    shift
    for need in apache2 node openssl curl "${CHROMIUM:-/usr/bin/chromium}" "$@"; do
        command -v "$need" >/dev/null || { not_ok "$need is installed (tools/install-deps)"; finish; exit 1; }
    done
    [ -f "/usr/lib/apache2/modules/mod_$module.so" ] || { not_ok "mod_$module is installed (tools/install-deps)"; finish; exit 1; }
}

# the store: laerer1's case A, koord's case O elsewhere, vikar who has left, "substantial" needed
sso_store() {
    S=$T/store
    new_store "$S" || { not_ok "store setup"; finish; exit 1; }
    export BATON_STORE=$S
    export BATON_USER=koord
    A=$(new_case "$S" "Alma Eksempel")
    O=$("$BATON" case new --child "Bo Andensted" --born 2016-01-02 --context school:Andenskolen:3.A:Testkommune \
        --contact koord)
    "$BATON" staff add vikar --name "Vera Vikar" --email vikar@skole.example --role teacher >/dev/null
    "$BATON" staff leave vikar >/dev/null
    "$BATON" config sso_assurance_levels "low substantial high" >/dev/null
    "$BATON" config sso_assurance_min substantial >/dev/null
    unset BATON_USER
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# the proxy's address and certificate (BASE, TLS_PORT, $T/cert.pem and key.pem)
sso_tls() {
    TLS_PORT=$(free_port)
    BASE="https://127.0.0.1:$TLS_PORT"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 1 -subj "/CN=127.0.0.1" \
        -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
    chmod 644 "$T/key.pem" "$T/cert.pem"
}

# sso_apache MODULE SITE [-C "Define ..."]...: Apache as tools/sso/SITE ships it, in the foreground
# in a process group of its own (APACHE), in front of the baton serve serve_start started
sso_apache() {
    local module=$1 site=$2 user group
    shift 2
    user=$(id -un)
    group=$(id -gn)
    # as root Apache's workers run as nobody, who must reach the files under $T
    [ "$(id -u)" -eq 0 ] && { user=nobody; group=nogroup; chmod 755 "$T"; }
    spawn apache2 -f "$ROOT/tests/sso/httpd.conf" -DFOREGROUND -C "Define SSO_DIR $T" -C "Define SSO_MODULE $module" \
        -C "Define SSO_SITE $ROOT/tools/sso/$site" -C "Define SSO_USER $user" -C "Define SSO_GROUP $group" \
        -C "Define BATON_LISTEN 127.0.0.1:$TLS_PORT" -C "Define BATON_HOST 127.0.0.1:$TLS_PORT" -C "Define BATON_PORT $PORT" \
        -C "Define BATON_CERT $T/cert.pem" -C "Define BATON_KEY $T/key.pem" "$@"
    APACHE=$SPAWNED
    for _ in $(seq 200); do curl -sk -o /dev/null "$BASE/" 2>/dev/null && return 0; sleep 0.05; done
    not_ok "Apache answers (see $T/error.log)"
}

# sso_journey LOGIN [EXPECT]: a person logging in in chromium (tests/sso/login.mjs), as checks
sso_journey() {
    node "$ROOT/tests/sso/login.mjs" "$BASE" "$1" "$A" "$O" "${2:-}" >"$T/journey.out" 2>&1
    while read -r verdict what; do
        case $verdict in ok) ok ;; FAIL) not_ok "$what" ;; esac
    done <"$T/journey.out"
    assert "the journey of $1 ran to the end" grep -q "^end of the sso checks" "$T/journey.out"
    grep -v "^ok \|^end of" "$T/journey.out" | head -10 >&2
}

# sso_logged_and_left: the teacher's reads are logged; the person who has left is refused, logged
sso_logged_and_left() {
    assert "the teacher's reads through single sign-on are in the access log" \
        sh -c "BATON_USER=koord \"$BATON\" audit list --staff laerer1 | grep -q 'read.*$A'"
    sso_journey vikar@skole.example refused
    BATON_USER=koord run audit list --json
    expect_out '"action": "sso-refused"' "the refusal of the person who left is in the access log"
}
