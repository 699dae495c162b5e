// A person's identifiers with their kind; one can move to another person or be split off to a new person.
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { PersonPicker } from '../../components/person-picker.tsx';
import { ScopedButton } from '../../components/scoped-button.tsx';
import { Section } from '../../components/section.tsx';
import { identifierText, IDENTIFIER_KINDS } from '../../lib/display-name.ts';
import type { Person } from '../person-page.tsx';

export function IdentifiersSection({ person }: { person: Person }) {
  const [moving, setMoving] = useState<string | null>(null);
  // Gone once it moved (the person is reloaded): the panel closes with it.
  const movingIdentifier = person.identifiers.find((identifier) => identifier.id === moving);
  return (
    <Section id="identifiers" title="Identifiers" isEmpty={person.identifiers.length === 0} emptyText="No identifiers.">
      <table>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Value</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {person.identifiers.map((identifier) => (
            <tr key={identifier.id}>
              <td>{IDENTIFIER_KINDS[identifier.ifi.key] ?? identifier.ifi.key}</td>
              <td className="wrap">{identifierText(identifier.ifi)}</td>
              <td>
                <ScopedButton
                  scope="personas:write"
                  aria-expanded={moving === identifier.id}
                  aria-label={`Move ${identifierText(identifier.ifi)}`}
                  onClick={() => setMoving(moving === identifier.id ? null : identifier.id)}
                >
                  Move…
                </ScopedButton>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {movingIdentifier && <MoveIdentifier person={person} identifier={movingIdentifier} onDone={() => setMoving(null)} />}
    </Section>
  );
}

function MoveIdentifier({ person, identifier, onDone }: { person: Person; identifier: Person['identifiers'][number]; onDone(): void }) {
  const queryClient = useQueryClient();
  const move = useMutation({
    // A split is a new person first, then the move: two calls, both on the public API.
    mutationFn: async (target: { id: string } | 'new') => {
      const personaId =
        target === 'new'
          ? ((await call(api.POST('/v1/personas', { body: { name: identifierText(identifier.ifi) } }))) as { id: string }).id
          : target.id;
      await call(api.PUT('/v1/identifiers/{id}', { params: { path: { id: identifier.id } }, body: { persona: personaId } }));
      return personaId;
    },
    onSuccess: () => {
      onDone();
      return queryClient.invalidateQueries();
    },
  });
  return (
    <div className="panel" role="group" aria-label={`Move ${identifierText(identifier.ifi)}`}>
      <h3>Move {identifierText(identifier.ifi)}</h3>
      <PersonPicker id="move-to" label="Move to" excludeId={person.id} onPick={(target) => move.mutate(target)} />
      <p>
        or{' '}
        <button type="button" onClick={() => move.mutate('new')}>
          Split off to a new person
        </button>{' '}
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </p>
      {move.isPending && <p role="status">Moving…</p>}
      {move.isError && <ErrorMessage error={move.error} title="Could not move the identifier" />}
    </div>
  );
}
