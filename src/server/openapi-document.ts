// The server's OpenAPI document without a running server: built on an in-memory store, read, closed. The
// dashboard's API types are generated from it (scripts/api-types.ts), and a test checks that the committed
// types are the ones this document gives, so the pages cannot drift from the server's zod schemas.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openServerServices } from '../app/server-services.ts';
import { buildServer } from './app.ts';

export async function openApiDocument(): Promise<Record<string, unknown>> {
  const stateDir = mkdtempSync(join(tmpdir(), 'sextant-openapi-'));
  const services = await openServerServices({ stateDir, url: 'memory://', env: {} });
  try {
    const app = await buildServer(services);
    try {
      await app.ready();
      return app.swagger() as unknown as Record<string, unknown>;
    } finally {
      await app.close();
    }
  } finally {
    await services.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
