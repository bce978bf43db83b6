import { expect, Page } from "@playwright/test";

export const PASSWORD = "correct horse battery staple";

export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e9)}@example.org`;
}

/** Opens a page and, when it has an island (the only parts that run in WASM), waits until the
 * island is awake, so clicks reach it. Pages without one are plain HTML forms. */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await islandsAwake(page);
}

export async function islandsAwake(page: Page): Promise<void> {
  await page.waitForFunction(
    () => !document.querySelector("leptos-island") || document.body.dataset.hydrated === "true",
  );
}

/**
 * Makes the page's requests come from an address of its own, as a browser elsewhere would: the
 * server under test trusts X-Forwarded-For from loopback (scripts/test.sh), and limits sign-ups
 * and failed logins per client address.
 */
export async function comeFromOwnAddress(page: Page): Promise<void> {
  const byte = () => Math.floor(Math.random() * 254) + 1;
  await page.setExtraHTTPHeaders({ "X-Forwarded-For": `10.${byte()}.${byte()}.${byte()}` });
}

export async function signUp(page: Page, email: string, password = PASSWORD): Promise<void> {
  await comeFromOwnAddress(page);
  await open(page, "/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
}

export async function logIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** Goes to Settings > Security as the article says. */
export async function openSecurity(page: Page): Promise<void> {
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("link", { name: "Security" }).click();
  await expect(page.getByRole("heading", { name: "Security", exact: true })).toBeVisible();
  await islandsAwake(page);
}

export const TWO_FACTOR_SWITCH = "Two-factor authentication for your account (2FA)";
