/** Outbound mail through SMTP_URL (smtp:// or smtps://, credentials in the URL). Optional: without it, links are copied by hand. */
import nodemailer from "nodemailer";

export type Mail = { to: string; subject: string; text: string; html?: string };

export async function sendMail(smtpUrl: string, from: string, mail: Mail): Promise<void> {
  // Bounded, so a slow mail server cannot hold the invitation request for minutes.
  const transport = nodemailer.createTransport(smtpUrl, { from, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as object);
  try {
    await transport.sendMail({ ...mail, from });
  } finally {
    transport.close();
  }
}
