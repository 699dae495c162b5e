import { expect } from 'chai';
import { redactedUrl } from './log-redaction.ts';

describe('request log redaction', () => {
  it('replaces identifier values in query strings and identifying path segments, keeping the route readable', () => {
    expect(redactedUrl('/v1/personas/by-identifier?mbox=mailto%3Aada%40example.org')).to.equal(
      '/v1/personas/by-identifier?mbox=[redacted]',
    );
    expect(redactedUrl('/v1/personas?search.identifier.value.eq=ada@example.org&limit=10&sort=-createdAt')).to.equal(
      '/v1/personas?search.identifier.value.eq=[redacted]&limit=10&sort=-createdAt',
    );
    expect(redactedUrl('/v1/personas/user/ada%40example.org?homePage=https%3A%2F%2Flms')).to.equal(
      '/v1/personas/user/[redacted]?homePage=[redacted]',
    );
    expect(redactedUrl('/api/v2/persona?query={"name":"Ada"}')).to.equal('/api/v2/persona?query=[redacted]');
    expect(redactedUrl('/v1/personas/65f1c0ffee0000000000abcd')).to.equal('/v1/personas/65f1c0ffee0000000000abcd');
  });
});
