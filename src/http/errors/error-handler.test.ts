import { expect } from 'chai';
import type { Request, Response } from 'express';
import { identityError } from '../../core/errors/api-error.ts';
import { JobNotFoundError } from '../../features/jobs/jobs.service.ts';
import { DocumentRefusedError } from '../../store/document-refused.ts';
import { ApiError } from '../../core/errors/api-error.ts';
import { errorHandler, resourceOfPath } from './error-handler.ts';
import { ERROR_REGISTRY } from '../../core/errors/error-registry.ts';

function render(error: unknown, path = '/v1/personas') {
  const sent: { status?: number; body?: any; headers: Record<string, string> } = { headers: {} };
  const res = {
    headersSent: false,
    locals: {},
    set(headers: Record<string, string>) {
      Object.assign(sent.headers, headers);
      return this;
    },
    status(status: number) {
      sent.status = status;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
      return this;
    },
  } as unknown as Response;
  errorHandler(error, { path, id: 'req-1', log: { error() {} } } as unknown as Request, res, () => {});
  return sent;
}

describe('error middleware', () => {
  it('renders ApiError through the registry, with details and headers', () => {
    const sent = render(
      new ApiError('personas.persona_merged', { params: { id: 'a', target: 'b' }, headers: { Location: '/v1/personas/b' } }),
    );
    expect(sent.status).to.equal(308);
    expect(sent.headers.Location).to.equal('/v1/personas/b');
    expect(sent.body).to.deep.equal({ error: { code: 'personas.persona_merged', message: 'Persona a was merged into b', details: [] } });
  });

  it('maps errors of other modules that carry a registered code (identity, jobs)', () => {
    expect(render(identityError('merges.merge_in_progress', 'busy')).status).to.equal(409);
    const job = render(new JobNotFoundError('j1'));
    expect(job.status).to.equal(404);
    expect(job.body.error.code).to.equal('jobs.job_not_found');
  });

  it('turns body-parser failures into failed_to_serialize of the resource, and 413', () => {
    const parse = Object.assign(new Error('Unexpected token'), { type: 'entity.parse.failed', status: 400 });
    expect(render(parse, '/v1/persona-links').body.error.code).to.equal('links.failed_to_serialize');
    expect(render(parse, '/v1/personas/abc/attributes/level').body.error.code).to.equal('attributes.failed_to_serialize');
    const large = render(Object.assign(new Error('too large'), { type: 'entity.too.large', limit: 100 }));
    expect(large.status).to.equal(413);
    expect(large.body.error.code).to.equal('request.payload_too_large');
  });

  it('answers 500 internal.unexpected_error for anything else, without leaking its message', () => {
    const sent = render(new Error('secret internals'));
    expect(sent.status).to.equal(500);
    expect(sent.body.error.code).to.equal('internal.unexpected_error');
    expect(JSON.stringify(sent.body)).to.not.include('secret internals');
  });

  it('answers a document the store refuses with 413 or 422 and a registered code, not 500', () => {
    const large = render(new DocumentRefusedError('too_large', 'Document is larger than the maximum size 16777216'));
    expect([large.status, large.body.error.code]).to.deep.equal([413, 'store.document_too_large']);
    const badKey = render(new DocumentRefusedError('invalid_key', 'key a\u0000b must not contain null bytes'));
    expect([badKey.status, badKey.body.error.code]).to.deep.equal([422, 'store.invalid_document']);
  });

  it('names the resource of every body route', () => {
    expect(
      ['/v1/identifiers', '/v1/clients', '/v1/statements', '/v1/resolve', '/v1/personas/x/merge', '/health'].map(resourceOfPath),
    ).to.deep.equal(['identifiers', 'clients', 'statements', 'resolve', 'merges', 'request']);
  });

  it('registers every code with a status and a message', () => {
    for (const [code, definition] of Object.entries(ERROR_REGISTRY)) {
      expect(code).to.match(/^[a-z]+\.[a-z_]+$/);
      expect(definition.status).to.be.within(300, 599);
      expect(definition.message).to.be.a('string').and.not.equal('');
    }
  });
});
