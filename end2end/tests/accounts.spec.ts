// Accounts end to end against the release server: a buyer signs in through a real OpenID
// provider started by global-setup, onboards a company and sees their account; an admin
// signs in with a password, manages people and products, creates an API client that then
// reads the catalog; and the refusals (tampered state, replayed code, CSRF-less POST,
// buyer at /admin, anonymous at /admin).
import { expect, test, type Page } from "@playwright/test";

/** Waits until the page is hydrated (the forms of the admin panel and onboarding need it). */
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

/** Signs in at the local provider; returns the callback URL the provider sent back. */
async function signInAtProvider(page: Page, login: string): Promise<string> {
  await page.goto("/en/sign-in");
  await page.getByRole("link", { name: /Sign in with Local test ID/ }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  const callback = page.waitForRequest((r) => r.url().includes("/auth/oidc/local/callback"));
  await page.locator('button[type="submit"]:has-text("Sign-in")').click();
  // The first sign-in at the provider asks for consent.
  await page.locator('button[type="submit"]:has-text("Continue")').click();
  return (await callback).url();
}

test.describe("staff area", () => {
  test("anonymous visitors are sent to sign in and come back afterwards", async ({ page }) => {
    await page.goto("/en/admin/users");
    await expect(page).toHaveURL(/\/en\/sign-in\?next=%2Fen%2Fadmin%2Fusers$/);
    await page.locator(".password-form").getByLabel("E-mail address").fill(adminEmail());
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByRole("alert")).toContainText("e-mail address or password is wrong");
    await page.locator(".password-form").getByLabel("E-mail address").fill(adminEmail());
    await page.getByLabel("Password").fill(adminPassword());
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/en\/admin\/users$/);
    await expect(page.getByRole("heading", { name: "People" })).toBeVisible();
  });

  test("an admin signs in with a password and sees live counts", async ({ page }) => {
    await signInAsAdmin(page);
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
    await expect(page.getByTestId("count-products")).toHaveText(/\d+/);
    await expect(page.getByTestId("audit-table")).toContainText("sign_in");
    // The session cookie is HttpOnly and SameSite=Lax.
    const cookie = (await page.context().cookies()).find((c) => c.name === "pf_session");
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("Lax");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/en\/sign-in\?signed_out=1$/);
    await page.goto("/en/admin");
    await expect(page).toHaveURL(/\/en\/sign-in\?next=/);
  });

  test("state-changing requests from elsewhere are refused", async ({ page, playwright, baseURL }) => {
    const outsider = await playwright.request.newContext({ baseURL });
    const noOrigin = await outsider.post("/auth/password", {
      form: { email: adminEmail(), password: adminPassword() },
    });
    expect(noOrigin.status()).toBe(403);
    expect(await noOrigin.text()).toContain("another site");
    const foreign = await outsider.post("/auth/password", {
      headers: { origin: "https://evil.example" },
      form: { email: adminEmail(), password: adminPassword() },
    });
    expect(foreign.status()).toBe(403);
    await outsider.dispose();

    // Signed in, a same-origin POST without the session's token is still refused.
    await signInAsAdmin(page);
    const res = await page.request.post("/sf/act/admin_end_sessions", {
      headers: { origin: new URL(baseURL ?? "").origin },
      form: { csrf: "guessed", user_id: "00000000-0000-0000-0000-000000000000" },
    });
    expect(res.status()).toBe(403);
    expect(await res.text()).toContain("CsrfFailed");
  });
});

