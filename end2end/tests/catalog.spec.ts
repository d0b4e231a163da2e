// The storefront catalog in a real browser: every test runs twice (JavaScript on and off,
// see playwright.config.ts); tests that need hydration say so.
import { expect, test } from "@playwright/test";

const MOTOR = "/en/products/brushless-dc-motor-57mm-24v-105w";

test.describe("with a Japanese browser", () => {
  test.use({ locale: "ja-JP" });

  test("the root sends the visitor to their language", async ({ page }) => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/ja$/);
    await expect(page.locator("html")).toHaveAttribute("lang", "ja");
  });
});

test("home shows categories and featured products", async ({ page }) => {
  await page.goto("/en");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.locator(".category-tile")).toHaveCount(5);
  await expect(page.locator(".product-card").first()).toBeVisible();
  await expect(page.locator('link[rel="alternate"][hreflang="x-default"]')).toHaveAttribute(
    "href",
    /\/en$/,
  );
});

test("the product page shows trade and origin data and structured data", async ({ page }) => {
  const response = await page.goto(MOTOR);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Brushless DC motor", { ignoreCase: true });
  await expect(page.getByText("8501.31")).toBeVisible();
  await expect(page.locator(".facts")).toContainText("CNNGB");
  await expect(page.locator(".tier-table tbody tr")).toHaveCount(3);
  const ld = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent()) ?? "{}");
  expect(ld["@type"]).toBe("Product");
  expect(ld.sku).toBe("PF-ME-1010");
  expect(ld.offers.lowPrice).toBe("20.50");
  for (const tag of ["en", "zh-Hans", "ja", "ko", "vi", "th", "id", "ms", "x-default"]) {
    await expect(page.locator(`link[rel="alternate"][hreflang="${tag}"]`)).toHaveCount(1);
  }
});

test("the quantity form prices a quantity without JavaScript", async ({ page, javaScriptEnabled }) => {
  test.skip(javaScriptEnabled, "the server-rendered path");
  await page.goto(MOTOR);
  await page.getByLabel(/Quantity/).fill("1000");
  await page.getByRole("button", { name: "Calculate" }).click();
  await expect(page).toHaveURL(/qty=1000/);
  await expect(page.getByTestId("unit-price")).toHaveText("USD 22.10");
  await expect(page.getByTestId("line-total")).toHaveText("USD 22,100.00");
  await page.goto(`${MOTOR}?qty=150`);
  await expect(page.getByTestId("qty-error")).toContainText("200");
});

test("the tier price and total update live as the buyer types", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "needs hydration");
  await page.goto(MOTOR);
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  const qty = page.getByLabel(/Quantity/);
  await expect(page.getByTestId("unit-price")).toHaveText("USD 23.80");
  await qty.fill("1000");
  await expect(page.getByTestId("unit-price")).toHaveText("USD 22.10");
  await expect(page.getByTestId("line-total")).toHaveText("USD 22,100.00");
  await expect(page.locator(".tier-table tr.active")).toContainText("1,000");
  await qty.fill("5000");
  await expect(page.getByTestId("line-total")).toHaveText("USD 102,500.00");
  await qty.fill("210");
  await expect(page.getByTestId("qty-error")).toHaveText(/steps of 20 from 200.*200 or 220/);
  await qty.fill("150");
  await expect(page.getByTestId("qty-error")).toContainText("minimum order quantity is 200");
  await expect(page).toHaveURL(new RegExp(`${MOTOR}$`));
});

test("switching language keeps the page", async ({ page }) => {
  await page.goto(`${MOTOR}?qty=1000`);
  await page.locator(".locale-switcher summary").click();
  await page.getByRole("link", { name: "日本語" }).click();
  await expect(page).toHaveURL(/\/ja\/products\/brushless-dc-motor-57mm-24v-105w\?qty=1000$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "ja");
  await expect(page.locator(".facts")).toContainText("HSコード");
  await expect(page.getByTestId("line-total")).toContainText("22,100.00");
});

