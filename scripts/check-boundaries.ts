// `npm run lint`'s architecture step: fails, naming each breach, when src/ breaks a boundary rule or two units import
// each other in a loop (scripts/boundaries/), except the known ones still being removed; and when a known one is
// gone (remove it from known-breaches.ts).
import { fileURLToPath } from 'node:url';
import { breachKey, checkBoundaries } from './boundaries/check-boundaries.ts';
import { KNOWN_BREACHES } from './boundaries/known-breaches.ts';

const found = await checkBoundaries(fileURLToPath(new URL('..', import.meta.url)));
const foundKeys = new Set(found.map(breachKey));
const breaches = [
  ...found.filter((line) => !Object.hasOwn(KNOWN_BREACHES, breachKey(line))),
  ...Object.keys(KNOWN_BREACHES)
    .filter((key) => !foundKeys.has(key))
    .map((key) => `fixed, remove it from known-breaches.ts: ${key}`),
];
for (const breach of breaches) console.error(breach);
if (breaches.length) {
  console.error(`${breaches.length} architecture breach(es): see docs/architecture.md`);
  process.exitCode = 1;
}
