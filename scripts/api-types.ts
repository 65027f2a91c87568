// `npm run api:types`: writes web/src/api/schema.d.ts, the dashboard's types of every API route, from the
// server's OpenAPI document (itself from the routes' zod schemas). Run it after changing a route's schema;
// test/server/web-api-types.test.ts fails while the committed file differs from what this writes.
import { writeFileSync } from 'node:fs';
import { apiTypesSource, API_TYPES_FILE } from '../src/server/api-types.ts';

writeFileSync(API_TYPES_FILE, await apiTypesSource());
console.log(`wrote ${API_TYPES_FILE}`);
