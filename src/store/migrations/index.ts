// The ordered list of migrations. Append new ones (002_..., 003_...); never edit an applied one:
// the runner records a checksum and refuses a database whose applied migration text changed.
import * as m001 from './001_initial.ts';
import * as m002 from './002_strategy_state.ts';
import * as m003 from './003_commands.ts';
import * as m004 from './004_access.ts';
import * as m005 from './005_audit.ts';
import * as m006 from './006_venue_order_ids.ts';
import * as m007 from './007_trailing_stops.ts';
import * as m008 from './008_fill_fee_asset.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [m001, m002, m003, m004, m005, m006, m007, m008];
