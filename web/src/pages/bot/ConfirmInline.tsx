// A destructive action in two steps: the button asks, then "Yes, <action>" does it (or "No" steps back).
// Focus moves to the confirming button so a keyboard user confirms with a second Enter, not by accident.
import { useEffect, useRef, useState } from 'react';
import { Button } from '../../components/ui';

export function ConfirmInline({ label, confirm, onConfirm, disabled, busy }: { label: string; confirm: string; onConfirm: () => void; disabled?: boolean; busy?: boolean }) {
  const [asking, setAsking] = useState(false);
  const group = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (asking) group.current?.querySelector('button')?.focus();
  }, [asking]);
  if (!asking) return <Button onClick={() => setAsking(true)} disabled={disabled === true || busy === true}>{busy === true ? `${label}…` : label}</Button>;
  return (
    <span ref={group} className="inline-flex flex-wrap items-center gap-2" role="group" aria-label={label}>
      <Button tone="danger" onClick={() => { setAsking(false); onConfirm(); }}>{confirm}</Button>
      <Button onClick={() => setAsking(false)}>No</Button>
    </span>
  );
}
