import { Browser, BrowserContext, expect, Page, test } from "@playwright/test";
import { comeFromOwnAddress, enroll, logIn, open, openSecurity, PASSWORD, signUp, uniqueEmail } from "./helpers";
import { appCode } from "./totp";

// Two browsers of one person, told apart by what they say they are.
const CHROME =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0";

async function browserAs(browser: Browser, userAgent: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ userAgent });
  const page = await context.newPage();
  await comeFromOwnAddress(page);
  return { context, page };
}

async function logInAt(page: Page, email: string, password = PASSWORD) {
  await open(page, "/");
  await logIn(page, email, password);
}

test("a person sees both sessions with their browsers and logs the other one out", async ({ browser }) => {
  const laptop = await browserAs(browser, CHROME);
  const other = await browserAs(browser, FIREFOX);
  const email = uniqueEmail("sessions");
  await signUp(laptop.page, email);
  await logInAt(other.page, email);
  await expect(other.page.getByRole("heading", { name: "Inbox" })).toBeVisible();

  await openSecurity(laptop.page);
  const sessions = laptop.page.getByRole("list", { name: "Active sessions" }).getByRole("listitem");
  await expect(sessions).toHaveCount(2);
  await expect(sessions.filter({ hasText: "This browser" })).toContainText("Chrome 120 on Linux");
  await expect(sessions.filter({ hasText: "Firefox 121 on Windows 10" })).toContainText("Started");
  await laptop.page.getByRole("button", { name: /^Log out Firefox 121 on Windows 10/ }).click();
  await expect(sessions).toHaveCount(1);

  // The other browser is logged out at its next click.
  await other.page.getByRole("link", { name: "Settings" }).click();
  await expect(other.page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await laptop.context.close();
  await other.context.close();
});

test("a remembered browser skips the code prompt, and stops skipping it when forgotten", async ({ browser }) => {
  const laptop = await browserAs(browser, CHROME);
  const { email, key } = await enroll(laptop.page);
  const other = await browserAs(browser, FIREFOX);

  await logInAt(other.page, email);
  await expect(other.page.getByText("6-digit code shown under your account")).toBeVisible();
  const remember = other.page.getByRole("checkbox", { name: "Remember this browser for 30 days" });
  await expect(remember).not.toBeChecked();
  await remember.check();
  await other.page.getByRole("textbox", { name: "Code", exact: true }).fill(appCode(key, 30));
  await other.page.getByRole("button", { name: "Verify" }).click();
  await expect(other.page.getByRole("heading", { name: "Inbox" })).toBeVisible();

  // Next time: the password, and straight in.
  await other.page.getByRole("button", { name: "Log out" }).click();
  await logInAt(other.page, email);
  await expect(other.page.getByRole("heading", { name: "Inbox" })).toBeVisible();

  await openSecurity(laptop.page);
  const remembered = laptop.page.getByRole("list", { name: "Remembered browsers" }).getByRole("listitem");
  await expect(remembered).toHaveCount(1);
  await laptop.page.getByRole("button", { name: "Forget Firefox 121 on Windows 10" }).click();
  await expect(laptop.page.getByRole("list", { name: "Remembered browsers" })).toHaveCount(0);

  await other.page.getByRole("button", { name: "Log out" }).click();
  await logInAt(other.page, email);
  await expect(other.page.getByText("6-digit code shown under your account")).toBeVisible();
  await laptop.context.close();
  await other.context.close();
});

test("the password is changed and the account closed, each with the second factor", async ({ page }) => {
  const { email, codes } = await enroll(page);
  const newPassword = "a new and rather long passphrase";

  const change = page.getByRole("region", { name: "Change password" });
  // A refused form far down the page: the page opens at its error, which has the focus.
  await change.getByLabel("Current password").fill("not the password at all");
  await change.getByLabel("New password", { exact: true }).fill(newPassword);
  await change.getByLabel("Code from your authenticator app, or a backup code").fill(codes[0]);
  await change.getByRole("button", { name: "Change password" }).click();
  await expect(change.getByRole("alert")).toBeFocused();
  await expect(change.getByRole("alert")).toBeInViewport();
  await change.getByLabel("Current password").fill(PASSWORD);
  await change.getByLabel("New password", { exact: true }).fill(newPassword);
  await change.getByLabel("Code from your authenticator app, or a backup code").fill(codes[0]);
  await change.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your password was changed.")).toBeVisible();
  await expect(page.getByText("Your password was changed.")).toBeFocused();
  await expect(page.getByText("Your password was changed.")).toBeInViewport();

  const close = page.getByRole("region", { name: "Close account" });
  await close.getByLabel("Password").fill(newPassword);
  await close.getByRole("button", { name: "Close my account" }).click();
  // The second factor is required: the browser asks for it before anything is sent.
  await expect(close.getByLabel("Code from your authenticator app, or a backup code")).toHaveJSProperty(
    "validity.valueMissing",
    true,
  );
  await close.getByLabel("Code from your authenticator app, or a backup code").fill(codes[1]);
  await close.getByRole("button", { name: "Close my account" }).click();
  await expect(page.getByText("Your account is closed")).toBeVisible();

  await logIn(page, email, newPassword);
  await expect(page.getByRole("alert")).toContainText("Incorrect email or password.");
});
