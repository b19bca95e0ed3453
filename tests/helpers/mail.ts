/** Reading account links out of mails the fake SMTP server received. */
import type { ReceivedMail } from "./fake-smtp";

/** The mail's text without quoted-printable soft breaks and escapes. */
export function mailText(mail: ReceivedMail): string {
  return mail.data.replace(/=\r\n/g, "").replace(/=3D/g, "=");
}

/** The token of the first `${page}?token=` link in the newest mail to `email`. */
export function tokenMailedTo(messages: ReceivedMail[], email: string, page: "/reset-password" | "/confirm-email"): string {
  const mail = messages.filter((m) => m.to.includes(`<${email}>`)).at(-1);
  if (!mail) throw new Error(`no mail to ${email}`);
  const match = new RegExp(`${page.replace("/", "\\/")}\\?token=([A-Za-z0-9_%-]+)`).exec(mailText(mail));
  if (!match) throw new Error(`no ${page} link in the mail to ${email}`);
  return decodeURIComponent(match[1]);
}
