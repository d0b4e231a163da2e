// The platform API end to end against the release server: an operator creates a client with
// the `server create-api-client` command, the client gets a token and reads the catalog.
import { expect, test } from "@playwright/test";
import { revokedInStatusList, verifyProof } from "./vc-verifier";
import { createClient } from "./operator";

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
}

test.describe("platform API", () => {
  test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, "no browser involved; run once");

  test("a client created on the command line reads the catalog with a token", async ({ request }) => {
    const client = createClient("E2E marketplace", "catalog:read");
    expect(client.client_id).toMatch(/^pfc_/);
    expect(client.client_secret).toMatch(/^pfs_/);

    const tokenRes = await request.post("/oauth/token", {
      headers: { authorization: basic(client.client_id, client.client_secret) },
      form: { grant_type: "client_credentials", scope: "catalog:read" },
    });
    expect(tokenRes.status()).toBe(200);
    const token = await tokenRes.json();
    expect(token.token_type).toBe("Bearer");
    expect(token.scope).toBe("catalog:read");

    const list = await request.get("/api/v1/products?per_page=5&lang=ja", {
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    expect(list.status()).toBe(200);
    const page = await list.json();
    expect(page.items).toHaveLength(5);
    expect(page.total).toBeGreaterThanOrEqual(30);
    expect(page.items[0].url).toContain("/ja/products/");

    // The product URL the API gives opens the storefront page.
    const pageRes = await request.get(new URL(page.items[0].url).pathname);
    expect(pageRes.status()).toBe(200);
  });

  test("wrong secrets, missing scopes and bad tokens get problem details", async ({ request }) => {
    const client = createClient("E2E eco reader", "eco:read");
    const wrong = await request.post("/oauth/token", {
      headers: { authorization: basic(client.client_id, "pfs_not-the-secret") },
      form: { grant_type: "client_credentials" },
    });
    expect(wrong.status()).toBe(401);
    expect(wrong.headers()["content-type"]).toBe("application/problem+json");
    expect((await wrong.json()).detail).toContain("client id or client secret is wrong");

    const unknownScope = await request.post("/oauth/token", {
      headers: { authorization: basic(client.client_id, client.client_secret) },
      form: { grant_type: "client_credentials", scope: "catalog:write" },
    });
    expect(unknownScope.status()).toBe(400);
    expect((await unknownScope.json()).error).toBe("invalid_scope");

    const tokenRes = await request.post("/oauth/token", {
      headers: { authorization: basic(client.client_id, client.client_secret) },
      form: { grant_type: "client_credentials" },
    });
    const { access_token } = await tokenRes.json();
    const forbidden = await request.get("/api/v1/products", {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(forbidden.status()).toBe(403);
    expect((await forbidden.json()).error).toBe("insufficient_scope");

    const forged = await request.get("/api/v1/products", {
      headers: { authorization: `Bearer ${access_token.slice(0, -2)}xx` },
    });
    expect(forged.status()).toBe(401);
  });

  test("certificates of origin: read, verify, tamper, revoke status, DID and status list", async ({ request }) => {
    const client = createClient("E2E forwarder", "orders:read orders:export eco:read");
    const tokenRes = await request.post("/oauth/token", {
      headers: { authorization: basic(client.client_id, client.client_secret) },
      form: { grant_type: "client_credentials" },
    });
    const auth = { authorization: `Bearer ${(await tokenRes.json()).access_token}` };

    // The demo's departed order carries its (replacement) certificate.
    const departed = await (await request.get("/api/v1/orders?status=departed", { headers: auth })).json();
    const order = await (await request.get(`/api/v1/orders/${departed.items[0].number}`, { headers: auth })).json();
    expect(order.eco.status).toBe("issued");
    const number: string = order.eco.number;
    expect(number).toMatch(/^PF-DOO-\d{4}-\d{6}$/);

    const vcRes = await request.get(`/api/v1/eco/${number}`, { headers: auth });
    expect(vcRes.status()).toBe(200);
    const vc = await vcRes.json();
    expect(vc.type).toEqual(["VerifiableCredential", "RcepDeclarationOfOrigin"]);
    expect(vc.proof.cryptosuite).toBe("eddsa-jcs-2022");
    expect((await request.get("/api/v1/eco/PF-DOO-1999-000001", { headers: auth })).status()).toBe(404);

    // Anyone verifies it; a tampered copy fails the integrity check; junk is a 400 that says so.
    const ok = await (await request.post("/api/v1/eco/verify", { data: vc })).json();
    expect([ok.integrity.outcome, ok.status.outcome, ok.issuer.outcome, ok.valid]).toEqual(["passed", "passed", "passed", true]);
    const tampered = structuredClone(vc);
    tampered.credentialSubject.goods[0].quantity.value = "9999";
    const bad = await (await request.post("/api/v1/eco/verify", { data: tampered })).json();
    expect(bad.valid).toBe(false);
    expect(bad.integrity.outcome).toBe("failed");
    const truncated = await request.post("/api/v1/eco/verify", {
      headers: { "content-type": "application/json" },
      data: JSON.stringify(vc).slice(0, 200),
    });
    expect(truncated.status()).toBe(400);
    expect((await truncated.json()).report.integrity.outcome).toBe("failed");
    // An oversized body is a 413: server/tests/integration/router.rs sends 50 MB.

    // The certificate it replaced is revoked: status fails, the register names the replacement.
    const replaced = vc.credentialSubject.replaces as string;
    const old = await (await request.get(`/api/v1/eco/${replaced}`, { headers: auth })).json();
    const revoked = await (await request.post("/api/v1/eco/verify", { data: old })).json();
    expect([revoked.integrity.outcome, revoked.status.outcome, revoked.valid, revoked.revoked]).toEqual(["passed", "failed", false, true]);
    expect(revoked.register.replaced_by).toBe(number);

    // An independent implementation of the W3C algorithms (vc-verifier.ts, no code shared
    // with the server) accepts the certificate, finds its status bit clear, and the replaced
    // one's set.
    const local = (url: string) => url.replace(/^https?:\/\/[^/]+/, "");
    const fetchJson = async (url: string) => (await request.get(local(url))).json();
    await verifyProof(vc, fetchJson, "http");
    expect(await revokedInStatusList(vc, fetchJson, "http", local)).toBe(false);
    await verifyProof(old, fetchJson, "http");
    expect(await revokedInStatusList(old, fetchJson, "http", local)).toBe(true);
    await expect(verifyProof(tampered, fetchJson, "http")).rejects.toThrow("the signature does not hold");

    // did:web document and the status list with its entity tag.
    const did = await (await request.get("/.well-known/did.json")).json();
    expect(vc.issuer).toBe(did.id);
    expect(did.assertionMethod).toContain(vc.proof.verificationMethod);
    const list = await request.get(vc.credentialStatus.statusListCredential.replace(/^https?:\/\/[^/]+/, ""));
    expect(list.status()).toBe(200);
    expect((await list.json()).credentialSubject.type).toBe("BitstringStatusList");
    const etag = list.headers()["etag"];
    const again = await request.get(new URL(list.url()).pathname, { headers: { "if-none-match": etag } });
    expect(again.status()).toBe(304);
    const schema = await (await request.get(new URL(vc.credentialSchema.id).pathname)).json();
    expect(schema.$id).toBe(vc.credentialSchema.id);

    // The public verify link by language; an unknown number is a 404.
    const redirect = await request.get(`/verify/${number}`, { headers: { "accept-language": "ja" }, maxRedirects: 0 });
    expect(redirect.status()).toBe(303);
    expect(redirect.headers()["location"]).toBe(`/ja/verify/${number}`);
    expect((await request.get("/verify/PF-DOO-1999-000001", { maxRedirects: 0 })).status()).toBe(404);

    // Export clearance over the API is idempotent: the cleared order answers with its state.
    const again1 = await request.post(`/api/v1/orders/${order.number}/export`, { headers: auth });
    expect(again1.status()).toBe(200);
    expect((await again1.json()).status).toBe("departed");
  });

  test("the OpenAPI description is served", async ({ request }) => {
    const res = await request.get("/api/v1/openapi.json");
    expect(res.status()).toBe(200);
    const spec = await res.json();
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(["/api/v1/products", "/oauth/token"]));
  });
});
