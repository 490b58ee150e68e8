// A local OpenID provider for the single sign-on test (oidc-provider from npm): the stand-in for
// the municipality's identity provider behind Apache's mod_auth_openidc. Its people are whoever
// logs in at its (development) login form: the login name is their subject and their e-mail, and
// the acr it reports is the one the test asks for (ACR), as NemLog-in's or UNI-Login's would be.
//   node tests/sso/op.mjs PORT CLIENT_REDIRECT_URI [ACR]
// Prints "listening" once it answers; runs until killed.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "..", "tools", "node", "package.json"));
const Provider = require("oidc-provider").default ?? require("oidc-provider");

const [port, redirect, acr] = process.argv.slice(2);
if (!port || !redirect) {
    console.error("usage: node op.mjs PORT CLIENT_REDIRECT_URI [ACR]");
    process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
    clients: [{
        client_id: "baton",
        client_secret: "baton-test-secret-not-for-production",
        redirect_uris: [redirect],
        post_logout_redirect_uris: [redirect.replace(/\/redirect_uri$/, "/")],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
    }],
    claims: { openid: ["sub", "acr"], email: ["email", "email_verified"] },
    scopes: ["openid", "email"],
    acrValues: ["low", "substantial", "high"],
    findAccount: async (ctx, id) => ({
        accountId: id,
        async claims() {
            return { sub: id, email: id, email_verified: true, ...(acr ? { acr } : {}) };
        },
    }),
    features: {
        devInteractions: { enabled: true },
        // the provider asks before it ends its own login, as the municipalities' providers do
        rpInitiatedLogout: {
            enabled: true,
            logoutSource: async (ctx, form) => {
                ctx.body = `<!DOCTYPE html><html lang="en"><head><title>Log out</title></head><body>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, log me out</button></body></html>`;
            },
        },
    },
    // the test's people consent once, here: no consent page between them and Baton
    async loadExistingGrant(ctx) {
        const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
        if (grantId)
            return ctx.oidc.provider.Grant.find(grantId);
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
        grant.addOIDCScope("openid email");
        grant.addOIDCClaims(["email", "email_verified", "acr"]);
        await grant.save();
        return grant;
    },
    cookies: { keys: ["baton-test-cookie-key"] },
    pkce: { required: () => false },
});
provider.listen(Number(port), "127.0.0.1", () => console.log("listening"));
