// The GitHub Actions workflow cannot run here; this checks that it says what the README promises: `npm test` with
// MONGODB_URL naming the replica set the job starts (MongoDB 7, waited for until writable) and a Redis service.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse } from 'yaml';

const workflow = parse(readFileSync(new URL('../.github/workflows/mongodb.yml', import.meta.url), 'utf8')) as Record<string, any>;
const job = workflow.jobs.test;
const steps: Array<Record<string, any>> = job.steps;

describe('CI workflow: the whole suite on MongoDB', () => {
  it('starts MongoDB 7 as replica set rs0 and waits for a writable primary before the tests', () => {
    const start = steps.findIndex((step) => /docker run .*mongo:7 .*--replSet rs0/.test(step.run ?? ''));
    expect(start, 'a step starting mongo:7 with --replSet rs0').to.be.greaterThan(-1);
    expect(steps[start].run)
      .to.match(/rs\.initiate\(\{ _id: 'rs0'/)
      .and.match(/isWritablePrimary/)
      .and.match(/exit 1/);
    expect(start).to.be.lessThan(steps.findIndex((step) => step.run === 'npm test'));
  });

  it('runs exactly npm test with MONGODB_URL on that replica set and REDIS_URL on the Redis service', () => {
    const test = steps.find((step) => step.run === 'npm test');
    expect(test?.env.MONGODB_URL).to.equal('mongodb://127.0.0.1:27017/?replicaSet=rs0');
    expect(test?.env.REDIS_URL).to.equal('redis://127.0.0.1:6379');
    expect(job.services.redis.image).to.match(/^redis:/);
    expect(job.services.redis.ports).to.include('6379:6379');
  });

  it('installs from the lockfile on the Node version the package requires', () => {
    expect(steps.some((step) => step.run === 'npm ci')).to.equal(true);
    const node = steps.find((step) => String(step.uses).startsWith('actions/setup-node'));
    expect(String(node?.with['node-version'])).to.equal('20');
  });
});
