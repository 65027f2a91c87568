// The report use cases behind `sextant report blotter|13f|tca`: read the runs from the store of --state-dir (or
// DATABASE_URL), closed again before anything is built; load the reference file and the bars; build the report
// with the pure builders of this folder.
import { join } from 'node:path';
import { ConfigError } from '../../core/errors.ts';
import { openStore } from '../../store/open.ts';
import type { BlotterDto, Form13fDto, TcaDto } from '../dto/reports.ts';
import { loadMarketData } from '../market-data.ts';
import { DEFAULT_STATE_DIR } from '../state-dir.ts';
import { buildBlotter } from './blotter.ts';
import { checkDay, dayIn } from './days.ts';
import { buildForm13f, quarterEnd } from './form13f.ts';
import { loadReference } from './reference.ts';
import { dataSpecs, readRunRecords, tcaSources, type RunRecords } from './run-records.ts';
import { buildTca } from './tca.ts';

/** Opens the store of `stateDir` (DATABASE_URL when set), reads the runs and closes it. */
export async function loadRunRecords(runIds: readonly string[], stateDir: string | undefined): Promise<RunRecords[]> {
  const store = await openStore({ dir: join(stateDir ?? DEFAULT_STATE_DIR, 'db'), mustExist: true, existingField: '--state-dir' });
  try {
    return await readRunRecords(store, runIds);
  } finally {
    await store.close();
  }
}

export interface BlotterRequest {
  readonly runId: string;
  readonly date?: string;
  readonly timeZone?: string;
  readonly reference?: string;
  readonly stateDir?: string;
}

/** `sextant report blotter`: the run's executions from the store of `stateDir` (or DATABASE_URL). */
export async function blotterReport(req: BlotterRequest): Promise<BlotterDto> {
  const date = req.date === undefined ? null : checkDay(req.date, '--date');
  const timeZone = req.timeZone ?? 'UTC';
  dayIn(timeZone);
  const reference = req.reference === undefined ? null : loadReference(req.reference);
  const [records] = await loadRunRecords([req.runId], req.stateDir);
  return buildBlotter({ ...records!, reference, date, timeZone });
}

export interface Form13fRequest {
  readonly runIds: readonly string[];
  readonly quarter?: string;
  readonly date?: string;
  /** `--data` sources; default: the runs' replay sources. */
  readonly data?: readonly string[];
  readonly reference: string;
  readonly stateDir?: string;
}

/** The period of report from --quarter or --date (exactly one). */
export function periodOf(req: { readonly quarter?: string; readonly date?: string }): string {
  if ((req.quarter === undefined) === (req.date === undefined)) throw new ConfigError('give the period as --quarter 2024Q4 or --date YYYY-MM-DD (one of them)', { field: '--quarter' });
  return req.quarter !== undefined ? quarterEnd(req.quarter) : checkDay(req.date!, '--date');
}

/** `sextant report 13f`. */
export async function form13fReport(req: Form13fRequest): Promise<Form13fDto> {
  const periodOfReport = periodOf(req);
  const reference = loadReference(req.reference);
  const runs = await loadRunRecords(req.runIds, req.stateDir);
  const specs = dataSpecs(req.data, runs);
  const market = loadMarketData(specs, { skipBadRows: false });
  return buildForm13f({ runs, reference, periodOfReport, series: market.series });
}

export interface TcaRequest {
  readonly runId: string;
  /** `--data` sources; default: the run's replay source; none: no arrival prices. */
  readonly data?: readonly string[];
  readonly stateDir?: string;
}

/** `sextant report tca`. */
export async function tcaReport(req: TcaRequest): Promise<TcaDto> {
  const [records] = await loadRunRecords([req.runId], req.stateDir);
  const specs = tcaSources(req.data, records!.run);
  const series = specs.length === 0 ? [] : loadMarketData(specs, { skipBadRows: false }).series;
  return buildTca({ records: records!, series, data: specs });
}
