// A person's name: the display name (editable), and every name seen for the person and the people merged into it
// (GET /v1/personas/{id} `names`: count and first/last seen, most recently seen first), each of which can become
// the display name in one click.
import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { ScopedButton } from '../../components/scoped-button.tsx';
import { Section } from '../../components/section.tsx';
import type { Person } from '../person-page.tsx';

const when = (iso: string) => (
  <time dateTime={iso}>{new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}</time>
);

export function NamesSection({ person }: { person: Person }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(person.name ?? '');
  useEffect(() => setName(person.name ?? ''), [person.name]);
  const rename = useMutation({
    mutationFn: (newName: string) => call(api.PATCH('/v1/personas/{id}', { params: { path: { id: person.id } }, body: { name: newName } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['person', person.id] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    rename.mutate(name);
  };
  const seen = person.names ?? [];
  return (
    <Section id="name" title="Name">
      <form onSubmit={submit} className="inline">
        <label htmlFor="person-name">Display name</label>
        <input id="person-name" value={name} onChange={(event) => setName(event.target.value)} />
        <ScopedButton scope="personas:write" type="submit" disabled={rename.isPending}>
          {rename.isPending ? 'Saving…' : 'Save name'}
        </ScopedButton>
      </form>
      {rename.isSuccess && <p role="status">Name saved.</p>}
      {rename.isError && <ErrorMessage error={rename.error} title="Could not save the name" />}
      <h3 id="names-seen-heading">Names seen</h3>
      {seen.length === 0 ? (
        <p className="hint">No name seen yet.</p>
      ) : (
        <table aria-labelledby="names-seen-heading">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Times seen</th>
              <th scope="col">First seen</th>
              <th scope="col">Last seen</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {seen.map((entry) => (
              <tr key={entry.name}>
                <td>{entry.name}</td>
                <td>{entry.count}</td>
                <td>{when(entry.firstSeen)}</td>
                <td>{when(entry.lastSeen)}</td>
                <td className="row-actions">
                  {entry.name === person.name ? (
                    <span className="hint">Display name</span>
                  ) : (
                    <ScopedButton
                      scope="personas:write"
                      aria-label={`Use the name ${entry.name}`}
                      disabled={rename.isPending}
                      onClick={() => rename.mutate(entry.name)}
                    >
                      Use
                    </ScopedButton>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
