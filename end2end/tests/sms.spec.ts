import AxeBuilder from "@axe-core/playwright";
import { expect, Page, request, test } from "@playwright/test";
import { nextTextTo, textCount } from "../outbox.mjs";
import { confirmAddress, enroll, islandsAwake, logIn, open, openSecurity, PASSWORD, signUp, uniqueEmail } from "./helpers";
import { appCode } from "./totp";
import { linkInMail } from "./mail";
import { WORDS } from "./words";

/** A Dutch mobile number of this test's own (each number gets only so many texts a day). */
function uniqueNumber(): { typed: string; e164: string; last3: string } {
  // Dutch mobiles are 06 followed by 1 to 5 and seven digits.
  const first = 1 + Math.floor(Math.random() * 5);
  const digits = `${first}${String(Math.floor(Math.random() * 10_000_000)).padStart(7, "0")}`;
  return { typed: `06 ${digits}`, e164: `+316${digits}`, last3: digits.slice(-3) };
}

/** The code of a text, from its origin-bound last line (`@host #123456`). */
function codeOf(body: string): string {
  const match = body.match(/#(\d{6})$/);
  expect(match, body).not.toBeNull();
  return match![1];
}

async function expectAccessible(page: Page, where: string) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const found = results.violations.map((v) => `${where}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(found, found.join("\n")).toEqual([]);
}

for (const language of ["en", "nl"] as const) {
  test.describe(`in ${language === "en" ? "English" : "Dutch"}`, () => {
    test.use({ locale: language === "en" ? "en-US" : "nl-NL" });

    test(`the article's setup with SMS chosen, then a login by texted code (${language})`, async ({ page }) => {
      const w = WORDS[language];
      const email = uniqueEmail(`sms-${language}`);
      const number = uniqueNumber();
      await signUp(page, email, PASSWORD, w);
      await confirmAddress(page, email, w);
      await openSecurity(page, w);
      await page.getByRole("switch", { name: w.twoFactorSwitch }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel(w.password).fill(PASSWORD);
      await dialog.getByRole("button", { name: w.next }).click();

      // Step 2: SMS, told apart from the recommended app.
      await expect(dialog.getByRole("heading", { name: w.chooseMethod })).toBeVisible();
      await expect(dialog.getByRole("radio", { name: w.appRecommended })).toBeChecked();
      await dialog.getByRole("radio", { name: w.sms, exact: true }).check();
      await expect(dialog.getByText(w.smsLessSafe)).toBeVisible();
      await dialog.getByRole("button", { name: w.next }).click();

      // Step 3: the number.
      await expect(dialog.getByRole("heading", { name: w.enterYourNumber })).toBeVisible();
      await expectAccessible(page, "SMS step 3");
      const seen = textCount(number.e164);
      await dialog.getByLabel(w.mobileNumber).fill(number.typed);
      await dialog.getByRole("button", { name: w.sendCode }).click();

      // Step 4: the texted code, read as the phone would show it.
      await expect(dialog.getByText(`•••• ••• ${number.last3}`)).toBeVisible();
      const body = await nextTextTo(number.e164, seen);
      expect(body.split("\n")[0]).toContain(w.textExpires);
      const resend = dialog.getByRole("button", { name: new RegExp(w.sendAgain) });
      await expect(resend).toBeDisabled();
      await expectAccessible(page, "SMS step 4");
      await dialog.getByRole("textbox", { name: w.code, exact: true }).fill(codeOf(body));
      await dialog.getByRole("button", { name: w.verify }).click();

      // Step 5: the same backup codes as the app's path.
      await expect(dialog.getByRole("heading", { name: w.saveBackupCodes })).toBeVisible();
      await expect(dialog.getByRole("list", { name: w.backupCodes }).getByRole("listitem")).toHaveCount(10);
      await dialog.getByRole("button", { name: w.downloadCodes }).click();
      await dialog.getByRole("button", { name: w.done }).click();
      await expect(page.getByRole("switch", { name: w.twoFactorSwitch })).toHaveAttribute("aria-checked", "true");

      // From now on a login texts a code after the password, and the prompt says where it went.
      await page.getByRole("button", { name: w.logOut }).click();
      const beforeLogin = textCount(number.e164);
      await logIn(page, email, PASSWORD, w);
      await expect(page.getByText(`•••• ••• ${number.last3}`)).toBeVisible();
      const login = await nextTextTo(number.e164, beforeLogin);
      await page.getByLabel(w.code, { exact: true }).fill(codeOf(login));
      await page.getByRole("button", { name: w.verify }).click();
      // Logged out to /, fully logged in to the Inbox, with SMS still on.
      await expect(page.getByRole("heading", { name: w.inbox, exact: true })).toBeVisible();
      await openSecurity(page, w);
      await expect(page.getByRole("switch", { name: w.twoFactorSwitch })).toHaveAttribute("aria-checked", "true");
    });
  });
}

const byte = () => Math.floor(Math.random() * 254) + 1;

