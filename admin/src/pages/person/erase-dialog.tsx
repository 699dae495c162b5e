// Erase (GDPR): removes the person and everything about it for good, so the admin types the person's name to confirm.
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, call } from '../../api/client.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Modal } from '../../components/modal.tsx';
import { displayName } from '../../lib/display-name.ts';
import type { Person } from '../person-page.tsx';

export function EraseDialog({ person, onClose }: { person: Person; onClose(): void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const name = displayName(person);
  const [typed, setTyped] = useState('');
  const erase = useMutation({
    mutationFn: () => call(api.POST('/v1/personas/{id}/erase', { params: { path: { id: person.id } } })),
    onSuccess: async (report) => {
      queryClient.removeQueries({ queryKey: ['person', person.id] });
      await queryClient.invalidateQueries({ queryKey: ['people'] });
      onClose();
      navigate('/people', {
        state: { notice: `${name} was erased (${report.counts.identifiers} identifiers, ${report.counts.attributes} attributes removed).` },
      });
    },
  });
  const isConfirmed = typed.trim() === name.trim();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (isConfirmed) erase.mutate();
  };
  return (
    <Modal title={`Erase ${name}`} onClose={onClose}>
      <p>This removes {name}, everyone merged into them, their identifiers, attributes and links, for good. It cannot be undone.</p>
      <form onSubmit={submit}>
        <label htmlFor="erase-confirm">
          Type <strong>{name}</strong> to confirm
        </label>
        <input id="erase-confirm" autoComplete="off" value={typed} onChange={(event) => setTyped(event.target.value)} />
        <button type="submit" className="danger" disabled={!isConfirmed || erase.isPending}>
          {erase.isPending ? 'Erasing…' : 'Erase for good'}
        </button>
      </form>
      {erase.isError && <ErrorMessage error={erase.error} title="Could not erase" />}
    </Modal>
  );
}
