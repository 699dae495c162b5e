// Delivers one persona event to one webhook URL. The body is the event as JSON; `X-Persona-Signature` is
// `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` with the timestamp sent in `X-Persona-Timestamp`, so a
// receiver can verify origin and reject replays. Network errors, 408, 429 and 5xx are retriable; other answers are final.
// No queue here: the webhook worker (queue/events-worker.ts) retries deliveries, and without Redis the after-resolution
// effects deliver once, directly (wiring/after-resolution.ts).
import { createHmac, timingSafeEqual } from 'node:crypto';
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

/** A delivery that did not succeed; `retriable` for network errors, 408, 429 and 5xx (other answers are final). */
export class WebhookDeliveryError extends Error {
  override name = 'WebhookDeliveryError';
  constructor(
    message: string,
    readonly retriable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** POSTs one event to one URL, signed; resolves with the status of a 2xx answer, else throws WebhookDeliveryError. */
export async function deliverEvent(
  { url, event }: WebhookJobData,
  { secret, timeoutMs = 10_000 }: { secret: string; timeoutMs?: number },
): Promise<{ status: number }> {
  const body = JSON.stringify(event);
  const timestamp = String(Math.floor(Date.now() / 1000));
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      body,
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'x-persona-event': event.type,
        'x-persona-event-id': event.eventId,
        'x-persona-timestamp': timestamp,
        'x-persona-signature': signPayload(secret, timestamp, body),
      },
    });
  } catch (error) {
    throw new WebhookDeliveryError(`webhook ${url} unreachable: ${(error as Error).message}`, true, { cause: error });
  }
  await response.body?.cancel();
  if (response.ok) return { status: response.status };
  const retriable = response.status >= 500 || response.status === 408 || response.status === 429;
  throw new WebhookDeliveryError(`webhook ${url} answered ${response.status}`, retriable);
}
