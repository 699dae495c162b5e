import { expect } from 'chai';
import { extractAgents } from './agent-extraction.ts';
import {
  agent,
  anonymousGroup,
  identifiedGroup,
  oauthAuthority,
  statement,
  subStatement,
} from '../../../test/support/statement-fixtures.ts';
import { validateStatement } from './statement-validation.ts';

function rolesAndPaths(value: Record<string, any>, includeAuthority = false): Array<[string, string]> {
  expect(validateStatement(value), 'fixture must be valid').to.equal(null);
  return extractAgents(value, { includeAuthority }).map((found) => [found.role, found.path]);
}

const mboxOf = (name: string) => agent({ name, mbox: `mailto:${name}@example.com` });

describe('extractAgents (xapi-agents.md section 3)', () => {
  it('the actor Agent with its IFI, canonical key and persona name', () => {
    const [actor] = extractAgents(statement({ actor: { mbox: 'MAILTO:Alice@Example.com' } }), { includeAuthority: false });
    expect(actor).to.deep.equal({
      role: 'actor',
      path: 'actor',
      ifi: { key: 'mbox', value: 'MAILTO:Alice@Example.com' },
      canonicalKey: 'mbox|mailto:Alice@example.com',
      name: 'Alice@Example.com',
      ownName: null,
    });
  });

  it('an identified Group actor and then its members', () => {
    expect(rolesAndPaths(statement({ actor: identifiedGroup({ member: [mboxOf('a'), mboxOf('b')] }) }))).to.deep.equal([
      ['actor', 'actor'],
      ['member', 'actor.member[0]'],
      ['member', 'actor.member[1]'],
    ]);
  });

  it('an anonymous Group contributes only its members', () => {
    expect(rolesAndPaths(statement({ actor: anonymousGroup([mboxOf('a'), mboxOf('b')]) }))).to.deep.equal([
      ['member', 'actor.member[0]'],
      ['member', 'actor.member[1]'],
    ]);
  });

  it('an Agent or Group object (with members), but not an Activity or StatementRef', () => {
    expect(rolesAndPaths(statement({ object: mboxOf('o') }))).to.deep.equal([
      ['actor', 'actor'],
      ['object', 'object'],
    ]);
    expect(rolesAndPaths(statement({ object: identifiedGroup({ member: [mboxOf('m')] }) }))).to.deep.equal([
      ['actor', 'actor'],
      ['object', 'object'],
      ['member', 'object.member[0]'],
    ]);
    expect(rolesAndPaths(statement())).to.deep.equal([['actor', 'actor']]);
  });

  it('context instructor, team, 2.0 context agents and context groups, with members', () => {
    const context = {
      instructor: mboxOf('i'),
      team: identifiedGroup({ member: [mboxOf('t')] }),
      contextAgents: [
        { objectType: 'contextAgent', agent: mboxOf('ca') },
        { objectType: 'contextAgent', agent: mboxOf('cb') },
      ],
      contextGroups: [{ objectType: 'contextGroup', group: anonymousGroup([mboxOf('g')]), relevantTypes: ['http://x.org/t'] }],
    };
    expect(rolesAndPaths(statement({ context }))).to.deep.equal([
      ['actor', 'actor'],
      ['instructor', 'context.instructor'],
      ['team', 'context.team'],
      ['member', 'context.team.member[0]'],
      ['contextAgent', 'context.contextAgents[0].agent'],
      ['contextAgent', 'context.contextAgents[1].agent'],
      ['member', 'context.contextGroups[0].group.member[0]'],
    ]);
  });

  it('an identified context group is itself a contextGroup identity', () => {
    const context = { contextGroups: [{ objectType: 'contextGroup', group: identifiedGroup({ member: [] }) }] };
    expect(rolesAndPaths(statement({ context }))).to.deep.equal([
      ['actor', 'actor'],
      ['contextGroup', 'context.contextGroups[0].group'],
    ]);
  });

  it('the same roles inside a SubStatement, paths prefixed with object.', () => {
    const sub = subStatement({
      actor: mboxOf('sa'),
      object: mboxOf('so'),
      context: {
        instructor: mboxOf('si'),
        team: anonymousGroup([mboxOf('st')]),
        contextAgents: [{ objectType: 'contextAgent', agent: mboxOf('sca') }],
        contextGroups: [{ objectType: 'contextGroup', group: identifiedGroup({ member: [] }) }],
      },
    });
    expect(rolesAndPaths(statement({ object: sub, context: { instructor: mboxOf('i') } }))).to.deep.equal([
      ['actor', 'actor'],
      ['actor', 'object.actor'],
      ['object', 'object.object'],
      ['instructor', 'object.context.instructor'],
      ['member', 'object.context.team.member[0]'],
      ['contextAgent', 'object.context.contextAgents[0].agent'],
      ['contextGroup', 'object.context.contextGroups[0].group'],
      ['instructor', 'context.instructor'],
    ]);
  });

  it('authority (and its members) only when asked for', () => {
    expect(rolesAndPaths(statement({ authority: mboxOf('auth') }))).to.deep.equal([['actor', 'actor']]);
    expect(rolesAndPaths(statement({ authority: mboxOf('auth') }), true)).to.deep.equal([
      ['actor', 'actor'],
      ['authority', 'authority'],
    ]);
    expect(rolesAndPaths(statement({ authority: oauthAuthority() }), true)).to.deep.equal([
      ['actor', 'actor'],
      ['member', 'authority.member[0]'],
      ['member', 'authority.member[1]'],
    ]);
  });

  it('stored forms: account re-ordered, sha1 lower-cased; names fall back to a readable identifier', () => {
    const found = extractAgents(
      statement({
        actor: { account: { name: 'u42', homePage: 'https://lms.example' } },
        object: { objectType: 'Agent', mbox_sha1sum: 'CD9B00A5611F94EAA7B1661EDAB976068E364975' },
      }),
      { includeAuthority: false },
    );
    expect(found[0].ifi).to.deep.equal({ key: 'account', value: { homePage: 'https://lms.example', name: 'u42' } });
    expect(found[0].name).to.equal('u42');
    expect(found[1].canonicalKey).to.equal('mbox_sha1sum|cd9b00a5611f94eaa7b1661edab976068e364975');
  });
});
