// Live logistics benchmarks against a running server (bench/run.sh starts it):
//   node bench/feeds.mjs <base url> <feed secret (base64)> <bearer token> <server pid>
// 1. ingest: 100-event signed DCSA 3.0 bodies posted to /webhooks/dcsa/v3/bench-feed/events
//    from 16 connections — first unique events (inserts), then the same bodies again (dedupe);
// 2. webhook → browser latency: 200 SSE clients on one shipment's stream, an update posted,
//    the time until each client has the new snapshot (20 rounds; p50 / p99);
// 3. 1,000 idle SSE clients held: the server's RSS before and after.
// Prints one JSON line per figure.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

const [base, secret, token, pid] = process.argv.slice(2);
const key = Buffer.from(secret, "base64");
const sign = (body) => `sha256=${createHmac("sha256", key).update(body).digest("hex")}`;
const hook = `${base}/webhooks/dcsa/v3/bench-feed/events`;

function event(id, booking, container, at, minutes) {
  return {
    eventID: id,
    eventDateTime: new Date(Date.parse("2026-12-01T00:00:00Z") + minutes * 60_000).toISOString(),
    eventUpdatedDateTime: new Date(Date.parse("2026-12-01T00:00:00Z") + minutes * 60_000).toISOString(),
    eventClassification: { eventTypeCode: "EQUIPMENT", eventClassifierCode: "ACT", equipmentEventTypeCode: "LOAD" },
    eventLocation: { UNLocationCode: at },
    equipmentDetails: { equipmentReference: container, emptyIndicatorCode: "LADEN" },
    shipmentDetails: { documentReference: { typeCode: "BKG", reference: booking } },
  };
}

// ISO 6346 check digit, so every container number is valid.
function container(n) {
  const owner = "BNCU";
  const serial = String(n % 1_000_000).padStart(6, "0");
  const values = [...owner].map((c) => {
    let v = c.charCodeAt(0) - 55;
    v += Math.floor((v - 1) / 10);
    return v;
  });
  const digits = [...values, ...[...serial].map(Number)];
  const sum = digits.reduce((s, d, i) => s + d * 2 ** i, 0);
  return `${owner}${serial}${(sum % 11) % 10}`;
}

async function post(body) {
  const res = await fetch(hook, {
    method: "POST",
    headers: { "content-type": "application/json", "notification-signature": sign(body) },
    body,
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
}

async function ingest(bodies, label) {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < bodies.length) await post(bodies[next++]);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const events = bodies.length * 100;
  console.log(JSON.stringify({ figure: `ingest ${label}`, events, seconds: +seconds.toFixed(2), events_per_s: Math.round(events / seconds) }));
}

const bodies = Array.from({ length: 200 }, (_, b) =>
  JSON.stringify({
    events: Array.from({ length: 100 }, (_, i) => {
      const n = b * 100 + i;
      return event(`bench-${n}`, `BENCH-BKG-${b}`, container(n), i % 2 ? "VNCMT" : "CNYSA", n);
    }),
  }),
);
await ingest(bodies, "unique");
await ingest(bodies, "duplicates (dedupe)");

// SSE clients on one shipment.
const REF = "BENCH-LIVE-1";
const auth = { authorization: `Bearer ${token}` };
let version = 0;
const liveEvent = () => {
  version += 1;
  const e = event("bench-live", REF, "BNCU0000012", "VNCMT", 0);
  e.eventUpdatedDateTime = new Date(Date.parse("2026-12-01T00:00:00Z") + version * 1000).toISOString();
  return JSON.stringify({ events: [e] });
};
await post(liveEvent());

function client(onEvent) {
  const controller = new AbortController();
  const ready = fetch(`${base}/api/v1/shipments/${REF}/stream`, { headers: auth, signal: controller.signal }).then(async (res) => {
    if (res.status !== 200) throw new Error(`stream answered ${res.status}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let text = "";
    (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ done: true }));
        if (done) return;
        text += decoder.decode(value, { stream: true });
        let end;
        while ((end = text.indexOf("\n\n")) >= 0) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const id = block.split("\n").find((l) => l.startsWith("id: "));
          if (id) onEvent(Number(id.slice(4)));
        }
      }
    })();
  });
  return { ready, close: () => controller.abort() };
}

async function latency(n, rounds) {
  let waiting = null;
  const clients = [];
  for (let i = 0; i < n; i++) {
    clients.push(
      client(() => {
        if (waiting) waiting.seen(i);
      }),
    );
  }
  await Promise.all(clients.map((c) => c.ready));
  await new Promise((r) => setTimeout(r, 500));
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const got = new Set();
    const started = performance.now();
    const all = new Promise((resolve) => {
      waiting = {
        seen(i) {
          if (!got.has(i)) {
            got.add(i);
            samples.push(performance.now() - started);
            if (got.size === n) resolve();
          }
        },
      };
    });
    await post(liveEvent());
    await Promise.race([all, new Promise((r) => setTimeout(r, 5000))]);
    waiting = null;
    await new Promise((r) => setTimeout(r, 100));
  }
  clients.forEach((c) => c.close());
  samples.sort((a, b) => a - b);
  const q = (p) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
  console.log(JSON.stringify({ figure: `webhook → ${n} SSE clients`, deliveries: samples.length, expected: n * rounds, p50_ms: +q(0.5).toFixed(1), p99_ms: +q(0.99).toFixed(1) }));
}
await latency(200, 20);

const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;
await new Promise((r) => setTimeout(r, 1000));
const before = rss();
const idle = [];
for (let i = 0; i < 1000; i++) idle.push(client(() => {}));
await Promise.all(idle.map((c) => c.ready));
await new Promise((r) => setTimeout(r, 2000));
const held = rss();
console.log(JSON.stringify({ figure: "1,000 idle SSE clients", rss_before_mib: +before.toFixed(1), rss_held_mib: +held.toFixed(1) }));
idle.forEach((c) => c.close());
process.exit(0);
