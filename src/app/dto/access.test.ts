// The access DTOs describe exactly what the services return: each service's record type is assignable to its
// schema's type and back (the server's OpenAPI document is built from these schemas).
import { describe, expectTypeOf, it } from 'vitest';
import type { CredentialInfo } from '../../store/access-store.ts';
import type { AuditEntry } from '../../store/audit/entry.ts';
import type { SessionIdentity } from '../access/sessions.ts';
import type { CreatedToken, TokenIdentity, TokenInfo } from '../access/tokens.ts';
import type { AddedUser, UserInfo } from '../access/users.ts';
import type { AddedUserDto, AuditEntryDto, CreatedTokenDto, CredentialDto, SessionIdentityDto, TokenDto, TokenIdentityDto, UserDto } from './access.ts';

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
    expectTypeOf<Omit<AuditEntry, 'payload'>>().toExtend<Omit<AuditEntryDto, 'payload'>>();
    expectTypeOf<Omit<AuditEntryDto, 'payload'>>().toExtend<Omit<AuditEntry, 'payload'>>();
  });

});
