import { expect, type Page, test } from "@playwright/test";
import { enroll, islandsAwake, logIn, openSecurity, turnOnWithApp, uniqueEmail } from "./helpers";
import { expectAccessible } from "./axe";
import { serverAdmin } from "./server_admin";
import { appCode } from "./totp";

const ACCESS_CODE = /[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}/;

function giveAccessCode(email: string): string {
  const printed = serverAdmin("access-code", email, "--reason", "lost phone; identity checked by a video call", "--hours", "1");
  const code = printed.match(ACCESS_CODE);
  expect(code, printed).not.toBeNull();
  return code![0];
}

/** The person's side: log in with the password and the access code, set up a new phone as the
 * article says, and find both in the activity. */
async function logInWithAccessCodeAndSetUpAgain(page: Page, email: string, code: string, oldKey: string): Promise<void> {
  await page.goto("/");
  await logIn(page, email);
  await page.getByRole("link", { name: /temporary access code/ }).click();
  await page.getByLabel("Temporary access code").fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Set up two-factor authentication" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Inbox" })).toHaveCount(0);

  // The article's setup, on the new phone.
  await islandsAwake(page);
  const { key } = await turnOnWithApp(page);
  expect(key).not.toEqual(oldKey);

  // Everything opens again, and the activity shows what happened.
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("link", { name: "Security" }).click();
  const activity = page.getByRole("list", { name: "Security events" });
  await expect(activity).toContainText("Logged in with a temporary access code");
  await expect(activity).toContainText("Temporary access code given by an administrator");
}

test("a person who lost the phone and the backup codes logs in with a temporary access code and sets up a new phone", async ({ page }) => {
  test.skip(!process.env.RELEASE_DATABASE_URL, "needs the server's database (scripts/test.sh)");
  const { email, key: oldKey } = await enroll(page);
  await page.getByRole("button", { name: "Log out" }).click();
  const code = giveAccessCode(email);
  await logInWithAccessCodeAndSetUpAgain(page, email, code, oldKey);
});

test("an administrator gives the code on the admin pages, the person sets up a new phone, and both see it", async ({ browser }) => {
  test.skip(!process.env.RELEASE_DATABASE_URL, "needs the server's database (scripts/test.sh)");
  const adminPage = await (await browser.newContext()).newPage();
  const personPage = await (await browser.newContext()).newPage();
  const admin = await enroll(adminPage, uniqueEmail("admin"));
  serverAdmin("grant", admin.email);
  const person = await enroll(personPage, uniqueEmail("lost-phone"));
  await personPage.getByRole("button", { name: "Log out" }).click();

  // The administrator's session proved its code at the setup, not since: the pages ask again.
  await adminPage.goto("/settings");
  await adminPage.getByRole("link", { name: "Administration" }).click();
  await expect(adminPage.getByRole("heading", { name: "Confirm it is you" })).toBeVisible();
  await adminPage.getByLabel("Code from your authenticator app, or a backup code").fill(appCode(admin.key, 30));
  await adminPage.getByRole("button", { name: "Confirm" }).click();

  await expectAccessible(adminPage, "Confirm it is you");
  await adminPage.getByLabel("Search by email").fill(person.email);
  await adminPage.getByRole("button", { name: "Search" }).click();
  const row = adminPage.getByRole("row", { name: new RegExp(person.email) });
  await expect(row).toContainText("Authenticator app");
  await expectAccessible(adminPage, "the account list");
  await row.getByRole("link", { name: person.email }).click();
  await expect(adminPage.getByRole("heading", { name: person.email })).toBeVisible();
  await expectAccessible(adminPage, "an account's page");
  const give = adminPage.getByRole("form", { name: "Give a temporary access code" });
  await give.getByLabel("Reason").fill("Lost phone and backup codes; called back on the number on file");
  await give.getByLabel("Valid for (hours, 1 to 24)").fill("2");
  await give.getByRole("button", { name: "Give a temporary access code" }).click();
  const shown = adminPage.getByRole("status").filter({ hasText: `Temporary access code for ${person.email}` });
  await expect(shown).toBeVisible();
  const code = (await shown.innerText()).match(ACCESS_CODE)![0];
  await expectAccessible(adminPage, "the code given");
  // Shown once: the page again shows it no more.
  await adminPage.reload();
  await expect(adminPage.getByText(code)).toHaveCount(0);

  await logInWithAccessCodeAndSetUpAgain(personPage, person.email, code, person.key);

  // The administrator sees the action and its use on the account's page, and in their own activity.
  await adminPage.reload();
  const actions = adminPage.getByRole("list", { name: "Administrator actions" });
  await expect(actions).toContainText(`by ${admin.email}: Lost phone and backup codes`);
  const events = adminPage.getByRole("list", { name: "Security events" });
  await expect(events).toContainText("Logged in with a temporary access code");
  await expect(events).toContainText("Two-factor authentication turned on");
  await openSecurity(adminPage);
  await expect(adminPage.getByRole("list", { name: "Security events" })).toContainText(
    "You acted as administrator on another account",
  );

  // The same pages in Dutch, chosen in the language menu.
  await adminPage.goto("/admin");
  await adminPage.getByRole("navigation", { name: "Language" }).getByRole("button", { name: "Nederlands" }).click();
  await expect(adminPage.getByRole("heading", { name: "Beheer", exact: true })).toBeVisible();
  await expect(adminPage.getByRole("columnheader", { name: "2FA-methoden" })).toBeVisible();
  await expectAccessible(adminPage, "the account list in Dutch");
  await adminPage.getByLabel("Zoek op e-mailadres").fill(person.email);
  await adminPage.getByRole("button", { name: "Zoeken" }).click();
  await adminPage.getByRole("link", { name: person.email }).click();
  await expect(adminPage.getByRole("form", { name: "Geef een tijdelijke toegangscode" })).toBeVisible();
  await expectAccessible(adminPage, "an account's page in Dutch");
});
