// The real-statement corpus (test/fixtures/xapi, see its README for sources and licences): every published valid statement must pass validation and
// extraction; every invalid one must be rejected at a path its reason names (reasons may list several problems).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { extractAgents, validateStatement } from '../src/domain/xapi/index.ts';

const dataDir = new URL('./fixtures/xapi/', import.meta.url);

function lines(file: string): string[] {
  return readFileSync(new URL(file, dataDir), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/** `"a.b: what; (statement): what (+1 more)"` → `['a.b', '(statement)']`. */
function reasonPaths(reason: string): string[] {
  return reason.split('; ').map((part) => part.slice(0, part.indexOf(': ')));
}

describe('shared xAPI corpus', () => {
  describe('xapi-valid-statements.jsonl', () => {
    const valid = lines('xapi-valid-statements.jsonl');
    it('has 457 statements', () => expect(valid).to.have.length(457));
    valid.forEach((line, index) => {
      it(`accepts line ${index + 1}`, () => {
        const statement = JSON.parse(line);
        expect(validateStatement(statement)).to.equal(null);
        const agents = extractAgents(statement, { includeAuthority: true });
        expect(agents.length).to.be.greaterThan(0);
        for (const found of agents) expect(found.canonicalKey.startsWith(`${found.ifi.key}|`)).to.equal(true);
      });
    });
  });

  describe('xapi-invalid-statements.jsonl', () => {
    const invalid = lines('xapi-invalid-statements.jsonl');
    it('has 300 statements', () => expect(invalid).to.have.length(300));
    invalid.forEach((line, index) => {
      const { reason, statement } = JSON.parse(line) as { reason: string; statement: unknown };
      it(`rejects line ${index + 1} (${reason.slice(0, 80)})`, () => {
        const error = validateStatement(statement);
        expect(error, reason).to.not.equal(null);
        expect(reasonPaths(reason), `${error!.path}: ${error!.message}`).to.include(error!.path);
        expect(error!.code.startsWith('statements.')).to.equal(true);
      });
    });
  });
});
