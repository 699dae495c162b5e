// A module loader hook for tests that ask which packages a process loads: `node --import <this file> …` appends
// every URL the ES module loader resolves to the file named by MODULE_RECORD_FILE, one per line. The hooks run on
// the loader's own thread, so they write to a file rather than share memory with the process they observe.
import { register } from 'node:module';

if (process.env.MODULE_RECORD_FILE) {
  register('./module-recorder-hooks.mjs', import.meta.url, { data: { file: process.env.MODULE_RECORD_FILE } });
}
