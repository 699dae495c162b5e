// A modal dialog on the native <dialog> element: showModal() gives focus trapping, Escape to close and an inert page
// behind it, with no library.
import { useEffect, useRef, type ReactNode } from 'react';

export function Modal({ title, onClose, children }: { title: string; onClose(): void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current!;
    // No close() on unmount: removing the element ends the modal state, and a close event would call onClose again.
    if (!dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby="dialog-title" onClose={onClose} className="modal">
      <h2 id="dialog-title">{title}</h2>
      {children}
      <button type="button" className="close" onClick={onClose}>
        Close
      </button>
    </dialog>
  );
}
