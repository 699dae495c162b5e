// People: search as you type by name or identifier, filters, sort, cursor pages and the count; the whole view is in
// the URL (lib/people-query.ts), so it can be shared and reloaded.
import { useEffect, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, call, type components } from '../api/client.ts';
import { ErrorMessage, Loading } from '../components/error-message.tsx';
import { displayName, identifierText, IDENTIFIER_KINDS } from '../lib/display-name.ts';
import {
  countParameters,
  listParameters,
  queryFromUrl,
  queryToUrl,
  searchTargetOf,
  withChange,
  type PeopleQuery,
} from '../lib/people-query.ts';
import { useDebounced } from '../lib/use-debounced.ts';

/** A listed persona with include=identifiers (the list schema does not name embeds). */
type PersonaRow = components['schemas']['Persona'] & { identifiers?: components['schemas']['Identifier'][] };

const SORT_LABELS: Record<PeopleQuery['sort'], string> = {
  name: 'Name A–Z',
  '-name': 'Name Z–A',
  '-createdAt': 'Newest first',
  createdAt: 'Oldest first',
  '-updatedAt': 'Recently changed',
};

export function People() {
  const [params, setParams] = useSearchParams();
  const query = queryFromUrl(params);
  const [text, setText] = useState(query.text);
  const settledText = useDebounced(text, 250);
  const update = (change: Partial<PeopleQuery>) => setParams(queryToUrl(withChange(query, change)), { replace: true });

  useEffect(() => {
    if (settledText !== query.text) update({ text: settledText });
    // Only the settled text drives the URL; the rest of the query is read fresh from it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settledText]);

  const list = useQuery({
    queryKey: ['people', listParameters(query)],
    queryFn: () => call(api.GET('/v1/personas', { params: { query: listParameters(query) } })),
    placeholderData: keepPreviousData,
  });
  const count = useQuery({
    queryKey: ['people-count', countParameters(query)],
    queryFn: () => call(api.GET('/v1/personas/count', { params: { query: countParameters(query) } })),
    placeholderData: keepPreviousData,
  });
  const searchedIn = searchTargetOf(query.text, query.target);

  return (
    <>
      <h1>People</h1>
      <search className="filters">
        <div className="field grow">
          <label htmlFor="people-search">Search people</label>
          <input
            id="people-search"
            type="search"
            value={text}
            onChange={(event) => setText(event.target.value)}
            aria-describedby="people-search-hint"
            autoComplete="off"
          />
          <span id="people-search-hint" className="hint">
            {query.text
              ? `Searching ${searchedIn === 'name' ? 'names' : 'identifiers'}`
              : 'A name, an email address, an account name or an OpenID'}
          </span>
        </div>
        <div className="field">
          <label htmlFor="people-in">Search in</label>
          <select id="people-in" value={query.target} onChange={(event) => update({ target: event.target.value as PeopleQuery['target'] })}>
            <option value="auto">Names or identifiers</option>
            <option value="name">Names</option>
            <option value="identifier">Identifiers</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="people-active">Status</label>
          <select
            id="people-active"
            value={query.active}
            onChange={(event) => update({ active: event.target.value as PeopleQuery['active'] })}
          >
            <option value="">Any</option>
            <option value="true">Active</option>
            <option value="false">Inactive</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="people-kind">Identifier kind</label>
          <select id="people-kind" value={query.kind} onChange={(event) => update({ kind: event.target.value as PeopleQuery['kind'] })}>
            <option value="">Any</option>
            {Object.entries(IDENTIFIER_KINDS).map(([kind, label]) => (
              <option key={kind} value={kind}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <AttributeFilter query={query} onChange={update} />
        <div className="field">
          <label htmlFor="people-sort">Sort</label>
          <select id="people-sort" value={query.sort} onChange={(event) => update({ sort: event.target.value as PeopleQuery['sort'] })}>
            {Object.entries(SORT_LABELS).map(([sort, label]) => (
              <option key={sort} value={sort}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </search>

      <p role="status" aria-live="polite" className="count">
        {count.isError
          ? ''
          : count.data
            ? `${count.data.count.toLocaleString()} ${count.data.count === 1 ? 'person' : 'people'}`
            : 'Counting…'}
        {list.isFetching && ' · updating…'}
      </p>
      {count.isError && <ErrorMessage error={count.error} title="Could not count people" />}
      {list.isError && <ErrorMessage error={list.error} title="Could not search people" />}
      {list.isPending && <Loading what="people" />}
      {list.data && (
        <>
          <table className="results">
            <caption className="visually-hidden">People matching the search</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Identifiers</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {(list.data.data as PersonaRow[]).map((person) => (
                <tr key={person.id}>
                  <td>
                    <Link to={`/people/${person.id}`}>{displayName(person)}</Link>
                  </td>
                  <td>
                    {(person.identifiers ?? []).slice(0, 3).map((identifier) => (
                      <span key={identifier.id} className="chip">
                        {IDENTIFIER_KINDS[identifier.ifi.key]}: {identifierText(identifier.ifi)}
                      </span>
                    ))}
                    {(person.identifiers?.length ?? 0) > 3 && <span className="hint"> +{person.identifiers!.length - 3} more</span>}
                  </td>
                  <td>{person.active ? 'Active' : 'Inactive'}</td>
                  <td>
                    <time dateTime={person.createdAt}>{new Date(person.createdAt).toLocaleDateString()}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.data.length === 0 && <p>No one matches this search.</p>}
          <nav aria-label="Pages" className="pager">
            <button
              type="button"
              disabled={!list.data.page.prevCursor}
              onClick={() => update({ before: list.data.page.prevCursor ?? '', after: '' })}
            >
              Previous page
            </button>
            <button
              type="button"
              disabled={!list.data.page.nextCursor}
              onClick={() => update({ after: list.data.page.nextCursor ?? '', before: '' })}
            >
              Next page
            </button>
          </nav>
        </>
      )}
    </>
  );
}

function AttributeFilter({ query, onChange }: { query: PeopleQuery; onChange(change: Partial<PeopleQuery>): void }) {
  const [key, setKey] = useState(query.attributeKey);
  const [value, setValue] = useState(query.attributeValue);
  const settledKey = useDebounced(key, 400);
  const settledValue = useDebounced(value, 400);
  useEffect(() => {
    if (settledKey !== query.attributeKey || settledValue !== query.attributeValue)
      onChange({ attributeKey: settledKey, attributeValue: settledValue });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settledKey, settledValue]);
  return (
    <>
      <div className="field">
        <label htmlFor="people-attr">Attribute</label>
        <input id="people-attr" value={key} placeholder="key" onChange={(event) => setKey(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="people-attr-value">Attribute value</label>
        <input id="people-attr-value" value={value} placeholder="any" onChange={(event) => setValue(event.target.value)} />
      </div>
    </>
  );
}
