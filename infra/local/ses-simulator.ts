import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** SES's mailbox simulator addresses (docs: "Using the mailbox simulator"); the local cloud answers both. */
export const SIMULATOR = {
  bounce: 'bounce@simulator.amazonses.com',
  complaint: 'complaint@simulator.amazonses.com',
} as const;

/** An SES event as EventBridge delivers it from a configuration set's event destination. */
export interface SesEventBridgeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Email Bounced' | 'Email Complaint Received';
  readonly source: 'aws.ses';
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: Record<string, unknown>;
}

interface SendEmailRequest {
  readonly ConfigurationSetName?: string;
  readonly FromEmailAddress?: string;
  readonly Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  readonly EmailTags?: { Name: string; Value: string }[];
}

/**
 * A pass-through in front of aws-ses-v2-local that plays SES's mailbox simulator: a mail accepted for
 * bounce@ or complaint@simulator.amazonses.com, sent with a configuration set, produces the bounce or complaint
 * event SES would publish to EventBridge, so the same test runs locally and in an AWS sandbox. Everything else is
 * forwarded untouched (the mail viewer and the JSON store too).
 */
export class SesSimulator {
  private server?: Server;

  constructor(
    private readonly upstream: string,
    private readonly region: string,
    private readonly onEvent: (event: SesEventBridgeEvent) => void,
  ) {}

  async listen(port: number): Promise<string> {
    const server = createServer((request, response) => void this.forward(request, response));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  private async forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value === undefined || ['host', 'content-length', 'connection'].includes(name)) continue;
        headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const upstream = await fetch(new URL(request.url ?? '/', this.upstream), {
        method: request.method,
        headers,
        ...(body.length > 0 ? { body } : {}),
      });
      const reply = Buffer.from(await upstream.arrayBuffer());
      response.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
      });
      response.end(reply);
      if (request.method === 'POST' && request.url === '/v2/email/outbound-emails' && upstream.ok) {
        this.simulate(JSON.parse(body.toString('utf8')) as SendEmailRequest, JSON.parse(reply.toString('utf8')));
      }
    } catch (error) {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: (error as Error).message }));
    }
  }

  private simulate(request: SendEmailRequest, reply: { MessageId?: string }): void {
    // SES publishes events only for mail sent with a configuration set that has an event destination.
    if (!request.ConfigurationSetName || !reply.MessageId) return;
    const destination = [
      ...(request.Destination?.ToAddresses ?? []),
      ...(request.Destination?.CcAddresses ?? []),
      ...(request.Destination?.BccAddresses ?? []),
    ];
    const now = new Date().toISOString();
    const tags: Record<string, string[]> = { 'ses:configuration-set': [request.ConfigurationSetName] };
    for (const tag of request.EmailTags ?? []) tags[tag.Name] = [tag.Value];
    const mail = {
      timestamp: now,
      source: request.FromEmailAddress ?? '',
      messageId: reply.MessageId,
      destination,
      tags,
    };
    for (const address of destination) {
      const simulated = address.toLowerCase();
      if (simulated === SIMULATOR.bounce) {
        this.emit('Email Bounced', {
          eventType: 'Bounce',
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: 'General',
            bouncedRecipients: [
              {
                emailAddress: address,
                action: 'failed',
                status: '5.1.1',
                diagnosticCode: 'smtp; 550 5.1.1 user unknown',
              },
            ],
            timestamp: now,
            feedbackId: randomUUID(),
          },
          mail,
        });
      } else if (simulated === SIMULATOR.complaint) {
        this.emit('Email Complaint Received', {
          eventType: 'Complaint',
          complaint: {
            complainedRecipients: [{ emailAddress: address }],
            timestamp: now,
            feedbackId: randomUUID(),
            complaintFeedbackType: 'abuse',
          },
          mail,
        });
      }
    }
  }

  private emit(detailType: SesEventBridgeEvent['detail-type'], detail: Record<string, unknown>): void {
    this.onEvent({
      version: '0',
      id: randomUUID(),
      'detail-type': detailType,
      source: 'aws.ses',
      time: new Date().toISOString(),
      region: this.region,
      resources: [],
      detail,
    });
  }
}
