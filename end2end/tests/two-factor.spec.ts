// Two-step sign-in end to end against the release server: an admin turns it on from the
// account page (QR code and key, a first code, recovery codes shown once), signs in again with
// a code from the authenticator (a wrong one is refused), then with a recovery code, ends their
// other sessions, and turns it off again.
import { expect, test, type Page } from "@playwright/test";

import { createAdmin } from "./operator";
import { totp } from "./totp";

const email = "totp-admin@harbourline.example";
const password = "two step passphrase 2026";

async function hydrated(page: Page): Promise<void> {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

async function passwordStep(page: Page): Promise<void> {
  await page.goto("/en/sign-in");
  await page.locator(".password-form").getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page).toHaveURL(/\/en\/sign-in\?signed_out=1$/);
}

test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, "the set-up panel runs in the browser");

test("an admin turns on two-step sign-in and signs in with codes", async ({ page, browser }) => {
  createAdmin(email, "Tomas Two-Step", password);
  await passwordStep(page);
  await expect(page).toHaveURL(/\/en\/admin$/);

  // A second browser signed in too, to be signed out from the first one later.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await passwordStep(otherPage);
  await expect(otherPage).toHaveURL(/\/en\/admin$/);

  // Set-up: the key and QR code, a wrong code first, then the right one.
  await page.goto("/en/account");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Two-step sign-in" })).toBeVisible();
  await page.getByRole("button", { name: "Set up two-step sign-in" }).click();
  const key = (await page.getByTestId("two-factor-secret").textContent()) ?? "";
  expect(key).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
  await expect(page.getByRole("img", { name: /QR code/ }).locator("svg")).toBeVisible();
  const now = Date.now() / 1000;
  const wrong = ((Number(totp(key, now)) + 500_000) % 1_000_000).toString().padStart(6, "0");
  await page.getByRole("textbox", { name: /^Code/ }).fill(wrong);
  await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
  await expect(page.getByText("The code does not match")).toBeVisible();
  await page.getByRole("textbox", { name: /^Code/ }).fill(totp(key, now));
  await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
  const codes = page.getByTestId("recovery-codes").locator("li");
  await expect(codes).toHaveCount(10);
  const recovery = ((await codes.first().textContent()) ?? "").trim();
  expect(recovery).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
  await page.getByRole("link", { name: "I have saved them" }).click();
  await expect(page.getByTestId("two-factor-status")).toContainText("Two-step sign-in is on");
  await expect(page.getByText("Recovery codes left: 10.")).toBeVisible();

  // The other browser is listed; end it.
  const sessions = page.getByTestId("session-list");
  await expect(sessions.locator("tbody tr")).toHaveCount(2);
  await expect(sessions).toContainText("This browser");
  await page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await expect(page.getByText("Sessions ended: 1.")).toBeVisible();
  await expect(sessions.locator("tbody tr")).toHaveCount(1);
  await otherPage.goto("/en/admin");
  await expect(otherPage).toHaveURL(/\/en\/sign-in\?next=%2Fen%2Fadmin$/);
  await other.close();

  // Signing in now asks for a code: a wrong one is refused, the next step's code works (the
  // set-up spent the current one).
  await signOut(page);
  await passwordStep(page);
  await expect(page).toHaveURL(/\/en\/sign-in\/code\?next=%2Fen%2Fadmin$/);
  await expect(page.getByRole("heading", { name: "Enter your sign-in code" })).toBeVisible();
  await page.getByRole("textbox", { name: /^Code/ }).fill("000000" === totp(key) ? "111111" : "000000");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("alert")).toContainText("That code is not right");
  await page.getByRole("textbox", { name: /^Code/ }).fill(totp(key, Date.now() / 1000 + 30));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/en\/admin$/);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();

  // A recovery code signs in once.
  await signOut(page);
  await passwordStep(page);
  await page.getByRole("textbox", { name: /^Code/ }).fill(recovery.toUpperCase());
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/en\/admin$/);
  await page.goto("/en/account");
  await expect(page.getByText("Recovery codes left: 9.")).toBeVisible();

  // Turning it off (the sign-in just now is recent enough) brings back the set-up button.
  await hydrated(page);
  await page.getByRole("button", { name: "Turn off" }).click();
  await expect(page.getByRole("button", { name: "Set up two-step sign-in" })).toBeVisible();
  await signOut(page);
  await passwordStep(page);
  await expect(page).toHaveURL(/\/en\/admin$/);
});
