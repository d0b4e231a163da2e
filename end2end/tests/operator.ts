// What the browser tests do as the store's operator: the server binary's subcommands, against
// the same database and data directory as the server global-setup started.
import { execFileSync } from "node:child_process";
import path from "node:path";

export const root = path.resolve(__dirname, "../..");

/** `server create-api-client`: a platform API client with `scopes`; its secret, shown once. */
export function createClient(name: string, scopes: string): { client_id: string; client_secret: string } {
  const out = execFileSync(
    path.join(root, "target/release/server"),
    ["create-api-client", "--name", name, "--scopes", scopes],
    {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: process.env.E2E_DATABASE_URL,
        PORTFRONT_DATA_DIR: process.env.E2E_DATA_DIR,
        RUST_LOG: "warn",
      },
    },
  );
  return JSON.parse(out.toString());
}

/** `server create-admin`: an admin account with a password (read from standard input). */
export function createAdmin(email: string, name: string, password: string): void {
  execFileSync(path.join(root, "target/release/server"), ["create-admin", "--email", email, "--name", name], {
    cwd: root,
    input: `${password}\n`,
    env: {
      ...process.env,
      DATABASE_URL: process.env.E2E_DATABASE_URL,
      PORTFRONT_DATA_DIR: process.env.E2E_DATA_DIR,
      RUST_LOG: "warn",
    },
  });
}

/** `server create-feed`: a carrier feed source; its webhook URL and shared secret, shown once. */
export function createFeed(name: string, kind: string): { name: string; kind: string; secret: string; webhook_url: string } {
  const out = execFileSync(path.join(root, "target/release/server"), ["create-feed", "--name", name, "--kind", kind], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: process.env.E2E_DATABASE_URL,
      PORTFRONT_DATA_DIR: process.env.E2E_DATA_DIR,
      RUST_LOG: "warn",
    },
  });
  return JSON.parse(out.toString());
}
