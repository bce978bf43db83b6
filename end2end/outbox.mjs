// The mails the server under test wrote to its outbox folder (it runs without --smtp-url; the
// test script passes the folder in OUTBOX_DIR): only the links in them matter here. Shared by the
// tests (tests/mail.ts) and the size measurements (measure/wire.mjs). Integration tests check the
// same mails through a real SMTP server.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const outbox = process.env.OUTBOX_DIR ?? "";

/** Undoes quoted-printable: soft line breaks and =XX escapes. */
function decodeQuotedPrintable(text) {
  return text.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

/** The link of the mail to `email` whose subject is `subject`, or "" while there is none. */
export function linkInOutbox(email, subject) {
  const mail = readdirSync(outbox)
    .filter((f) => f.endsWith(".eml"))
    .map((f) => readFileSync(join(outbox, f), "utf8"))
    .find((raw) => raw.includes(`To: ${email}`) && raw.includes(`Subject: ${subject}`));
  const found = mail && decodeQuotedPrintable(mail).match(/https?:\/\/[^\s"<>]+token=[A-Za-z0-9_-]+/);
  return found ? found[0] : "";
}

/** Waits (15 s at most) for the server to send that mail; answers its link. */
export async function waitForLink(email, subject) {
  if (outbox === "") throw new Error("OUTBOX_DIR must name the server's outbox folder");
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    const link = linkInOutbox(email, subject);
    if (link) return link;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no mail "${subject}" to ${email} in ${outbox} within 15 s`);
}

/** The texts the server wrote to its SMS outbox folder (SMS_OUTBOX_DIR), oldest first. */
function textsTo(e164) {
  const folder = process.env.SMS_OUTBOX_DIR ?? "";
  if (folder === "") throw new Error("SMS_OUTBOX_DIR must name the server's SMS outbox folder");
  return readdirSync(folder)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(folder, f), "utf8")))
    .filter((text) => text.to === e164)
    .map((text) => text.body);
}

/** How many texts `e164` has had: read before an action that sends one, for `nextTextTo`. */
export function textCount(e164) {
  return textsTo(e164).length;
}

/** Waits (15 s at most) for the text to `e164` after the first `seen`; answers its body. */
export async function nextTextTo(e164, seen) {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    const texts = textsTo(e164);
    if (texts.length > seen) return texts[seen];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no new text to ${e164} within 15 s`);
}
