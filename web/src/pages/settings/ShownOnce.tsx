// A secret the server shows once (a new API token, a generated password): in full, with a copy button and a
// plain warning that it cannot be shown again.
import { useState } from 'react';
import { Button } from '../../components/ui';

export function ShownOnce({ title, secret, onDone }: { title: string; secret: string; onDone(): void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div role="region" aria-label={title} className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3">
      <p className="text-sm font-semibold text-amber-900">{title}</p>
      <p className="text-sm text-amber-900">Copy it now: you will not see it again. Only its hash is stored.</p>
      <code data-testid="shown-once" className="block select-all break-all rounded bg-white px-2 py-1 font-mono text-sm text-slate-900 ring-1 ring-amber-200">{secret}</code>
      <div className="flex flex-wrap items-center gap-2">
        <Button onClick={() => void copy()}>Copy</Button>
        <Button onClick={onDone}>Done</Button>
        <span role="status" className="text-sm text-slate-700">{copied === 'yes' ? 'Copied.' : copied === 'failed' ? 'The browser refused to copy: select the text and copy it.' : ''}</span>
      </div>
    </div>
  );
}
