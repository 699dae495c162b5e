import { expect } from 'chai';
import { STATEMENT_ERROR_CODES as CODES } from './errors.ts';
import {
  STATEMENT_REF_ID,
  agent,
  anonymousGroup,
  identifiedGroup,
  oauthAuthority,
  statement,
  subStatement,
} from '../../../test/support/statement-fixtures.ts';
import { validateStatement } from './statement-validation.ts';

function rejects(value: unknown, path: string, code?: string): void {
  const error = validateStatement(value);
  expect(error, `expected a rejection at ${path}`).to.not.equal(null);
  expect(error!.path).to.equal(path);
  if (code !== undefined) expect(error!.code).to.equal(code);
  expect(error!.message).to.be.a('string').and.not.equal('');
}

function accepts(value: unknown): void {
  expect(validateStatement(value)).to.equal(null);
}

const statementRef = { objectType: 'StatementRef', id: STATEMENT_REF_ID };

describe('statement checks (xapi-agents.md section 4)', () => {
  describe('shape', () => {
    it('a statement must be a JSON object', () => {
      for (const value of [null, 'x', 1, [statement()]]) rejects(value, '(statement)', CODES.invalidStatement);
    });
    it('actor, verb and object are required', () => {
      for (const part of ['actor', 'verb', 'object']) {
        const value = statement();
        delete value[part];
        rejects(value, '(statement)', CODES.invalidStatement);
      }
    });
    it('properties outside the list reject, case-sensitively', () => {
      for (const key of ['Actor', 'timeStamp', 'Version', 'voided', 'objectType', 'inProgress']) {
        rejects(statement({ [key]: 'x' }), '(statement)', CODES.invalidStatement);
      }
    });
    it('null rejects anywhere except inside extensions', () => {
      rejects(statement({ timestamp: null }), 'timestamp', CODES.invalidStatement);
      rejects(statement({ actor: agent({ name: null }) }), 'actor.name');
      rejects(statement({ object: { id: 'http://x.org/a', definition: { moreInfo: null } } }), 'object.definition.moreInfo');
      rejects(statement({ context: { contextActivities: { parent: [null] } } }), 'context.contextActivities.parent[0]');
      accepts(statement({ context: { extensions: { 'http://x.org/e': null, 'http://x.org/f': { deep: [null] } } } }));
      accepts(statement({ result: { extensions: { 'http://x.org/e': null } } }));
    });
  });

  describe('authority', () => {
    it('an Agent is accepted and validated like any Agent', () => {
      accepts(statement({ authority: agent() }));
      rejects(statement({ authority: { objectType: 'Agent' } }), 'authority', CODES.invalidAgent);
    });
    it('the anonymous two-Agent OAuth group is accepted', () => {
      accepts(statement({ authority: oauthAuthority() }));
    });
    it('an identified Group rejects', () => {
      rejects(statement({ authority: identifiedGroup() }), 'authority', CODES.invalidAuthority);
    });
    it('an anonymous Group of other than two members rejects', () => {
      rejects(statement({ authority: anonymousGroup([agent()]) }), 'authority.member', CODES.invalidAuthority);
      rejects(statement({ authority: anonymousGroup([agent(), agent(), agent()]) }), 'authority.member');
    });
  });

  describe('context', () => {
    it('must be an object with only the context properties', () => {
      rejects(statement({ context: 'x' }), 'context', CODES.invalidContext);
      rejects(statement({ context: { bad: 'foo' } }), 'context', CODES.invalidContext);
    });
    it('registration must be a UUID', () => {
      rejects(statement({ context: { registration: 'bbb' } }), 'context.registration', CODES.invalidContext);
      rejects(statement({ context: { registration: 12345 } }), 'context.registration');
    });
    it('team must be a Group', () => {
      rejects(statement({ context: { team: agent() } }), 'context.team', CODES.invalidGroup);
      rejects(statement({ context: { team: { objectType: 'Group', key: 'x' } } }), 'context.team');
      accepts(statement({ context: { team: identifiedGroup() } }));
    });
    it('statement must be a StatementRef', () => {
      rejects(
        statement({ context: { statement: { objectType: 'StatementRef', id: 'should fail' } } }),
        'context.statement',
        CODES.invalidContext,
      );
      rejects(statement({ context: { statement: subStatement() } }), 'context.statement');
      accepts(statement({ context: { statement: statementRef } }));
    });
    it('revision and platform only when the object is an Activity', () => {
      accepts(statement({ context: { revision: 'r1', platform: 'p' } }));
      accepts(statement({ object: { id: 'http://x.org/a' }, context: { revision: 'r1' } }));
      rejects(statement({ object: statementRef, context: { revision: 'r1' } }), 'context.revision', CODES.invalidContext);
      rejects(statement({ object: agent(), context: { platform: 'p' } }), 'context.platform');
    });
    it('contextAgents items are {objectType: "contextAgent", agent, relevantTypes?}', () => {
      const item = (overrides: Record<string, unknown>) =>
        statement({
          context: { contextAgents: [{ objectType: 'contextAgent', agent: agent(), ...overrides }] },
        });
      accepts(item({ relevantTypes: ['http://x.org/type'] }));
      rejects(item({ objectType: 'Should fail' }), 'context.contextAgents[0].objectType', CODES.invalidContext);
      rejects(item({ member: [] }), 'context.contextAgents[0]');
      rejects(item({ agent: { key: 'Should fail' } }), 'context.contextAgents[0].agent', CODES.invalidAgent);
      rejects(item({ agent: identifiedGroup() }), 'context.contextAgents[0].agent');
      rejects(item({ relevantTypes: [] }), 'context.contextAgents[0].relevantTypes');
      rejects(item({ relevantTypes: ['abc'] }), 'context.contextAgents[0].relevantTypes[0]');
      rejects(statement({ context: { contextAgents: {} } }), 'context.contextAgents');
    });
    it('contextGroups items are {objectType: "contextGroup", group, relevantTypes?}', () => {
      const item = (overrides: Record<string, unknown>) =>
        statement({
          context: { contextGroups: [{ objectType: 'contextGroup', group: identifiedGroup(), ...overrides }] },
        });
      accepts(item({ relevantTypes: ['http://x.org/type'] }));
      rejects(item({ objectType: 'contextAgent' }), 'context.contextGroups[0].objectType');
      rejects(item({ group: agent() }), 'context.contextGroups[0].group', CODES.invalidGroup);
      rejects(item({ relevantTypes: ['abc'] }), 'context.contextGroups[0].relevantTypes[0]');
    });
    it('a contextActivities value may be one Activity or an array of them', () => {
      accepts(statement({ context: { contextActivities: { parent: { id: 'http://x.org/p' }, category: [{ id: 'http://x.org/c' }] } } }));
      rejects(statement({ context: { contextActivities: { parent: 'http://x.org/p' } } }), 'context.contextActivities.parent');
    });
  });

  describe('verb', () => {
    it('must be an object with an IRI id', () => {
      rejects(statement({ verb: 'verb:completed' }), 'verb', CODES.invalidVerb);
      rejects(statement({ verb: { display: { 'en-US': 'x' } } }), 'verb', CODES.invalidVerb);
      rejects(statement({ verb: { id: 'ab=c://should.fail.com' } }), 'verb.id', CODES.invalidVerb);
    });
  });

  describe('object', () => {
    it('objectType is one of the five, case-sensitively', () => {
      for (const objectType of ['activity', 'statementref', 'Statement', 123]) {
        rejects(statement({ object: { objectType, id: STATEMENT_REF_ID } }), 'object.objectType', CODES.invalidObject);
      }
    });
    it('an Activity has an IRI id', () => {
      rejects(statement({ object: { objectType: 'Activity' } }), 'object', CODES.invalidObject);
      rejects(statement({ object: { id: 'Flügel' } }), 'object.id');
    });
    it('a StatementRef has a UUID id', () => {
      accepts(statement({ object: statementRef }));
      rejects(statement({ object: { objectType: 'StatementRef', id: 'should fail' } }), 'object.id', CODES.invalidObject);
      rejects(statement({ object: { objectType: 'StatementRef' } }), 'object.id');
    });
    it('a SubStatement has actor, verb and object and follows the statement rules', () => {
      accepts(statement({ object: subStatement({ timestamp: '2015-11-18T12:17:00Z', context: { registration: STATEMENT_REF_ID } }) }));
      const noActor = subStatement();
      delete noActor.actor;
      rejects(statement({ object: noActor }), 'object', CODES.invalidStatement);
      rejects(statement({ object: subStatement({ actor: agent({ mbox: 'x' }) }) }), 'object.actor.mbox');
      rejects(statement({ object: subStatement({ verb: 'x' }) }), 'object.verb');
      rejects(statement({ object: subStatement({ timestamp: 'should fail' }) }), 'object.timestamp', CODES.invalidEnvelope);
      rejects(statement({ object: subStatement({ object: statementRef, context: { revision: 'r' } }) }), 'object.context.revision');
    });
    it('a SubStatement must not carry id, stored, version, authority or another SubStatement', () => {
      for (const key of ['id', 'stored', 'version', 'authority']) {
        rejects(statement({ object: subStatement({ [key]: agent() }) }), 'object', CODES.invalidStatement);
      }
      rejects(statement({ object: subStatement({ object: subStatement() }) }), 'object.object', CODES.invalidObject);
    });
  });

  describe('voiding', () => {
    it('the voided verb needs a StatementRef object', () => {
      const voided = { id: 'http://adlnet.gov/expapi/verbs/voided' };
      accepts(statement({ verb: voided, object: statementRef }));
      rejects(statement({ verb: voided }), 'object', CODES.invalidObject);
    });
  });

  describe('envelope values', () => {
    it('id is a UUID string', () => {
      accepts(statement({ id: 'AA97B177-9383-4934-8543-0F91A7A02836' }));
      rejects(statement({ id: 'MA97B177-9383-4934-8543-0F91A7A02836' }), 'id', CODES.invalidEnvelope);
      rejects(statement({ id: 12345 }), 'id');
    });
    it('timestamp and stored are ISO 8601 date-times without a negative zero offset', () => {
      rejects(statement({ timestamp: '01/011/2015' }), 'timestamp', CODES.invalidEnvelope);
      rejects(statement({ timestamp: '2015-11-18T12:17:00-00:00' }), 'timestamp');
      rejects(statement({ stored: 'should fail' }), 'stored', CODES.invalidEnvelope);
    });
    it('version is 1.0, 1.0.x or 2.0.x', () => {
      for (const version of ['1.0', '1.0.3', '2.0.0']) accepts(statement({ version }));
      rejects(statement({ version: '0.9.9' }), 'version', CODES.invalidEnvelope);
    });
  });

  it('does not judge definitions, results, language maps or attachments', () => {
    accepts(
      statement({
        object: { id: 'http://x.org/a', definition: { type: 'course', name: 'not a map' } },
        result: { score: { scaled: 7 }, duration: 'forever' },
        attachments: 'nonsense',
      }),
    );
  });

  it('reports the first problem in a fixed order: nulls, authority, shape, then parts', () => {
    const value = statement({ Actor: 'x', verb: 'x', authority: { objectType: 'Agent' }, context: { registration: null } });
    rejects(value, 'context.registration');
    delete value.context;
    rejects(value, 'authority');
    delete value.authority;
    rejects(value, '(statement)');
  });
});

describe('lenient cases (xapi-agents.md section 5) are accepted', () => {
  it('a UUID of any version or variant', () => accepts(statement({ id: '12345678-1234-5678-1234-567812345678' })));
  it('an openid with a non-http scheme', () => accepts(statement({ actor: { openid: 'urn:openid:bob' } })));
  it('a timestamp without a zone', () => accepts(statement({ timestamp: '2015-11-18T12:17:00.123' })));
  it('an unusual but well-formed address', () => {
    accepts(statement({ actor: { mbox: 'mailto:mailto:s@s.com' } }));
    accepts(statement({ actor: { mbox: 'mailto:admin@localhost' } }));
  });
  it('a timestamp offset +0000 or +00', () => {
    accepts(statement({ timestamp: '2015-11-18T12:17:00+0000' }));
    accepts(statement({ timestamp: '2015-11-18T12:17:00+00' }));
  });
  it('a 2.0 context agent without relevantTypes', () => {
    accepts(statement({ context: { contextAgents: [{ objectType: 'contextAgent', agent: agent() }] } }));
  });
  it('an identified Group with an empty member array', () => accepts(statement({ actor: identifiedGroup({ member: [] }) })));
});
