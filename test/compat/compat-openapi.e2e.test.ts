// The OpenAPI document of the real app lists every compatibility route (compat spec 3.7 routes 1-23 and 29,
// `/crud/personas`) with its methods, next to the native /v1 routes.
import { expect } from 'chai';
import { startCompatApp, type CompatApp } from './support/compat-app.ts';

const EXPECTED: Array<[string, string[]]> = [
  ['/api/v2/persona/count', ['get']],
  ['/api/v2/persona', ['get', 'post', 'put']],
  ['/api/v2/persona/{personaId}', ['get', 'post', 'put', 'patch', 'delete']],
  ['/api/connection/persona', ['get']],
  ['/api/mergepersona', ['post']],
  ['/api/v2/personaidentifier/count', ['get']],
  ['/api/v2/personaidentifier', ['get', 'post', 'put']],
  ['/api/v2/personaidentifier/{personaIdentifierId}', ['get', 'post', 'put', 'patch', 'delete']],
  ['/api/v2/personaidentifier/upsert', ['post']],
  ['/api/connection/personaidentifier', ['get']],
  ['/api/v2/personaattribute', ['get', 'post', 'delete']],
  ['/api/v2/personaattribute/count', ['get']],
  ['/api/v2/personaattribute/{id}', ['get', 'post', 'put', 'patch', 'delete']],
  ['/api/v2/personaattribute/{id}/shallow', ['get']],
  ['/api/connection/personaattribute', ['get']],
  ['/api/indexes/{model}', ['get']],
  ['/crud/personas', ['get', 'post', 'put', 'delete']],
];

describe('OpenAPI document: compatibility routes', () => {
  let app: CompatApp;
  before(async () => {
    app = await startCompatApp();
  });
  after(async () => app.close());

  it('lists every /api and /crud route with its methods and documented statuses', async () => {
    const res = await app.call('GET', '/openapi.json', { client: null });
    expect(res.status).to.equal(200);
    const paths = res.body.paths as Record<string, Record<string, any>>;
    for (const [path, methods] of EXPECTED) {
      expect(paths, path).to.have.property(path);
      expect(Object.keys(paths[path]).sort(), path).to.deep.equal([...methods].sort());
    }
    expect(paths['/api/v2/personaattribute'].post.responses).to.have.property('201');
    expect(paths['/api/v2/personaattribute/{id}'].delete.responses).to.have.property('204');
    expect(paths['/crud/personas'].post.responses).to.have.property('201');
    expect(paths['/api/v2/persona/{personaId}'].get.responses['404'].description).to.match(/No model found for Persona/);
    expect(paths).to.have.property('/v1/personas');
  });
});
