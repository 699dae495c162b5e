import { expect } from 'chai';
import { STATEMENT_ERROR_CODES as CODES } from './errors.ts';
import { agent, anonymousGroup, identifiedGroup, statement } from '../../../test/support/statement-fixtures.ts';
import { validateStatement } from './statement-validation.ts';

function rejects(value: unknown, path: string, code?: string): void {
  const error = validateStatement(value);
  expect(error, `expected a rejection at ${path}`).to.not.equal(null);
  expect(error!.path).to.equal(path);
  if (code !== undefined) expect(error!.code).to.equal(code);
}

function accepts(value: unknown): void {
  expect(validateStatement(value)).to.equal(null);
}

describe('Agent rules (xapi-agents.md section 1)', () => {
  it('objectType is optional for the actor and exactly "Agent" when given', () => {
    accepts(statement({ actor: { mbox: 'mailto:a@example.com' } }));
    rejects(statement({ actor: agent({ objectType: 'agent' }) }), 'actor.objectType', CODES.invalidAgent);
    rejects(statement({ actor: agent({ objectType: 'Person' }) }), 'actor.objectType', CODES.invalidAgent);
  });

  it('objectType is required when an Agent is the object (without it the object is an Activity)', () => {
    accepts(statement({ object: agent() }));
    rejects(statement({ object: { mbox: 'mailto:a@example.com' } }), 'object', CODES.invalidObject);
  });

  it('name must be a string', () => {
    rejects(statement({ actor: agent({ name: 123 }) }), 'actor.name', CODES.invalidAgent);
    rejects(statement({ actor: agent({ name: { key: 'value' } }) }), 'actor.name');
    accepts(statement({ actor: agent({ name: '' }) }));
  });

  it('an Agent without any IFI rejects', () => {
    rejects(statement({ actor: { objectType: 'Agent', name: 'Nobody' } }), 'actor', CODES.invalidAgent);
  });

  it('an Agent with two or more IFIs rejects', () => {
    rejects(statement({ actor: agent({ openid: 'http://openid.example.org/1' }) }), 'actor', CODES.invalidAgent);
    rejects(
      statement({
        actor: agent({ mbox_sha1sum: 'cd9b00a5611f94eaa7b1661edab976068e364975', account: { homePage: 'http://x.org', name: 'n' } }),
      }),
      'actor',
    );
  });

  it('properties outside objectType, name and the IFIs reject', () => {
    rejects(statement({ actor: agent({ bad: 'blah', foo: 'bar' }) }), 'actor', CODES.invalidAgent);
    rejects(statement({ actor: agent({ member: [] }) }), 'actor');
  });

  it('a value of the wrong JSON type rejects', () => {
    rejects(statement({ actor: 'mailto:a@example.com' }), 'actor', CODES.invalidAgent);
    rejects(statement({ actor: [agent()] }), 'actor');
    rejects(statement({ context: { instructor: 'should fail' } }), 'context.instructor');
  });

  describe('IFI values', () => {
    it('mbox must start with mailto:', () => {
      rejects(statement({ actor: agent({ mbox: 'http://should.fail.com' }) }), 'actor.mbox', CODES.invalidIfi);
    });
    it('mbox must be mailto:local@domain', () => {
      rejects(statement({ actor: agent({ mbox: 'mailto:should.fail.com' }) }), 'actor.mbox', CODES.invalidIfi);
      rejects(statement({ actor: agent({ mbox: 'mailto:a b@example.com' }) }), 'actor.mbox');
    });
    it('mbox must be a string', () => {
      rejects(statement({ actor: agent({ mbox: ['mailto:a@example.com'] }) }), 'actor.mbox', CODES.invalidIfi);
    });
    it('mbox_sha1sum must be a string of 40 hex characters', () => {
      const sha1 = (value: unknown) => statement({ actor: { mbox_sha1sum: value } });
      rejects(sha1({ key: 'value' }), 'actor.mbox_sha1sum', CODES.invalidIfi);
      rejects(sha1('notarealsum'), 'actor.mbox_sha1sum');
      accepts(sha1('CD9B00A5611F94EAA7B1661EDAB976068E364975'));
    });
    it('openid must be an absolute URI', () => {
      rejects(statement({ actor: { openid: 'ab=c://should.fail.com' } }), 'actor.openid', CODES.invalidIfi);
      rejects(statement({ actor: { openid: 'bob.bobson.openid.org' } }), 'actor.openid');
    });
    it('account needs homePage and name and nothing else', () => {
      const account = (value: unknown) => statement({ actor: { account: value } });
      rejects(account({ name: 'n' }), 'actor.account', CODES.invalidIfi);
      rejects(account({ homePage: 'http://example.com' }), 'actor.account');
      rejects(account({ homePage: 'http://example.com', name: 'n', id: 1 }), 'actor.account');
      rejects(account('http://example.com|n'), 'actor.account');
    });
    it('account.homePage must be an absolute IRL and account.name a string', () => {
      rejects(statement({ actor: { account: { homePage: 'ab=c://should.fail.com', name: 'n' } } }), 'actor.account.homePage');
      rejects(statement({ actor: { account: { homePage: 'http://example.com', name: { key: 'value' } } } }), 'actor.account.name');
    });
  });

  it('applies the same rules wherever an Agent appears', () => {
    rejects(statement({ context: { instructor: agent({ mbox: 'mailto:x' }) } }), 'context.instructor.mbox');
    rejects(statement({ object: agent({ openid: 'nope' }) }), 'object.openid');
    rejects(statement({ authority: agent({ name: 1 }) }), 'authority.name');
    rejects(
      statement({ actor: anonymousGroup([agent(), { mbox_sha1sum: 'esydnag7fhxkquopagrr4aiputa=' }]) }),
      'actor.member[1].mbox_sha1sum',
    );
  });
});

