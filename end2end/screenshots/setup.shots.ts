import { expect, test } from "@playwright/test";
import { logIn, openSecurity, PASSWORD, signUp, TWO_FACTOR_SWITCH } from "../tests/helpers";
import { linkInMail } from "../tests/mail";
import { appCode } from "../tests/totp";

// Each step of the help article's setup, and a login with a code, as PNGs for the README.
const out = process.env.SCREENSHOTS_DIR ?? "../docs/screenshots";

test("the article's steps", async ({ page }) => {
  const shot = (name: string) => page.screenshot({ path: `${out}/${name}.png` });
  const email = `ada-${Date.now()}@example.org`;
  await signUp(page, email);
  // A confirmed address, as most people's will be: no notice in the pictures.
  await page.goto(await linkInMail(email, "Confirm your email address for WebApp"));
  await page.getByRole("button", { name: "Confirm my address" }).click();
  await page.goto("/");
  await openSecurity(page);
  await shot("1-security");
  await page.getByRole("switch", { name: TWO_FACTOR_SWITCH }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Password").fill(PASSWORD);
  await shot("2-password");
  await dialog.getByRole("button", { name: "Next" }).click();
  await expect(dialog.getByRole("heading", { name: "Choose a login method" })).toBeVisible();
  await shot("3-method");
  await dialog.getByRole("button", { name: "Next" }).click();
  await expect(dialog.getByRole("heading", { name: "Scan the QR code" })).toBeVisible();
  await shot("4-qr-code-and-key");
  const key = (await dialog.getByRole("textbox", { name: "Key", exact: true }).inputValue()).replace(/ /g, "");
  await dialog.getByRole("button", { name: "Next" }).click();
  await dialog.getByRole("textbox", { name: "Code", exact: true }).fill(appCode(key));
  await shot("5-code");
  await dialog.getByRole("button", { name: "Verify" }).click();
  await expect(dialog.getByRole("heading", { name: "Save your backup codes" })).toBeVisible();
  await shot("6-backup-codes");
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("switch", { name: TWO_FACTOR_SWITCH })).toHaveAttribute("aria-checked", "true");
  await page.getByRole("button", { name: "Log out" }).click();
  await logIn(page, email);
  await page.getByRole("textbox", { name: "Code", exact: true }).fill(appCode(key, 30));
  await shot("7-login-code");
});
