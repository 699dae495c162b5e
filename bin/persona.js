#!/usr/bin/env node
// Entry point of the `persona` command: runs the compiled build (dist/, scripts/build-dist.js) when it is up to date
// with the sources, else the TypeScript source through tsx, so an edited checkout never runs stale code.
import { isDistFresh } from '../scripts/build-dist.js';

if (isDistFresh()) {
  await import('../dist/cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
