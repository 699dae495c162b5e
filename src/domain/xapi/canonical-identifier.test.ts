import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { canonicalIdentifierKey, canonicalMbox, mboxSha1sums, toStoredIfi } from './canonical-identifier.ts';

describe('canonical identifier keys (xapi-agents.md section 6)', () => {
  it('mbox: scheme and domain lower-cased, local part unchanged', () => {
    expect(canonicalIdentifierKey({ key: 'mbox', value: 'MAILTO:Alice@Example.ORG' })).to.equal('mbox|mailto:Alice@example.org');
    expect(canonicalIdentifierKey({ key: 'mbox', value: 'mailto:Alice@example.org' })).to.equal(
      canonicalIdentifierKey({ key: 'mbox', value: 'Mailto:Alice@EXAMPLE.org' }),
    );
    expect(canonicalIdentifierKey({ key: 'mbox', value: 'mailto:alice@example.org' })).to.not.equal(
      canonicalIdentifierKey({ key: 'mbox', value: 'mailto:Alice@example.org' }),
    );
  });

  it('mbox: an address with a second "mailto:" keeps its local part', () => {
    expect(canonicalMbox('MAILTO:mailto:S@S.COM')).to.equal('mailto:mailto:S@s.com');
  });

  it('mbox_sha1sum: lower-case hex, so case never splits an identifier', () => {
    expect(canonicalIdentifierKey({ key: 'mbox_sha1sum', value: 'CD9B00A5611F94EAA7B1661EDAB976068E364975' })).to.equal(
      'mbox_sha1sum|cd9b00a5611f94eaa7b1661edab976068e364975',
    );
  });

  it('openid: exactly as received', () => {
    expect(canonicalIdentifierKey({ key: 'openid', value: 'HTTP://OpenID.example.org/Bob' })).to.equal(
      'openid|HTTP://OpenID.example.org/Bob',
    );
  });

  it('account: the (homePage, name) pair; key order of the received object never matters', () => {
    const ordered = toStoredIfi({ account: { homePage: 'https://lms.example', name: 'u42' } });
    const reversed = toStoredIfi({ account: { name: 'u42', homePage: 'https://lms.example' } });
    expect(canonicalIdentifierKey(ordered)).to.equal('account|["https://lms.example","u42"]');
    expect(canonicalIdentifierKey(reversed)).to.equal(canonicalIdentifierKey(ordered));
    expect(Object.keys(reversed.value as object)).to.deep.equal(['homePage', 'name']);
  });

  it('account: a "|" or quote inside a part cannot make two accounts collide', () => {
    const a = canonicalIdentifierKey({ key: 'account', value: { homePage: 'http://a","b', name: 'c' } });
    const b = canonicalIdentifierKey({ key: 'account', value: { homePage: 'http://a', name: 'b","c' } });
    expect(a).to.not.equal(b);
  });
});

describe('toStoredIfi', () => {
  it('picks the single IFI of an agent in stored form', () => {
    expect(toStoredIfi({ name: 'A', mbox: 'MAILTO:A@Example.com' })).to.deep.equal({ key: 'mbox', value: 'MAILTO:A@Example.com' });
    expect(toStoredIfi({ mbox_sha1sum: 'CD9B00A5611F94EAA7B1661EDAB976068E364975' })).to.deep.equal({
      key: 'mbox_sha1sum',
      value: 'cd9b00a5611f94eaa7b1661edab976068e364975',
    });
    expect(toStoredIfi({ objectType: 'Group', openid: 'http://o.example/1', member: [] })).to.deep.equal({
      key: 'openid',
      value: 'http://o.example/1',
    });
  });

  it('throws for an agent without an IFI (callers validate first)', () => {
    expect(() => toStoredIfi({ name: 'nobody' })).to.throw(TypeError);
  });
});

describe('mbox ↔ mbox_sha1sum', () => {
  const corpus = readFileSync(new URL('../../../test/fixtures/xapi/xapi-valid-statements.jsonl', import.meta.url), 'utf8');

  it('the SHA-1 of mailto:xapi@adlnet.gov and mailto:bob@example.com are the sums the corpus carries', () => {
    expect(mboxSha1sums('mailto:xapi@adlnet.gov')).to.deep.equal(['cd9b00a5611f94eaa7b1661edab976068e364975']);
    expect(mboxSha1sums('mailto:bob@example.com')).to.deep.equal(['7560680e2567e081782bce4a5651785d547ad789']);
    expect(corpus).to.include('cd9b00a5611f94eaa7b1661edab976068e364975');
    expect(corpus).to.include('7560680e2567e081782bce4a5651785d547ad789');
  });

  it('covers the exact spelling and the canonical form, canonical first, without duplicates', () => {
    const sums = mboxSha1sums('MAILTO:xapi@ADLNET.gov');
    expect(sums).to.have.length(2);
    expect(sums[0]).to.equal('cd9b00a5611f94eaa7b1661edab976068e364975');
    expect(sums[1])
      .to.match(/^[0-9a-f]{40}$/)
      .and.not.equal(sums[0]);
  });
});
