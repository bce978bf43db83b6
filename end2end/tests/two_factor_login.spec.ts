import { expect, Page, test } from "@playwright/test";
import { enroll, logIn, open, openSecurity, PASSWORD, TWO_FACTOR_SWITCH } from "./helpers";
import { appCode, decodeQr, withSpace } from "./totp";

async function logOutAndIn(page: Page, email: string) {
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  // Start from the front page, as a user coming back would; after login it shows the Inbox.
  await open(page, "/");
  await logIn(page, email);
  await expect(page.getByText("6-digit code shown under your account")).toBeVisible();
}

test("with 2FA on, login asks for the app's code, typed with a space", async ({ page }) => {
  const { email, key } = await enroll(page);
  await logOutAndIn(page, email);
  const code = page.getByRole("textbox", { name: "Code", exact: true });
  await expect(code).toBeFocused();
  await expect(code).toHaveAttribute("autocomplete", "one-time-code");
  await expect(code).toHaveAttribute("inputmode", "numeric");

  // The setup code's time step is used up: the phone's next code logs in.
  await code.fill(withSpace(appCode(key, 30)));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await expect(page.getByText(email, { exact: true })).toBeVisible();
});

test("Cancel on the code prompt logs out", async ({ page }) => {
  const { email } = await enroll(page);
  await logOutAndIn(page, email);
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await page.goto("/settings/security");
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
});

test("a backup code logs in once; the same code is refused the second time", async ({ page }) => {
  const { email, codes } = await enroll(page);
  await logOutAndIn(page, email);
  await page.getByRole("link", { name: "Use a backup code instead" }).click();
  const field = page.getByRole("textbox", { name: "Backup code" });
  await expect(field).toBeFocused();
  await field.fill(codes[0]);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "9 backup codes left" })).toBeVisible();

  await logOutAndIn(page, email);
  await page.getByRole("link", { name: "Use a backup code instead" }).click();
  await page.getByRole("textbox", { name: "Backup code" }).fill(codes[0]);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("alert")).toHaveText("That backup code is not right, or was already used.");

  // The way back to the app's code.
  await page.getByRole("link", { name: "Use the code from the app instead" }).click();
  await expect(page.getByRole("textbox", { name: "Code", exact: true })).toBeFocused();
  await page.getByRole("link", { name: "Use a backup code instead" }).click();
  await page.getByRole("textbox", { name: "Backup code" }).fill(codes[1]);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await expect(page.getByText("8 backup codes left")).toBeVisible();
});

test("regenerated backup codes replace the old ones", async ({ page }) => {
  const { email, codes } = await enroll(page);
  await page.getByRole("button", { name: "New backup codes" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Password").fill(PASSWORD);
  // The password alone is not enough: a backup code (or a current code) too.
  await dialog.getByRole("textbox", { name: "Code or backup code" }).fill(codes[9]);
  await dialog.getByRole("button", { name: "Make new backup codes" }).click();
  const items = dialog.getByRole("list", { name: "Backup codes" }).getByRole("listitem");
  await expect(items).toHaveCount(10);
  const fresh = (await items.allInnerTexts()).map((c) => c.trim());
  expect(fresh.filter((c) => codes.includes(c))).toEqual([]);
  await expect(dialog.getByRole("button", { name: "Download backup codes" })).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Print" })).toBeVisible();
  // Not downloaded, copied or printed: Done asks first.
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog.getByRole("alert")).toContainText("Have you saved your backup codes?");
  await dialog.getByRole("button", { name: "Yes, I saved them" }).click();
  await expect(page.getByText("New backup codes made")).toBeVisible();

  await logOutAndIn(page, email);
  await page.getByRole("link", { name: "Use a backup code instead" }).click();
  await page.getByRole("textbox", { name: "Backup code" }).fill(codes[0]);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("alert")).toContainText("not right");
  await page.getByRole("textbox", { name: "Backup code" }).fill(fresh[0]);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
});

test("another smartphone gets the same key and QR code", async ({ page }, testInfo) => {
  const { email, key } = await enroll(page);
  await page.getByRole("button", { name: "Set up another smartphone" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Password").fill(PASSWORD);
  await dialog.getByRole("textbox", { name: "Code or backup code" }).fill(withSpace(appCode(key, 30)));
  await dialog.getByRole("button", { name: "Show key" }).click();
  const shown = dialog.getByRole("textbox", { name: "Key", exact: true });
  await expect(shown).toBeVisible();
  expect((await shown.inputValue()).replace(/ /g, "")).toBe(key);
  await expect(dialog.getByText(/multiple smartphones/).first()).toBeVisible();
  const qrPath = testInfo.outputPath("qr-again.png");
  await dialog.getByRole("img", { name: "QR code" }).screenshot({ path: qrPath });
  expect(decodeQr(qrPath)).toContain(`secret=${key}`);
  expect(decodeQr(qrPath)).toContain(email);
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
});

test("with the phone lost, backup codes log in and put the key on a new phone", async ({ page }) => {
  const { email, key, codes } = await enroll(page);
  await page.getByRole("button", { name: "Log out" }).click();
  await logIn(page, email);
  await page.getByRole("link", { name: "Use a backup code instead" }).click();
  await page.getByRole("textbox", { name: "Backup code" }).fill(codes[0]);
  await page.getByRole("button", { name: "Verify" }).click();
  await openSecurity(page);
  await expect(page.getByText(/Lost your phone\?/)).toBeVisible();
  await page.getByRole("button", { name: "Set up another smartphone" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByText(/No longer have that phone\?/)).toBeVisible();
  await dialog.getByLabel("Password").fill(PASSWORD);
  await dialog.getByRole("textbox", { name: "Code or backup code" }).fill(codes[1]);
  await dialog.getByRole("button", { name: "Show key" }).click();
  const shown = dialog.getByRole("textbox", { name: "Key", exact: true });
  expect((await shown.inputValue()).replace(/ /g, "")).toBe(key);
  await dialog.getByRole("button", { name: "Done" }).click();

  // The new phone's codes log in.
  await page.getByRole("button", { name: "Log out" }).click();
  await logIn(page, email);
  await page.getByRole("textbox", { name: "Code", exact: true }).fill(appCode(key, 30));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
});

test("turning the switch off needs the password and a backup code, then login is password only", async ({ page }) => {
  const { email, codes } = await enroll(page);
  const toggle = page.getByRole("switch", { name: TWO_FACTOR_SWITCH });
  await toggle.click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Password").fill(PASSWORD);
  await dialog.getByRole("textbox", { name: "Code or backup code" }).fill(codes[3]);
  await dialog.getByRole("button", { name: "Turn off" }).click();
  await expect(dialog).toBeHidden();
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  const activity = page.getByRole("list", { name: "Security events" });
  await expect(activity.getByText("Two-factor authentication turned off")).toBeVisible();
  await expect(activity.getByText("Two-factor authentication turned on")).toBeVisible();

  await page.getByRole("button", { name: "Log out" }).click();
  await open(page, "/");
  await logIn(page, email);
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
});
