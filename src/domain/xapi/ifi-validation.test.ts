import { expect } from 'chai';
import { STATEMENT_ERROR_CODES } from './errors.ts';
import { validateIfi } from './ifi-validation.ts';

function pathOf(ifi: unknown, path?: string): string | undefined {
  return validateIfi(ifi, path)?.path;
}

describe('validateIfi (bare {key, value} identifiers)', () => {
  it('accepts each of the four kinds in valid form', () => {
    expect(validateIfi({ key: 'mbox', value: 'mailto:a@example.com' })).to.equal(null);
    expect(validateIfi({ key: 'mbox_sha1sum', value: 'cd9b00a5611f94eaa7b1661edab976068e364975' })).to.equal(null);
    expect(validateIfi({ key: 'openid', value: 'http://openid.example.org/1' })).to.equal(null);
    expect(validateIfi({ key: 'account', value: { name: 'u', homePage: 'http://lms.example' } })).to.equal(null);
  });

  it('applies the same value rules as an Agent IFI, at ifi.value', () => {
    expect(pathOf({ key: 'mbox', value: 'a@example.com' })).to.equal('ifi.value');
    expect(pathOf({ key: 'mbox_sha1sum', value: 'abc' })).to.equal('ifi.value');
    expect(pathOf({ key: 'openid', value: 'no scheme' })).to.equal('ifi.value');
    expect(pathOf({ key: 'account', value: { homePage: 'nope', name: 'u' } })).to.equal('ifi.value.homePage');
    expect(validateIfi({ key: 'mbox', value: 1 })?.code).to.equal(STATEMENT_ERROR_CODES.invalidIfi);
  });

  it('an account value is {homePage, name} with nothing else', () => {
    expect(pathOf({ key: 'account', value: { homePage: 'http://lms.example', name: 'u', extra: 1 } })).to.equal('ifi.value');
    expect(pathOf({ key: 'account', value: { homePage: 'http://lms.example' } })).to.equal('ifi.value');
  });

  it('rejects an unknown key, a missing value, extra properties and non-objects', () => {
    expect(pathOf({ key: 'email', value: 'x' })).to.equal('ifi.key');
    expect(pathOf({ key: 'mbox' })).to.equal('ifi.value');
    expect(pathOf({ key: 'mbox', value: 'mailto:a@example.com', persona: 'x' })).to.equal('ifi');
    expect(pathOf('mailto:a@example.com')).to.equal('ifi');
    expect(pathOf(null, 'body.ifi')).to.equal('body.ifi');
  });
});
