// Auto-merge rules over the real app: off by default (409), and when AUTO_MERGE_CERTAIN=true every certain pair is
// merged into the older persona and recorded in the merge history by `auto-merge`.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { createPersona, expectError, mboxIfi, accountIfi, startTestApi, type TestApi } from './support/identity-api.ts';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

describe('HTTP: auto-merge rules', () => {
  let api: TestApi;
  afterEach(async () => {
    await api.close();
  });

  async function seed(): Promise<{ older: string; newer: string; other: string }> {
    const older = await createPersona(api, { name: 'Ann', identifiers: [mboxIfi('ann@example.org')] });
    const newer = await createPersona(api, { name: 'A.', identifiers: [{ key: 'mbox_sha1sum', value: sha1('mailto:ann@example.org') }] });
    const other = await createPersona(api, { name: 'Ann', identifiers: [accountIfi('http://lms.example.org', 'ann')] });
    return { older, newer, other };
  }

  it('are off by default: 409 duplicates.auto_merge_off and nothing merged', async () => {
    api = await startTestApi();
    await seed();
    expectError(await api.request('POST', '/v1/duplicates/auto-merge'), 409, 'duplicates.auto_merge_off');
    expect((await api.request('GET', '/v1/merges')).body.data).to.deep.equal([]);
  });

  it('when on, merge only certain pairs into the older persona, recorded in the history by auto-merge', async () => {
    api = await startTestApi({ AUTO_MERGE_CERTAIN: 'true' });
    const { older, newer, other } = await seed();
    const answer = await api.request('POST', '/v1/duplicates/auto-merge');
    expect(answer.status).to.equal(200);
    expect(answer.body.merges).to.have.length(1);
    const history = (await api.request('GET', '/v1/merges')).body.data;
    expect(history).to.have.length(1);
    expect(history[0]).to.include({ actor: 'auto-merge' });
    expect((await api.request('GET', `/v1/personas/${newer}`)).status).to.equal(308);
    const target = (await api.request('GET', `/v1/personas/${older}`)).body;
    expect(target.identifiers.map((identifier: any) => identifier.ifi.key).sort()).to.deep.equal(['mbox', 'mbox_sha1sum']);
    expect((await api.request('GET', `/v1/personas/${other}`)).status, 'a same-name pair is not certain').to.equal(200);
    expect((await api.request('POST', '/v1/duplicates/auto-merge')).body.merges).to.deep.equal([]);
  });
});
