import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "@playwright/test";

/**
 * The mails the server under test wrote to its outbox folder (it runs without --smtp-url; the
 * test script passes the folder in OUTBOX_DIR). Integration tests check the same mails through a
 * real SMTP server; here only the link in them matters.
 */
const outbox = process.env.OUTBOX_DIR ?? "";

/** Undoes quoted-printable: soft line breaks and =XX escapes. */
function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

function mailsTo(email: string): string[] {
  return readdirSync(outbox)
    .filter((f) => f.endsWith(".eml"))
    .map((f) => readFileSync(join(outbox, f), "utf8"))
    .filter((raw) => raw.includes(`To: ${email}`));
}

/** The link of the mail to `email` whose subject is `subject`, once the server has sent it. */
export async function linkInMail(email: string, subject: string): Promise<string> {
  expect(outbox, "OUTBOX_DIR names the server's outbox folder").not.toBe("");
  let link = "";
  await expect
    .poll(
      () => {
        const mail = mailsTo(email).find((raw) => raw.includes(`Subject: ${subject}`));
        const found = mail && decodeQuotedPrintable(mail).match(/https?:\/\/[^\s"<>]+token=[A-Za-z0-9_-]+/);
        link = found ? found[0] : "";
        return link;
      },
      { timeout: 15_000 },
    )
    .not.toBe("");
  return link;
}
