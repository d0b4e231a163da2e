// Live logistics end to end against the release server, with no internet: a feed source made
// with `server create-feed`, signed DCSA 3.0 events posted to its webhook, and the order page
// of the demo's Korean order showing the route map (Leaflet on the site's own land layer) and
// the milestones — updated without a reload as events arrive, the position moving. Bad
// signatures are refused; a buyer of another company cannot read the shipment.
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { createClient, createFeed } from "./operator";

const BOOKING = "VNCMT-BKG-778120";

const adminEmail = () => process.env.E2E_ADMIN_EMAIL ?? "admin@harbourline.example";
const adminPassword = () => process.env.E2E_ADMIN_PASSWORD ?? "";

async function signInAsAdmin(page: Page): Promise<void> {
  await page.goto("/en/sign-in");
  await page.locator(".password-form").getByLabel("E-mail address").fill(adminEmail());
  await page.getByLabel("Password").fill(adminPassword());
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/en\/admin$/);
}

function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", Buffer.from(secret, "base64")).update(body).digest("hex")}`;
}

let counter = 0;
function event(classifier: string, type: "TRANSPORT" | "EQUIPMENT", code: string, at: string, hoursFromNow: number): object {
  counter += 1;
  const e: Record<string, unknown> = {
    eventID: `e2e-${code}-${at}-${classifier}`,
    eventDateTime: new Date(Date.now() + hoursFromNow * 3_600_000).toISOString(),
    eventUpdatedDateTime: new Date(Date.now() + counter * 1000).toISOString(),
    eventClassification: {
      eventTypeCode: type,
      eventClassifierCode: classifier,
      [type === "TRANSPORT" ? "transportEventTypeCode" : "equipmentEventTypeCode"]: code,
    },
    eventLocation: { UNLocationCode: at },
    transportDetails: {
      transportCall: {
        modeOfTransport: "VESSEL",
        exportVoyageNumberOrReference: { carrierVoyageNumber: "0057E" },
        vesselTransport: { vesselIMONumber: "9321483", vesselName: "HMM GARNET" },
      },
    },
    shipmentDetails: { documentReference: { typeCode: "BKG", reference: BOOKING } },
  };
  if (type === "EQUIPMENT") {
    e.equipmentDetails = { equipmentReference: "MEDU4471207", emptyIndicatorCode: "LADEN" };
  }
  return e;
}

let hook = "";

async function post(request: APIRequestContext, secret: string, events: object[]): Promise<number> {
  const body = JSON.stringify({ events });
  const res = await request.post(hook, {
    headers: { "content-type": "application/json", "notification-signature": sign(secret, body) },
    data: body,
  });
  return res.status();
}

