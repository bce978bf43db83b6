import { expect, Page, test } from "@playwright/test";
import { confirmAddress, PASSWORD, signUp, uniqueEmail, openSecurity } from "./helpers";
import { expectAccessible } from "./axe";
import { WORDS } from "./words";

/**
 * Chromium's virtual authenticator (DevTools protocol): a platform authenticator that verifies
 * its user, as a laptop's fingerprint reader does. `resident`: whether it keeps discoverable
 * passkeys (which sign in with no email typed).
 */
async function virtualAuthenticator(page: Page, resident: boolean) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: resident,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  const credentials = async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials;
  return { credentials };
}

for (const language of ["en", "nl"] as const) {
  test.describe(`in ${language === "en" ? "English" : "Dutch"}`, () => {
    test.use({ locale: language === "en" ? "en-US" : "nl-NL" });

    test(`a passkey added in Settings signs in alone, and as the step after the password (${language})`, async ({ page }) => {
      const w = WORDS[language];
      const email = uniqueEmail(`passkey-${language}`);
      const authenticator = await virtualAuthenticator(page, true);
      await signUp(page, email, PASSWORD, w);
      await confirmAddress(page, email, w);
      await openSecurity(page, w);

      // Add a passkey: the password, the browser's own dialog, a name, the backup codes.
      await expect(page.getByRole("heading", { name: w.passkeys, exact: true })).toBeVisible();
      await page.getByRole("button", { name: w.addPasskey }).click();
      const dialog = page.getByRole("dialog", { name: w.addPasskey });
      await expect(dialog).toBeVisible();
      await expectAccessible(page, "Add a passkey, password");
      await dialog.getByLabel(w.password).fill(PASSWORD);
      await dialog.getByRole("button", { name: w.continueStep }).click();
      await expect(dialog.getByLabel(w.passkeyName)).toBeVisible();
      await expect(dialog.getByLabel(w.password)).toBeHidden();
      await expectAccessible(page, "Add a passkey, name");
      await dialog.getByLabel(w.passkeyName).fill("Laptop");
      await dialog.getByRole("button", { name: w.save }).click();
      const codes = dialog.getByRole("list", { name: w.passkeyCodesTitle }).getByRole("listitem");
      await expect(codes).toHaveCount(10);
      await expectAccessible(page, "Add a passkey, backup codes");
      await dialog.getByRole("button", { name: w.done }).click();
      await expect(page.getByRole("list", { name: w.yourPasskeys })).toContainText("Laptop");
      await expect(page.getByRole("switch", { name: w.twoFactorSwitch })).toHaveAttribute("aria-checked", "true");
      await expectAccessible(page, "Settings with a passkey");

      // Log out; sign in with the passkey alone: no password, no code.
      await page.getByRole("button", { name: w.logOut }).click();
      await page.goto("/");
      await expectAccessible(page, "Login with passkeys");
      await page.getByRole("button", { name: w.signInWithPasskey }).click();
      await expect(page.getByRole("heading", { name: w.inbox })).toBeVisible();

      // And the password first, then the passkey as the second step, offered first. The email
      // is set without focusing its field, where the autofill would offer the passkey at once.
      await page.getByRole("button", { name: w.logOut }).click();
      await page.goto("/");
      await page.getByLabel(w.email).evaluate((field, value) => ((field as HTMLInputElement).value = value), email);
      await page.getByLabel(w.password).fill(PASSWORD);
      await page.getByRole("button", { name: w.logIn, exact: true }).click();
      await expect(page.getByRole("button", { name: w.usePasskey })).toBeVisible();
      await expectAccessible(page, "Code prompt with a passkey");
      await page.getByRole("button", { name: w.usePasskey }).click();
      await expect(page.getByRole("heading", { name: w.inbox })).toBeVisible();
    });
  });
}
