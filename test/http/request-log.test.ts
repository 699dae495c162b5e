// The request log of the running app holds no identifiers (issue 11, security defect 10).
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import { startTestApi } from './http-support.ts';

describe('the request log of the running app', () => {
  it('never writes an email address of a looked-up identifier', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const api = await startTestApi({}, { logger: pino({ level: 'info' }, sink) });
    try {
      const answer = await api.request('GET', `/v1/personas/by-identifier?mbox=${encodeURIComponent('mailto:ada@example.org')}`);
      expect(answer.status).to.equal(404);
    } finally {
      await api.close();
    }
    const requestLines = lines.filter((line) => line.includes('by-identifier'));
    expect(requestLines).to.have.length.greaterThan(0);
    // (Not /ada/ alone: request ids are random hex and may contain it.)
    expect(requestLines.join('\n')).to.not.match(/ada(@|%40)|example\.org/);
  });
});
