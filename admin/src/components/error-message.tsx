// Every failure the same way: a readable sentence, the service's error code, and the details it named.
import { toApiError } from '../api/api-error.ts';

export function ErrorMessage({
  error,
  title = 'Something went wrong',
  showDetails = true,
}: {
  error: unknown;
  title?: string;
  showDetails?: boolean;
}) {
  const failure = toApiError(error);
  return (
    <div role="alert" className="error">
      <p>
        <strong>{title}:</strong> {failure.message} <code className="code">{failure.code}</code>
      </p>
      {showDetails && failure.details.length > 0 && (
        <ul>
          {failure.details.map((detail, index) => (
            <li key={index}>
              <code>{detail.path}</code>: {detail.message} <code className="code">{detail.code}</code>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" className="loading" aria-live="polite">
      Loading {what}…
    </p>
  );
}
