// A destructive action asked twice: the first press shows the question with Confirm and Cancel in place
// (focus moves to Cancel, so Enter twice does not destroy), the second does it.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Button } from './ui';

export function ConfirmButton({ children, question, confirmLabel, onConfirm, label, disabled }: {
  children: ReactNode;
  /** Shown while asking, e.g. "Revoke token ci?". */
  question: string;
  confirmLabel: string;
  onConfirm: () => void | Promise<void>;
  /** The accessible name of the first button when its text alone is ambiguous (one per table row). */
  label?: string;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const groupRef = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (asking) groupRef.current?.querySelector<HTMLButtonElement>('button[data-cancel]')?.focus();
  }, [asking]);
  if (!asking) return <Button tone="danger" aria-label={label} disabled={disabled} onClick={() => setAsking(true)}>{children}</Button>;
  return (
    <span ref={groupRef} role="group" aria-label={question} className="inline-flex flex-wrap items-center gap-2">
      <span className="text-sm text-slate-700">{question}</span>
      <Button tone="danger" onClick={() => {
        setAsking(false);
        void onConfirm();
      }}>{confirmLabel}</Button>
      <Button data-cancel onClick={() => setAsking(false)}>Cancel</Button>
    </span>
  );
}
