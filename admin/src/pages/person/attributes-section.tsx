// A person's attributes: add, edit (the value is replaced), delete.
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { ScopedButton } from '../../components/scoped-button.tsx';
import { Section } from '../../components/section.tsx';
import type { Person } from '../person-page.tsx';

export function AttributesSection({ person }: { person: Person }) {
  const queryClient = useQueryClient();
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['person', person.id] });
  const put = useMutation({
    mutationFn: ({ key: attributeKey, value: attributeValue }: { key: string; value: string }) =>
      call(
        api.PUT('/v1/personas/{id}/attributes/{key}', {
          params: { path: { id: person.id, key: attributeKey } },
          body: { value: attributeValue },
        }),
      ),
    onSuccess: () => {
      setKey('');
      setValue('');
      return refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (attributeKey: string) =>
      call(api.DELETE('/v1/personas/{id}/attributes/{key}', { params: { path: { id: person.id, key: attributeKey } } })),
    onSuccess: refresh,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    put.mutate({ key: key.trim(), value });
  };
  return (
    <Section id="attributes" title="Attributes">
      {person.attributes.length === 0 ? (
        <p className="hint">No attributes.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Value</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {person.attributes.map((attribute) => (
              <tr key={attribute.id}>
                <td>{attribute.key}</td>
                <td className="wrap">{String(attribute.value)}</td>
                <td className="row-actions">
                  <ScopedButton
                    scope="personas:write"
                    aria-label={`Edit ${attribute.key}`}
                    onClick={() => {
                      setKey(attribute.key);
                      setValue(String(attribute.value));
                    }}
                  >
                    Edit
                  </ScopedButton>
                  <ScopedButton scope="personas:write" aria-label={`Delete ${attribute.key}`} onClick={() => remove.mutate(attribute.key)}>
                    Delete
                  </ScopedButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={submit} className="inline" aria-label="Add or change an attribute">
        <label htmlFor="attribute-key">Attribute key</label>
        <input id="attribute-key" required value={key} onChange={(event) => setKey(event.target.value)} />
        <label htmlFor="attribute-value">Attribute value</label>
        <input id="attribute-value" value={value} onChange={(event) => setValue(event.target.value)} />
        <ScopedButton scope="personas:write" type="submit" disabled={put.isPending}>
          Save attribute
        </ScopedButton>
      </form>
      {put.isError && <ErrorMessage error={put.error} title="Could not save the attribute" />}
      {remove.isError && <ErrorMessage error={remove.error} title="Could not delete the attribute" />}
    </Section>
  );
}
