import { expect } from 'chai';
import {
  hasMailtoPrefix,
  isAbsoluteIri,
  isMailtoAddress,
  isSha1Hex,
  isUuid,
  isXapiVersion,
  timestampProblem,
} from './iri-uuid-timestamp.ts';

describe('xAPI value formats', () => {
  it('an absolute IRI needs a scheme, a colon and at least one more character, without whitespace', () => {
    for (const ok of ['http://example.com', 'urn:uuid:1', 'act://blah.com', 'verb:completed', 'http://ex.com/Flügel']) {
      expect(isAbsoluteIri(ok), ok).to.equal(true);
    }
    for (const bad of ['ab=c://should.fail.com', 'Flügel', 'bob.bobson.openid.org', 'http:', '1http://x', 'http://a b', 42]) {
      expect(isAbsoluteIri(bad), String(bad)).to.equal(false);
    }
  });

  it('an mbox is mailto: then local@domain with both parts non-empty and no whitespace', () => {
    expect(isMailtoAddress('mailto:alice@example.com')).to.equal(true);
    expect(isMailtoAddress('MAILTO:Alice@Example.ORG')).to.equal(true);
    for (const bad of ['mailto:should.fail.com', 'mailto:@example.com', 'mailto:alice@', 'mailto:a b@c.com', 'mailto:a@b@c']) {
      expect(isMailtoAddress(bad), bad).to.equal(false);
    }
    expect(hasMailtoPrefix('http://should.fail.com')).to.equal(false);
  });

  it('accepts unusual but well-formed addresses (section 5)', () => {
    expect(isMailtoAddress('mailto:mailto:s@s.com')).to.equal(true);
    expect(isMailtoAddress('mailto:root@localhost')).to.equal(true);
  });

  it('an mbox_sha1sum is exactly 40 hexadecimal characters in any case', () => {
    expect(isSha1Hex('cd9b00a5611f94eaa7b1661edab976068e364975')).to.equal(true);
    expect(isSha1Hex('CD9B00A5611F94EAA7B1661EDAB976068E364975')).to.equal(true);
    expect(isSha1Hex('cd9b00a5611f94eaa7b1661edab976068e36497')).to.equal(false);
    expect(isSha1Hex('notarealsum')).to.equal(false);
  });

  it('a UUID is 8-4-4-4-12 hex of any case, version and variant (section 5)', () => {
    expect(isUuid('6690e6c9-3ef0-4ed3-8b37-7f3964730bee')).to.equal(true);
    expect(isUuid('AA97B177-9383-4934-8543-0F91A7A02836')).to.equal(true);
    expect(isUuid('00000000-0000-0000-0000-000000000000')).to.equal(true);
    expect(isUuid('12345678-1234-f678-c234-567812345678')).to.equal(true);
    expect(isUuid('AA97B177-9383-4934-8543-0F91A7A028368')).to.equal(false);
    expect(isUuid('MA97B177-9383-4934-8543-0F91A7A02836')).to.equal(false);
    expect(isUuid(12345)).to.equal(false);
  });

  it('accepts ISO 8601 date-times with Z, ±hh:mm, ±hhmm, ±hh or no zone (section 5)', () => {
    for (const ok of [
      '2013-05-18T05:32:34.804Z',
      '2013-04-08T17:51:38.118000+00:00',
      '2013-02-02T12:00:00-05:00',
      '2015-11-18T12:17',
      '2015-11-18T12:17:00',
      '2015-11-18T12:17:00+0000',
      '2015-11-18T12:17:00+00',
      '2015-11-18T12:17:00+0530',
      '2016-02-29T00:00Z',
    ]) {
      expect(timestampProblem(ok), ok).to.equal(null);
    }
  });

  it('rejects malformed timestamps and out-of-range fields', () => {
    for (const bad of [
      'should fail',
      '01/011/2015',
      '2015-11-18',
      '2015-13-01T00:00Z',
      '2015-02-29T00:00Z',
      '2015-11-18T24:00Z',
      '2015-11-18 12:17Z',
      5,
    ]) {
      expect(timestampProblem(bad), String(bad)).to.equal('not_iso8601');
    }
  });

  it('rejects a negative zero offset in every spelling', () => {
    for (const bad of ['2015-11-18T12:17:00-00:00', '2015-11-18T12:17:00-0000', '2008-09-15T15:53:00.601-00']) {
      expect(timestampProblem(bad), bad).to.equal('negative_zero_offset');
    }
  });

  it('a version is 1.0, 1.0.x or 2.0.x', () => {
    for (const ok of ['1.0', '1.0.0', '1.0.3', '2.0.0']) expect(isXapiVersion(ok), ok).to.equal(true);
    for (const bad of ['0.9.9', '0.95', '1.1.0', '2.1.0', '1.0.', 1]) expect(isXapiVersion(bad), String(bad)).to.equal(false);
  });
});
