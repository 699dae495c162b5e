// Export: everything stored about the person as one JSON file (GDPR access request).
import { useMutation } from '@tanstack/react-query';
import { fetchWithCredentials } from '../../api/client.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { saveResponse } from '../../lib/download.ts';
import type { Person } from '../person-page.tsx';

export function ExportButton({ person }: { person: Person }) {
  const download = useMutation({
    mutationFn: async () => saveResponse(await fetchWithCredentials(`/v1/personas/${person.id}/export`), `person-${person.id}.json`),
  });
  return (
    <>
      <button type="button" disabled={download.isPending} onClick={() => download.mutate()}>
        {download.isPending ? 'Exporting…' : 'Export'}
      </button>
      {download.isError && <ErrorMessage error={download.error} title="Export failed" />}
    </>
  );
}
