import { waitForLink } from "../outbox.mjs";

/** The link of the mail to `email` whose subject is `subject`, once the server has sent it. */
export async function linkInMail(email: string, subject: string): Promise<string> {
  return waitForLink(email, subject);
}
