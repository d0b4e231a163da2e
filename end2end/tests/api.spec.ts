// The platform API end to end against the release server: an operator creates a client with
// the `server create-api-client` command, the client gets a token and reads the catalog.
import { expect, test } from "@playwright/test";
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

  test("the OpenAPI description is served", async ({ request }) => {
    const res = await request.get("/api/v1/openapi.json");
    expect(res.status()).toBe(200);
    const spec = await res.json();
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(["/api/v1/products", "/oauth/token"]));
  });
});
