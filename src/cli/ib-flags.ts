// `--ib-host`, `--ib-port`, `--ib-client-id`, `--ib-account` (flags defined in commands.ts): the TWS / IB
// Gateway link of `live --venue ib`, `paper --feed ib` and `data download --venue ib`.
import { num, str, type ParsedArgs } from './args.ts';

export interface IbLinkFlags {
  readonly host: string;
  readonly port: number;
  readonly clientId: number;
  readonly account?: string;
}

/** The link when a port is named; undefined otherwise (the command that needs it says so). */
export function ibLink(a: ParsedArgs): IbLinkFlags | undefined {
  const port = num(a, 'ib-port');
  if (port === undefined) return undefined;
  const account = str(a, 'ib-account');
  return { host: str(a, 'ib-host') ?? '127.0.0.1', port, clientId: num(a, 'ib-client-id') ?? 1, ...(account !== undefined && { account }) };
}
