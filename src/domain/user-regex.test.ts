import { expect } from 'chai';
import { pcreEquivalentSource, userRegexRefusal } from './user-regex.ts';

describe('user regexes (LL $regex and ~ filters)', () => {
  it('accepts the patterns filters are written with', () => {
    for (const [source, flags] of [
      ['^c-', ''],
      ['foo.*bar', 'i'],
      ['^[a-z0-9._%+-]+@example\\.org$', 'i'],
      ['(?:https?://)?lms\\.example\\.org/', ''],
      ['^(ab)+$', ''],
      ['\\d{4}-\\d{2}', ''],
      ['^(dep|blu)', 'im'],
      ['a\\.b\\s\\w\\bc\\x41\\n', 's'],
    ]) {
      expect(userRegexRefusal(source, flags), source).to.equal(null);
    }
  });

  it('refuses nested repetition and repeated alternation, which backtrack exponentially in PCRE', () => {
    for (const source of ['(a+)+$', '^(a|a)*$', '(aa?)+$', '^(\\w+\\s?)*$', '((ab)*c)+', '(?:x{2,})*', '(a{1,2}){3,}']) {
      expect(userRegexRefusal(source)?.reason, source).to.match(/exponential/);
    }
  });

  it('refuses constructs PCRE and JavaScript read differently, or that are not regular', () => {
    expect(userRegexRefusal('(a)\\1')?.reason).to.match(/backreferences/);
    expect(userRegexRefusal('a(?=b)')?.reason).to.match(/lookaround/);
    expect(userRegexRefusal('(?<!a)b')?.reason).to.match(/lookaround/);
    for (const source of ['a\\z', '\\Qa.b\\E', '\\v', '\\u0041', '\\p{L}', '\\012', '[^]']) {
      expect(userRegexRefusal(source)?.reason, source).to.match(/different things/);
    }
    expect(userRegexRefusal('a b', 'x')?.reason).to.match(/options/);
  });

  it('bounds the pattern length and repetition counts, and refuses invalid patterns', () => {
    expect(userRegexRefusal('a'.repeat(513))?.reason).to.match(/longer than 512/);
    expect(userRegexRefusal('a{1,1000}')?.reason).to.match(/at most 100/);
    expect(userRegexRefusal('(')?.reason).to.match(/not a valid/);
  });
});

describe('PCRE-equivalent RE2 source', () => {
  it("rewrites end anchors outside multiline mode to PCRE's end-or-before-final-newline, and nothing else", () => {
    expect(pcreEquivalentSource('^a$', '')).to.equal('^a(?:\\n?$)');
    expect(pcreEquivalentSource('(x$|y)[$]\\$', 'i')).to.equal('(x(?:\\n?$)|y)[$]\\$');
    expect(pcreEquivalentSource('^a$', 'm')).to.equal('^a$');
  });
});
