// CSV import: choose a file, check how each column is read (guessed from the headers), upload, follow the progress,
// then download the per-row error file when some rows were refused.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { parse } from 'csv-parse/browser/esm/sync';
import { api, call, fetchWithCredentials, type components } from '../api/client.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { ScopedButton } from '../components/scoped-button.tsx';
import { saveResponse } from '../lib/download.ts';
import { COLUMN_TYPES, guessColumn, importProgress, mappingOf, type ColumnChoice, type ColumnType } from '../lib/import-mapping.ts';

type Import = components['schemas']['Import'];

export function ImportPage() {
  const [file, setFile] = useState<File | null>(null);
  const [columns, setColumns] = useState<ColumnChoice[]>([]);
  const [readError, setReadError] = useState<unknown>(null);
  const [started, setStarted] = useState<Import | null>(null);

  async function choose(chosen: File | null) {
    setFile(chosen);
    setStarted(null);
    setReadError(null);
    setColumns([]);
    if (!chosen) return;
    try {
      const [headers = []] = parse(await chosen.text(), { to_line: 1, bom: true }) as string[][];
      setColumns(headers.map(guessColumn));
    } catch (error) {
      setReadError(error);
    }
  }

  const upload = useMutation({
    mutationFn: async () => {
      const form = new FormData();
      form.set('file', file!);
      form.set('mapping', JSON.stringify(mappingOf(columns)));
      form.set('title', file!.name);
      const response = await fetchWithCredentials('/v1/imports', { method: 'POST', body: form });
      return (await response.json()) as Import;
    },
    onSuccess: setStarted,
  });
  const change = (index: number, patch: Partial<ColumnChoice>) =>
    setColumns(columns.map((column, at) => (at === index ? { ...column, ...patch } : column)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    upload.mutate();
  };

  return (
    <>
      <h1>Import people</h1>
      <form onSubmit={submit}>
        <label htmlFor="import-file">CSV file</label>
        <input id="import-file" type="file" accept=".csv,text/csv" onChange={(event) => choose(event.target.files?.[0] ?? null)} />
        {readError !== null && <ErrorMessage error={readError} title="Could not read the header row" />}
        {columns.length > 0 && (
          <fieldset>
            <legend>How each column is read</legend>
            {columns.map((column, index) => (
              <div key={column.header} className="field-row">
                <label htmlFor={`column-${index}`}>{column.header}</label>
                <select
                  id={`column-${index}`}
                  value={column.type}
                  onChange={(event) => change(index, { type: event.target.value as ColumnType })}
                >
                  {Object.entries(COLUMN_TYPES).map(([type, label]) => (
                    <option key={type} value={type}>
                      {label}
                    </option>
                  ))}
                </select>
                {column.type === 'account_name' && !columns.some((other) => other.type === 'account_homepage') && (
                  <>
                    <label htmlFor={`homepage-${index}`}>Home page of {column.header}</label>
                    <input
                      id={`homepage-${index}`}
                      type="url"
                      required
                      value={column.homePage}
                      onChange={(event) => change(index, { homePage: event.target.value })}
                    />
                  </>
                )}
              </div>
            ))}
          </fieldset>
        )}
        <ScopedButton scope="personas:write" type="submit" disabled={!file || columns.length === 0 || upload.isPending}>
          {upload.isPending ? 'Uploading…' : 'Start import'}
        </ScopedButton>
      </form>
      {upload.isError && <ErrorMessage error={upload.error} title="The import was refused" />}
      {started && <ImportProgress started={started} />}
    </>
  );
}

function ImportProgress({ started }: { started: Import }) {
  const job = useQuery({
    queryKey: ['import', started.id],
    queryFn: () => call(api.GET('/v1/imports/{id}', { params: { path: { id: started.id } } })),
    initialData: started,
    refetchInterval: (query) => (query.state.data?.state === 'processing' ? 500 : false),
  });
  const download = useMutation({
    mutationFn: async () => saveResponse(await fetchWithCredentials(`/v1/imports/${started.id}/errors`), `import-${started.id}-errors.csv`),
  });
  const data = job.data;
  const percent = Math.round(importProgress(data) * 100);
  return (
    <section aria-labelledby="progress-heading" className="panel">
      <h2 id="progress-heading">Import {data.title}</h2>
      <label htmlFor="import-progress">Progress</label>
      <progress id="import-progress" max={100} value={percent}>
        {percent}%
      </progress>
      <p role="status" aria-live="polite">
        {data.state === 'processing'
          ? `Processing: ${data.processedRows} of ${data.totalRows} rows`
          : data.state === 'completed'
            ? `Completed: ${data.processedRows} rows`
            : `Failed: ${data.failure}`}
      </p>
      <p>
        Created {data.counts.created} · matched {data.counts.matched} · merged {data.counts.merged} · conflicts {data.counts.conflicts} ·
        errors {data.counts.errors}
      </p>
      {job.isError && <ErrorMessage error={job.error} title="Could not follow the import" />}
      {data.state !== 'processing' && data.counts.errors + data.counts.conflicts > 0 && (
        <button type="button" onClick={() => download.mutate()}>
          Download the rows in error (CSV)
        </button>
      )}
      {download.isError && <ErrorMessage error={download.error} title="Could not download the errors" />}
    </section>
  );
}