describe('Group rules (xapi-agents.md section 2)', () => {
  it('objectType "Group" is required and case-sensitive', () => {
    rejects(statement({ actor: { ...anonymousGroup(), objectType: 'group' } }), 'actor.objectType');
    rejects(statement({ object: { ...anonymousGroup(), objectType: 'group' } }), 'object.objectType', CODES.invalidObject);
  });

  it('an anonymous Group needs a non-empty member list', () => {
    rejects(statement({ actor: { objectType: 'Group', name: 'Group Anonymous' } }), 'actor', CODES.invalidGroup);
    rejects(statement({ actor: anonymousGroup([]) }), 'actor', CODES.invalidGroup);
    accepts(statement({ actor: anonymousGroup() }));
  });

  it('an identified Group has exactly one IFI and an optional member list', () => {
    accepts(statement({ actor: identifiedGroup() }));
    accepts(statement({ actor: identifiedGroup({ member: undefined }) }));
    rejects(statement({ actor: identifiedGroup({ openid: 'http://openid.example.org/1' }) }), 'actor', CODES.invalidGroup);
  });

  it('member must be an array of Agents, never Groups', () => {
    rejects(statement({ actor: identifiedGroup({ member: agent() }) }), 'actor.member', CODES.invalidGroup);
    rejects(statement({ actor: anonymousGroup([identifiedGroup()]) }), 'actor.member[0]', CODES.invalidAgent);
    rejects(statement({ actor: anonymousGroup([agent({ objectType: 'agent' })]) }), 'actor.member[0].objectType');
    rejects(statement({ actor: anonymousGroup(['mailto:a@example.com']) }), 'actor.member[0]');
  });

  it('properties outside objectType, name, member and the IFIs reject', () => {
    rejects(statement({ actor: identifiedGroup({ key: 'should fail' }) }), 'actor', CODES.invalidGroup);
  });

  it('accepts an identified Group with an empty member array (section 5)', () => {
    accepts(statement({ actor: identifiedGroup({ member: [] }) }));
  });
});
