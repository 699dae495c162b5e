// prepareStatements: the xAPI rules a request must pass before anything is resolved.
import { expect } from 'chai';
import { ApiError } from '../core/errors/api-error.ts';
import { prepareStatements, unwrapForwardedDocument } from './statement-batch.ts';

const statement = (extra: Record<string, unknown> = {}) => ({
  actor: { mbox: 'mailto:ada@example.org' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
  object: { id: 'https://example.org/a' },
  ...extra,
});
const GIVEN = '6690e6c9-3ef0-4ed3-8b37-7f3964730bee';

function rejection(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('prepareStatements (xAPI Statements resource)', () => {
  it('assigns an id to statements without one, keeps given ids, and answers them in request order', () => {
    const sent = [statement(), statement({ id: GIVEN })];
    const { statements, ids } = prepareStatements(sent, { isBatch: true, newId: () => 'assigned-1' });
    expect(ids).to.deep.equal(['assigned-1', GIVEN]);
    expect(statements[0]).to.deep.equal({ id: 'assigned-1', ...statement() });
    expect(sent[0]).to.not.have.property('id');
  });

  it('rejects the whole request with one detail per bad statement, paths prefixed by the index in a batch', () => {
    const error = rejection(() =>
      prepareStatements([statement(), statement({ actor: { mbox: 'ada@example.org' } }), 'text'], { isBatch: true }),
    );
    expect(error.code).to.equal('xapi.statements_rejected');
    expect(error.status).to.equal(400);
    expect(error.details.map((entry) => [entry.path, entry.code])).to.deep.equal([
      ['[1].actor.mbox', 'statements.invalid_ifi'],
      ['[2]', 'statements.invalid_statement'],
    ]);
    expect(rejection(() => prepareStatements([statement({ verb: {} })], { isBatch: false })).details[0].path).to.equal('verb');
  });

  it('rejects one id given twice, whatever its case', () => {
    const error = rejection(() => prepareStatements([statement({ id: GIVEN }), statement({ id: GIVEN.toUpperCase() })], { isBatch: true }));
    expect(error.details).to.have.length(1);
    expect(error.details[0]).to.include({ path: '[1].id', code: 'xapi.duplicate_statement_id' });
  });

  it("unwraps Learning Locker's forwarded model, never a statement", () => {
    const model = { _id: '5f1e2d3c4b5a697887766554', organisation: 'x', statement: statement({ id: GIVEN }) };
    expect(unwrapForwardedDocument(model)).to.deep.equal(statement({ id: GIVEN }));
    expect(prepareStatements([model], { isBatch: false }).ids).to.deep.equal([GIVEN]);
    const notAModel = { ...statement(), statement: statement() };
    expect(unwrapForwardedDocument(notAModel)).to.equal(notAModel);
    expect(rejection(() => prepareStatements([notAModel], { isBatch: false })).details[0].code).to.equal('statements.invalid_statement');
  });
});
