// Secrets never logged, over a larger run than one session: several suites (the authorisation matrix: every route
// with six kinds of caller, revoked and lower-privileged clients among them; authentication, clients, personas and
// identifiers on /v1, the Learning Locker surface, statements, imports) run in a child mocha with every test app
// logging at trace level into one file (PERSONA_TRACE_LOG, test/support/trace-log.ts), which also collects every
// secret and token those apps created or answered. No log line may hold any of them, nor an Authorization header's
// credentials. The single-session test beside this one also checks identifiers are redacted. SECRETS_LONG=1 runs more.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { makeTempDir } from '../support/temp-store.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** In npm test: suites that create clients, sign in every way and pass wrong secrets, in seconds. */
const SUITES = ['test/http/auth-and-operations.test.ts', 'test/compat/ll-personas.e2e.test.ts', 'test/identity/imports-http.test.ts'];
/** SECRETS_LONG=1 adds these (3 min here: the matrix alone is 2,000 log lines and 90 clients). */
const LONG_SUITES = [
  'test/http/authorisation-matrix.test.ts',
  'test/http/identifiers-attributes-links.test.ts',
  'test/http/statements.test.ts',
];
const RUN = process.env.SECRETS_LONG === '1' ? [...SUITES, ...LONG_SUITES] : SUITES;
const LONG = process.env.SECRETS_LONG === '1';

describe('secrets never reach the logs of several suites run at trace level', function () {
  this.timeout(600_000);

  it('no line of the run holds a secret, a token or credentials, and the run logged and created plenty', async () => {
    const log = join(makeTempDir('persona-trace-log-'), 'run.log');
    // One child run, after which this process goes on: never two mocha runs at once doing work.
    await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--reporter', 'dot', ...RUN], {
      cwd: ROOT,
      env: { ...process.env, PERSONA_TRACE_LOG: log },
      maxBuffer: 64 * 1024 * 1024,
    });
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const secrets = [...new Set(existsSync(`${log}.secrets`) ? readFileSync(`${log}.secrets`, 'utf8').split('\n').filter(Boolean) : [])];
    console.log(`      ${RUN.length} suites: ${lines.length} log lines at trace level, ${secrets.length} secrets and tokens created`);
    expect(lines.length).to.be.above(LONG ? 1000 : 100);
    expect(secrets.length).to.be.above(LONG ? 100 : 20);
    for (const secret of secrets) {
      const leaking = lines.filter((line) => line.includes(secret) || line.includes(encodeURIComponent(secret)));
      expect(leaking.slice(0, 3), `secret ${secret.slice(0, 4)}…`).to.deep.equal([]);
    }
    expect(lines.filter((line) => /authorization|Basic [A-Za-z0-9+/=]{8,}|Bearer \S+\.\S+/i.test(line)).slice(0, 3)).to.deep.equal([]);
  });
});
