// Choose another person by typing a name or an identifier (the People search, first results only): used to pick the
// person to merge into and the person an identifier moves to.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, call, type components } from '../api/client.ts';
import { displayName, identifierText } from '../lib/display-name.ts';
import { DEFAULT_QUERY, listParameters } from '../lib/people-query.ts';
import { useDebounced } from '../lib/use-debounced.ts';
import { ErrorMessage } from './error-message.tsx';

type Persona = components['schemas']['Persona'] & { identifiers?: components['schemas']['Identifier'][] };

export function PersonPicker({
  label,
  id,
  excludeId,
  onPick,
}: {
  label: string;
  id: string;
  excludeId: string;
  onPick(person: Persona): void;
}) {
  const [text, setText] = useState('');
  const settled = useDebounced(text.trim(), 250);
  const parameters = listParameters({ ...DEFAULT_QUERY, text: settled }, 8);
  const found = useQuery({
    queryKey: ['people', parameters],
    enabled: settled.length > 0,
    queryFn: () => call(api.GET('/v1/personas', { params: { query: parameters } })),
  });
  const candidates = ((found.data?.data ?? []) as Persona[]).filter((person) => person.id !== excludeId);
  return (
    <div className="picker">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="search"
        autoComplete="off"
        value={text}
        onChange={(event) => setText(event.target.value)}
        aria-describedby={`${id}-hint`}
      />
      <span id={`${id}-hint`} className="hint">
        Type a name or an identifier, then choose a person below.
      </span>
      {found.isFetching && <p role="status">Searching…</p>}
      {found.isError && <ErrorMessage error={found.error} title="Search failed" />}
      {settled && found.data && (
        <ul className="candidates" aria-label={`${label}: results`}>
          {candidates.length === 0 && <li>No one else matches.</li>}
          {candidates.map((person) => (
            <li key={person.id}>
              <button type="button" onClick={() => onPick(person)}>
                {displayName(person)}
                {person.identifiers?.[0] ? ` — ${identifierText(person.identifiers[0].ifi)}` : ''}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
