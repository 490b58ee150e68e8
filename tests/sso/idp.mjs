// A local SAML identity provider for the single sign-on test (samlify from npm): the stand-in for
// KOMBIT's or Skolfederation's behind Apache's mod_auth_mellon. Its people are whoever logs in at
// its form: the login name is their NameID (an e-mail address), and every login is at the
// assurance level the test asks for, sent as the AuthnContextClassRef and as the attribute "loa"
// (as OIOSAML 3 sends NSIS's level as an attribute). It answers single logout too.
//   node tests/sso/idp.mjs PORT IDP_KEY IDP_CERT SP_METADATA [LEVEL]
// Prints "listening" once it answers; runs until killed.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "..", "tools", "node", "package.json"));
const saml = require("samlify");

const [port, keyFile, certFile, spMetadata, level] = process.argv.slice(2);
if (!port || !spMetadata) {
    console.error("usage: node idp.mjs PORT IDP_KEY IDP_CERT SP_METADATA [LEVEL]");
    process.exit(2);
}
// the messages are this test's own and signed: their XML schema is not what is under test
saml.setSchemaValidator({ validate: () => Promise.resolve("not checked in the test") });
const base = `http://127.0.0.1:${port}`;
const redirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const idp = saml.IdentityProvider({
    entityID: `${base}/metadata`,
    privateKey: readFileSync(keyFile),
    signingCert: readFileSync(certFile),
    singleSignOnService: [{ Binding: redirect, Location: `${base}/sso` }],
    singleLogoutService: [{ Binding: redirect, Location: `${base}/slo` }],
    nameIDFormat: ["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"],
});
// mod_auth_mellon takes only a signed logout response
const sp = saml.ServiceProvider({ metadata: readFileSync(spMetadata), wantLogoutResponseSigned: true });
const acs = sp.entityMeta.getAssertionConsumerService(saml.Constants.wording.binding.post);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (res, status, body) => {
    res.writeHead(status, { "Content-Type": "text/html; charset=utf-8" });
    res.end(`<!DOCTYPE html><html lang="en"><head><title>Test identity provider</title></head><body>${body}</body></html>`);
};

async function respond(req, res) {
    const url = new URL(req.url, base);
    const query = Object.fromEntries(url.searchParams);
    if (url.pathname === "/metadata") {
        res.writeHead(200, { "Content-Type": "application/samlmetadata+xml" });
        return res.end(idp.getMetadata());
    }
    if (url.pathname === "/sso" && req.method === "GET") {
        const { extract } = await idp.parseLoginRequest(sp, "redirect", { query, octetString: url.search.slice(1) });
        return page(res, 200, `<form method="post" action="/login">
<input type="hidden" name="request" value="${esc(extract.request.id)}">
<input type="hidden" name="relay" value="${esc(query.RelayState || "")}">
<label>Login <input name="login"></label> <label>Password <input name="password" type="password"></label>
<button type="submit">Log in</button></form>`);
    }
    if (url.pathname === "/login" && req.method === "POST") {
        let body = "";
        for await (const chunk of req) body += chunk;
        const form = Object.fromEntries(new URLSearchParams(body));
        const now = new Date(), later = new Date(now.getTime() + 5 * 60000);
        const acr = level || "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";
        // samlify escapes every value it puts in the template, so the two XML fragments go in first
        const fill = (template) => {
            const id = `_${randomUUID()}`;
            const fragments = template
                .replace("{AuthnStatement}", `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="${id}">` +
                    `<saml:AuthnContext><saml:AuthnContextClassRef>${esc(acr)}</saml:AuthnContextClassRef>` +
                    `</saml:AuthnContext></saml:AuthnStatement>`)
                .replace("{AttributeStatement}", `<saml:AttributeStatement><saml:Attribute Name="loa"><saml:AttributeValue ` +
                    `xsi:type="xs:string">${esc(acr)}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>`);
            const values = {
                ID: id, AssertionID: `_${randomUUID()}`, Destination: acs, Audience: sp.entityMeta.getEntityID(),
                SubjectRecipient: acs, Issuer: idp.entityMeta.getEntityID(), IssueInstant: now.toISOString(),
                StatusCode: "urn:oasis:names:tc:SAML:2.0:status:Success", ConditionsNotBefore: now.toISOString(),
                ConditionsNotOnOrAfter: later.toISOString(), SubjectConfirmationDataNotOnOrAfter: later.toISOString(),
                NameIDFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress", NameID: form.login,
                InResponseTo: form.request,
            };
            return { id, context: saml.SamlLib.replaceTagsByValue(fragments, values) };
        };
        const { context } = await idp.createLoginResponse(sp, { extract: { request: { id: form.request } } }, "post",
                                                          { email: form.login }, fill);
        // the browser carries the response to Baton's proxy, as every SAML login does
        return page(res, 200, `<form method="post" action="${esc(acs)}">
<input type="hidden" name="SAMLResponse" value="${esc(context)}">
<input type="hidden" name="RelayState" value="${esc(form.relay)}">
<button type="submit">Continue</button></form><script>document.forms[0].submit()</script>`);
    }
    if (url.pathname === "/slo" && req.method === "GET") {
        const request = await idp.parseLogoutRequest(sp, "redirect", { query, octetString: url.search.slice(1) });
        const { context } = idp.createLogoutResponse(sp, request, "redirect", query.RelayState || "");
        res.writeHead(302, { Location: context });
        return res.end();
    }
    page(res, 404, "<p>Not here.</p>");
}

createServer((req, res) => respond(req, res).catch((e) => page(res, 400, `<p>${esc(e.message || e)}</p>`)))
    .listen(Number(port), "127.0.0.1", () => console.log("listening"));
