// A real, locally started OpenID Connect provider for the browser tests (panva's `oidc-provider`,
// pinned in package.json). It serves plain http on 127.0.0.1; the issuer is exactly
// `http://127.0.0.1:${port}` (no trailing slash). Everything is in memory and is lost when it stops.
//
// One confidential client:
//   client_id      portfront-e2e
//   client_secret  CLIENT_SECRET below (token endpoint auth: client_secret_basic)
//   redirect_uris  [redirectUri]; grant authorization_code, response_type code, PKCE S256 required,
//   ID tokens RS256 signed by a fresh RSA key (with a `kid`) generated at every start.
// Scopes openid, email, profile. ID tokens carry email, email_verified and name (as well as nonce).
//
// Signing in uses oidc-provider's built-in development interactions: any login and any password
// are accepted, the account id is the login exactly as typed, and its claims are
//   { sub: login, email: login contains "@" ? login : `${login}@buyers.example`,
//     email_verified: true, name: readable name made from the login ("ana@buyers.example" → "Ana") }.
//
// Pages a Playwright test goes through (checked against oidc-provider 9.13.3 by fetching them;
// both are plain HTML forms, so they work in the no-JS project too):
//   Login page    GET /interaction/<uid>: <title>Sign-in</title>, <h1>Sign-in</h1>
//     login       input[name="login"]      (type=text, required, placeholder "Enter any login";
//                                          prefilled from login_hint when the request has one)
//     password    input[name="password"]   (type=password, required; any value is accepted)
//     submit      button[type="submit"]    text "Sign-in" (class "login login-submit")
//     e.g.  await page.fill('input[name="login"]', "ana@buyers.example");
//           await page.fill('input[name="password"]', "any-password");
//           await page.click('button[type="submit"]:has-text("Sign-in")');
//   Consent page  GET /interaction/<another uid>: <title>Sign-in</title> (sic), <h1>Authorize</h1>,
//                 lists the scopes "email" and "profile"
//     continue    button[type="submit"]    text "Continue" (the form's only button)
//     e.g.  await page.click('button[type="submit"]:has-text("Continue")');
//   Both forms POST to /interaction/<uid> with a hidden input `prompt` ("login" / "consent").
//   Both pages have a link "[ Cancel ]" (/interaction/<uid>/abort) that sends the browser to the
//   redirect URI with error=access_denied&error_description=End-User+aborted+interaction.
//   The pages' inline CSS @imports fonts.googleapis.com; without network that request just fails.
//
// Cookies: the flow needs the browser's cookies for 127.0.0.1:<port>: `_interaction` (path
// /interaction/<uid>), `_interaction_resume` (path /auth/<uid>) and `_session` (path /, 1 h), each
// with a `.sig` companion; all httpOnly, SameSite=Lax, not Secure. Every step is a 303:
//   /auth?… → /interaction/<uid> (login page) → POST → /auth/<uid> → /interaction/<uid2> (consent)
//   → POST → /auth/<uid2> → `${redirectUri}?code=…&state=…&iss=http%3A%2F%2F127.0.0.1%3A<port>`.
// The `_session` cookie remembers the sign-in and the consent: a second authorization in the same
// browser context goes straight back to the redirect URI without showing either page (a fresh
// Playwright context per test starts signed out). Signing in as somebody else in the same context
// (prompt=login) first shows an auto-submitting "Submitting Callback" page (with JavaScript off
// it shows a "Continue" button instead) and then the consent page again.
// Authorization codes live 60 s and work once (a second exchange gives invalid_grant).
//
// The provider prints a few "oidc-provider WARNING" lines when it starts (development
// interactions and in-memory storage are in use; on Node 20: "Unsupported runtime"). It has no
// option to turn these off. Because we pass our own keys and TTLs, it doesn't print its warnings
// and notices about the default ones. It never prints the client secret.
// `DEBUG=oidc-provider:*` shows the provider's debug logging.
//
// Use from global-setup.ts (types: provider.d.mts). Use a dynamic import here: Playwright's
// TypeScript loader fails on a static `import … from "./oidc/provider.mjs"` with "exports is not
// defined in ES module scope":
//   const { startProvider } = await import("./oidc/provider.mjs");
//   const op = await startProvider({ port: 4011, redirectUri }); … await op.close();
// Use by hand:         node end2end/oidc/provider.mjs --port 4011 \
//                        --redirect-uri http://127.0.0.1:3400/auth/oidc/local/callback
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import Provider from "oidc-provider";

