// The buying flow end to end against the release server: a visitor starts a quote request
// signed out, signs in with the OpenID provider, registers the company and sends the draft
// that survived; staff quote it from the admin panel; the buyer counters, staff turn the
// counter into version 2, the buyer sees what changed and accepts; the order page shows the
// timeline and the honest empty sections; staff move the order up to export clearance, the
// guard asking for the export data first; a buyer of another company gets 404s.
import { readFileSync } from "node:fs";
import { expect, test, type Browser, type Page } from "@playwright/test";

const MOTOR = "/en/products/brushless-dc-motor-57mm-24v-105w";
const DRAWING = "%PDF-1.4\n% drawing revision C\n%%EOF\n";

async function hydrated(page: Page): Promise<void> {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

const adminEmail = () => process.env.E2E_ADMIN_EMAIL ?? "admin@harbourline.example";
const adminPassword = () => process.env.E2E_ADMIN_PASSWORD ?? "";

async function signInAsAdmin(page: Page): Promise<void> {
  await page.goto("/en/sign-in");
  await page.locator(".password-form").getByLabel("E-mail address").fill(adminEmail());
  await page.getByLabel("Password").fill(adminPassword());
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/en\/admin$/);
}

/** At the provider's login page: signs in as `login` and consents. */
async function providerLogin(page: Page, login: string): Promise<void> {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.locator('button[type="submit"]:has-text("Sign-in")').click();
  await page.locator('button[type="submit"]:has-text("Continue")').click();
}

/** Registers the buyer's company on the onboarding page. */
async function onboard(page: Page, name: string, country: string, registration: string): Promise<void> {
  await expect(page).toHaveURL(/\/en\/onboarding/);
  await hydrated(page);
  await page.getByLabel("Company name").fill(name);
  await page.getByLabel("Country").selectOption(country);
  await page.getByLabel("Address", { exact: true }).fill("12 Harbour Road");
  await page.getByLabel("Tax or company registration number").fill(registration);
  await page.getByRole("button", { name: "Register company" }).click();
}

async function newBuyer(browser: Browser, login: string, company: string, country: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto("/en/sign-in");
  await page.getByRole("link", { name: /Sign in with Local test ID/ }).click();
  await providerLogin(page, login);
  await onboard(page, company, country, `REG-${login.length}-${country}`);
  await expect(page).toHaveURL(/\/en\/account$/);
  return page;
}

