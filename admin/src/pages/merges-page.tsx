// The organisation's merge history, newest first, with undo.
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client.ts';
import { ErrorMessage, Loading } from '../components/error-message.tsx';
import { MergeEntry } from './person/merge-history.tsx';

export function MergesPage() {
  const history = useQuery({ queryKey: ['merges'], queryFn: () => call(api.GET('/v1/merges', { params: { query: { limit: '50' } } })) });
  return (
    <>
      <h1>Merges</h1>
      {history.isPending && <Loading what="the merge history" />}
      {history.isError && <ErrorMessage error={history.error} title="Could not load the merge history" />}
      {history.data && history.data.data.length === 0 && <p>No merges yet.</p>}
      {history.data && (
        <ol className="history">
          {history.data.data.map((merge) => (
            <MergeEntry key={merge.id} merge={merge} />
          ))}
        </ol>
      )}
    </>
  );
}
