// The storage contract against the embedded engine, each test in a fresh data directory.
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import { describeStoreContract } from './contract.ts';
import { freshDataDir } from './temp-dir.ts';

describeStoreContract('embedded', () => openEmbeddedStore({ dataDir: freshDataDir(), mapSizeGb: 1 }));
