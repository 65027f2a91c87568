// No request string may hold a NUL character (U+0000): Postgres text and jsonb cannot store one, so it would
// fail deep in the store as a 500 (and a mutation's audit entry would be lost) instead of being refused as
// bad input. Checked on the route's parameters, query and parsed body, keys included, before validation.
import type { FastifyInstance } from 'fastify';
import { HttpProblem, problem } from './problem.ts';

/** The path of the first string (or key) with a NUL in `value`, or null. Iterative: a deeply nested body cannot overflow the stack. */
export function nulPath(value: unknown, root: string): string | null {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path;
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push([x, `${path}.${i}`]));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\u0000')) return path;
        stack.push([x, `${path}.${k}`]);
      }
    }
  }
  return null;
}

/** True when `value` holds a NUL in any string or key (nulPath's question without building paths). */
export function hasNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return true;
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        if (k.includes('\u0000')) return true;
        stack.push((v as Record<string, unknown>)[k]);
      }
    }
  }
  return false;
}

export function registerInputGuard(app: FastifyInstance): void {
  // A plain callback hook (no promise per request), and paths are only built for a request that has a NUL.
  app.addHook('preValidation', (request, _reply, done) => {
    if (!hasNul(request.params) && !hasNul(request.query) && !hasNul(request.body)) return done();
    for (const [where, v] of [['params', request.params], ['query', request.query], ['body', request.body]] as const) {
      const at = nulPath(v, where);
      if (at !== null) return done(new HttpProblem(problem(400, `${at}: must not contain a NUL character (U+0000)`, at)));
    }
    done();
  });
}
