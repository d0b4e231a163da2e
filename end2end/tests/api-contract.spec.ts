// The API contract: schemathesis (PyPI, installed by .ci/ensure-tools) reads the OpenAPI
// document the server serves and sends generated requests — valid and invalid — to every
// operation, once with a token of each scope. It must find nothing: no 5xx, no schema-valid
// request refused, no response that breaks the document (status, content type, headers, body).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createClient, root } from "./operator";

const cache = process.env.PORTFRONT_CACHE ?? path.join(os.homedir(), ".cache/portfront");
const st = path.join(cache, "venv/bin/st");
const SCOPES = ["catalog:read", "eco:read", "orders:read", "orders:export", "shipments:read"];

test.describe("API contract", () => {
  test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, "no browser involved; run once");

  test("schemathesis finds no deviation from the served OpenAPI document", async ({ request, baseURL }) => {
    test.setTimeout(300_000);
    expect(existsSync(st), `schemathesis at ${st} (run .ci/ensure-tools test)`).toBe(true);
    for (const scope of SCOPES) {
      const client = createClient(`Contract ${scope}`, scope);
      const tokenRes = await request.post("/oauth/token", {
        headers: {
          authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString("base64")}`,
        },
        form: { grant_type: "client_credentials", scope },
      });
      expect(tokenRes.status()).toBe(200);
      const { access_token: token } = await tokenRes.json();
      const run = spawnSync(
        st,
        [
          "run",
          `${baseURL}/api/v1/openapi.json`,
          "--url",
          baseURL ?? "",
          "--header",
          `Authorization: Bearer ${token}`,
          "--checks",
          "all",
          "--max-examples",
          "40",
          "--seed",
          "4711",
          "--no-color",
        ],
        { cwd: root, encoding: "utf8", timeout: 240_000 },
      );
      const report = `${run.stdout}\n${run.stderr}`;
      expect(run.status, `schemathesis with a ${scope} token:\n${report}`).toBe(0);
    }
  });
});
