// The write side of the xAPI Statements resource. POST takes one statement or an array and answers 200 with the
// statement ids in request order; PUT stores one statement under ?statementId= and answers 204. Statements go into
// the same sink as POST /v1/statements (resolved inline, or queued when the queue is on: accepted means durably
// enqueued, so resolved eventually). This service keeps no statements, so a re-sent id cannot be compared with what
// was sent before: it is resolved again, which changes nothing (resolution is idempotent), and never answers 409.
import type { Request, Router } from 'express';
import { isUuid } from '../domain/xapi/index.ts';
import { callerOf, requireScope } from '../http/auth/authenticate.ts';
import { apiError } from '../core/errors/api-error.ts';
import type { StatementSink } from '../features/statements/statement-sink.ts';
import { statementsFromMultipart } from './multipart-statements.ts';
import { prepareStatements, unwrapForwardedDocument } from './statement-batch.ts';

/** The statements of the body: JSON, or the first part of multipart/mixed (with attachments); 400 otherwise. */
function statementsBody(req: Request): unknown {
  if (req.is('application/json')) return req.body;
  if (req.is('multipart/mixed') && Buffer.isBuffer(req.body)) return statementsFromMultipart(req.body, req.get('content-type')!);
  throw apiError('xapi.unsupported_content_type', { contentType: req.get('content-type') ?? 'none' });
}

function statementIdParameter(req: Request): string {
  const statementId = req.query.statementId;
  if (statementId === undefined || statementId === '') throw apiError('xapi.statement_id_required');
  if (typeof statementId !== 'string' || !isUuid(statementId))
    throw apiError('xapi.invalid_statement_id', { id: JSON.stringify(statementId) });
  return statementId;
}

export function registerXapiStatementRoutes(router: Router, { sink }: { sink: StatementSink }): void {
  router.post('/statements', requireScope('statements:write'), async (req, res) => {
    const body = statementsBody(req);
    const isBatch = Array.isArray(body);
    const items = isBatch ? body : [body];
    if (items.length === 0) throw apiError('xapi.invalid_body');
    const { statements, ids } = prepareStatements(items, { isBatch });
    await sink.submit(callerOf(res), statements, { wait: false });
    res.status(200).json(ids);
  });

  router.put('/statements', requireScope('statements:write'), async (req, res) => {
    const statementId = statementIdParameter(req);
    const body = statementsBody(req);
    if (Array.isArray(body)) throw apiError('xapi.single_statement_expected');
    const unwrapped = unwrapForwardedDocument(body);
    if (typeof unwrapped !== 'object' || unwrapped === null) throw apiError('xapi.invalid_body');
    const given = unwrapped as Record<string, unknown>;
    // 1.0.3 Communication 2.1.1: the id in the body, when present, must be the statementId parameter.
    if (given.id !== undefined && (typeof given.id !== 'string' || given.id.toLowerCase() !== statementId.toLowerCase())) {
      throw apiError('xapi.statement_id_mismatch', { id: JSON.stringify(given.id), statementId });
    }
    const { statements } = prepareStatements([{ ...given, id: given.id ?? statementId }], { isBatch: false });
    await sink.submit(callerOf(res), statements, { wait: false });
    res.status(204).end();
  });
}
