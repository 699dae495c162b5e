// Unit tests of the admin app's non-trivial client logic (admin/src/lib, api, auth): pure modules, no browser.
import { expect } from 'chai';
import { apiErrorOf, toApiError } from '../../admin/src/api/api-error.ts';
import { authorizationOf, clearCredentials, readCredentials, saveCredentials } from '../../admin/src/auth/session.ts';
import { displayName, identifierText } from '../../admin/src/lib/display-name.ts';
import { guessColumn, importProgress, mappingOf } from '../../admin/src/lib/import-mapping.ts';
import {
  conflictIdentifierIds,
  conflictLines,
  movedIdentifierLines,
  movedSummary,
  undoConflictLines,
  type PreviewLike,
} from '../../admin/src/lib/merge-text.ts';
import {
  countParameters,
  DEFAULT_QUERY,
  listParameters,
  queryFromUrl,
  queryToUrl,
  searchTargetOf,
  withChange,
} from '../../admin/src/lib/people-query.ts';

describe('admin app: the People query', () => {
  it('round-trips through the URL, and a default query leaves the URL empty', () => {
    const query = {
      ...DEFAULT_QUERY,
      text: 'ada',
      active: 'true' as const,
      kind: 'account' as const,
      attributeKey: 'cohort',
      attributeValue: '2024',
      sort: '-createdAt' as const,
      after: 'c1',
    };
    const url = queryToUrl(query);
    expect(url.toString()).to.equal('q=ada&active=true&kind=account&attr=cohort&value=2024&sort=-createdAt&after=c1');
    expect(queryFromUrl(new URLSearchParams(url))).to.deep.equal(query);
    expect(queryToUrl(DEFAULT_QUERY).toString()).to.equal('');
  });

  it('ignores values a shared URL may carry that the view does not know', () => {
    expect(queryFromUrl(new URLSearchParams('sort=password&active=maybe&kind=phone&in=everything'))).to.deep.equal(DEFAULT_QUERY);
  });

  it('searches identifiers for addresses, IRIs and SHA-1 sums, names otherwise, unless told', () => {
    expect(searchTargetOf('ada lovelace', 'auto')).to.equal('name');
    expect(searchTargetOf('ada@example.org', 'auto')).to.equal('identifier');
    expect(searchTargetOf('https://id.example.org/ada', 'auto')).to.equal('identifier');
    expect(searchTargetOf('5d3e8a0c6f0e0b0a4d8f2c1b3a4e5f6a7b8c9d0e', 'auto')).to.equal('identifier');
    expect(searchTargetOf('ada@example.org', 'name')).to.equal('name');
    expect(searchTargetOf('learner-42', 'identifier')).to.equal('identifier');
  });

  it('turns filters into /v1/personas search parameters; the count has the same filters without paging', () => {
    const query = {
      ...DEFAULT_QUERY,
      text: ' ada@example.org ',
      target: 'identifier' as const,
      active: 'false' as const,
      kind: 'mbox' as const,
      attributeKey: 'cohort',
      after: 'next',
    };
    expect(listParameters(query, 10)).to.deep.equal({
      'search.identifier.value.like': 'ada@example.org',
      'search.active.eq': 'false',
      'search.identifier.key.eq': 'mbox',
      'search.attribute.cohort.exists': 'true',
      sort: 'name',
      limit: '10',
      include: 'identifiers',
      after: 'next',
    });
    expect(countParameters({ ...query, attributeValue: 'b' })).to.deep.equal({
      'search.identifier.value.like': 'ada@example.org',
      'search.active.eq': 'false',
      'search.identifier.key.eq': 'mbox',
      'search.attribute.cohort.eq': 'b',
    });
    expect(listParameters({ ...DEFAULT_QUERY, text: 'Ada', target: 'name' })).to.include({ 'search.name.like': 'Ada' });
    // Left to itself, the text is a word search in match order (no sort) unless a sort was chosen.
    expect(listParameters({ ...DEFAULT_QUERY, text: ' ada lov ' }, 10)).to.deep.equal({
      search: 'ada lov',
      limit: '10',
      include: 'identifiers',
    });
    expect(listParameters({ ...DEFAULT_QUERY, text: 'ada@', sort: '-createdAt' })).to.include({ search: 'ada@', sort: '-createdAt' });
  });

  it('a change of the search starts from the first page', () => {
    expect(withChange({ ...DEFAULT_QUERY, after: 'x', before: 'y' }, { text: 'b' })).to.deep.equal({ ...DEFAULT_QUERY, text: 'b' });
    expect(withChange(DEFAULT_QUERY, { after: 'next' }).after).to.equal('next');
  });
});

describe('admin app: names and identifiers on screen', () => {
  it('names a person by name, else by a readable first identifier, else by id', () => {
    expect(displayName({ id: 'p1', name: 'Ada' })).to.equal('Ada');
    expect(displayName({ id: 'p1', name: ' ', identifiers: [{ ifi: { key: 'mbox', value: 'mailto:ada@example.org' } }] })).to.equal(
      'ada@example.org',
    );
    expect(displayName({ id: 'p1', name: null, identifiers: [] })).to.equal('Person p1');
    expect(identifierText({ key: 'account', value: { homePage: 'https://lms.example.org', name: 'ada-42' } })).to.equal(
      'ada-42 at https://lms.example.org',
    );
  });
});

