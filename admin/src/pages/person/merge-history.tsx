// The merges this person took part in, newest first, each with its undo (refusals explain what changed since).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call, type components } from '../../api/client.ts';
import { toApiError } from '../../api/api-error.ts';
import { ErrorMessage, Loading } from '../../components/error-message.tsx';
import { ScopedButton } from '../../components/scoped-button.tsx';
import { Section } from '../../components/section.tsx';
import { identifierText } from '../../lib/display-name.ts';
import { conflictIdentifierIds, movedSummary, undoConflictLines, valueText } from '../../lib/merge-text.ts';
import type { Person } from '../person-page.tsx';

type Merge = components['schemas']['Merge'];

export function MergeHistory({ person }: { person: Person }) {
  const history = useQuery({
    queryKey: ['merges', person.id],
    queryFn: () => call(api.GET('/v1/merges', { params: { query: { persona: person.id } } })),
  });
  return (
    <Section id="history" title="Merge history">
      {history.isPending && <Loading what="the merge history" />}
      {history.isError && <ErrorMessage error={history.error} title="Could not load the merge history" />}
      {history.data && history.data.data.length === 0 && <p className="hint">Never merged.</p>}
      {history.data && history.data.data.length > 0 && (
        <ol className="history">
          {history.data.data.map((merge) => (
            <MergeEntry key={merge.id} merge={merge} person={person} />
          ))}
        </ol>
      )}
    </Section>
  );
}

export function MergeEntry({ merge, person }: { merge: Merge; person?: Person }) {
  const queryClient = useQueryClient();
  const undo = useMutation({
    mutationFn: () => call(api.POST('/v1/merges/{id}/undo', { params: { path: { id: merge.id } } })),
    onSuccess: () => queryClient.invalidateQueries(),
  });
  const failure = undo.isError ? toApiError(undo.error) : null;
  const named = useNamedIdentifiers(failure ? conflictIdentifierIds(failure.details) : []);
  const identifiers = new Map([
    ...(person?.identifiers ?? []).map((identifier) => [identifier.id, identifierText(identifier.ifi)] as const),
    ...named,
  ]);
  return (
    <li>
      <p>
        <time dateTime={merge.createdAt}>{new Date(merge.createdAt).toLocaleString()}</time>:{' '}
        {merge.sources.map((source, index) => (
          <span key={source}>
            {index > 0 && ', '}
            <Link to={`/people/${source}`}>{source.slice(-6)}</Link>
          </span>
        ))}
        {' merged into '}
        <Link to={`/people/${merge.target}`}>{merge.target === person?.id ? 'this person' : merge.target.slice(-6)}</Link>
        {' · '}
        <strong>{merge.state}</strong>
        {merge.erased && ' (erased)'}
      </p>
      <p className="hint">
        {movedSummary(merge).join('; ') || 'Nothing moved'}
        {merge.moved.attributeConflicts
          .map((conflict) => `; ${conflict.key} kept ${valueText(conflict.targetValue)} over ${valueText(conflict.sourceValue)}`)
          .join('')}
      </p>
      {merge.state === 'applied' && !merge.erased && (
        <ScopedButton scope="personas:merge" disabled={undo.isPending} onClick={() => undo.mutate()}>
          {undo.isPending ? 'Undoing…' : 'Undo merge'}
        </ScopedButton>
      )}
      {failure && (
        <>
          <ErrorMessage error={failure} title="Undo refused" showDetails={failure.code !== 'merges.undo_conflict'} />
          {failure.code === 'merges.undo_conflict' && (
            <div className="conflicts">
              <p>
                These changes since the merge block the undo <code>{failure.code}</code>:
              </p>
              <ul>
                {undoConflictLines(failure.details, (id) => identifiers.get(id)).map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </li>
  );
}

/** The values of identifiers named by id (an undo refusal names what moved; the admin knows them by value). */
function useNamedIdentifiers(ids: string[]): Map<string, string> {
  const found = useQuery({
    queryKey: ['identifiers', ids],
    enabled: ids.length > 0,
    queryFn: () =>
      call(api.GET('/v1/identifiers', { params: { query: { 'search.id.in': ids.join(','), limit: '100' } as Record<string, string> } })),
  });
  return new Map((found.data?.data ?? []).map((identifier) => [identifier.id, identifierText(identifier.ifi)]));
}