/** An account with SMS on, made over the API as a script would. */
async function smsAccount(baseURL: string | undefined, prefix: string) {
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { "X-Forwarded-For": `10.${byte()}.${byte()}.${byte()}` } });
  const email = uniqueEmail(prefix);
  const number = uniqueNumber();
  expect((await api.post("/api/signup", { form: { email, password: PASSWORD } })).ok()).toBe(true);
  const token = new URL(await linkInMail(email, "Confirm your email address for WebApp")).searchParams.get("token");
  expect((await api.post("/api/email/confirm", { form: { token: token ?? "" } })).ok()).toBe(true);
  const seen = textCount(number.e164);
  expect((await api.post("/api/two-factor/sms/begin", { form: { password: PASSWORD, number: number.typed } })).ok()).toBe(true);
  const setupCode = codeOf(await nextTextTo(number.e164, seen));
  const confirmed = await api.post("/api/two-factor/sms/confirm", { form: { code: setupCode } });
  expect(confirmed.ok()).toBe(true);
  await api.dispose();
  return { email, number };
}

test("a login by texted code works without JavaScript too", async ({ browser, baseURL }) => {
  const { email, number } = await smsAccount(baseURL, "sms-nojs");

  const context = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: { "X-Forwarded-For": `10.${byte()}.${byte()}.${byte()}` } });
  const page = await context.newPage();
  await page.goto("/");
  const beforeLogin = textCount(number.e164);
  await logIn(page, email);
  await expect(page.getByText(`We texted a 6-digit code to •••• ••• ${number.last3}`)).toBeVisible();
  const code = codeOf(await nextTextTo(number.e164, beforeLogin));
  await page.getByLabel("Code", { exact: true }).fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await context.close();
});

test("a person with the app adds a mobile number as a fallback, and removes it again", async ({ page }) => {
  const { codes } = await enroll(page);
  const number = uniqueNumber();
  await page.getByRole("button", { name: "Add a mobile number" }).click();
  const dialog = page.getByRole("dialog", { name: "Add a mobile number" });
  await dialog.getByLabel("Password").fill(PASSWORD);
  // A backup code is a current second factor too (the app's code of this time step set 2FA up).
  await dialog.getByLabel("Code or backup code").fill(codes[0]);
  await dialog.getByLabel("Mobile number").fill(number.typed);
  const seen = textCount(number.e164);
  await dialog.getByRole("button", { name: "Send code" }).click();
  await expect(dialog.getByText(`•••• ••• ${number.last3}`)).toBeVisible();
  await dialog.getByRole("textbox", { name: "Code", exact: true }).fill(codeOf(await nextTextTo(number.e164, seen)));
  await dialog.getByRole("button", { name: "Verify" }).click();

  // The page comes back with both methods, and the number can be changed or removed.
  await expect(page.getByText(`SMS (•••• ••• ${number.last3})`)).toBeVisible();
  await expect(page.getByText("Authenticator app", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Change the mobile number" })).toBeVisible();
  await page.getByRole("button", { name: "Remove the mobile number" }).click();
  const removal = page.getByRole("dialog", { name: "Remove the mobile number" });
  await removal.getByLabel("Password").fill(PASSWORD);
  await removal.getByLabel("Code or backup code").fill(codes[1]);
  await removal.getByRole("button", { name: "Remove" }).click();
  await expect(page.getByRole("button", { name: "Add a mobile number" })).toBeVisible();
  await expect(page.getByText(`SMS (•••• ••• ${number.last3})`)).toHaveCount(0);
});

test("a person with texted codes adds the authenticator app, proving it with a text", async ({ page, baseURL }) => {
  const { email, number } = await smsAccount(baseURL, "sms-add-app");
  await page.setExtraHTTPHeaders({ "X-Forwarded-For": `10.${byte()}.${byte()}.${byte()}` });
  await open(page, "/settings/security");
  const beforeLogin = textCount(number.e164);
  await logIn(page, email);
  await page.getByLabel("Code", { exact: true }).fill(codeOf(await nextTextTo(number.e164, beforeLogin)));
  await page.getByRole("button", { name: "Verify" }).click();
  await islandsAwake(page);

  await page.getByRole("button", { name: "Add the authenticator app" }).click();
  const dialog = page.getByRole("dialog", { name: "Add the authenticator app" });
  await dialog.getByLabel("Password").fill(PASSWORD);
  const seen = textCount(number.e164);
  await dialog.getByRole("button", { name: "Text me a code" }).click();
  await expect(dialog.getByText(`We texted a code to •••• ••• ${number.last3}`)).toBeVisible();
  await dialog.getByLabel("Code or backup code").fill(codeOf(await nextTextTo(number.e164, seen)));
  await dialog.getByRole("button", { name: "Next" }).click();
  const key = (await dialog.getByRole("textbox", { name: "Key", exact: true }).inputValue()).replace(/ /g, "");
  await dialog.getByRole("textbox", { name: "Code", exact: true }).fill(appCode(key));
  await dialog.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText("Authenticator app", { exact: true })).toBeVisible();
  await expect(page.getByText(`SMS (•••• ••• ${number.last3})`)).toBeVisible();
  await expect(page.getByRole("button", { name: "Remove the mobile number" })).toBeVisible();
});
