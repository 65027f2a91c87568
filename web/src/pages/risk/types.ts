// The Risk page's names for the API's answers (from the generated schema).
import type { GetOk } from '../../api/types';

export type RiskReport = GetOk<'/api/v1/bots/{id}/risk/report'>;
export type LimitLine = RiskReport['limits']['grossLeverage'];
export type VarLine = RiskReport['var']['historical'];
/** `{ checks: {...}, breakers: {...} }` as stored (docs/risk.md), or null. */
export type RiskConfig = Record<string, unknown> | null;