test.describe("the buying flow", () => {
  test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, "the RFQ form and the quote buttons run in the browser");

  test("RFQ signed out → sign in → send; quote, counter, version 2, accept; the order moves to export clearance", async ({ browser }) => {
    test.setTimeout(120_000);
    const buyer = await (await browser.newContext()).newPage();
    buyer.on("dialog", (d) => d.accept());

    // A visitor asks for a quote from the product page; the form starts with the product.
    await buyer.goto(MOTOR);
    await buyer.getByTestId("request-quote").click();
    await expect(buyer).toHaveURL(/\/en\/rfqs\/new\?product=brushless-dc-motor-57mm-24v-105w$/);
    await hydrated(buyer);
    await expect(buyer.getByTestId("rfq-signed-out")).toBeVisible();
    const line = buyer.getByTestId("rfq-form-line");
    await expect(line).toHaveCount(1);
    await expect(line).toContainText("Brushless DC Motor");
    const quantity = line.getByLabel("Quantity");
    await expect(quantity).toHaveValue("200");

    // The MOQ and increment are a warning, not a block.
    await quantity.fill("1010");
    await expect(line.locator(".warning")).toContainText("try 1,000 or 1,020");
    await quantity.fill("1000");
    await expect(line.locator(".warning")).toBeEmpty();

    await buyer.locator("#rfq-incoterm").selectOption("CIF");
    await buyer.getByLabel("Named place").fill("Cai Mep, Vietnam");
    await buyer.getByLabel("Destination port").fill("Cai Mep");
    await expect(buyer.locator('#rfq-port-options option[value="VNCMT"]')).toHaveCount(1);
    await buyer.getByLabel("Destination port").fill("VNCMT");
    await expect(buyer.getByTestId("port-label")).toContainText("Cai Mep");
    await buyer.getByLabel("Your PO number").fill("PO-HN-7781");

    // Sending signed out goes to sign in; the new buyer registers the company and comes back.
    await buyer.getByTestId("send-rfq").click();
    await expect(buyer).toHaveURL(/\/en\/sign-in\?next=/);
    await buyer.getByRole("link", { name: /Sign in with Local test ID/ }).click();
    await providerLogin(buyer, "linh@hanoi-imports.example");
    await onboard(buyer, "Hanoi Imports JSC", "VN", "0101234567");
    await expect(buyer).toHaveURL(/\/en\/rfqs\/new$/);
    await hydrated(buyer);

    // The draft survived; a required field left empty is refused with a message.
    await expect(buyer.getByTestId("rfq-form-line").getByLabel("Quantity")).toHaveValue("1000");
    await expect(buyer.getByLabel("Destination port")).toHaveValue("VNCMT");
    await buyer.getByLabel("Named place").fill("");
    await buyer.getByTestId("send-rfq").click();
    await expect(buyer.getByText("Please correct the highlighted fields.")).toBeVisible();
    await expect(buyer.locator(".field.has-error")).toContainText("This field is required.");
    await buyer.getByLabel("Named place").fill("Cai Mep, Vietnam");
    // Files go with the request: more than five are refused before anything is sent.
    const files = buyer.locator("#rfq-files");
    const spec = (name: string) => ({ name, mimeType: "application/pdf", buffer: Buffer.from(DRAWING) });
    await files.setInputFiles(["a", "b", "c", "d", "e", "f"].map((n) => spec(`${n}.pdf`)));
    await expect(buyer.getByTestId("rfq-files-error")).toHaveText("Attach at most 5 files to one message.");
    await buyer.getByTestId("send-rfq").click();
    await expect(buyer).toHaveURL(/\/en\/rfqs\/new$/);
    await files.setInputFiles([spec("spec-sheet.pdf")]);
    await expect(buyer.getByTestId("rfq-files-error")).toBeEmpty();
    await buyer.getByTestId("send-rfq").click();
    await expect(buyer).toHaveURL(/\/en\/rfqs\/RFQ-\d{4}-\d{5}\?message_sent=1&sent=1#messages$/);
    await expect(buyer.getByTestId("rfq-sent")).toBeVisible();
    await expect(buyer.getByTestId("quote-pending")).toBeVisible();
    const rfqNumber = buyer.url().match(/RFQ-\d{4}-\d{5}/)![0];
    const thread = buyer.locator("#messages");
    await expect(thread.getByTestId("message")).toHaveCount(1);
    await expect(thread.getByTestId("message")).toContainText("Files sent with the request.");
    await expect(thread.getByTestId("attachment-link")).toContainText("spec-sheet.pdf");

    // The buyer attaches the drawing on the RFQ's thread (a plain form: no JavaScript needed).
    // A file that only claims to be a PDF is refused by name, and nothing is kept.
    await thread.getByLabel("Your message").fill("Our drawing, revision C.");
    await thread.getByLabel("Attach files").setInputFiles({ name: "notes.pdf", mimeType: "application/pdf", buffer: Buffer.from("MZ this is not a PDF") });
    await thread.getByRole("button", { name: "Send message" }).click();
    await expect(buyer.getByTestId("message-error")).toHaveText("“notes.pdf” is not a PDF, PNG or JPEG file.");
    await expect(thread.getByTestId("message")).toHaveCount(1);
    await thread.getByLabel("Your message").fill("Our drawing, revision C.");
    await thread.getByLabel("Attach files").setInputFiles({ name: "drawing-rev-c.pdf", mimeType: "application/pdf", buffer: Buffer.from(DRAWING) });
    await thread.getByRole("button", { name: "Send message" }).click();
    await expect(buyer.getByTestId("message-sent")).toBeVisible();
    await expect(thread.getByTestId("message").last()).toContainText("Our drawing, revision C.");
    const attachmentUrl = await thread.getByTestId("attachment-link").last().getAttribute("href");
    expect(attachmentUrl).toMatch(/^\/attachments\/[0-9a-f-]{36}$/);
    await buyer.goto("/en/rfqs");
    await expect(buyer.getByTestId("rfq-row").filter({ hasText: rfqNumber })).toContainText("Under review");

    // Staff find it in the inbox (filters by country), quote it at the list price and send.
    const admin = await (await browser.newContext()).newPage();
    admin.on("dialog", (d) => d.accept());
    await signInAsAdmin(admin);
    await admin.goto("/en/admin/rfqs?country=VN");
    const row = admin.getByTestId("rfq-row").filter({ hasText: rfqNumber });
    await expect(row).toContainText("Hanoi Imports JSC");
    await expect(row).toContainText("Submitted");
    await admin.goto("/en/admin/rfqs?country=JP");
    await expect(admin.getByTestId("rfq-row").filter({ hasText: rfqNumber })).toHaveCount(0);
    await admin.goto(`/en/admin/rfqs/${rfqNumber}`);
    // Staff read the message and download the drawing, as a file with its name.
    const staffThread = admin.locator("#messages");
    await expect(staffThread.getByTestId("message").filter({ hasText: "Our drawing, revision C." })).toHaveCount(1);
    await expect(staffThread.getByTestId("attachment-link").first()).toContainText("spec-sheet.pdf");
    const [download] = await Promise.all([admin.waitForEvent("download"), staffThread.getByTestId("attachment-link").filter({ hasText: "drawing-rev-c.pdf" }).click()]);
    expect(download.suggestedFilename()).toBe("drawing-rev-c.pdf");
    expect(readFileSync(await download.path()).toString()).toBe(DRAWING);
    await staffThread.getByLabel("Your message").fill("Received, we are quoting from revision C.");
    await staffThread.getByRole("button", { name: "Send message" }).click();
    await expect(admin).toHaveURL(new RegExp(`/en/admin/rfqs/${rfqNumber}\\?message_sent=1#messages$`));
    await expect(admin.locator("#messages").getByTestId("message")).toHaveCount(3);
    await hydrated(admin);
    const editor = admin.getByTestId("quote-editor");
    const editLine = editor.getByTestId("quote-edit-line");
    await expect(editLine.getByLabel("Unit price")).toHaveValue("22.10");
    await expect(editLine.getByLabel("Lead time (days)")).toHaveValue("35");
    await editor.getByLabel("Freight").fill("450");
    await admin.getByTestId("save-quote").click();
    await expect(editor.getByText("Quote saved.")).toBeVisible();
    await admin.getByTestId("send-quote").click();
    await expect(admin.getByTestId("quote").locator('[data-status="sent"]')).toBeVisible();
    await expect(admin.getByTestId("quote-total")).toHaveText("USD 22,550.00");

    // The buyer counters with a lower price.
    await buyer.goto(`/en/rfqs/${rfqNumber}`);
    await hydrated(buyer);
    await expect(buyer.getByTestId("quote")).toContainText("Awaiting your response");
    await buyer.getByRole("button", { name: "Make a counter-proposal" }).click();
    await buyer.locator(".counter-line").getByLabel("Unit price").fill("21.50");
    await buyer.getByLabel("Message to the exporter").fill("21.50 matches our budget for 1000 pieces.");
    await buyer.getByRole("button", { name: "Send counter-proposal" }).click();
    await expect(buyer.getByTestId("quote")).toContainText("Counter-proposal sent");
    await expect(buyer.getByTestId("quote-counter")).toContainText("21.50 matches our budget");

    // Staff turn the counter into version 2 and send it.
    await admin.goto(`/en/admin/rfqs/${rfqNumber}`);
    await hydrated(admin);
    await admin.getByTestId("apply-counter").click();
    await expect(admin.getByTestId("quote").locator('[data-status="revised"]')).toBeVisible();
    await hydrated(admin);
    await expect(admin.getByTestId("quote-editor").getByTestId("quote-edit-line").getByLabel("Unit price")).toHaveValue("21.50");
    await admin.getByTestId("save-quote").click();
    await expect(admin.getByText("Quote saved.")).toBeVisible();
    await admin.getByTestId("send-quote").click();
    await expect(admin.getByTestId("quote").locator('[data-status="sent"]')).toBeVisible();
    await expect(admin.getByTestId("quote")).toContainText("version 2");
    await expect(admin.getByTestId("quote-total")).toHaveText("USD 21,950.00");

    // The buyer sees what changed and accepts: the order exists.
    await buyer.goto(`/en/rfqs/${rfqNumber}`);
    await hydrated(buyer);
    await expect(buyer.getByText("What changed from version 1 to version 2")).toBeVisible();
    await expect(buyer.getByTestId("quote-change")).toContainText("21.5");
    // The quote as a PDF, at the version the buyer sees.
    const [quotePdf] = await Promise.all([buyer.waitForEvent("download"), buyer.getByTestId("quote-pdf").first().click()]);
    expect(quotePdf.suggestedFilename()).toMatch(/^Q-\d{4}-\d{5}-v2-en\.pdf$/);
    expect(readFileSync(await quotePdf.path()).subarray(0, 5).toString()).toBe("%PDF-");
    await buyer.getByTestId("accept-quote").click();
    await expect(buyer).toHaveURL(/\/en\/orders\/ORD-\d{4}-\d{5}$/);
    const orderUrl = new URL(buyer.url()).pathname;
    const orderNumber = orderUrl.split("/").pop()!;
    await expect(buyer.getByTestId("order-timeline").locator('[aria-current="step"]')).toContainText("Confirmed");
    await expect(buyer.getByTestId("order-total")).toHaveText("USD 21,950.00");
    await expect(buyer.getByTestId("order-eco")).toContainText("Not issued yet");
    await expect(buyer.getByTestId("order-shipment")).toContainText("No shipment yet");
    await buyer.goto("/en/orders");
    await expect(buyer.getByTestId("order-row").filter({ hasText: orderNumber })).toContainText("Confirmed");

    // A buyer of another company sees none of it.
    const other = await newBuyer(browser, "olivia@perth-supply.example", "Perth Supply Pty Ltd", "AU");
    for (const path of [orderUrl, `/en/rfqs/${rfqNumber}`]) {
      const res = await other.goto(path);
      expect(res?.status()).toBe(404);
    }
    expect((await other.request.get(attachmentUrl!)).status()).toBe(404);
    expect((await buyer.request.get(attachmentUrl!)).status()).toBe(200);
    await other.goto("/en/orders");
    await expect(other.getByTestId("order-row")).toHaveCount(0);

    // Staff move the order on; export clearance waits for the export data.
    await admin.goto(`/en/admin/orders/${orderNumber}`);
    await hydrated(admin);
    const badge = admin.locator(".page-head .badge");
    await admin.getByRole("button", { name: "Move to “In production”" }).click();
    await expect(badge).toHaveText("In production");
    await hydrated(admin);
    await admin.getByRole("button", { name: "Move to “Ready to ship”" }).click();
    await expect(badge).toHaveText("Ready to ship");
    await hydrated(admin);
    await expect(admin.getByTestId("order-missing")).toContainText("invoice");
    await expect(admin.getByTestId("advance-order")).toBeDisabled();
    // The certificate's pre-flight check names what the e-CO would still lack.
    await expect(admin.getByTestId("eco-preflight-problems")).toContainText("departureDate");
    await admin.getByLabel("Invoice number").fill("INV-2026-0042");
    await admin.getByLabel("Invoice date").fill("2026-12-01");
    await admin.getByLabel("Shipment references").fill("MEDU1234567");
    await admin.getByLabel("Departure date").fill("2026-12-20");
    await admin.getByLabel("Vessel (or flight)").fill("HMM Garnet");
    await admin.getByLabel("Means of transport").selectOption("sea");
    // Packages per line: a count without its kind is refused, next to the field.
    const line1 = admin.getByTestId("export-line-1");
    await line1.getByLabel("Line 1: Packages").fill("12");
    await admin.getByTestId("save-export-data").click();
    await expect(line1).toContainText("Give both the number and the kind of packages");
    await line1.getByLabel("Line 1: Kind (CT, PX…)").fill("ct");
    await line1.getByLabel("Line 1: Marks and numbers").fill("HL/BUSAN 1-12");
    await admin.getByTestId("save-export-data").click();
    await expect(admin.getByTestId("advance-order")).toBeEnabled();
    await expect(admin.getByTestId("order-missing")).toHaveCount(0);
    await expect(admin.getByTestId("eco-preflight-ok")).toBeVisible();
    await hydrated(admin);

    // The buyer watches the order page while staff clear the order for export: the signed
    // e-CO appears there by itself, without a reload.
    await buyer.goto(orderUrl);
    await hydrated(buyer);
    await expect(buyer.getByTestId("order-eco")).toContainText("Not issued yet");
    await admin.getByRole("button", { name: "Move to “Export cleared”" }).click();
    await expect(badge).toHaveText("Export cleared");
    const eco = buyer.getByTestId("order-eco");
    await expect(eco.getByTestId("eco-state")).toHaveText("Issued", { timeout: 15_000 });
    const ecoNumber = (await eco.getByTestId("eco-number").textContent())!.trim();
    expect(ecoNumber).toMatch(/^PF-DOO-\d{4}-\d{6}$/);
    const [ecoPdf] = await Promise.all([buyer.waitForEvent("download"), eco.getByTestId("eco-pdf").click()]);
    expect(ecoPdf.suggestedFilename()).toBe(`${ecoNumber}.pdf`);
    expect(readFileSync(await ecoPdf.path()).subarray(0, 5).toString()).toBe("%PDF-");
    const vc = await buyer.request.get(`/eco/${ecoNumber}/json`);
    expect(vc.status()).toBe(200);
    const credential = await vc.json();
    expect(credential.credentialSubject.number).toBe(ecoNumber);
    // The packages and marks entered for line 1 are on it.
    expect(credential.credentialSubject.goods[0].packages).toEqual({ count: 12, kind: "CT" });
    expect(credential.credentialSubject.goods[0].marks).toBe("HL/BUSAN 1-12");
    expect((await other.request.get(`/eco/${ecoNumber}/json`)).status()).toBe(404);

    await buyer.reload();
    await expect(buyer.getByTestId("order-timeline").locator('[aria-current="step"]')).toContainText("Cleared for export");
    await expect(buyer.getByTestId("history-entry")).toHaveCount(4);

    // Anyone can verify it: three passing checks.
    await eco.getByTestId("eco-verify").click();
    await expect(buyer).toHaveURL(new RegExp(`/en/verify/${ecoNumber}$`));
    for (const check of ["integrity", "status", "issuer"]) {
      await expect(buyer.getByTestId(`check-${check}`).getByTestId("check-outcome")).toHaveText("Passed");
    }
    await expect(buyer.getByTestId("verify-verdict")).toContainText("Valid");
    // A tampered copy uploaded on the same page fails the integrity check, and says so.
    const tamperedCopy = structuredClone(credential);
    tamperedCopy.credentialSubject.goods[0].quantity.value = "1";
    await hydrated(buyer);
    await buyer.getByLabel("Certificate file (PDF or credential JSON)").setInputFiles({
      name: `${ecoNumber}.vc.json`,
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(tamperedCopy)),
    });
    await buyer.getByTestId("verify-upload-button").click();
    const upload = buyer.getByTestId("verify-upload-result");
    await expect(upload.getByTestId("check-integrity").getByTestId("check-outcome")).toHaveText("Failed");
    await expect(upload.getByTestId("verify-verdict")).toContainText("Not valid");

    // Staff revoke it and issue a replacement; the old one's page says so and names it.
    await admin.reload();
    await hydrated(admin);
    await admin.getByTestId("eco-revoke").getByLabel("Reason").fill("Invoice date corrected");
    await admin.getByTestId("eco-replace").click();
    await expect(admin.getByTestId("order-eco").getByTestId("eco-state")).toHaveText("Issued", { timeout: 15_000 });
    await expect(admin.getByTestId("order-eco")).toContainText(ecoNumber);
    await buyer.reload();
    await expect(buyer.getByTestId("verify-revoked")).toContainText("Invoice date corrected");
    await expect(buyer.getByTestId("check-status").getByTestId("check-outcome")).toHaveText("Failed");
    await expect(buyer.getByTestId("verify-replaced-by")).toBeVisible();

    // The register lists the pair: the revoked one names its replacement, and its page shows
    // the order's issuance history (the first issue and the replacement).
    await admin.goto(`/en/admin/eco?status=revoked&q=${ecoNumber}`);
    const rows = admin.getByTestId("eco-register-row");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("Revoked");
    await rows.first().getByRole("link", { name: ecoNumber }).click();
    await expect(admin.getByTestId("eco-detail-status")).toHaveText("Revoked");
    await expect(admin.getByTestId("eco-detail")).toContainText("Invoice date corrected");
    await expect(admin.getByTestId("eco-detail-replaced-by")).toContainText("PF-DOO-");
    await expect(admin.getByTestId("eco-job")).toHaveCount(2);
    await expect(admin.getByTestId("eco-reissue")).toHaveCount(0);
    await admin.goto(`/en/admin/eco?q=${orderNumber}`);
    await expect(admin.getByTestId("eco-register-row")).toHaveCount(2);

    // The buyer was told of each certificate (notifications, from the outbox).
    await expect(async () => {
      await buyer.goto("/en/notifications");
      await expect(buyer.getByText(`Order ${orderNumber}: the certificate of origin is issued`)).toHaveCount(2, { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
  });
});

test("the quote form and the buyer's pages without JavaScript or signed out", async ({ page, javaScriptEnabled }) => {
  await page.goto(MOTOR);
  await expect(page.getByTestId("request-quote")).toHaveAttribute("href", "/en/rfqs/new?product=brushless-dc-motor-57mm-24v-105w");
  await page.goto("/en/rfqs/new?product=brushless-dc-motor-57mm-24v-105w");
  await expect(page.getByRole("heading", { name: "Request a quote" })).toBeVisible();
  if (javaScriptEnabled) {
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
    await expect(page.getByTestId("rfq-needs-js")).toBeHidden();
  } else {
    await expect(page.getByTestId("rfq-needs-js")).toBeVisible();
  }
  // The quote PDF link signed out leads to signing in, and back to the PDF afterwards.
  await page.goto("/rfqs/RFQ-2026-00001/quote.pdf?locale=ja");
  await expect(page).toHaveURL(/\/ja\/sign-in\?next=%2Frfqs%2FRFQ-2026-00001%2Fquote\.pdf/);
  for (const path of ["/en/rfqs", "/en/orders", "/en/orders/ORD-2026-00001", "/en/rfqs/RFQ-2026-00001"]) {
    const res = await page.goto(path);
    expect(res?.status()).toBe(401);
    await expect(page.getByRole("heading", { name: "Please sign in" })).toBeVisible();
  }
});
