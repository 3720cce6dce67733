// A real OpenID Connect provider for the e2e tier: the certified `oidc-provider` (npm,
// tools/package.json), with its own login form and session cookie. Two clients for the
// Odoo servers given: `odoo`, as providers are, and `lax`, whose sign-ins ignore
// prompt=login and max_age (a provider that does not honour them). Both always say in
// their ID tokens when the person authenticated (auth_time), as Okta and Keycloak do.
// Usage: node oidc_provider.mjs <port> <odoo base URL>...
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const { Provider, interactionPolicy } = await import(
    pathToFileURL(join(process.env.NODE_MODULES, "oidc-provider/lib/index.js"))
);
const [port, ...odooUrls] = process.argv.slice(2);
const LAX = "lax";

const policy = interactionPolicy.base();
for (const reason of ["login_prompt", "max_age"]) {
    const check = policy.get("login").checks.get(reason);
    const asked = check.check;
    check.check = (ctx) => ctx.oidc.client.clientId !== LAX && asked(ctx);
}

const client = (clientId) => ({
    client_id: clientId,
    client_secret: `${clientId}-secret`,
    redirect_uris: odooUrls.map((url) => `${url}/auth_oauth/signin`),
    post_logout_redirect_uris: odooUrls.map((url) => `${url}/idle_user_logout/provider_logout`),
    response_types: ["code"],
    grant_types: ["authorization_code"],
    require_auth_time: true,
});

const provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [client("odoo"), client(LAX)],
    findAccount: async (_ctx, id) => ({
        accountId: id,
        claims: async () => ({ sub: id, email: `${id}@example.com`, name: id }),
    }),
    claims: { openid: ["sub"], email: ["email"], profile: ["name"] },
    cookies: { keys: ["idle-user-logout-e2e"] },
    // First-party clients: the scopes asked are granted, with no consent screen.
    loadExistingGrant: async (ctx) => {
        const grant = new ctx.oidc.provider.Grant({
            clientId: ctx.oidc.client.clientId,
            accountId: ctx.oidc.session.accountId,
        });
        grant.addOIDCScope("openid email profile");
        await grant.save();
        return grant;
    },
    interactions: { policy },
    features: {
        devInteractions: { enabled: true },
        rpInitiatedLogout: {
            enabled: true,
            // As providers do when the ID token hint is valid: no confirmation asked.
            logoutSource: async (ctx, form) => {
                ctx.body = `<!DOCTYPE html><html><body>${form}
<input type="hidden" form="op.logoutForm" name="logout" value="yes">
<script>document.getElementById("op.logoutForm").submit()</script></body></html>`;
            },
        },
    },
});
provider.listen(Number(port), "127.0.0.1", () => console.log(`ready on ${port}`));
