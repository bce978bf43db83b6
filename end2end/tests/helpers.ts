import { expect, Page } from "@playwright/test";
import { linkInMail } from "./mail";
import { appCode } from "./totp";
import { WORDS, Words } from "./words";

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

export async function signUp(page: Page, email: string, password = PASSWORD, w: Words = WORDS.en): Promise<void> {
  await comeFromOwnAddress(page);
  await open(page, "/signup");
  await page.getByLabel(w.email).fill(email);
  await page.getByLabel(w.password).fill(password);
  await page.getByRole("button", { name: w.createAccount }).click();
  await expect(page.getByRole("heading", { name: w.inbox })).toBeVisible();
}

/** Opens the link of the sign-up mail and confirms the address, as a person would before turning
 * 2FA on (a second factor needs a confirmed address); then back to the Inbox, without the banner. */
export async function confirmAddress(page: Page, email: string, w: Words = WORDS.en): Promise<void> {
  await expect(page.getByRole("status").filter({ hasText: w.confirmBanner })).toBeVisible();
  await page.goto(await linkInMail(email, w.confirmSubject));
  await page.getByRole("button", { name: w.confirmMyAddress }).click();
  await expect(page.getByText(w.addressConfirmed)).toBeVisible();
  await open(page, "/");
  await expect(page.getByRole("heading", { name: w.inbox })).toBeVisible();
  await expect(page.getByText(w.confirmBanner)).toHaveCount(0);
}

export async function logIn(page: Page, email: string, password = PASSWORD, w: Words = WORDS.en): Promise<void> {
  await page.getByLabel(w.email).fill(email);
  await page.getByLabel(w.password).fill(password);
  await page.getByRole("button", { name: w.logIn, exact: true }).click();
}

/** Goes to Settings > Security as the article says. */
export async function openSecurity(page: Page, w: Words = WORDS.en): Promise<void> {
  await page.getByRole("link", { name: w.settings }).click();
  await page.getByRole("link", { name: w.security }).click();
  await expect(page.getByRole("heading", { name: w.security, exact: true })).toBeVisible();
  await islandsAwake(page);
}

export const TWO_FACTOR_SWITCH = "Two-factor authentication for your account (2FA)";

export interface Enrolled {
  email: string;
  key: string;
  codes: string[];
}

/** Signs up and turns 2FA on through the modal; the setup code is of the current time step. */
export async function enroll(page: Page, email = uniqueEmail("login")): Promise<Enrolled> {
  await signUp(page, email);
  await confirmAddress(page, email);
  await openSecurity(page);
  const { key, codes } = await turnOnWithApp(page);
  await expect(page.getByRole("switch", { name: TWO_FACTOR_SWITCH })).toHaveAttribute("aria-checked", "true");
  return { email, key, codes };
}

/** The article's setup with the authenticator app, from the switch on a page that shows it to
 * the saved backup codes: the key and the codes. */
export async function turnOnWithApp(page: Page): Promise<{ key: string; codes: string[] }> {
  await page.getByRole("switch", { name: TWO_FACTOR_SWITCH }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Password").fill(PASSWORD);
  await dialog.getByRole("button", { name: "Next" }).click();
  await dialog.getByRole("button", { name: "Next" }).click();
  const key = (await dialog.getByRole("textbox", { name: "Key", exact: true }).inputValue()).replace(/ /g, "");
  await dialog.getByRole("button", { name: "Next" }).click();
  await dialog.getByRole("textbox", { name: "Code", exact: true }).fill(appCode(key));
  await dialog.getByRole("button", { name: "Verify" }).click();
  const items = dialog.getByRole("list", { name: "Backup codes" }).getByRole("listitem");
  await expect(items).toHaveCount(10);
  const codes = (await items.allInnerTexts()).map((c) => c.trim());
  // The codes are kept by the test (returned): Done, then yes to "Have you saved them?".
  await dialog.getByRole("button", { name: "Done" }).click();
  await dialog.getByRole("button", { name: "Yes, I saved them" }).click();
  return { key, codes };
}
