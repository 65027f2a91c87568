// Start-up step of a journaled run (durability process/fsync): the intents the last process journaled but
// may not have committed go into the store before anything reads it, so restore counts them (no client order
// id is used twice) and reconciliation finds them: at the venue (booked or adopted) or not (handled as any
// stored intent that may not have been sent). Torn records (a crash mid-write, never sent) are skipped; each
// finding is a 'journal' risk event of the run.
import type { IntentJournal } from '../store/intent-journal.ts';
import type { OrderInput, Store } from '../store/store.ts';

export interface JournalRecovery {
  /** Intents written into the store now (they were journaled, not committed). */
  readonly stored: readonly string[];
  readonly warnings: readonly string[];
}

export async function recoverJournal(journal: IntentJournal, store: Store, runId: string, runExists: boolean, nowMs: number): Promise<JournalRecovery> {
  const { records, warnings } = journal.recover();
  const notes = [...warnings];
  const missing: OrderInput[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    if (seen.has(r.clientOrderId)) continue;
    seen.add(r.clientOrderId);
    if (r.runId !== runId || !runExists) notes.push(`journal record ${r.clientOrderId} is not of run ${runId} (or the run is not in the store): ignored`);
    else if ((await store.getOrder(r.clientOrderId)) === null) missing.push(r);
  }
  if (missing.length > 0) {
    store.appendOrders(missing);
    notes.push(`stored ${missing.length} intent(s) from the journal that the store did not have: ${missing.map((m) => m.clientOrderId).join(', ')}`);
  }
  // A new run (not in the store) writes nothing here: its row comes first, and rows the start already buffered
  // for it (its venue link's first state) wait for it.
  if (runExists && notes.length > 0) {
    store.appendRiskEvents(notes.map((reason) => ({ runId, tsMs: nowMs, kind: 'journal', reason })));
    await store.flush();
  }
  journal.discardRecovered();
  return { stored: missing.map((m) => m.clientOrderId), warnings: notes };
}
