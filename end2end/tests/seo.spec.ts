// Machine-facing pages: robots.txt, sitemap.xml, health checks and security headers.
import { expect, test } from "@playwright/test";

test("sitemap lists every page in every language with alternates", async ({ request }) => {
  const res = await request.get("/sitemap.xml");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("xml");
  const xml = await res.text();
  expect(xml).toContain("/ja/products/brushless-dc-motor-57mm-24v-105w</loc>");
  expect(xml).toContain('hreflang="x-default"');
  expect((xml.match(/<url>/g) ?? []).length).toBe((36 + 5 + 2) * 8);
});

test("robots.txt points at the sitemap", async ({ request }) => {
  const body = await (await request.get("/robots.txt")).text();
  expect(body).toMatch(/Sitemap: http:\/\/127\.0\.0\.1:\d+\/sitemap\.xml/);
});

test("pages carry security headers and a CSP that allows the loader by hash", async ({ request }) => {
  const res = await request.get("/en");
  const h = res.headers();
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(h["content-security-policy"]).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+( 'nonce-[^']+')? 'wasm-unsafe-eval'/);
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
});

test("hashed assets are cached for a year", async ({ request }) => {
  const html = await (await request.get("/en")).text();
  const css = html.match(/href="(\/pkg\/portfront[^"]*\.css)"/)?.[1];
  expect(css).toBeTruthy();
  const res = await request.get(css!);
  expect(res.status()).toBe(200);
  expect(res.headers()["cache-control"]).toContain("immutable");
});

test("health and readiness answer", async ({ request }) => {
  expect((await request.get("/healthz")).status()).toBe(200);
  expect((await request.get("/readyz")).status()).toBe(200);
});
