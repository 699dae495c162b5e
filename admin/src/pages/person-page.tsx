// One person: name (editable) and every name seen with counts and first/last seen, profile, identifiers (move one to another
// person or split it off to a new one), attributes (add, edit, delete), links, merge history with undo, and the
// Merge…, Erase… and Export actions.
import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { api, call, type components } from '../api/client.ts';
import { ErrorMessage, Loading } from '../components/error-message.tsx';
import { ScopedButton } from '../components/scoped-button.tsx';
import { Section } from '../components/section.tsx';
import { displayName } from '../lib/display-name.ts';
import { AttributesSection } from './person/attributes-section.tsx';
import { EraseDialog } from './person/erase-dialog.tsx';
import { ExportButton } from './person/export-button.tsx';
import { IdentifiersSection } from './person/identifiers-section.tsx';
import { MergeDialog } from './person/merge-dialog.tsx';
import { MergeHistory } from './person/merge-history.tsx';
import { NamesSection } from './person/names-section.tsx';

export type Person = components['schemas']['PersonaWithEmbeds'];

export function usePerson(id: string) {
  return useQuery({ queryKey: ['person', id], queryFn: () => call(api.GET('/v1/personas/{id}', { params: { path: { id } } })) });
}

export function PersonPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const person = usePerson(id);
  const [dialog, setDialog] = useState<'merge' | 'erase' | null>(null);

  // A merged person's id answers with the person it was merged into: show that one under its own address.
  useEffect(() => {
    if (person.data && person.data.id !== id) navigate(`/people/${person.data.id}`, { replace: true, state: { mergedFrom: id } });
  }, [person.data, id, navigate]);

  if (person.isPending) return <Loading what="this person" />;
  if (person.isError)
    return (
      <>
        <h1>Person</h1>
        <ErrorMessage error={person.error} title="Could not load this person" />
      </>
    );
  const data = person.data;
  const name = displayName(data);
  return (
    <article className="person">
      <div className="person-head">
        <h1>{name}</h1>
        <div className="actions">
          <ScopedButton scope="personas:merge" onClick={() => setDialog('merge')}>
            Merge…
          </ScopedButton>
          <ScopedButton scope="personas:erase" className="danger" onClick={() => setDialog('erase')}>
            Erase…
          </ScopedButton>
          <ExportButton person={data} />
        </div>
      </div>
      <div className="columns">
        <div>
          <NamesSection person={data} />
          <ProfileSection person={data} />
          <IdentifiersSection person={data} />
        </div>
        <div>
          <AttributesSection person={data} />
          <LinksSection person={data} />
          <MergeHistory person={data} />
        </div>
      </div>
      {dialog === 'merge' && <MergeDialog person={data} onClose={() => setDialog(null)} />}
      {dialog === 'erase' && <EraseDialog person={data} onClose={() => setDialog(null)} />}
    </article>
  );
}

function ProfileSection({ person }: { person: Person }) {
  const entries = Object.entries(person.profile ?? {});
  return (
    <Section id="profile" title="Profile">
      <p>
        {person.active ? 'Active' : 'Inactive'} · created{' '}
        <time dateTime={person.createdAt}>{new Date(person.createdAt).toLocaleString()}</time>
      </p>
      {entries.length === 0 ? (
        <p className="hint">No profile.</p>
      ) : (
        <dl>
          {entries.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </Section>
  );
}

function LinksSection({ person }: { person: Person }) {
  return (
    <Section id="links" title="Links" isEmpty={person.links.length === 0} emptyText="Not linked to any other record.">
      <ul>
        {person.links.map((link) => (
          <li key={link.id}>
            {link.recTypeName} <code>{link.recId}</code>
            {link.active ? '' : ' (inactive)'}
          </li>
        ))}
      </ul>
    </Section>
  );
}
