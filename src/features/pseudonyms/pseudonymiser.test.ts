import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { PSEUDONYM_PATTERN, createPseudonymiser } from './pseudonymiser.ts';

describe('pseudonymiser', () => {
  const key = { id: 'k1', secret: randomBytes(32) };

  it('gives one persona or identifier the same pseudonym every time, in the documented form', () => {
    const first = createPseudonymiser(key);
    const again = createPseudonymiser({ id: 'k1', secret: Buffer.from(key.secret) });
    const persona = first.persona('65a000000000000000000001');
    expect(persona).to.match(PSEUDONYM_PATTERN).and.to.match(/^pp_/);
    expect(again.persona('65a000000000000000000001')).to.equal(persona);
    const identifier = first.identifier('mbox|mailto:ada@example.org');
    expect(identifier).to.match(PSEUDONYM_PATTERN).and.to.match(/^pi_/);
    expect(again.identifier('mbox|mailto:ada@example.org')).to.equal(identifier);
  });

  it('gives different values different pseudonyms, and another key other pseudonyms', () => {
    const pseudonyms = createPseudonymiser(key);
    expect(pseudonyms.persona('65a000000000000000000001')).not.to.equal(pseudonyms.persona('65a000000000000000000002'));
    expect(pseudonyms.identifier('openid|x')).not.to.equal(pseudonyms.persona('openid|x').replace('pp_', 'pi_'));
    const rotated = createPseudonymiser({ id: 'k2', secret: randomBytes(32) });
    expect(rotated.persona('65a000000000000000000001')).not.to.equal(pseudonyms.persona('65a000000000000000000001'));
  });
});
