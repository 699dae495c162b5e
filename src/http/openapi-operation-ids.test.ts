import { expect } from 'chai';
import { addOperationIds, operationIdFor } from './openapi-operation-ids.ts';

describe('OpenAPI operationIds', () => {
  it('are the method and the path in camel case, parameters as By<Name>, without the native /v1', () => {
    expect(operationIdFor('get', '/v1/personas/{id}/attributes')).to.equal('getPersonasByIdAttributes');
    expect(operationIdFor('put', '/v1/persona-links/{id}')).to.equal('putPersonaLinksById');
    expect(operationIdFor('delete', '/api/v2/personaidentifier/{personaIdentifierId}')).to.equal(
      'deleteApiV2PersonaidentifierByPersonaIdentifierId',
    );
    expect(operationIdFor('get', '/openapi.json')).to.equal('getOpenapiJson');
  });

  it('keep an operationId given by the route, and refuse two operations with one id', () => {
    const paths: Record<string, Record<string, { operationId?: string }>> = {
      '/v1/a': { get: {}, post: { operationId: 'createA' } },
      '/v1/b': { get: {} },
    };
    addOperationIds(paths);
    expect(paths['/v1/a'].get.operationId).to.equal('getA');
    expect(paths['/v1/a'].post.operationId).to.equal('createA');
    expect(() => addOperationIds({ '/v1/x': { get: {} }, '/v1/y': { get: { operationId: 'getX' } } })).to.throw(
      /getX of get \/v1\/y is already get \/v1\/x's/,
    );
  });
});
