// ObjectIds read through the MongoDB driver are instances of bson's CommonJS class, not of the ESM class the app
// imports when it runs as `npm start` does. The child (test/store/fixtures/driver-object-ids-child.ts) loads the app
// that way, takes ids the real driver decoded from wire-responder replies (client side only, no database) and passes
// them to every place the app recognises ids; this file checks what it reports.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const CHILD = fileURLToPath(new URL('./fixtures/driver-object-ids-child.ts', import.meta.url));

function runChild(): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(stdout.trim().split('\n').at(-1)!)) : reject(new Error(`child exited ${code}: ${stderr}`)),
    );
  });
}

describe('ObjectIds decoded by the MongoDB driver are recognised everywhere (client side only)', function () {
  let facts: Record<string, any>;
  before(async function () {
    facts = await runChild();
  });

  it('(premise) the driver hands the app ids of another ObjectId class', function () {
    expect(facts.driverRead).to.deep.equal({ isAppObjectId: false, text: facts.rows[0] });
  });

  it('a list cursor built from a driver-read row round-trips to an ObjectId', function () {
    expect(facts.cursorPosition).to.deep.equal({ isAppObjectId: true, text: facts.rows[1] });
  });

  it("the next page's keyset condition compares that ObjectId, not its hex text (which matches nothing on MongoDB)", function () {
    expect(facts.keysetBound).to.deep.equal({ isAppObjectId: true, text: facts.rows[1] });
  });

  it('a Learning Locker PS cursor writes a driver-read _id as {"$oid"}, as LL does', function () {
    expect(facts.llCursor).to.deep.equal({ _id: { $oid: facts.rows[0] } });
  });

  it('the Learning Locker persona filter accepts a driver-read persona id', function () {
    expect(facts.personaFilter).to.deep.include({ text: facts.rows[0] });
  });

  it('the embedded engine stores a driver-read id as an ObjectId and finds it by either class', function () {
    expect(facts.embeddedStored).to.deep.equal({ isAppObjectId: true, text: facts.rows[0] });
    expect(facts.embeddedCounts).to.deep.equal([1, 1]);
  });
});
