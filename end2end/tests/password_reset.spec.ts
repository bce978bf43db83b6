import { expect, test } from "@playwright/test";
import { enroll, logIn, open, uniqueEmail } from "./helpers";
import { linkInMail } from "./mail";
import { appCode } from "./totp";

const NEW_PASSWORD = "a new and rather long passphrase";

test("a forgotten password is reset through the mailed link, and with 2FA on only with a code", async ({ page }) => {
  // 2FA on, as the article says.
  // (enroll confirms the address first, through the link of the sign-up mail.)
  const { email, key, codes: backupCodes } = await enroll(page, uniqueEmail("reset"));
  await page.getByRole("button", { name: "Log out" }).click();

  // Forgot password?
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send link" }).click();
  await expect(page.getByText("a link to reset its password is on its way")).toBeVisible();

  await page.goto(await linkInMail(email, "Reset the password of your WebApp account"));
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  const code = page.getByLabel("Code from your authenticator app, or a backup code");
  // The link alone is not enough: a wrong code changes nothing.
  await code.fill("000000" === appCode(key, 30) ? "111111" : "000000");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByRole("alert")).toContainText("That code is not right");
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("Code from your authenticator app, or a backup code").fill(appCode(key, 30));
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText("Your password was changed. Log in with your new password.")).toBeVisible();

  // The new password, then the second factor, as every login.
  await logIn(page, email, NEW_PASSWORD);
  await expect(page.getByText("6-digit code shown under your account")).toBeVisible();
  // The app's codes of this minute are used up (setup, reset): a backup code logs in.
  await page.getByRole("link", { name: "Use a backup code instead" }).click();
  await page.getByRole("textbox", { name: "Backup code" }).fill(backupCodes[0]);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
});
