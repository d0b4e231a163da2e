// A demo buyer signs in with a one-time code that the store mails through the real SMTP
// server the run started (no OpenID provider, no password), with JavaScript and without:
// a wrong code is refused with the tries left, the right one signs in once; the header counts
// the unread notifications the demo's history left, opening one marks it read and leads to
// its page, "Mark all as read" clears the count. Staff find the sent mail in the Outbox with
// the code blanked.
import { expect, test, type Page } from "@playwright/test";
import { codeIn, mailsTo, waitForMail } from "./mailbox";

const adminEmail = () => process.env.E2E_ADMIN_EMAIL ?? "admin@harbourline.example";
const adminPassword = () => process.env.E2E_ADMIN_PASSWORD ?? "";

async function askForCode(page: Page, email: string): Promise<void> {
  await page.goto("/en/sign-in");
  const form = page.locator(".email-code-form");
  await form.getByLabel("E-mail address").fill(email);
  await form.getByRole("button", { name: "E-mail me a code" }).click();
  await expect(page).toHaveURL(/\/en\/sign-in\/email\?email=/);
  await expect(page.getByText(`If ${email} can sign in with a code`)).toBeVisible();
}

test("a demo buyer signs in with an e-mailed code and reads their notifications", async ({ page }, testInfo) => {
  // One buyer per project, so each run starts with unread notifications.
  const email = testInfo.project.name === "js" ? "jiwoo.park@busan-trading.example" : "thu.nguyen@saigon-parts.example";
  const before = mailsTo(email).length;
  await askForCode(page, email);
  const mail = await waitForMail(email, (m) => m.subject.includes("sign-in code"), 1 + before);
  expect(mail.text).toContain("Your sign-in code for Harbourline Industrial is:");
  expect(mail.contentType).toBe("text/plain");
  const code = codeIn(mail);
  expect(mail.subject).toContain(code);

  const wrong = code === "000000" ? "111111" : "000000";
  await page.getByLabel("Sign-in code").fill(wrong);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("email-code-error")).toHaveText("That code is not right. Tries left: 4.");
  await page.getByLabel("Sign-in code").fill(code);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/en\/account$/);

  // The code worked once: a second browser cannot use it again.
  const again = await (await page.context().browser()!.newContext()).newPage();
  await again.goto(`/en/sign-in/email?email=${encodeURIComponent(email)}`);
  await again.getByLabel("Sign-in code").fill(code);
  await again.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(again.getByTestId("email-code-error")).toHaveText("This code has expired or was already used. Ask for a new one.");

  // The demo's history waits as unread notifications.
  const link = page.getByTestId("notifications-link");
  await expect(link.getByTestId("unread-count")).toBeVisible();
  const unread = Number(await link.getByTestId("unread-count").textContent());
  expect(unread).toBeGreaterThan(0);
  await link.click();
  await expect(page.getByRole("heading", { name: "Notifications" })).toBeVisible();
  await expect(page.getByText(`${unread} unread`)).toBeVisible();
  const first = page.getByTestId("notification").first();
  await first.getByRole("link").click();
  await expect(page).toHaveURL(/\/en\/(rfqs\/RFQ|orders\/ORD)-\d{4}-\d{5}$/);
  const left = page.getByTestId("notifications-link").getByTestId("unread-count");
  if (unread > 1) await expect(left).toHaveText(String(unread - 1));
  else await expect(left).toHaveCount(0);
  await page.goto("/en/notifications");
  await page.getByRole("button", { name: "Mark all as read" }).click();
  await expect(page.getByText("All notifications are marked as read.")).toBeVisible();
  await expect(page.getByTestId("notifications-link").getByTestId("unread-count")).toHaveCount(0);

  // Staff see the sent mail in the Outbox, its code blanked.
  const admin = await (await page.context().browser()!.newContext()).newPage();
  await admin.goto("/en/sign-in");
  await admin.locator(".password-form").getByLabel("E-mail address").fill(adminEmail());
  await admin.getByLabel("Password").fill(adminPassword());
  await admin.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(admin).toHaveURL(/\/en\/admin$/);
  await admin.goto("/en/admin/outbox?mail=1");
  await expect(admin.getByTestId("outbox-smtp")).toBeVisible();
  const row = admin.getByTestId("outbox-row").filter({ hasText: email }).filter({ hasText: "sign-in code" }).first();
  await expect(row).toContainText("Done");
  await expect(row.getByTestId("outbox-mail-text")).toContainText("••••••");
  await expect(row.getByTestId("outbox-mail-text")).not.toContainText(code);
});

test("a mistyped address is refused on the sign-in page", async ({ page, baseURL }) => {
  // Posted as a browser without the form's own check would: the server must refuse it too.
  const res = await page.request.post("/auth/email-code", {
    form: { email: "kenji at osaka", next: "", locale: "en" },
    headers: { Origin: baseURL! },
    maxRedirects: 0,
  });
  expect(res.status()).toBe(303);
  const location = res.headers()["location"];
  expect(location).toBe("/en/sign-in?error=invalid_email");
  await page.goto(location);
  await expect(page.getByRole("alert")).toHaveText("Enter a valid e-mail address, as in name@company.com.");
});
