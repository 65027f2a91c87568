// The access DTOs describe exactly what the services return: each service's record type is assignable to its
// schema's type and back (the server's OpenAPI document is built from these schemas), and a bot definition from
// a real store parses.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { openStore } from '../../store/open.ts';
import type { AuditRecord, BotRecord, CredentialInfo } from '../../store/access-store.ts';
import { BotDefinitions } from '../access/bots.ts';
import type { SessionIdentity } from '../access/sessions.ts';
import type { CreatedToken, TokenIdentity, TokenInfo } from '../access/tokens.ts';
import type { AddedUser, UserInfo } from '../access/users.ts';
import type { AddedUserDto, AuditEntryDto, BotDto, CreatedTokenDto, CredentialDto, SessionIdentityDto, TokenDto, TokenIdentityDto, UserDto } from './access.ts';
import { BotSchema } from './access.ts';

describe('access DTOs', () => {
  it('match the service types', () => {
    expectTypeOf<UserInfo>().toExtend<UserDto>();
    expectTypeOf<UserDto>().toExtend<UserInfo>();
    expectTypeOf<AddedUser>().toExtend<AddedUserDto>();
    expectTypeOf<AddedUserDto>().toExtend<AddedUser>();
    expectTypeOf<TokenInfo>().toExtend<TokenDto>();
    expectTypeOf<TokenDto>().toExtend<TokenInfo>();
    expectTypeOf<CreatedToken>().toExtend<CreatedTokenDto>();
    expectTypeOf<TokenIdentity>().toExtend<TokenIdentityDto>();
    expectTypeOf<TokenIdentityDto>().toExtend<TokenIdentity>();
    expectTypeOf<SessionIdentity>().toExtend<SessionIdentityDto>();
    expectTypeOf<CredentialInfo>().toExtend<CredentialDto>();
    expectTypeOf<CredentialDto>().toExtend<CredentialInfo>();
    expectTypeOf<Omit<BotRecord, 'config'>>().toExtend<Omit<BotDto, 'config'>>();
    expectTypeOf<Omit<AuditRecord, 'payload'>>().toExtend<Omit<AuditEntryDto, 'payload'>>();
  });

  it('a stored bot definition parses; unknown bots and bad ids are refused by field', async () => {
    const store = await openStore({ url: 'memory://' });
    try {
      const bots = new BotDefinitions(store.access, { now: () => 1_700_000_000_000 });
      const b = await bots.put('bot-1', { strategy: 'rsi', params: { period: 14 }, symbols: ['AAPL'] });
      expect(BotSchema.strict().parse(b)).toEqual({ id: 'bot-1', config: { strategy: 'rsi', params: { period: 14 }, symbols: ['AAPL'] }, desired: 'stopped', createdMs: 1_700_000_000_000, updatedMs: 1_700_000_000_000 });
      expect((await bots.setDesired('bot-1', 'running')).desired).toBe('running');
      await expect(bots.setDesired('ghost', 'running')).rejects.toThrow(/field "id"/);
      await expect(bots.put('../etc', {})).rejects.toThrow(/field "id"/);
      expect(await bots.remove('bot-1')).toBe(true);
      expect(await bots.list()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
