import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import defaultProgramme from '../../data/programme-2024.json';
import { resetClients } from '../../shared/adapters/aws-clients';
import { sesMailer } from '../../shared/adapters/ses-mailer';
import { smtpMailer } from '../../shared/adapters/smtp-mailer';
import { composeNotice, renderNotice } from '../../shared/domain/notices';
import { findClass, parseProgramme } from '../../shared/domain/programme';
import { classCalendar } from '../../shared/notices/calendar';
import type { OutgoingMail } from '../../shared/notices/mime';

const sesServer = (createRequire(import.meta.url)('aws-ses-v2-local') as typeof import('aws-ses-v2-local')).default;

const programme = parseProgramme(defaultProgramme);
const three = findClass(programme, 3);
if (!three) throw new Error('the 2024 programme has a class 3');
const envelope = { from: '领军人才培训 <noreply@notice.example.org>', replyTo: 'leader@miitec.org.cn' };
const USER = 'relay-user';
const PASSWORD = 'relay-password-0123456789';

/** The assigned notice, the richest mail: zh-CN subject and body, HTML, and the .ics. */
const mail: OutgoingMail = {
  to: 'trainee@example.cn',
  ...renderNotice(
    composeNotice({
      kind: 'assigned',
      traineeName: '张三',
      enterpriseName: '某科技有限公司',
      unitName: '北京市',
      programme,
      trainingClass: three,
    }),
    programme,
  ),
  tags: { notice: 'assigned', registration: 'R2024-110000-ABC', recipient: 'trainee' },
  calendar: { filename: 'class-3.ics', content: classCalendar(programme, three, 'R2024-110000-ABC') },
};

interface Received {
  readonly raw: Buffer;
  readonly secure: boolean;
  readonly user: unknown;
}

const dir = mkdtempSync(join(tmpdir(), 'smtp-tls-'));
let key: string;
let cert: string;
const received: Received[] = [];
const servers: SMTPServer[] = [];

/** A relay on loopback: STARTTLS with a certificate made for this run, AUTH PLAIN/LOGIN, every message kept. */
async function startRelay(options: { offerTls: boolean }): Promise<number> {
  const server = new SMTPServer({
    key,
    cert,
    ...(options.offerTls ? {} : { disabledCommands: ['STARTTLS'] }),
    allowInsecureAuth: !options.offerTls,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: auth.username });
      else callback(new Error('535 authentication failed'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({ raw: Buffer.concat(chunks), secure: session.secure, user: session.user });
        callback();
      });
    },
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.server.address() as AddressInfo).port;
}

let ses: Server;

beforeAll(async () => {
  // A throwaway certificate for 127.0.0.1, made by openssl for this run (smtp-server's bundled one has expired).
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  key = readFileSync(join(dir, 'key.pem'), 'utf8');
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  ses = await sesServer({ host: '127.0.0.1', port: 0 });
  Object.assign(process.env, {
    AWS_REGION: 'cn-north-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_SESV2: `http://127.0.0.1:${(ses.address() as AddressInfo).port}`,
  });
  resetClients();
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  await new Promise<void>((resolve) => ses.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
  resetClients();
});

describe('the SMTP adapter (where SES is not offered)', () => {
  it('delivers to a real SMTP server over STARTTLS with the relay’s credentials', async () => {
    const port = await startRelay({ offerTls: true });
    const before = received.length;
    const messageId = await smtpMailer(
      { host: '127.0.0.1', port, username: USER, password: PASSWORD, ca: cert },
      envelope,
    ).send(mail);
    expect(messageId).toBeTruthy();
    expect(received).toHaveLength(before + 1);
    const delivery = received[before] as Received;
    expect(delivery.secure).toBe(true);
    expect(delivery.user).toBe(USER);
  });

  it('refuses to send without TLS: a relay that offers no STARTTLS gets nothing, not even the password', async () => {
    const port = await startRelay({ offerTls: false });
    const before = received.length;
    await expect(
      smtpMailer({ host: '127.0.0.1', port, username: USER, password: PASSWORD, ca: cert }, envelope).send(mail),
    ).rejects.toThrow();
    expect(received).toHaveLength(before);
  });

  it('sends the same message as the SES adapter (subject, text, HTML, calendar, reply-to, tags)', async () => {
    const port = await startRelay({ offerTls: true });
    const before = received.length;
    await smtpMailer({ host: '127.0.0.1', port, username: USER, password: PASSWORD, ca: cert }, envelope).send(mail);
    const viaSmtp = await simpleParser((received[before] as Received).raw);

    const sesMessageId = await sesMailer(envelope, 'notices').send(mail);
    const store = (await (await fetch(`${process.env.AWS_ENDPOINT_URL_SESV2}/store`)).json()) as {
      emails: {
        messageId: string;
        from: string;
        replyTo: string[];
        destination: { to: string[] };
        subject: string;
        body: { text?: string; html?: string };
        attachments: { filename?: string; contentType: string; content: string }[];
      }[];
    };
    const viaSes = store.emails.find((stored) => stored.messageId === sesMessageId);
    if (!viaSes) throw new Error('the SES emulator did not keep the mail');

    expect(viaSes.subject).toBe(mail.subject);
    expect(viaSmtp.subject).toBe(mail.subject);
    expect(viaSes.from).toBe(viaSmtp.from?.text);
    expect(viaSes.replyTo).toEqual([viaSmtp.replyTo?.text]);
    expect(viaSes.destination.to).toEqual([viaSmtp.to && !Array.isArray(viaSmtp.to) ? viaSmtp.to.text : '']);
    expect(viaSes.body.text).toBe(viaSmtp.text);
    expect(viaSes.body.html).toBe(viaSmtp.html);
    expect(viaSmtp.text?.trim()).toBe(mail.text.trim());
    const calendars = (attachments: { filename?: string; content: string }[]) =>
      attachments.filter((a) => a.filename === 'class-3.ics').map((a) => a.content);
    expect(calendars(viaSes.attachments)).toEqual(
      calendars(viaSmtp.attachments.map((a) => ({ filename: a.filename, content: a.content.toString('base64') }))),
    );
    expect(calendars(viaSes.attachments).map((c) => Buffer.from(c, 'base64').toString('utf8'))).toEqual([
      mail.calendar?.content,
    ]);
    expect(viaSmtp.headers.get('x-leading-talent-notice')).toBe(
      'notice=assigned; registration=R2024-110000-ABC; recipient=trainee',
    );
  });
});
