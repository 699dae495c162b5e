import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { compileGuardRules, DEFAULT_GUARD_RULES, type GuardRules } from './guard-rules.ts';
import type { Ifi } from './model.ts';

const account = (name: string, homePage = 'https://lms.example.org'): Ifi => ({ key: 'account', value: { homePage, name } });
const mbox = (value: string): Ifi => ({ key: 'mbox', value });
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const rules = (change: Partial<GuardRules>): GuardRules => ({ ...DEFAULT_GUARD_RULES, ...change });

describe('guard rules', () => {
  const defaults = compileGuardRules(DEFAULT_GUARD_RULES);

  it('blocks the default junk and names the default that matched', () => {
    expect(defaults.blockingRule(account('   '))).to.equal('blocked.defaults.blank_account_name');
    expect(defaults.blockingRule(account('0000'))).to.equal('blocked.defaults.zero_id');
    expect(defaults.blockingRule(account('-1'))).to.equal('blocked.defaults.zero_id');
    expect(defaults.blockingRule(account('Anonymous'))).to.equal('blocked.defaults.placeholder_name');
    expect(defaults.blockingRule(mbox('mailto:undefined@example.org'))).to.equal('blocked.defaults.placeholder_name');
    expect(defaults.blockingRule(mbox('MAILTO:test@TEST.com'))).to.equal('blocked.defaults.test_address');
    expect(defaults.blockingRule({ key: 'mbox_sha1sum', value: sha1('mailto:test@test.com').toUpperCase() })).to.equal(
      'blocked.defaults.test_address',
    );
    expect(defaults.blockingRule(mbox('mailto:no-reply@lms.example.org'))).to.equal('blocked.defaults.noreply_address');
    expect(defaults.blockingRule(mbox('mailto:noreply@lms.example.org'))).to.equal('blocked.defaults.noreply_address');
  });

  it('leaves real identifiers alone, and a default switched off blocks nothing', () => {
    for (const ifi of [
      account('10'),
      account('u-0'),
      mbox('mailto:ada@example.org'),
      mbox('mailto:tester@test.com'),
      { key: 'openid', value: 'https://id.example.org/null' } as Ifi,
    ]) {
      expect(defaults.blockingRule(ifi), JSON.stringify(ifi)).to.equal(null);
    }
    const without = compileGuardRules(rules({ blocked: { defaults: ['zero_id'], values: [], patterns: [] } }));
    expect(without.blockingRule(account('anonymous'))).to.equal(null);
    expect(without.blockingRule(account('0'))).to.equal('blocked.defaults.zero_id');
  });

  it('matches exact values in canonical form (an address also by its SHA-1) and patterns per kind and homePage', () => {
    const compiled = compileGuardRules(
      rules({
        blocked: {
          defaults: [],
          values: [
            { kind: 'mbox', value: 'mailto:Shared@Example.org' },
            { kind: 'account', value: 'kiosk', homePage: 'https://a.example' },
          ],
          patterns: [{ kind: 'account', pattern: '^guest-\\d+$', flags: 'i' }],
        },
      }),
    );
    expect(compiled.blockingRule(mbox('mailto:Shared@example.ORG'))).to.equal('blocked.values[0]');
    expect(compiled.blockingRule({ key: 'mbox_sha1sum', value: sha1('mailto:Shared@example.org') })).to.equal('blocked.values[0]');
    expect(compiled.blockingRule(mbox('mailto:shared@example.org'))).to.equal(null);
    expect(compiled.blockingRule(account('kiosk', 'https://a.example'))).to.equal('blocked.values[1]');
    expect(compiled.blockingRule(account('kiosk', 'https://b.example'))).to.equal(null);
    expect(compiled.blockingRule(account('GUEST-17'))).to.equal('blocked.patterns[0]');
    expect(compiled.blockingRule(mbox('mailto:guest-17@x.org'))).to.equal(null);
  });

  it('a pattern runs in linear time on a long hostile value', () => {
    const compiled = compileGuardRules(
      rules({ blocked: { defaults: [], values: [], patterns: [{ kind: 'account', pattern: '^(a|a)*b$' }] } }),
    );
    // A backtracking engine takes 2^n steps here; RE2 answers (no match) in one pass.
    expect(compiled.blockingRule(account('a'.repeat(5000)))).to.equal(null);
  });

  it('finds the first limit or unique kind a set of identifiers breaks', () => {
    const compiled = compileGuardRules(
      rules({
        limits: [
          { kind: 'mbox', max: 2 },
          { kind: 'account', max: 1, perHomePage: true },
        ],
        unique: [{ kind: 'openid' }],
      }),
    );
    expect(compiled.hasLimits).to.equal(true);
    expect(compiled.limitBreach([mbox('mailto:a@x'), mbox('mailto:b@x'), account('1', 'https://a'), account('1', 'https://b')])).to.equal(
      null,
    );
    expect(compiled.limitBreach([mbox('mailto:a@x'), mbox('mailto:b@x'), mbox('mailto:c@x')])).to.include({
      rule: 'limits[0]',
      code: 'rules.limit_exceeded',
      count: 3,
      max: 2,
    });
    expect(compiled.limitBreach([account('1', 'https://a'), account('2', 'https://a')])).to.include({
      rule: 'limits[1]',
      homePage: 'https://a',
      count: 2,
    });
    expect(
      compiled.limitBreach([
        { key: 'openid', value: 'https://a' },
        { key: 'openid', value: 'https://b' },
      ]),
    ).to.include({ rule: 'unique[0]', code: 'rules.unique_kind' });
    expect(compileGuardRules(DEFAULT_GUARD_RULES).hasLimits).to.equal(false);
  });
});

describe('guard rules: limits against what a persona held before', () => {
  const compiled = compileGuardRules(rules({ limits: [{ kind: 'mbox', max: 1 }] }));
  const held = [mbox('mailto:a@x'), mbox('mailto:b@x')];

  it('data that broke a limit before does not refuse an unrelated change, but a change that makes it worse is refused', () => {
    expect(compiled.limitBreach([...held, account('7')], held)).to.equal(null);
    expect(compiled.limitBreach([...held, mbox('mailto:c@x')], held)).to.include({ rule: 'limits[0]', count: 3 });
  });
});