test.describe("live logistics", () => {
  test.describe.configure({ mode: "serial" });
  let secret = "";
  let orderNumber = "";
  let origin = "CNNGB";
  // The next port: Cai Mep, unless the order loads there.
  const next = () => (origin === "VNCMT" ? "MYPKG" : "VNCMT");

  test.beforeAll(async ({ request }) => {
    secret = createFeed(`e2e-carrier-${test.info().project.name}`, "dcsa3").secret;
    hook = `/webhooks/dcsa/v3/e2e-carrier-${test.info().project.name}/events`;
    const client = createClient("E2E logistics", "orders:read shipments:read");
    const token = await request.post("/oauth/token", {
      headers: { authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString("base64")}` },
      form: { grant_type: "client_credentials" },
    });
    const auth = { authorization: `Bearer ${(await token.json()).access_token}` };
    for (const status of ["ready_to_ship", "export_cleared", "departed"]) {
      const page = await (await request.get(`/api/v1/orders?status=${status}&per_page=100`, { headers: auth })).json();
      for (const row of page.items) {
        const order = await (await request.get(`/api/v1/orders/${row.number}`, { headers: auth })).json();
        if ((order.shipment_references ?? []).includes(BOOKING)) {
          orderNumber = order.number;
          origin = order.port_of_loading ?? origin;
        }
      }
    }
    expect(orderNumber).not.toBe("");
  });

  test("signed events move the route and the milestones on the open order page", async ({ page, request, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, "the map and the live updates run in the browser");
    // No internet: anything off the site fails at once.
    await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
    await signInAsAdmin(page);
    const land = page.waitForResponse((r) => r.url().endsWith("/vendor/map/land-110m.geojson"));
    await page.goto(`/en/admin/orders/${orderNumber}`);
    const live = page.getByTestId("shipment-live");
    await expect(page.getByTestId("shipment-map")).toHaveClass(/leaflet-container/);
    expect((await land).status()).toBe(200);
    // The land layer is drawn (SVG paths in the overlay pane).
    await expect(page.locator(".shipment-map .leaflet-overlay-pane path").first()).toBeAttached();

    // Unsigned or wrongly signed: refused, nothing shown.
    const unsigned = await request.post(hook, { data: { events: [] } });
    expect(unsigned.status()).toBe(401);
    expect(await post(request, Buffer.from("wrong secret").toString("base64"), [event("ACT", "EQUIPMENT", "LOAD", origin, -30)])).toBe(401);

    // The plan, then the container loaded at the port of loading.
    expect(
      await post(request, secret, [
        event("PLN", "TRANSPORT", "DEPA", origin, 2),
        event("PLN", "TRANSPORT", "ARRI", next(), 80),
        event("ACT", "EQUIPMENT", "LOAD", origin, -3),
      ]),
    ).toBe(200);
    await expect(live.getByTestId("milestone")).toHaveCount(3);
    await expect(live.getByTestId("milestone").filter({ hasText: "Container loaded" })).toBeVisible();
    await expect(page.locator(".shipment-map path.leg-planned").first()).toBeAttached();
    const before = await live.getAttribute("data-position");
    expect(before).not.toBeNull();

    // Departure and arrival at the next port: the marker moves there, the leg turns solid.
    expect(
      await post(request, secret, [event("ACT", "TRANSPORT", "DEPA", origin, -2), event("ACT", "TRANSPORT", "ARRI", next(), -1)]),
    ).toBe(200);
    await expect(live.locator('[data-testid="milestone"][data-classifier="ACT"]').filter({ hasText: "Vessel arrived" })).toBeVisible();
    await expect(live).not.toHaveAttribute("data-position", before ?? "");
    await expect(page.locator(".shipment-map path.leg-actual").first()).toBeAttached();
    await expect(page.locator(".shipment-map path.shipment-position")).toHaveCount(1);
    await expect(live.getByTestId("shipment-status")).not.toHaveText("Planned");
    // The badges say what each time is.
    await expect(live.locator('abbr[title="Actual"]').first()).toBeVisible();
  });

  test("without JavaScript the milestones are on the page", async ({ page }) => {
    await signInAsAdmin(page);
    await page.goto(`/en/admin/orders/${orderNumber}`);
    await expect(page.getByTestId("shipment-timeline")).toBeVisible();
    await expect(page.locator('[data-testid="milestone"][data-classifier="ACT"]').filter({ hasText: "Vessel arrived" })).toBeVisible();
  });

  test("staff make a source in the panel and read its deliveries", async ({ page, request, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, "the panel's forms run in the browser");
    await signInAsAdmin(page);
    await page.goto("/en/admin/logistics");
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
    await page.getByLabel("Name").fill("Bad Name");
    await page.getByRole("button", { name: "Create source" }).click();
    await expect(page.locator(".field-error").first()).toContainText("lower-case");
    await page.getByLabel("Name").fill("panel-feed");
    await page.getByLabel("Format").selectOption("dcsa2");
    await page.getByRole("button", { name: "Create source" }).click();
    const secret = (await page.getByTestId("feed-secret-value").textContent()) ?? "";
    expect(Buffer.from(secret, "base64").length).toBe(32);
    await expect(page.getByTestId("feed-row").filter({ hasText: "panel-feed" })).toBeVisible();

    // One refused (unsigned), one stored.
    expect((await request.post("/webhooks/dcsa/v2/panel-feed", { data: [] })).status()).toBe(401);
    const body = JSON.stringify([
      {
        eventID: "panel-1",
        eventType: "TRANSPORT",
        eventClassifierCode: "EST",
        eventDateTime: new Date(Date.now() + 86_400_000).toISOString(),
        eventCreatedDateTime: new Date().toISOString(),
        transportEventTypeCode: "ARRI",
        transportCall: { UNLocationCode: "MYPKG", modeOfTransport: "VESSEL" },
        documentReferences: [{ documentReferenceType: "BKG", documentReferenceValue: "PANEL-BKG-1" }],
      },
    ]);
    const ok = await request.post("/webhooks/dcsa/v2/panel-feed", {
      headers: { "content-type": "application/json", "notification-signature": sign(secret, body) },
      data: body,
    });
    expect(ok.status()).toBe(204);

    await page.getByRole("link", { name: "panel-feed" }).click();
    await expect(page).toHaveURL(/\/en\/admin\/logistics\/panel-feed$/);
    const rows = page.getByTestId("delivery-row");
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: "Rejected" })).toContainText("Notification-Signature");
    await expect(rows.filter({ hasText: "Accepted" })).toContainText("1 new");

    // Disabled: the webhook no longer knows the source.
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
    await page.getByTestId("feed-toggle").click();
    await expect(page.getByTestId("feed-toggle")).toHaveText("Enable");
    expect((await request.post("/webhooks/dcsa/v2/panel-feed", { data: [] })).status()).toBe(404);
  });

  test("staff upload a partner's EDIFACT file on its source's page", async ({ page }) => {
    const name = `e2e-edi-${test.info().project.name}`;
    createFeed(name, "edifact");
    await signInAsAdmin(page);
    await page.goto(`/en/admin/logistics/${name}`);
    const form = page.getByTestId("feed-upload");
    await expect(form.getByRole("heading", { name: "Upload an EDIFACT file" })).toBeVisible();
    const file = (text: string) => ({ name: "status.edi", mimeType: "text/plain", buffer: Buffer.from(text) });

    // A status report with a byte-order mark, as some mail programs save it.
    const iftsta =
      "\ufeffUNA:+.? 'UNB+UNOC:3+CARRIERX+OURSHOP+260312:0815+7'UNH+1+IFTSTA:D:99B:UN'BGM+23+ST7+9'" +
      "RFF+BN:EDI-BKG-1'RFF+ON:PO-EDI-1'STS+1+AE'DTM+334:202603120742:203'LOC+9+VNCMT:139:6'" +
      "EQD+CN+ABCU1234560+45G1:102:5++2+5'UNT+9+1'UNZ+1+7'";
    await form.getByLabel("EDIFACT file").setInputFiles(file(iftsta));
    await form.getByRole("button", { name: "Upload and store" }).click();
    await expect(page.getByTestId("upload-stored")).toContainText("1 events read, 1 new");
    await expect(page.getByTestId("delivery-row").first()).toContainText("1 new");

    // A broken file: refused, nothing stored, the reader's words say where.
    await page.getByTestId("feed-upload").getByLabel("EDIFACT file").setInputFiles(file(iftsta.replace("UNT+9+1", "UNT+8+1")));
    await page.getByTestId("feed-upload").getByRole("button", { name: "Upload and store" }).click();
    const error = page.getByTestId("upload-error");
    await expect(error).toContainText("The file was refused and nothing was stored");
    await expect(error).toContainText("UNT declares 8 segments but the message has 9");
    await expect(page.getByTestId("delivery-row").first()).toHaveAttribute("data-outcome", "rejected");
  });

  test("staff set up a polled DCSA 3.0 publisher and watch its pages arrive", async ({ page, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, "the panel's forms run in the browser");
    // The publisher: a real HTTP server in this test, with a token endpoint and GET /events
    // in two pages along Next-Page-Cursor.
    const seen: string[] = [];
    const loadAt = (id: string, updated: string) => ({
      eventID: id,
      eventDateTime: "2026-03-12T07:42:00+07:00",
      eventUpdatedDateTime: updated,
      eventClassification: { eventTypeCode: "EQUIPMENT", eventClassifierCode: "ACT", equipmentEventTypeCode: "LOAD" },
      eventLocation: { UNLocationCode: "VNCMT" },
      equipmentDetails: { equipmentReference: "ABCU1234560", emptyIndicatorCode: "LADEN" },
      shipmentDetails: { documentReference: { typeCode: "BKG", reference: "POLL-BKG-1" } },
    });
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://publisher");
      if (url.pathname === "/oauth/token") {
        const ok = req.headers.authorization === `Basic ${Buffer.from("portfront:pub-secret").toString("base64")}`;
        res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
        res.end(JSON.stringify(ok ? { access_token: "t1", token_type: "bearer", expires_in: 3600 } : { error: "invalid_client" }));
        return;
      }
      if (url.pathname !== "/events" || req.headers.authorization !== "Bearer t1") {
        res.writeHead(401).end();
        return;
      }
      seen.push(url.search);
      const second = url.searchParams.get("cursor") === "next";
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (!second && !url.searchParams.has("eventUpdatedDateTimeMin")) headers["Next-Page-Cursor"] = "next";
      res.writeHead(200, headers);
      const events = url.searchParams.has("eventUpdatedDateTimeMin")
        ? []
        : second
          ? [loadAt("poll-3", "2026-03-12T00:52:00Z")]
          : [loadAt("poll-1", "2026-03-12T00:50:00Z"), loadAt("poll-2", "2026-03-12T00:51:00Z")];
      res.end(JSON.stringify({ events }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      await signInAsAdmin(page);
      await page.goto("/en/admin/logistics");
      await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
      const name = `poll-${test.info().project.name}`;
      await page.getByLabel("Name").fill(name);
      await page.getByLabel("Format").selectOption("dcsa-poll");
      // Missing settings are named field by field.
      await page.getByRole("button", { name: "Create source" }).click();
      await expect(page.locator("#feed-events-url-error")).toContainText("This field is required.");
      await expect(page.locator("#feed-client-secret-error")).toContainText("the client secret the publisher gave you");
      await page.getByLabel("Events address").fill(`http://127.0.0.1:${port}/events`);
      await page.getByLabel("Token endpoint").fill(`http://127.0.0.1:${port}/oauth/token`);
      await page.getByLabel("Client ID").fill("portfront");
      await page.getByLabel("Client secret").fill("pub-secret");
      await page.getByLabel("Poll every (seconds)").fill("10");
      await page.getByRole("button", { name: "Create source" }).click();
      await expect(page.getByTestId("feed-secret")).toContainText("its first poll starts within a few seconds");

      // Both pages are read within a few seconds; the source's page says where it stands.
      await expect.poll(() => seen.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
      expect(seen[0]).toBe("?limit=100");
      expect(seen[1]).toBe("?limit=100&cursor=next");
      await page.goto(`/en/admin/logistics/${name}`);
      await expect(page.getByTestId("feed-poll")).toContainText(`http://127.0.0.1:${port}/events`);
      await expect(page.getByTestId("poll-standing")).toContainText("asking for updates since 2026-03-12 00:52 UTC");
      await expect(page.getByTestId("delivery-row")).toHaveCount(2);
      await expect(page.getByTestId("delivery-row").filter({ hasText: "2 new" })).toHaveCount(1);
      // Disabled, it is polled no more (the publisher closes with this test).
      await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
      await page.getByTestId("feed-toggle").click();
      await expect(page.getByTestId("feed-toggle")).toHaveText("Enable");
    } finally {
      server.close();
    }
  });

  test("the shipment is private to the order's parties", async ({ browser }) => {
    const anonymous = await (await browser.newContext()).newPage();
    const res = await anonymous.request.get(`/api/v1/shipments/${BOOKING}`);
    expect(res.status()).toBe(401);
    const stream = await anonymous.request.get(`/api/v1/shipments/${BOOKING}/stream`);
    expect(stream.status()).toBe(401);
  });
});
