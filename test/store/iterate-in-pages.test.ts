// iterateInPages keeps no server cursor open between pages (MongoDB kills one idle for 10 minutes): checked through
// the real driver against the wire responder (client side only), whose cursors die as soon as a batch is answered;
// and its paging checked on the embedded store at page boundaries.
import { expect } from 'chai';
import { Long, type Document } from 'bson';
import { iterateInPages } from '../../src/store/iterate-in-pages.ts';
import { openMongoStore } from '../../src/store/mongodb/index.ts';
import { openTempEmbeddedStore } from '../support/temp-store.ts';
import { startWireResponder } from '../support/wire-responder.ts';

const rows = Array.from({ length: 7 }, (_, row) => ({ _id: row, importId: 1, row }));

/** Answers a find like a server would for this filter shape, but in batches of 2 with a cursor that is already dead. */
function answerFind(command: Document): Document {
  const after = (command.filter.$and?.[1]?.row?.$gt as number | undefined) ?? -1;
  const matches = rows.filter((row) => row.row > after).slice(0, command.limit || undefined);
  const firstBatch = matches.slice(0, 2);
  return { ok: 1, cursor: { id: matches.length > 2 ? Long.fromNumber(42) : Long.ZERO, ns: 'test.errors', firstBatch } };
}

describe('iterateInPages: a slow consumer cannot outlive a server cursor', function () {
  it('reads every row although the server forgets cursors between batches', async function () {
    const responder = await startWireResponder();
    responder.script((command, name) => {
      if (name === 'find') return answerFind(command);
      if (name === 'getMore') return { ok: 0, code: 43, codeName: 'CursorNotFound', errmsg: 'cursor id 42 not found' };
      return undefined;
    });
    const store = await openMongoStore({ url: responder.url(), dbName: 'test' });
    try {
      const read: number[] = [];
      for await (const row of iterateInPages(store.collection('errors'), { importId: 1 }, { sort: { importId: 1, row: 1 }, pageSize: 2 }))
        read.push(row.row);
      expect(read).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
      expect(responder.commands.map((command) => Object.keys(command)[0])).to.not.include('getMore');
      // The premise: one long-lived cursor (plain iterate) does need the server to remember it.
      const plain = async () => {
        for await (const _row of store.collection('errors').iterate({ importId: 1 }, { sort: { importId: 1, row: 1 } })) {
          /* drain */
        }
      };
      expect(
        await plain().then(
          () => null,
          (caught) => caught.code,
        ),
      ).to.equal(43);
    } finally {
      await store.close();
      await responder.close();
    }
  });

  it('pages by the last sort key on the embedded store, exactly at page boundaries too', async function () {
    const temp = await openTempEmbeddedStore({ indexes: false });
    try {
      const errors = temp.store.collection('errors');
      await errors.insertMany([...rows, { _id: 99, importId: 2, row: 0 }]);
      for (const pageSize of [1, 3, 7, 8]) {
        const read: number[] = [];
        for await (const row of iterateInPages(errors, { importId: 1 }, { sort: { importId: 1, row: 1 }, pageSize })) read.push(row.row);
        expect(read, `pageSize ${pageSize}`).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
      }
    } finally {
      await temp.close();
    }
  });
});
