// What the store sent to the test SMTP server (smtp/server.mjs writes each mail as JSON into
// E2E_MAIL_DIR).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  contentType: string;
}

function all(): ReceivedMail[] {
  const dir = process.env.E2E_MAIL_DIR;
  if (!dir) throw new Error("E2E_MAIL_DIR is not set: the global setup starts the SMTP server");
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".json")).sort();
  } catch {
    return [];
  }
  return names.map((n) => JSON.parse(readFileSync(path.join(dir, n), "utf8")) as ReceivedMail);
}

/** Mails to `to` so far, oldest first. */
export function mailsTo(to: string): ReceivedMail[] {
  return all().filter((m) => m.to.includes(to));
}

/** Waits for the `count`-th mail to `to` that `matches` (10 s), and returns it. */
export async function waitForMail(to: string, matches: (m: ReceivedMail) => boolean, count = 1): Promise<ReceivedMail> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = mailsTo(to).filter(matches);
    if (found.length >= count) return found[count - 1];
    if (Date.now() > deadline) throw new Error(`no mail to ${to} arrived (${mailsTo(to).length} others did)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The six-digit code in a sign-in mail. */
export function codeIn(mail: ReceivedMail): string {
  const m = mail.text.match(/\b(\d{6})\b/);
  if (!m) throw new Error(`no code in: ${mail.text}`);
  return m[1];
}
