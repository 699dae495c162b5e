// A titled part of a page (a landmark named by its heading), with the sentence shown when it has nothing to list.
import type { ReactNode } from 'react';

export function Section({
  id,
  title,
  emptyText,
  isEmpty = false,
  children,
}: {
  id: string;
  title: string;
  emptyText?: string;
  isEmpty?: boolean;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {isEmpty ? <p className="hint">{emptyText}</p> : children}
    </section>
  );
}
