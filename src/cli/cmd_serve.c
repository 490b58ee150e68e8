/* baton serve: the web front end (src/web), for the store's staff in a browser, like `fossil ui`. */
#include "cli.h"

#include "../web/web.h"

#include <stdlib.h>
#include <string.h>

int cmd_serve(int argc, char **argv)
{
    enum { O_LISTEN = 1, O_SECURE, O_HEADER, O_PROXY, O_ASSURANCE, O_LOGOUT };
    static const struct option opts[] = {{"listen", required_argument, NULL, O_LISTEN},
                                         {"secure", no_argument, NULL, O_SECURE},
                                         {"trust-header", required_argument, NULL, O_HEADER},
                                         {"trusted-proxy", required_argument, NULL, O_PROXY},
                                         {"trust-assurance", required_argument, NULL, O_ASSURANCE},
                                         {"sso-logout", required_argument, NULL, O_LOGOUT},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    static const char usage[] =
        "baton serve [--listen ADDRESS:PORT] [--secure] [--trusted-proxy ADDRESS [--trust-header HEADER "
        "[--trust-assurance HEADER] [--sso-logout URL]]]";
    cli_common c = {0};
    web_options o = {NULL, "127.0.0.1:8080", 0, NULL, NULL, NULL, NULL};
    int opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == O_LISTEN)
            o.listen = optarg;
        else if (opt == O_SECURE)
            o.secure = 1;
        else if (opt == O_HEADER)
            o.trust_header = optarg;
        else if (opt == O_PROXY)
            o.trusted_proxy = optarg;
        else if (opt == O_ASSURANCE)
            o.trust_assurance = optarg;
        else if (opt == O_LOGOUT)
            o.sso_logout = optarg;
        else
            return cli_bad_option(usage, argv);
    }
    if (c.help)
        return cli_help("usage: baton serve [--listen ADDRESS:PORT] [--secure] [--trusted-proxy ADDRESS [--trust-header "
                        "HEADER [--trust-assurance HEADER] [--sso-logout URL]]]\n\n"
                        "Serves the store to a browser until Ctrl-C (default 127.0.0.1:8080). Staff log in\n"
                        "with their staff id and the password set by 'baton staff passwd'; every page\n"
                        "shows only what they may read, and every read is logged.\n"
                        "  --listen ADDRESS:PORT  where to listen (an IPv4 address)\n"
                        "  --secure               behind TLS (a reverse proxy): cookies are Secure and\n"
                        "                         forms must come from https://\n"
                        "  --trusted-proxy ADDRESS  the reverse proxy in front: from its requests the\n"
                        "                         client's address is the last of X-Forwarded-For (for\n"
                        "                         the login throttle), from no one else's\n"
                        "  --trust-header HEADER  single sign-on: this header (X-Remote-User) names the\n"
                        "                         person, by the store's sso_match (e-mail, sso_id or\n"
                        "                         staff id; see 'baton config'); taken only from the\n"
                        "                         trusted proxy's requests; off unless both are given\n"
                        "  --trust-assurance HEADER  the header with the login's assurance level (OIDC\n"
                        "                         acr, SAML AuthnContextClassRef), held against the\n"
                        "                         store's sso_assurance_min\n"
                        "  --sso-logout URL       where logging out goes for a single sign-on login (the\n"
                        "                         proxy's logout, which ends it at the identity provider)\n");
    if (optind != argc)
        return cli_usage_error(usage, "unexpected argument: %s", argv[optind]);
    if (o.trust_header && !o.trusted_proxy)
        return cli_usage_error(usage, "--trust-header needs --trusted-proxy ADDRESS");
    if ((o.trust_assurance || o.sso_logout) && !o.trust_header)
        return cli_usage_error(usage, "%s needs --trust-header HEADER", o.trust_assurance ? "--trust-assurance" : "--sso-logout");
    if (o.sso_logout && (o.sso_logout[0] != '/' || o.sso_logout[1] == '/' || strpbrk(o.sso_logout, "\r\n")))
        return cli_usage_error(usage, "--sso-logout: a path on this site, starting with one /");
    baton_store *store;
    if ((rc = cli_open_store(&c, &store)))
        return cli_fail(rc);
    char *path = strdup(baton_store_path(store));
    baton_store_free(store);
    o.store = path;
    rc = web_serve(&o);
    free(path);
    return rc ? cli_fail(rc) : EXIT_OK;
}