export const CLIENT_ID = "portfront-e2e";
export const CLIENT_SECRET = "e2e-client-secret-0123456789abcdef";
export const DEFAULT_EMAIL_DOMAIN = "buyers.example";

// "ana@buyers.example" → "Ana", "ana.maria_lopez" → "Ana Maria Lopez".
function readableName(id) {
  const local = String(id).split("@")[0];
  const words = local.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (words.length === 0) return String(id);
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(" ");
}

function account(id) {
  return {
    accountId: id,
    // (use, scope, claims, rejected): the provider keeps only what the granted scopes allow.
    async claims() {
      return {
        sub: id,
        email: id.includes("@") ? id : `${id}@${DEFAULT_EMAIL_DOMAIN}`,
        email_verified: true,
        name: readableName(id),
      };
    },
  };
}

function signingJwk() {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" });
  return { ...jwk, kid: `e2e-${randomBytes(6).toString("hex")}`, use: "sig", alg: "RS256" };
}

/**
 * Starts the provider on http://127.0.0.1:${port} (port 0 picks a free port; `issuer` tells
 * which). Resolves once it accepts connections.
 * @param {{ port: number, redirectUri: string }} options
 * @returns {Promise<{ issuer: string, clientId: string, clientSecret: string, close(): Promise<void> }>}
 */
export async function startProvider({ port, redirectUri }) {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`startProvider: port must be an integer 0..65535, got ${port}`);
  }
  if (typeof redirectUri !== "string" || !URL.canParse(redirectUri)) {
    throw new TypeError(`startProvider: redirectUri must be an absolute URL, got ${redirectUri}`);
  }

  // Listen first so that port 0 works: the issuer has to contain the real port.
  let handler = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const issuer = `http://127.0.0.1:${server.address().port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        application_type: "web",
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
        id_token_signed_response_alg: "RS256",
      },
    ],
    // PKCE (S256, the only method oidc-provider supports) for every authorization request. The
    // default only requires it for public clients; ours is confidential.
    pkce: { required: () => true },
    responseTypes: ["code"],
    scopes: ["openid", "email", "profile"],
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name"],
    },
    // Put the scope claims in the ID token too (the default keeps them for userinfo only when an
    // access token is issued, i.e. always with response_type=code).
    conformIdTokenClaims: false,
    findAccount: async (_ctx, id) => account(id),
    jwks: { keys: [signingJwk()] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    features: {
      devInteractions: { enabled: true },
    },
    // Explicit lifetimes (seconds); also keeps the provider from printing a notice per default.
    ttl: {
      AccessToken: 10 * 60,
      AuthorizationCode: 60,
      IdToken: 10 * 60,
      Interaction: 10 * 60,
      Session: 60 * 60,
      Grant: 60 * 60,
    },
  });

  // Unexpected errors (HTTP 500) — print the error, never the request.
  provider.on("server_error", (_ctx, err) => {
    console.error(`oidc-provider server_error: ${err?.stack ?? err}`);
  });

  handler = provider.callback();

  let closed;
  return {
    issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    close() {
      closed ??= new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // A browser keeps idle keep-alive connections open; don't wait for them.
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "4011" },
      "redirect-uri": { type: "string", default: "http://127.0.0.1:3400/auth/oidc/local/callback" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log("usage: node end2end/oidc/provider.mjs [--port 4011] [--redirect-uri URL]");
    return;
  }
  const port = Number(values.port);
  const op = await startProvider({ port, redirectUri: values["redirect-uri"] });
  console.log(`OpenID provider: issuer ${op.issuer}`);
  console.log(`  discovery     ${op.issuer}/.well-known/openid-configuration`);
  console.log(`  client_id     ${op.clientId} (secret: CLIENT_SECRET in end2end/oidc/provider.mjs)`);
  console.log(`  redirect_uri  ${values["redirect-uri"]}`);
  console.log("Sign in with any login and password. Ctrl-C stops it.");
  const stop = () => {
    op.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err?.stack ?? err);
    process.exit(1);
  });
}