test.describe("buyers and the admin panel", () => {
  test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, "the onboarding and admin forms run in the browser");

  test("a new buyer signs in with the OpenID provider, onboards a company and sees their account", async ({ page }) => {
    await page.goto("/en");
    const before = (await page.context().cookies()).find((c) => c.name === "pf_session");
    expect(before).toBeUndefined();
    await signInAtProvider(page, "ana@sakura-trading.example");
    await expect(page).toHaveURL(/\/en\/onboarding/);
    await expect(page.getByRole("heading", { name: "Register your company" })).toBeVisible();
    await hydrated(page);

    // Nothing filled in: every required field says so, nothing is created.
    await page.getByRole("button", { name: "Register company" }).click();
    await expect(page.getByText("Please correct the highlighted fields.")).toBeVisible();
    await expect(page.locator("#f-form-name--error")).toHaveText("This field is required.");

    await page.getByLabel("Company name").fill("Sakura Trading KK");
    await page.getByLabel("Country").selectOption("JP");
    await page.getByLabel("Address", { exact: true }).fill("1-2-3 Marunouchi, Chiyoda-ku, Tokyo 100-0005");
    await page.getByLabel("Tax or company registration number").fill("T1234567890123");
    await page.getByLabel("Phone").fill("+81 3 1234 5678");
    await page.getByRole("button", { name: "Register company" }).click();
    await expect(page).toHaveURL(/\/en\/account$/);
    await expect(page.getByTestId("account-email")).toHaveText("ana@sakura-trading.example");
    await expect(page.getByTestId("account-role")).toHaveText("Buyer administrator");
    await expect(page.getByTestId("account-company")).toContainText("Sakura Trading KK");
    await expect(page.getByTestId("account-company")).toContainText("Japan");

    // Buyers do not get into the admin panel.
    const res = await page.goto("/en/admin");
    expect(res?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
  });

  test("a provider identity with a staff member's address is not linked to the staff account", async ({ page }) => {
    await signInAtProvider(page, adminEmail());
    await expect(page).toHaveURL(/\/en\/sign-in\?error=oidc_link_refused/);
    await expect(page.getByRole("alert")).toContainText("not linked to this sign-in automatically");
    const session = (await page.context().cookies()).find((c) => c.name === "pf_session");
    expect(session).toBeUndefined();
  });

  test("a staff member connects a provider from the account page, signs in with it, and disconnects it", async ({ page, context }) => {
    await signInAsAdmin(page);
    await page.goto("/en/account");
    await page.getByRole("link", { name: "Connect Local test ID" }).click();
    await page.locator('input[name="login"]').fill("ada-at-work");
    await page.locator('input[name="password"]').fill("any password");
    await page.locator('button[type="submit"]:has-text("Sign-in")').click();
    await page.locator('button[type="submit"]:has-text("Continue")').click();
    await expect(page).toHaveURL(/\/en\/account\?connected=1#sign-in-methods$/);
    await expect(page.getByText("The provider is connected")).toBeVisible();
    await expect(page.getByTestId("sign-in-methods")).toContainText("Connected: Local test ID");

    // From now on the provider signs the admin in (an address of its own, linked by the
    // person, not by e-mail).
    await context.clearCookies();
    await signInAtProvider(page, "ada-at-work");
    await expect(page).toHaveURL(/\/en\/admin$/);
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();

    await page.goto("/en/account");
    await page.getByRole("button", { name: "Disconnect" }).click();
    await expect(page).toHaveURL(/\/en\/account\?disconnected=1#sign-in-methods$/);
    await expect(page.getByRole("link", { name: "Connect Local test ID" })).toBeVisible();
    await page.goto("/en/admin/audit");
    await expect(page.getByTestId("audit-table")).toContainText("identity.link");
    await expect(page.getByTestId("audit-table")).toContainText("identity.unlink");
  });

  test("a second identity with a buyer's verified address signs in to the same account", async ({ page, context }) => {
    // The provider's subject is the login as typed, the address is normalised: two identities.
    await signInAtProvider(page, "Mia@buyers.example");
    await expect(page).toHaveURL(/\/en\/onboarding/);
    await hydrated(page);
    await page.getByLabel("Company name").fill("Mia Imports Pty Ltd");
    await page.getByLabel("Country").selectOption("AU");
    await page.getByLabel("Address", { exact: true }).fill("1 Harbour St, Sydney NSW 2000");
    await page.getByLabel("Tax or company registration number").fill("51 824 753 556");
    await page.getByRole("button", { name: "Register company" }).click();
    await expect(page).toHaveURL(/\/en\/account$/);

    await context.clearCookies();
    await signInAtProvider(page, "mia@buyers.example");
    await expect(page).toHaveURL(/\/en\/account$/);
    await expect(page.getByTestId("account-email")).toHaveText("mia@buyers.example");
    await expect(page.getByTestId("account-company")).toContainText("Mia Imports Pty Ltd");
  });

  test("a tampered state and a replayed code are refused with a clear page", async ({ page }) => {
    const callback = await signInAtProvider(page, "ken@buyers.example");
    await expect(page).toHaveURL(/\/en\/(onboarding|account)/);
    const signedIn = (await page.context().cookies()).find((c) => c.name === "pf_session")?.value;
    expect(signedIn).toBeTruthy();

    // The same answer again (replayed code): refused, the session is not replaced.
    await page.goto(callback);
    await expect(page).toHaveURL(/\/en\/sign-in\?error=oidc_state/);
    await expect(page.getByRole("alert")).toContainText("not valid or was already used");
    const after = (await page.context().cookies()).find((c) => c.name === "pf_session")?.value;
    expect(after).toBe(signedIn);

    // A tampered state.
    const tampered = new URL(callback);
    tampered.searchParams.set("state", `${tampered.searchParams.get("state")}x`);
    await page.goto(tampered.toString());
    await expect(page.getByRole("alert")).toContainText("not valid or was already used");
  });

  test("an admin manages people and products and creates an API client that reads the catalog", async ({ page, request }) => {
    // A buyer to manage.
    await signInAtProvider(page, "mai@buyers.example");
    await page.context().clearCookies();

    await signInAsAdmin(page);
    await hydrated(page);
    await page.getByRole("link", { name: "People" }).first().click();
    await page.getByRole("searchbox", { name: "Search by name or e-mail" }).fill("mai@");
    await page.locator(".list-search button").click();
    await expect(page).toHaveURL(/\/en\/admin\/users\?q=mai%40$/);
    await hydrated(page);
    const row = page.locator('[data-testid="user-row"][data-email="mai@buyers.example"]');
    await expect(row).toBeVisible();
    await row.getByRole("button", { name: "Disable" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Account updated." })).toBeVisible();
    await expect(row.getByText("disabled")).toBeVisible();
    await row.getByRole("button", { name: "Enable" }).click();
    await expect(row.getByRole("button", { name: "Disable" })).toBeVisible();

    // A product: refused with reasons, then created, then visible in the store.
    await page.goto("/en/admin/catalog/products/new");
    await hydrated(page);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Please correct the highlighted fields.")).toBeVisible();
    await page.getByLabel("Name", { exact: true }).fill("Teak garden bench");
    await page.getByLabel("Summary").fill("A three-seat bench in FSC teak.");
    await page.getByLabel("Description").fill("Solid teak, oiled. Ships flat-packed.");
    await page.getByLabel("SKU").fill("PF-E2E-0001");
    await page.getByLabel("Web address name").fill("teak-garden-bench-e2e");
    await page.getByLabel("Category").selectOption({ index: 1 });
    await page.getByLabel("Published").check();
    await page.getByLabel("Minimum order quantity").fill("50");
    await page.getByLabel("Order increment").fill("10");
    await page.getByLabel("Price tiers").fill("50 = 120.00\n200 = 110.00");
    await page.getByLabel("Shortest lead time (days)").fill("30");
    await page.getByLabel("Longest lead time (days)").fill("45");
    await page.getByLabel("Incoterms").fill("FOB CIF");
    await page.getByLabel("Port of loading").fill("VNSGN");
    await page.getByLabel("HS code").fill("940169");
    await page.getByLabel("Country of origin").selectOption("VN");
    await page.getByLabel("RCEP origin criterion").selectOption("CTC");
    // What certificates of origin need: the HS edition and the producer, all of it or nothing.
    await page.getByLabel("HS edition of the code").selectOption("HS2022");
    await page.getByLabel("Producer's name").fill("Binh Duong Woodcraft JSC");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.locator("#f-form-producer_address--error")).toHaveText(
      "Give the producer's name, address and country, or leave all three empty.",
    );
    await page.getByLabel("Producer's address").fill("Lot C12, VSIP II, Thu Dau Mot, Binh Duong");
    await page.getByLabel("Producer's country").selectOption("VN");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page).toHaveURL(/\/en\/admin\/catalog\/products\/[0-9a-f-]{36}$/);
    await hydrated(page);
    await expect(page.getByLabel("Producer's name")).toHaveValue("Binh Duong Woodcraft JSC");
    const productEditor = page.url();
    const store = await request.get("/en/products/teak-garden-bench-e2e");
    expect(store.status()).toBe(200);
    expect(await store.text()).toContain("Teak garden bench");

    // An API client: the secret is shown once and works at /oauth/token.
    await page.goto("/en/admin/api-clients");
    await hydrated(page);
    await page.getByLabel("Name", { exact: true }).fill("E2E marketplace (admin)");
    await page.getByLabel("catalog:read").check();
    await page.getByRole("button", { name: "Create client" }).click();
    const id = await page.getByTestId("new-client-id").textContent();
    const secret = await page.getByTestId("new-client-secret").textContent();
    expect(secret).toMatch(/^pfs_/);
    const token = await request.post("/oauth/token", {
      headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}` },
      form: { grant_type: "client_credentials" },
    });
    expect(token.status()).toBe(200);
    const { access_token } = await token.json();
    const list = await request.get("/api/v1/products?q=Teak%20garden", {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(list.status()).toBe(200);
    expect(JSON.stringify(await list.json())).toContain("PF-E2E-0001");

    // The product goes again (the other tests count the demo catalog).
    await page.goto(productEditor);
    await hydrated(page);
    page.once("dialog", (d) => d.accept());
    await page.getByRole("button", { name: "Delete product" }).click();
    await expect(page).toHaveURL(/\/en\/admin\/catalog$/);
    expect((await request.get("/en/products/teak-garden-bench-e2e")).status()).toBe(404);

    // Every one of these actions is in the audit log.
    await page.goto("/en/admin/audit");
    const audit = page.getByTestId("audit-table");
    await expect(audit).toContainText("api_client.create");
    await expect(audit).toContainText("product.create");
    await expect(audit).toContainText("user.disable");
    await expect(audit).toContainText("product.delete");
  });

  test("the exporter profile is validated and saved", async ({ page }) => {
    await signInAsAdmin(page);
    await page.goto("/en/admin/settings");
    await hydrated(page);
    await page.getByLabel("Legal name").fill("Harbourline Industrial Co., Ltd.");
    // The exporter stays in China: the buying flow's certificate goes to a Vietnamese buyer,
    // and a certificate of origin is for goods crossing to another RCEP Party.
    await page.getByLabel("Address", { exact: true }).fill("88 Jiangnan Road, Beilun District, Ningbo, Zhejiang");
    await page.getByLabel("Country").selectOption("CN");
    await page.getByLabel("Authorised signatory").fill("");
    await page.getByLabel("Signatory's position").fill("Export Manager");
    await page.getByLabel("Contact e-mail").fill("not-an-address");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.locator("#f-form-signatory_name--error")).toHaveText("This field is required.");
    await expect(page.locator("#f-form-contact_email--error")).toContainText("e-mail address");
    await page.getByLabel("Authorised signatory").fill("Tran Thi Lan");
    await page.getByLabel("Contact e-mail").fill("exports@harbourline.example");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Saved.")).toBeVisible();
    await page.reload();
    await expect(page.getByLabel("Authorised signatory")).toHaveValue("Tran Thi Lan");
  });
});
