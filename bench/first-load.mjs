// First load of pages in headless Chromium (Debian's /usr/bin/chromium), as a buyer with an
// empty cache sees it: bytes over the wire per resource type (Resource Timing), and the time
// from navigation start to "interactive" (<html data-hydrated="true">, set by the islands
// loader once every island on the page is hydrated, at once on a page without islands) —
// without throttling and with the CPU slowed 4× through the DevTools protocol.
//   node bench/first-load.mjs http://127.0.0.1:3500 /en/products/some-slug [/en ...]
// FIRST_LOAD_COOKIE="pf_session=…" measures as that signed-in person.
// Prints one JSON object per page and throttling; `bench/run.sh` calls it. A benchmark, not a
// test: it fails only when a page does not load.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "end2end", "package.json"));
const { chromium } = require("@playwright/test");

const [base, ...pages] = process.argv.slice(2);
if (!base || pages.length === 0) {
  console.error("usage: node bench/first-load.mjs BASE_URL PATH [PATH ...]");
  process.exit(2);
}
const runs = Number(process.env.FIRST_LOAD_RUNS ?? 5);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

function kind(entry) {
  const url = entry.name.split("?")[0];
  if (url.endsWith(".wasm")) return "wasm";
  if (url.endsWith(".js")) return "js";
  if (url.endsWith(".css")) return "css";
  if (/\.(png|jpe?g|svg|webp|gif|avif)$/.test(url)) return "image";
  return entry.initiatorType || "other";
}

async function measure(pagePath, throttle) {
  const context = await browser.newContext();
  if (process.env.FIRST_LOAD_COOKIE) {
    const [name, ...value] = process.env.FIRST_LOAD_COOKIE.split("=");
    await context.addCookies([{ name, value: value.join("="), url: base }]);
  }
  const page = await context.newPage();
  // Records the moment the loader marks the page interactive.
  await page.addInitScript(() => {
    new MutationObserver((_, obs) => {
      if (document.documentElement.dataset.hydrated === "true") {
        window.__interactiveAt = performance.now();
        obs.disconnect();
      }
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  if (throttle > 1) await cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle });
  await page.goto(base + pagePath, { waitUntil: "load" });
  await page.waitForFunction(() => window.__interactiveAt !== undefined, null, { timeout: 60_000 });
  // Lazy island chunks may still be on their way: wait for the network to go quiet.
  await page.waitForLoadState("networkidle");
  const result = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    return {
      interactive: window.__interactiveAt,
      html: { transfer: nav.transferSize, body: nav.encodedBodySize, decoded: nav.decodedBodySize },
      resources: performance.getEntriesByType("resource").map((r) => ({
        name: r.name,
        initiatorType: r.initiatorType,
        transfer: r.transferSize,
        body: r.encodedBodySize,
        decoded: r.decodedBodySize,
      })),
    };
  });
  await context.close();
  const byType = { html: { ...result.html, count: 1 } };
  for (const r of result.resources) {
    const k = kind(r);
    byType[k] ??= { transfer: 0, body: 0, decoded: 0, count: 0 };
    byType[k].transfer += r.transfer;
    byType[k].body += r.body;
    byType[k].decoded += r.decoded;
    byType[k].count += 1;
  }
  const total = Object.values(byType).reduce((s, v) => s + v.transfer, 0);
  return { interactive: result.interactive, byType, total };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

for (const pagePath of pages) {
  for (const throttle of [1, 4]) {
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(await measure(pagePath, throttle));
    const last = samples[samples.length - 1];
    console.log(
      JSON.stringify({
        page: pagePath,
        cpu_throttle: throttle,
        runs,
        interactive_ms_median: Math.round(median(samples.map((s) => s.interactive))),
        interactive_ms_max: Math.round(Math.max(...samples.map((s) => s.interactive))),
        transferred_bytes_total: last.total,
        by_type: last.byType,
      }),
    );
  }
}
await browser.close();