test("a product without a translation shows English with a hint", async ({ page }) => {
  await page.goto("/ja/products/three-phase-induction-motor-ie3-2-2kw");
  await expect(page.locator(".notice")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("motor", { ignoreCase: true });
});

test("search finds products by word, SKU and HS code", async ({ page }) => {
  await page.goto("/en/products");
  await page.locator("#f-q").fill("coffee");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/q=coffee/);
  await expect(page.locator(".product-card")).toHaveCount(1);
  await expect(page.locator(".product-card")).toContainText("Robusta");
  await page.goto("/en/products?q=PF-FU-3010");
  await expect(page.locator(".product-card")).toHaveCount(1);
  await page.goto("/en/products?q=090111");
  await expect(page.locator(".product-card")).toContainText("Robusta");
});

test("filters narrow the listing and paginate", async ({ page }) => {
  await page.goto("/en/products");
  await expect(page.locator("#results-count")).toHaveText("36 products");
  await expect(page.locator(".product-card")).toHaveCount(12);
  await page.locator(".pagination a[rel=next]").click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.locator(".pagination .current")).toHaveText("2");
  await page.goto("/en/products");
  await page.locator("#f-origin").selectOption("VN");
  await page.locator("#f-moq-max").fill("100");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/origin=VN/);
  const cards = page.locator(".product-card");
  await expect(cards.first()).toBeVisible();
  for (const text of await cards.allTextContents()) {
    expect(text).toContain("Vietnam");
  }
  await page.goto("/en/categories/furniture?origin=CN");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Furniture");
  await expect(page.locator(".product-card")).toHaveCount(3);
});

test("an empty result says so and offers to clear the filters", async ({ page }) => {
  await page.goto("/en/products?q=no-such-thing-anywhere");
  await expect(page.locator(".empty-state")).toBeVisible();
  await expect(page.locator(".empty-state a")).toHaveAttribute("href", "/en/products");
});

test("bad listing parameters get a 400 page that says what to fix", async ({ page }) => {
  let response = await page.goto("/en/products?page=0");
  expect(response?.status()).toBe(400);
  await expect(page.locator(".status-detail")).toContainText("page number");
  response = await page.goto("/en/products?moq_min=500&moq_max=100");
  expect(response?.status()).toBe(400);
  await expect(page.locator(".status-detail")).toContainText("Swap");
  response = await page.goto(`/en/products?q=${"x".repeat(101)}`);
  expect(response?.status()).toBe(400);
});

test("unknown pages, products, categories and locales are 404", async ({ page }) => {
  for (const path of ["/en/products/no-such-product", "/en/categories/no-such-category", "/xx", "/xx/", "/en/nope", "/nope"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.locator(".status-code")).toHaveText("404");
  }
  await page.goto("/ja/products/no-such-product");
  await expect(page.locator("h1")).toHaveText("ページが見つかりません");
});

test("keyboard users can skip to the content", async ({ page }) => {
  await page.goto("/en");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
});

test("a buyer downloads only the storefront's islands, and pages without islands no code", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "what the browser downloads to run islands");
  const requested: string[] = [];
  const violations: string[] = [];
  page.on("request", (r) => requested.push(new URL(r.url()).pathname));
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });

  await page.goto("/en/products?origin=CN");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  expect(requested.filter((p) => /\.(wasm|js)$/.test(p))).toEqual([]);

  requested.length = 0;
  await page.goto(MOTOR);
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  const code = requested.filter((p) => /\.(wasm|js)$/.test(p));
  expect(code.some((p) => /^\/pkg\/portfront\.[\w-]+\.wasm$/.test(p))).toBe(true);
  // The admin panel's islands are separate files, fetched only where they are used.
  expect(code.filter((p) => /split_|chunk_/.test(p))).toEqual([]);
  expect(violations).toEqual([]);
});
