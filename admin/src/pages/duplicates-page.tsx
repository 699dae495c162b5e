// Suggested duplicates, best first, with score and reasons; a pair side by side, to merge (with the preview) or
// dismiss as not the same person.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call } from '../api/client.ts';
import { ErrorMessage, Loading } from '../components/error-message.tsx';
import { ScopedButton } from '../components/scoped-button.tsx';
import { displayName, identifierText, IDENTIFIER_KINDS } from '../lib/display-name.ts';
import { usePerson } from './person-page.tsx';
import { MergePreview } from './person/merge-dialog.tsx';

/** A suggested pair as GET /v1/duplicates lists it (the two persona ids in id order). */
type Pair = { personas: string[] };

export function DuplicatesPage() {
  const pairs = useQuery({
    queryKey: ['duplicates'],
    queryFn: () => call(api.GET('/v1/duplicates', { params: { query: { limit: '50' } } })),
  });
  const [open, setOpen] = useState<Pair | null>(null);
  return (
    <>
      <h1>Duplicates</h1>
      {pairs.isPending && <Loading what="suggested duplicates" />}
      {pairs.isError && <ErrorMessage error={pairs.error} title="Could not load the suggestions" />}
      {pairs.data && pairs.data.data.length === 0 && <p>No duplicates suggested.</p>}
      {pairs.data && pairs.data.data.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Score</th>
              <th scope="col">Why</th>
              <th scope="col">
                <span className="visually-hidden">Compare</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {pairs.data.data.map((pair) => (
              <tr key={pair.personas.join()}>
                <td>
                  {Math.round(pair.score * 100)}%{pair.isCertain && ' (certain)'}
                </td>
                <td>{pair.reasons.map((reason) => reason.detail).join('; ')}</td>
                <td>
                  <button
                    type="button"
                    aria-expanded={open === pair}
                    aria-label={`Compare: ${pair.reasons.map((reason) => reason.detail).join('; ')}`}
                    onClick={() => setOpen(open === pair ? null : pair)}
                  >
                    Compare
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && <SideBySide pair={open} onDone={() => setOpen(null)} />}
    </>
  );
}

function SideBySide({ pair, onDone }: { pair: Pair; onDone(): void }) {
  const queryClient = useQueryClient();
  const [leftId, rightId] = pair.personas;
  const left = usePerson(leftId);
  const right = usePerson(rightId);
  const [isMerging, setMerging] = useState(false);
  const dismiss = useMutation({
    mutationFn: () => call(api.POST('/v1/duplicates/dismiss', { body: { pairs: [[leftId, rightId]] } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['duplicates'] });
      onDone();
    },
  });
  return (
    <section aria-label="Side by side" className="panel">
      <div className="columns">
        {[left, right].map((person, index) => (
          <div key={index}>
            {person.isPending && <Loading what="person" />}
            {person.isError && <ErrorMessage error={person.error} />}
            {person.data && (
              <>
                <h2>
                  <Link to={`/people/${person.data.id}`}>{displayName(person.data)}</Link>
                </h2>
                <ul>
                  {person.data.identifiers.map((identifier) => (
                    <li key={identifier.id}>
                      {IDENTIFIER_KINDS[identifier.ifi.key]}: {identifierText(identifier.ifi)}
                    </li>
                  ))}
                </ul>
                <dl>
                  {person.data.attributes.map((attribute) => (
                    <div key={attribute.id}>
                      <dt>{attribute.key}</dt>
                      <dd>{String(attribute.value)}</dd>
                    </div>
                  ))}
                </dl>
              </>
            )}
          </div>
        ))}
      </div>
      <div className="actions">
        <ScopedButton scope="personas:merge" onClick={() => setMerging(true)}>
          Merge right into left…
        </ScopedButton>
        <ScopedButton scope="personas:merge" disabled={dismiss.isPending} onClick={() => dismiss.mutate()}>
          Not the same person (dismiss)
        </ScopedButton>
      </div>
      {dismiss.isError && <ErrorMessage error={dismiss.error} title="Could not dismiss" />}
      {isMerging && left.data && right.data && <MergePreview source={right.data} target={left.data} onDone={onDone} />}
    </section>
  );
}
