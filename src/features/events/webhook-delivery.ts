// Delivers one persona event to one webhook URL. The body is the event as JSON; `X-Persona-Signature` is
// `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` with the timestamp sent in `X-Persona-Timestamp`, so a
// receiver can verify origin and reject replays. Network errors, 408, 429 and 5xx are retried; other answers are final.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnrecoverableError, type Job } from 'bullmq';
import type { PersonaEvent } from './persona-events.ts';

export const WEBHOOK_JOB_NAME = 'deliver';

export interface WebhookJobData {
  url: string;
  event: PersonaEvent;
}

export function signPayload(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers (and tests): checks a signature in constant time. */
export function verifySignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signPayload(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function createWebhookProcessor({ secret, timeoutMs = 10_000 }: { secret: string; timeoutMs?: number }) {
  return async (job: Job<WebhookJobData>): Promise<{ status: number }> => {
    const body = JSON.stringify(job.data.event);
    const timestamp = String(Math.floor(Date.now() / 1000));
    let response: Response;
    try {
      response = await fetch(job.data.url, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'content-type': 'application/json',
          'x-persona-event': job.data.event.type,
          'x-persona-event-id': job.data.event.eventId,
          'x-persona-timestamp': timestamp,
          'x-persona-signature': signPayload(secret, timestamp, body),
        },
      });
    } catch (error) {
      throw new Error(`webhook ${job.data.url} unreachable: ${(error as Error).message}`, { cause: error });
    }
    await response.body?.cancel();
    if (response.ok) return { status: response.status };
    const retriable = response.status >= 500 || response.status === 408 || response.status === 429;
    const message = `webhook ${job.data.url} answered ${response.status}`;
    throw retriable ? new Error(message) : new UnrecoverableError(message);
  };
}
