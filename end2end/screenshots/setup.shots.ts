import { expect, test } from "@playwright/test";
import { enroll, logIn, openSecurity, PASSWORD, signUp } from "../tests/helpers";
import { nextTextTo, textCount } from "../outbox.mjs";
import { linkInMail } from "../tests/mail";
import { serverAdmin } from "../tests/server_admin";
import { appCode } from "../tests/totp";
import { WORDS } from "../tests/words";

// Each step of the help article's setup, and a login with a code, as PNGs for the README: in
// English (docs/screenshots/) and in Dutch (docs/screenshots/nl/).
const out = process.env.SCREENSHOTS_DIR ?? "../docs/screenshots";

const LANGUAGES = {
  en: { locale: "en-US", dir: out, confirmSubject: "Confirm your email address for WebApp", confirm: "Confirm my address" },
  nl: { locale: "nl-NL", dir: `${out}/nl`, confirmSubject: "Bevestig je e-mailadres voor WebApp", confirm: "Mijn adres bevestigen" },
};

for (const [language, { locale, dir, confirmSubject, confirm }] of Object.entries(LANGUAGES)) {
  test.describe(language, () => {
    test.use({ locale });

    test(`the article's steps (${language})`, async ({ page }) => {
      const w = WORDS[language as keyof typeof WORDS];
      const shot = (name: string) => page.screenshot({ path: `${dir}/${name}.png` });
      const email = `ada-${Date.now()}@example.org`;
      await signUp(page, email, PASSWORD, w);
      // A confirmed address, as most people's will be: no notice in the pictures.
      await page.goto(await linkInMail(email, confirmSubject));
      await page.getByRole("button", { name: confirm }).click();
      await page.goto("/");
      await openSecurity(page, w);
      await shot("1-security");
      await page.getByRole("switch", { name: w.twoFactorSwitch }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel(w.password).fill(PASSWORD);
      await shot("2-password");
      await dialog.getByRole("button", { name: w.next }).click();
      await expect(dialog.getByRole("heading", { name: w.chooseMethod })).toBeVisible();
      await shot("3-method");
      await dialog.getByRole("button", { name: w.next }).click();
      await expect(dialog.getByRole("heading", { name: w.scanQrCode })).toBeVisible();
      await shot("4-qr-code-and-key");
      const key = (await dialog.getByRole("textbox", { name: w.key, exact: true }).inputValue()).replace(/ /g, "");
      await dialog.getByRole("button", { name: w.next }).click();
      await dialog.getByRole("textbox", { name: w.code, exact: true }).fill(appCode(key));
      await shot("5-code");
      await dialog.getByRole("button", { name: w.verify }).click();
      await expect(dialog.getByRole("heading", { name: w.saveBackupCodes })).toBeVisible();
      await shot("6-backup-codes");
      await dialog.getByRole("button", { name: w.downloadCodes }).click();
      await dialog.getByRole("button", { name: w.done }).click();
      await expect(page.getByRole("switch", { name: w.twoFactorSwitch })).toHaveAttribute("aria-checked", "true");
      await page.getByRole("button", { name: w.logOut }).click();
      await logIn(page, email, PASSWORD, w);
      await page.getByRole("textbox", { name: w.code, exact: true }).fill(appCode(key, 30));
      await shot("7-login-code");
    });

    test(`the article's steps with SMS chosen (${language})`, async ({ page }) => {
      const w = WORDS[language as keyof typeof WORDS];
      const shot = (name: string) => page.screenshot({ path: `${dir}/${name}.png` });
      const email = `grace-${Date.now()}@example.org`;
      await signUp(page, email, PASSWORD, w);
      await page.goto(await linkInMail(email, confirmSubject));
      await page.getByRole("button", { name: confirm }).click();
      await page.goto("/");
      await openSecurity(page, w);
      await page.getByRole("switch", { name: w.twoFactorSwitch }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel(w.password).fill(PASSWORD);
      await dialog.getByRole("button", { name: w.next }).click();
      await dialog.getByRole("radio", { name: w.sms, exact: true }).check();
      await shot("sms-1-method");
      await dialog.getByRole("button", { name: w.next }).click();
      await dialog.getByLabel(w.mobileNumber).fill("06 12345678");
      await shot("sms-2-number");
      const seen = textCount("+31612345678");
      await dialog.getByRole("button", { name: w.sendCode }).click();
      const text = await nextTextTo("+31612345678", seen);
      await dialog.getByRole("textbox", { name: w.code, exact: true }).fill(text.slice(-6));
      await shot("sms-3-code");
      await dialog.getByRole("button", { name: w.verify }).click();
      await expect(dialog.getByRole("heading", { name: w.saveBackupCodes })).toBeVisible();
      await dialog.getByRole("button", { name: w.downloadCodes }).click();
      await dialog.getByRole("button", { name: w.done }).click();
      await page.getByRole("button", { name: w.logOut }).click();
      const beforeLogin = textCount("+31612345678");
      await logIn(page, email, PASSWORD, w);
      await page.getByRole("textbox", { name: w.code, exact: true }).fill((await nextTextTo("+31612345678", beforeLogin)).slice(-6));
      await shot("sms-4-login-code");
    });

    test(`passkeys (${language})`, async ({ page }) => {
      const w = WORDS[language as keyof typeof WORDS];
      const shot = (name: string) => page.screenshot({ path: `${dir}/${name}.png` });
      // Chromium's virtual authenticator stands in for the laptop's fingerprint reader.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("WebAuthn.enable");
      await cdp.send("WebAuthn.addVirtualAuthenticator", {
        options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      });
      const email = `linus-${Date.now()}@example.org`;
      await signUp(page, email, PASSWORD, w);
      await page.goto(await linkInMail(email, confirmSubject));
      await page.getByRole("button", { name: confirm }).click();
      await page.goto("/");
      await openSecurity(page, w);
      await page.getByRole("button", { name: w.addPasskey }).click();
      const dialog = page.getByRole("dialog", { name: w.addPasskey });
      await dialog.getByLabel(w.password).fill(PASSWORD);
      await shot("passkey-1-password");
      await dialog.getByRole("button", { name: w.continueStep }).click();
      await dialog.getByLabel(w.passkeyName).fill("MacBook");
      await shot("passkey-2-name");
      await dialog.getByRole("button", { name: w.save }).click();
      await expect(dialog.getByRole("list", { name: w.passkeyCodesTitle }).getByRole("listitem")).toHaveCount(10);
      await dialog.getByRole("button", { name: w.done }).click();
      await expect(page.getByRole("list", { name: w.yourPasskeys })).toContainText("MacBook");
      await page.getByRole("list", { name: w.yourPasskeys }).scrollIntoViewIfNeeded();
      await shot("passkey-3-settings");
      await page.getByRole("button", { name: w.logOut }).click();
      await page.goto("/");
      await shot("passkey-4-login");
    });
  });
}

// The admin pages, in English: the account list, and an account's page after giving a code.
test("administration", async ({ page }) => {
  const shot = (name: string) => page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
  const person = await enroll(page, `grace-${Date.now()}@example.org`);
  await page.getByRole("button", { name: "Log out" }).click();
  const admin = await enroll(page, `admin-${Date.now()}@example.org`);
  serverAdmin("grant", admin.email);
  await page.goto("/admin");
  await page.getByLabel("Code from your authenticator app, or a backup code").fill(appCode(admin.key, 30));
  await page.getByRole("button", { name: "Confirm" }).click();
  await page.getByLabel("Search by email").fill("example.org");
  await page.getByRole("button", { name: "Search" }).click();
  await shot("admin-1-accounts");
  await page.getByRole("link", { name: person.email }).click();
  const give = page.getByRole("form", { name: "Give a temporary access code" });
  await give.getByLabel("Reason").fill("Lost phone and backup codes; called back on the number on file");
  await give.getByRole("button", { name: "Give a temporary access code" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Temporary access code for" })).toBeVisible();
  await shot("admin-2-access-code");
});
