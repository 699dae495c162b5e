// Merge this person into another: pick the person kept, read the dry run (what moves, which attribute conflicts keep
// which value), confirm. The merged person then redirects to the one kept, whose history offers the undo.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, call, type components } from '../../api/client.ts';
import { ErrorMessage, Loading } from '../../components/error-message.tsx';
import { Modal } from '../../components/modal.tsx';
import { PersonPicker } from '../../components/person-picker.tsx';
import { displayName } from '../../lib/display-name.ts';
import { conflictLines, movedIdentifierLines, movedSummary } from '../../lib/merge-text.ts';
import type { Person } from '../person-page.tsx';

type Persona = components['schemas']['Persona'];

export function MergeDialog({ person, onClose }: { person: Person; onClose(): void }) {
  const [target, setTarget] = useState<Persona | null>(null);
  return (
    <Modal title={`Merge ${displayName(person)} into another person`} onClose={onClose}>
      <p>
        Everything of {displayName(person)} moves to the person you choose; {displayName(person)} then redirects there. The merge can be
        undone from the history.
      </p>
      <PersonPicker id="merge-into" label="Merge into" excludeId={person.id} onPick={setTarget} />
      {target && <MergePreview source={person} target={target} onDone={onClose} />}
    </Modal>
  );
}

export function MergePreview({ source, target, onDone }: { source: Person; target: Persona; onDone(): void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const body = { from: [source.id] };
  const preview = useQuery({
    queryKey: ['merge-preview', target.id, source.id],
    queryFn: () => call(api.POST('/v1/personas/{id}/merge', { params: { path: { id: target.id }, query: { dryRun: 'true' } }, body })),
    gcTime: 0,
  });
  const merge = useMutation({
    mutationFn: () => call(api.POST('/v1/personas/{id}/merge', { params: { path: { id: target.id } }, body })),
    onSuccess: async () => {
      await queryClient.invalidateQueries();
      onDone();
      navigate(`/people/${target.id}`);
    },
  });
  const known = new Map(source.identifiers.map((identifier) => [identifier.id, identifier.ifi]));
  const data = preview.data as components['schemas']['MergePreview'] | undefined;
  return (
    <section role="region" aria-label="Merge preview" aria-busy={preview.isPending} className="preview">
      <h3>
        {displayName(source)} → {displayName(target)}
      </h3>
      {preview.isPending && <Loading what="what would move" />}
      {preview.isError && <ErrorMessage error={preview.error} title="This merge is not possible" />}
      {data && (
        <>
          <p>
            Kept: <strong>{displayName(target)}</strong>. Merged into it: <strong>{displayName(source)}</strong>.
          </p>
          <ul>
            {movedSummary(data).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          {data.moved.identifiers.length > 0 && (
            <>
              <h4>Identifiers that move</h4>
              <ul>
                {movedIdentifierLines(data, known).map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </>
          )}
          <h4>Conflicts</h4>
          {conflictLines(data).length === 0 ? (
            <p>None: nothing is dropped.</p>
          ) : (
            <ul>
              {conflictLines(data).map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
          {data.refusals.length > 0 && (
            <div role="alert">
              <h4>This merge is not possible</h4>
              <ul>
                {data.refusals.map((refusal) => (
                  <li key={refusal.rule}>
                    {refusal.message} ({refusal.code})
                  </li>
                ))}
              </ul>
            </div>
          )}
          <button type="button" className="primary" disabled={merge.isPending || data.refusals.length > 0} onClick={() => merge.mutate()}>
            {merge.isPending ? 'Merging…' : 'Confirm merge'}
          </button>
        </>
      )}
      {merge.isError && <ErrorMessage error={merge.error} title="The merge failed" />}
    </section>
  );
}