describe('admin app: merge texts', () => {
  const preview: PreviewLike = {
    movedCounts: { identifiers: 2, attributes: 1, links: 0, emailClaims: 1, tombstones: 0 },
    moved: {
      identifiers: [
        { id: 'i1', source: 's' },
        { id: 'i2', source: 's' },
      ],
      attributeConflicts: [
        { source: 's', key: 'cohort', sourceValue: 'a', targetValue: 'b' },
        { source: 's', key: 'level', sourceValue: 4, targetValue: 3 },
      ],
      linkConflicts: [{ source: 's', recTypeName: 'lms-user', recId: 'u-1' }],
    },
  };

  it('summarises what moves and names each identifier it knows', () => {
    expect(movedSummary(preview)).to.deep.equal(['2 identifiers move', '1 attribute moves', '1 email claim moves']);
    expect(movedIdentifierLines(preview, new Map([['i1', { key: 'mbox', value: 'mailto:ada@example.org' }]]))).to.deep.equal([
      'Email: ada@example.org',
      'identifier i2',
    ]);
  });

  it('says which value each conflict keeps', () => {
    expect(conflictLines(preview)).to.deep.equal([
      'cohort: keeps “b”; “a” is dropped (restored by undo)',
      'level: keeps 3; 4 is dropped (restored by undo)',
      'link lms-user u-1: already on the person kept; the duplicate is dropped (restored by undo)',
    ]);
  });

  it('explains refused undos per change, naming items the screen knows, and keeps unknown codes as the service said them', () => {
    const lines = undoConflictLines(
      [
        { path: 'identifiers.i1', code: 'merges.item_moved', message: 'identifier i1 is now on persona p9' },
        { path: 'attributes.a1', code: 'merges.item_deleted', message: 'attribute a1 was deleted' },
        { path: 'conflicts', code: 'merges.more_conflicts', message: '3 more changed item(s) not listed' },
      ],
      (id) => (id === 'i1' ? 'ada@example.org' : undefined),
    );
    expect(lines).to.deep.equal([
      'An identifier (ada@example.org) was moved to another person after the merge, so it cannot go back without taking it from there (merges.item_moved)',
      'An attribute a1 was deleted after the merge, so the person cannot be restored as it was (merges.item_deleted)',
      '3 more changed item(s) not listed (merges.more_conflicts)',
    ]);
  });

  it('picks the identifiers a refusal names, for the screen to show their values', () => {
    expect(
      conflictIdentifierIds([
        { path: 'identifiers.i1', code: 'merges.item_moved', message: '' },
        { path: 'emailClaims.c1', code: 'merges.item_moved', message: '' },
        { path: 'identifiers.i2', code: 'merges.item_deleted', message: '' },
      ]),
    ).to.deep.equal(['i1', 'i2']);
  });
});

describe('admin app: CSV import mapping', () => {
  it('guesses column types from headers', () => {
    expect(
      ['Email', 'e-mail address', 'email_sha1', 'OpenID', 'First Name', 'surname', 'name', 'Username', 'homepage', 'team'].map(
        (header) => guessColumn(header).type,
      ),
    ).to.deep.equal([
      'mbox',
      'mbox',
      'mbox_sha1sum',
      'openid',
      'first_name',
      'last_name',
      'name',
      'account_name',
      'account_homepage',
      'attribute',
    ]);
  });

  it('maps an account column to the file home-page column when there is one, else to the typed home page', () => {
    expect(
      mappingOf([
        { header: 'login', type: 'account_name', homePage: ' https://lms.example.org ' },
        { header: 'team', type: 'attribute', homePage: '' },
      ]),
    ).to.deep.equal({ columns: { login: { type: 'account_name', homePage: 'https://lms.example.org' }, team: { type: 'attribute' } } });
    expect(
      mappingOf([
        { header: 'login', type: 'account_name', homePage: '' },
        { header: 'site', type: 'account_homepage', homePage: '' },
      ]),
    ).to.deep.equal({ columns: { login: { type: 'account_name', homePageColumn: 'site' }, site: { type: 'account_homepage' } } });
  });

  it('measures progress, complete when the import says so', () => {
    expect(importProgress({ state: 'processing', totalRows: 0, processedRows: 0 })).to.equal(0);
    expect(importProgress({ state: 'processing', totalRows: 4, processedRows: 1 })).to.equal(0.25);
    expect(importProgress({ state: 'completed', totalRows: 0, processedRows: 0 })).to.equal(1);
  });
});

describe('admin app: errors and credentials', () => {
  it('reads the service error shape, and names the HTTP status or the network otherwise', () => {
    const error = apiErrorOf(404, {
      error: { code: 'personas.persona_not_found', message: 'not found', details: [{ path: 'id', code: 'x', message: 'y' }] },
    });
    expect([error.status, error.code, error.message, error.details.length]).to.deep.equal([
      404,
      'personas.persona_not_found',
      'not found',
      1,
    ]);
    expect(apiErrorOf(502, '<html>').code).to.equal('http.502');
    expect(toApiError(new TypeError('Failed to fetch')).code).to.equal('network.unreachable');
    expect(toApiError(error)).to.equal(error);
  });

  it('keeps credentials in the given storage only, and ignores what it cannot read', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (key: string) => store.get(key) ?? null,
      setItem: (key: string, value: string) => {
        store.set(key, value);
      },
      removeItem: (key: string) => {
        store.delete(key);
      },
    };
    expect(readCredentials(storage)).to.equal(null);
    saveCredentials(storage, { key: ' pk_1 ', secret: 's3cret ' });
    expect(readCredentials(storage)).to.deep.equal({ key: 'pk_1', secret: 's3cret' });
    expect(authorizationOf({ key: 'pk_1', secret: 's3cret' })).to.equal('Bearer pk_1.s3cret');
    clearCredentials(storage);
    expect(readCredentials(storage)).to.equal(null);
    store.set('persona-admin.credentials', '{not json');
    expect(readCredentials(storage)).to.equal(null);
  });
});
