import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { checkBoundaries } from '../../scripts/boundaries/check-boundaries.ts';

// The lint step's boundary check (scripts/check-boundaries.ts) run over a fixture tree that breaks the rules on
// purpose: it must name every breach, and nothing the rules allow.
describe('architecture boundary check', () => {
  it('names a core file importing a transport, a service importing a transport, and a cycle of feature slices', async () => {
    const root = fileURLToPath(new URL('../fixtures/boundaries', import.meta.url));
    const breaches = await checkBoundaries(root);
    expect(breaches).to.include('core-imports-no-transport: src/core/errors.ts -> src/http/route.ts');
    expect(breaches).to.include('services-know-no-transport: src/features/alpha/alpha.service.ts -> src/http/route-name.ts');
    expect(breaches.some((line) => line.startsWith('unit-cycle: src/features/alpha -> src/features/beta'))).to.equal(true);
    expect(breaches.some((line) => line.startsWith('unit-cycle: src/features/beta -> src/features/alpha'))).to.equal(true);
    // Allowed arrows (a transport importing domain and a feature) are not breaches in themselves.
    expect(breaches.filter((line) => line.includes('src/http/route.ts -> src/domain'))).to.deep.equal([]);
  });
});
