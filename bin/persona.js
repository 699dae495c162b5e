#!/usr/bin/env node
// Entry point of the `persona` command: loads the TypeScript CLI through tsx, so no build step is needed.
import { register } from 'node:module';

register('tsx/esm', import.meta.url);
await import('../src/cli/main.ts');
