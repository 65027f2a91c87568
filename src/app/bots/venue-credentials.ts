// Broker keys from the server's vault, handed to a venue's client the way the adapters read them (the
// venues' usual environment variable names), and a connectivity test of a stored key.
import { ConfigError } from '../../core/errors.ts';
import { SinkRelay } from '../../execution/sink-relay.ts';
import { createBrokerClient, parseVenue } from '../../engine/venues.ts';
import type { CredentialVault } from '../access/vault.ts';

/** The secret names a credential holds: `apiKey` and `apiSecret` for every venue with keys. */
export const CREDENTIAL_SECRETS = ['apiKey', 'apiSecret'] as const;

/** The environment variables a venue's adapter reads its keys from, filled from a credential's secrets. */
export function venueEnv(venue: string, secrets: Readonly<Record<string, string>>): Record<string, string> {
  const spec = parseVenue(venue, 'venue');
  const key = secrets.apiKey;
  const secret = secrets.apiSecret;
  if (key === undefined || secret === undefined) throw new ConfigError(`a ${spec.name} credential needs the secrets apiKey and apiSecret`, { field: 'secrets' });
  switch (spec.kind) {
    case 'alpaca':
      return { APCA_API_KEY_ID: key, APCA_API_SECRET_KEY: secret };
    case 'ccxt': {
      const prefix = spec.exchangeId.toUpperCase();
      return { [`${prefix}_API_KEY`]: key, [`${prefix}_API_SECRET`]: secret };
    }
    case 'ib':
      throw new ConfigError('Interactive Brokers logs in through TWS or IB Gateway, not with API keys', { field: 'venue' });
  }
}

/** The environment a bot on `venue` connects with: the newest stored credential of that venue over the process's own. */
export async function envForVenue(vault: CredentialVault, venue: string): Promise<Record<string, string | undefined>> {
  const name = parseVenue(venue, 'venue').name;
  const stored = (await vault.list()).filter((c) => c.venue === name).sort((a, b) => b.createdMs - a.createdMs)[0];
  if (stored === undefined) return { ...process.env };
  return { ...process.env, ...venueEnv(name, (await vault.reveal(stored.id)).secrets) };
}

export interface CredentialTest {
  readonly ok: boolean;
  readonly venue: string;
  /** Currencies with a balance, when it connected. */
  readonly currencies: number;
  readonly message: string;
  readonly millis: number;
}

/** Connects to the venue with a stored credential and reads its balances; never throws for a venue's refusal. */
export async function testCredential(vault: CredentialVault, id: string, opts: { testnet?: boolean; baseUrl?: string; streamUrl?: string } = {}): Promise<CredentialTest> {
  const c = await vault.reveal(id);
  const spec = parseVenue(c.venue, 'venue');
  const started = Date.now();
  const env = venueEnv(spec.name, c.secrets);
  try {
    const client = await createBrokerClient(spec, { testnet: opts.testnet === true, baseUrl: opts.baseUrl, streamUrl: opts.streamUrl, env, symbols: [] }, new SinkRelay());
    try {
      await client.connect();
      const balances = await client.balances();
      return { ok: true, venue: spec.name, currencies: balances.filter((b) => b.total !== 0).length, message: `connected to ${spec.name}; ${balances.length} balances read`, millis: Date.now() - started };
    } finally {
      await client.disconnect().catch(() => undefined);
    }
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    // The venue's answer may echo the key: never let a secret out through a message.
    const safe = Object.values(c.secrets).reduce((t, s) => (s.length >= 4 ? t.split(s).join('[redacted]') : t), text);
    return { ok: false, venue: spec.name, currencies: 0, message: safe, millis: Date.now() - started };
  }
}
