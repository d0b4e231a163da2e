// Starts the release server (target/release/server) on a fresh SQLite file with the demo
// dataset, a real OpenID provider and a real SMTP server beside it, waits for /readyz, and
// stops them when the run ends.
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { baseURL } from "./playwright.config";

const root = path.resolve(__dirname, "..");

async function waitReady(url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `status ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not ready at ${url}: ${last}`);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env.E2E_EXTERNAL_SERVER) {
    await waitReady(`${baseURL}/readyz`, 30_000);
    return async () => {};
  }
  const dir = mkdtempSync(path.join(tmpdir(), "portfront-e2e-"));
  const url = new URL(baseURL);
  // Tests that run the `server` CLI (create-api-client, …) point it at the same database.
  process.env.E2E_DATABASE_URL = `sqlite://${dir}/e2e.db?mode=rwc`;
  process.env.E2E_DATA_DIR = dir;
  const cliEnv = {
    ...process.env,
    DATABASE_URL: process.env.E2E_DATABASE_URL,
    PORTFRONT_DATA_DIR: dir,
    RUST_LOG: "warn",
  };
  // The first admin, as an operator creates it (password on stdin).
  process.env.E2E_ADMIN_EMAIL = "admin@harbourline.example";
  process.env.E2E_ADMIN_PASSWORD = "e2e admin password 2026";
  execFileSync(
    path.join(root, "target/release/server"),
    ["create-admin", "--email", process.env.E2E_ADMIN_EMAIL, "--name", "Ada Admin"],
    { cwd: root, env: cliEnv, input: `${process.env.E2E_ADMIN_PASSWORD}\n` },
  );
  // A real OpenID provider on this machine, configured like any other provider.
  const { startProvider } = await import("./oidc/provider.mjs");
  const oidc = await startProvider({
    port: Number(process.env.E2E_OIDC_PORT ?? 4011),
    redirectUri: `${baseURL}/auth/oidc/local/callback`,
  });
  // A real SMTP server on this machine: every mail the store sends lands in E2E_MAIL_DIR.
  const { startSmtp } = await import("./smtp/server.mjs");
  const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 4025);
  process.env.E2E_MAIL_DIR = path.join(dir, "mail");
  const smtp = await startSmtp({ port: smtpPort, dir: process.env.E2E_MAIL_DIR });
  const providers = path.join(dir, "providers.toml");
  writeFileSync(
    providers,
    [
      "[[provider]]",
      'id = "local"',
      'display_name = "Local test ID"',
      `issuer = "${oidc.issuer}"`,
      `client_id = "${oidc.clientId}"`,
      `client_secret = "${oidc.clientSecret}"`,
      // Its email_verified is believed for linking buyer accounts by address.
      "trusted_email = true",
      "",
    ].join("\n"),
  );
  const server = spawn(path.join(root, "target/release/server"), ["serve"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: process.env.E2E_DATABASE_URL,
      PORTFRONT_DATA_DIR: dir,
      PORTFRONT_DEMO: "1",
      PORTFRONT_SITE_NAME: "Harbourline Industrial",
      PORTFRONT_BASE_URL: baseURL,
      PORTFRONT_OIDC_PROVIDERS: providers,
      PORTFRONT_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      // Every test signs in from 127.0.0.1; the limits themselves are tested in Rust.
      PORTFRONT_RATE_LIMIT_PER_MINUTE: "1000",
      LEPTOS_SITE_ADDR: `${url.hostname}:${url.port}`,
      LEPTOS_SITE_ROOT: path.join(root, "target/site"),
      RUST_LOG: process.env.RUST_LOG ?? "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  let exited = false;
  server.on("exit", () => {
    exited = true;
  });
  try {
    await waitReady(`${baseURL}/readyz`, 60_000);
  } catch (e) {
    server.kill("SIGTERM");
    await oidc.close();
    await smtp.close();
    throw e;
  }
  return async () => {
    if (!exited) {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
    }
    await oidc.close();
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
