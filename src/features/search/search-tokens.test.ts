import { expect } from 'chai';
import { fold, matchesTerms, termsOf, tokensOf } from './search-tokens.ts';

describe('search tokens', () => {
  it('folds case and accents, and keeps pieces and their words', () => {
    expect(fold('Zoë ÅSTRÖM')).to.equal('zoe astrom');
    const tokens = tokensOf({
      name: 'Jean-Luc Picard',
      tagline: 'Captain',
      identifiers: [
        { key: 'mbox', value: 'mailto:JL.Picard@Example.org' },
        { key: 'account', value: { homePage: 'https://lms.example.org', name: 'jlp-1701' } },
      ],
    });
    expect(tokens).to.include.members([
      'jean-luc',
      'jean',
      'luc',
      'picard',
      'captain',
      'jl.picard@example.org',
      'jl',
      'example',
      'org',
      'jlp-1701',
      'jlp',
      '1701',
    ]);
    expect(tokens, 'the shared homePage and the mailto: scheme are not searchable').to.not.include.members(['lms', 'mailto']);
  });

  it('matches whole words for every term but the last, which is a prefix', () => {
    const tokens = tokensOf({ name: 'Ada Lovelace', identifiers: [{ key: 'mbox', value: 'mailto:ada@example.org' }] });
    const matches = (query: string) => matchesTerms(tokens, termsOf(query)!);
    expect(matches('ada')).to.equal(true);
    expect(matches('ADA LOV')).to.equal(true);
    expect(matches('Lovélace')).to.equal(true);
    expect(matches('ada@')).to.equal(true);
    expect(matches('mailto:ADA@example.org')).to.equal(true);
    expect(matches('ad lovelace'), 'an earlier term must be a whole word').to.equal(false);
    expect(matches('love'), 'a prefix of a word').to.equal(true);
    expect(matches('elace'), 'never a substring inside a word').to.equal(false);
    expect(termsOf('   ')).to.equal(null);
  });
});
