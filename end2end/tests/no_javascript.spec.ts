import { expect, Page, request, test } from "@playwright/test";
import { comeFromOwnAddress, PASSWORD, TWO_FACTOR_SWITCH, uniqueEmail } from "./helpers";
import { linkInMail } from "./mail";
import { appCode, withSpace } from "./totp";

// Run by the "chromium, JavaScript off" project: plain forms that post and redirect.

async function fillLogin(page: Page, email: string, password = PASSWORD) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** An account with 2FA on, made over the API as a script would: its key and backup codes. */
async function enrolledAccount(baseURL: string): Promise<{ email: string; key: string; codes: string[] }> {
  const byte = () => Math.floor(Math.random() * 254) + 1;
  const api = await request.newContext({
    baseURL,
    extraHTTPHeaders: { "X-Forwarded-For": `10.${byte()}.${byte()}.${byte()}` },
  });
  const email = uniqueEmail("nojs");
  expect((await api.post("/api/signup", { form: { email, password: PASSWORD } })).ok()).toBe(true);
  // A second factor needs a confirmed address: the token of the sign-up mail's link.
  const token = new URL(await linkInMail(email, "Confirm your email address for WebApp")).searchParams.get("token");
  expect((await api.post("/api/email/confirm", { form: { token: token ?? "" } })).ok()).toBe(true);
  const setup = await (await api.post("/api/two-factor/begin", { form: { password: PASSWORD } })).json();
  const key = setup.key.replace(/ /g, "");
  const confirmed = await api.post("/api/two-factor/confirm", { form: { code: appCode(key, -30) } });
  expect(confirmed.ok()).toBe(true);
  const { codes } = await confirmed.json();
  await api.dispose();
  return { email, key, codes };
}

test.beforeEach(async ({ page }) => {
  await comeFromOwnAddress(page);
});

test("without JavaScript, a new user signs up, logs out and logs in again", async ({ page }) => {
  const email = uniqueEmail("nojs");
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await expect(page.getByText(email, { exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await fillLogin(page, email);
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
});

test("without JavaScript, errors are shown on the page", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(uniqueEmail("nojs"));
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("alert")).toHaveText("Use a password of at least 12 characters.");

  await page.goto("/");
  await fillLogin(page, uniqueEmail("nobody"), "not the password at all");
  await expect(page.getByRole("alert")).toHaveText("Incorrect email or password.");
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
});

test("without JavaScript, login asks for the app's code, or a backup code instead", async ({ page, baseURL }) => {
  const { email, key, codes } = await enrolledAccount(baseURL!);
  await page.goto("/");
  await fillLogin(page, email);
  await expect(page.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible();
  await page.getByRole("textbox", { name: "Code", exact: true }).fill("000000" === appCode(key) ? "111111" : "000000");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("alert")).toContainText("That code is not right");
  await page.getByRole("textbox", { name: "Code", exact: true }).fill(withSpace(appCode(key)));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();

  await page.getByRole("button", { name: "Log out" }).click();
  await fillLogin(page, email);
  await page.getByRole("link", { name: "Use a backup code instead" }).click();
  await page.getByRole("textbox", { name: "Backup code" }).fill("aaaaa-bbbbb");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("alert")).toHaveText("That backup code is not right, or was already used.");
  await page.getByRole("textbox", { name: "Backup code" }).fill(codes[0]);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await expect(page.getByText("9 backup codes left")).toBeVisible();

  // Cancel on the code prompt logs out.
  await page.getByRole("button", { name: "Log out" }).click();
  await fillLogin(page, email);
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
});

test("what a page says comes from this browser's last step, never from its address, and the address stays short", async ({ page, baseURL }) => {
  const { email, key, codes } = await enrolledAccount(baseURL!);
  const banner = page.getByText(/backup codes? left/);
  // A link cannot make a page say anything.
  await page.goto("/?backup-codes-left=9");
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await expect(banner).toHaveCount(0);

  await fillLogin(page, email);
  await page.getByRole("link", { name: "Use a backup code instead" }).click();
  await page.getByRole("textbox", { name: "Backup code" }).fill(codes[0]);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText("9 backup codes left")).toBeVisible();

  // Logging out from Settings lands on / ; the next login, with the app's code, says nothing of backup codes.
  await page.goto("/settings");
  await page.getByRole("button", { name: "Log out" }).click();
  expect(new URL(page.url()).pathname).toBe("/");
  await fillLogin(page, email);
  await page.getByRole("textbox", { name: "Code", exact: true }).fill(appCode(key));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await expect(banner).toHaveCount(0);
  await page.goto("/?backup-codes-left=3");
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await expect(banner).toHaveCount(0);

  // Eight refused logins: the address does not grow, and a reload brings no old error back.
  await page.getByRole("button", { name: "Log out" }).click();
  for (let i = 0; i < 8; i++) {
    await fillLogin(page, email, `not the password ${i}`);
    // Wrong passwords, then the guessing limit: either way, an error on the page.
    await expect(page.getByRole("alert")).toBeVisible();
  }
  expect(page.url().length, page.url()).toBeLessThan(baseURL!.length + 10);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await expect(page.getByRole("alert")).toHaveCount(0);
});

test("without JavaScript, Settings says that 2FA setup needs JavaScript", async ({ page }) => {
  const email = uniqueEmail("nojs");
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("link", { name: "Security" }).click();
  await expect(page.getByText(TWO_FACTOR_SWITCH)).toBeVisible();
  // The notice is a <noscript>: a browser with JavaScript off shows it. Playwright turns scripts
  // off after the HTML parser decided they run, so Chromium keeps <noscript> as raw text here;
  // the page's HTML is checked instead.
  expect(await page.content()).toMatch(
    /<noscript><p class="warning">Setting up or changing two-factor authentication needs JavaScript\./,
  );
});

test("the language menu is a plain form: it switches the page to Dutch and back", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Language" }).getByRole("button", { name: "Nederlands" }).click();
  await expect(page).toHaveURL(/\/\??$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "nl");
  await expect(page.getByRole("heading", { name: "Inloggen" })).toBeVisible();
  await page.getByRole("navigation", { name: "Taal" }).getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
});
