// The dashboard's API types (web/src/api/schema.d.ts) are generated from the server's OpenAPI document, itself
// from the routes' zod schemas: this fails while the committed file is not what the server gives now, so the
// pages cannot drift from the API (fix: `npm run api:types`, then fix what no longer type-checks in web/).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, apiTypesSource } from '../../src/server/api-types.ts';

describe('the dashboard API types', () => {
  it('are the ones the server OpenAPI document gives (npm run api:types)', async () => {
    const fresh = await apiTypesSource();
    expect(fresh).toMatch(/"\/api\/v1\/bots\/\{id\}\/orders": \{/);
    expect(readFileSync(API_TYPES_FILE, 'utf8') === fresh, 'web/src/api/schema.d.ts is stale: run `npm run api:types`').toBe(true);
  }, 60_000);
});
