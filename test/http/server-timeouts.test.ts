// Slow clients (slowloris) against the server's time limits: a body or headers trickled over a real socket, slower
// than HTTP_REQUEST_TIMEOUT_MS / HTTP_HEADERS_TIMEOUT_MS allow, are answered 408 and the connection closed before the
// client has sent them, while a second client's requests keep succeeding. Without the limits Node holds such a
// request for 300 s, and the trickled body here would end and be answered 400 (it is not JSON).
import { connect } from 'node:net';
import { expect } from 'chai';
import { basic, startTestApi, type TestApi } from './http-support.ts';

const BYTE_EVERY_MS = 20;
/** Long enough that sending it all (20 s) outlasts the limits below many times over. */
const TRICKLED_BYTES = 1_000;

/**
 * Sends `head` at once and then `TRICKLED_BYTES` one by one; resolves with the status line the server answered (or
 * 'closed' when it closed without an answer) and how many bytes had been trickled by then.
 */
function trickle(api: TestApi, head: string, nextByte: (index: number) => string): Promise<{ status: string; trickled: number }> {
  const { hostname, port } = new URL(api.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    let trickled = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (status: string) => {
      clearInterval(timer);
      socket.destroy();
      resolve({ status, trickled });
    };
    socket.on('data', (chunk) => {
      answer += String(chunk);
      if (answer.includes('\r\n')) finish(answer.split('\r\n')[0]);
    });
    socket.on('close', () => finish(answer ? answer.split('\r\n')[0] : 'closed'));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? finish('closed') : reject(error)));
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (trickled >= TRICKLED_BYTES) return finish('sent whole');
        socket.write(nextByte(trickled));
        trickled += 1;
      }, BYTE_EVERY_MS);
    });
  });
}

describe('HTTP: server time limits against slow clients', function () {
  let api: TestApi;

  before(async () => {
    api = await startTestApi({ HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000' });
  });
  after(async () => {
    await api?.close();
  });

  /** A second client asking over and over while `slow` runs: every answer it got. */
  async function bystanderDuring<T>(slow: Promise<T>): Promise<{ slow: T; statuses: number[] }> {
    let done = false;
    const statuses: number[] = [];
    const asking = (async () => {
      while (!done) {
        statuses.push((await api.request('GET', '/v1/personas/count')).status);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const result = await slow.finally(() => {
      done = true;
    });
    await asking;
    return { slow: result, statuses };
  }

  it('an authenticated body trickled byte by byte is answered 408 before it is sent, and a bystander is served meanwhile', async () => {
    const head = `POST /v1/personas HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${basic(api.admin)}\r\nContent-Type: application/json\r\nContent-Length: ${TRICKLED_BYTES}\r\n\r\n`;
    const { slow, statuses } = await bystanderDuring(trickle(api, head, (index) => (index === 0 ? '[' : ' ')));
    expect(slow.status).to.equal('HTTP/1.1 408 Request Timeout');
    expect(slow.trickled).to.be.below(TRICKLED_BYTES);
    expect(statuses.length).to.be.greaterThan(0);
    expect(new Set(statuses)).to.deep.equal(new Set([200]));
  });

  it('headers trickled byte by byte are answered 408 before they end', async () => {
    const head = `GET /v1/personas HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${basic(api.admin)}\r\nX-Slow: `;
    const { slow, statuses } = await bystanderDuring(trickle(api, head, () => 'a'));
    expect(slow.status).to.equal('HTTP/1.1 408 Request Timeout');
    expect(slow.trickled).to.be.below(TRICKLED_BYTES);
    expect(new Set(statuses)).to.deep.equal(new Set([200]));
  });

  it('a request sent at normal speed on the same limits is answered as usual', async () => {
    expect((await api.request('POST', '/v1/personas', { body: { name: 'on time' } })).status).to.equal(201);
  });
});
