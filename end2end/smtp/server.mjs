// A real SMTP server for the browser tests (npm's smtp-server): it accepts every message on
// 127.0.0.1 and writes each, parsed (mailparser), as a JSON file into `dir`, where the tests
// read what the store sent (tests/mailbox.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export async function startSmtp({ port, dir }) {
  mkdirSync(dir, { recursive: true });
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on("data", (c) => chunks.push(c));
      stream.on("end", async () => {
        try {
          const parsed = await simpleParser(Buffer.concat(chunks));
          received += 1;
          const mail = {
            from: session.envelope.mailFrom && session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            contentType: parsed.headers.get("content-type")?.value ?? "",
          };
          writeFileSync(path.join(dir, `${Date.now()}-${String(received).padStart(4, "0")}.json`), JSON.stringify(mail));
          callback();
        } catch (e) {
          callback(e);
        }
      });
    },
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return { close: () => new Promise((resolve) => server.close(resolve)) };
}
