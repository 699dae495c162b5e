// The storage contract: one mocha suite of the port's semantics, run identically against every adapter (like
// abstract-level's shared suite). A behaviour not tested here is not promised by the port.
import type { Collection, Store } from '../../src/store/port.ts';
import { describeCrudContract } from './contract-crud.ts';
import { describeIndexContract } from './contract-indexes.ts';
import { describeQueryContract } from './contract-queries.ts';
import { describeUpdateContract } from './contract-updates.ts';
import { describeBulkAndAtomicContract } from './contract-bulk.ts';
import { describeAggregateContract } from './contract-aggregate.ts';
import { describeChangesContract } from './contract-changes.ts';

export type OpenFreshStore = () => Promise<Store>;

/** Gives each test a fresh store and a uniquely named collection; closes the store afterwards. */
export interface ContractFixture {
  store(): Store;
  collection(name?: string): Collection;
}

export function describeStoreContract(adapterName: string, openFreshStore: OpenFreshStore): void {
  describe(`storage contract: ${adapterName}`, function () {
    let store: Store | null = null;
    let counter = 0;
    beforeEach(async function () {
      store = await openFreshStore();
    });
    afterEach(async function () {
      await store?.close();
      store = null;
    });
    const fixture: ContractFixture = {
      store: () => store!,
      collection: (name) => store!.collection(name ?? `contract_${process.pid}_${(counter += 1)}`),
    };
    describeCrudContract(fixture);
    describeQueryContract(fixture);
    describeIndexContract(fixture);
    describeUpdateContract(fixture);
    describeBulkAndAtomicContract(fixture);
    describeAggregateContract(fixture);
    describeChangesContract(fixture);
  });
}
