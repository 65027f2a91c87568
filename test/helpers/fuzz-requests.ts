// A seeded generator of hostile HTTP requests for the API server's fuzz test: paths from the server's own
// route table with odd parameters (or made-up paths), any method, query strings with wrong types and
// prototype-pollution keys, headers with bad credentials and content types, and bodies that are malformed,
// oversized, deeply nested, of the wrong type, or a valid body with one field broken. Deterministic for a seed.
import { seeded } from '../fakes/seeded.ts';

/** A seeded PRNG (mulberry32): the same seed gives the same requests. */
export const seededRandom = seeded;

/** Percent-encoding that also takes lone surrogates (sent as U+FFFD, as a browser would). */
const pct = (s: string): string => encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'));

export const NASTY_STRINGS: readonly string[] = [
  "' OR 1=1; --", "'; DROP TABLE users; --", '" OR ""="', '1; SELECT pg_sleep(5)', "admin'--", '%27%20OR%201=1', '$1', '\\',
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg/onload=alert(1)>', 'javascript:alert(1)', '{{7*7}}', '${7*7}',
  '../../../../etc/passwd', '..%2f..%2fetc%2fpasswd', '/dev/zero', 'csv:/etc/passwd', 'C:\\Windows\\win.ini', 'file:///etc/passwd',
  '__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf',
  '', ' ', '\u0000', '\u0000\u0001\u001f', '\r\n', '\t', '𝕊𝔢𝔵𝔱𝔞𝔫𝔱', '\u202eevil', 'Ünïcödé', '日本語', '🚀💰', '\uD800', 'a'.repeat(201), 'x'.repeat(5000),
  'NaN', 'Infinity', '-0', '1e309', '0x10', 'null', 'undefined', 'true', '[]', '{}',
];
export const NASTY_NUMBERS: readonly number[] = [0, -1, -0, 1, 0.5, 1e-300, 1e308, -1e308, 2 ** 53 + 1, -(2 ** 63), 4294967296, 1e21, 0.1 + 0.2];
const KEYS = ['__proto__', 'constructor', 'prototype', 'name', 'id', 'strategies', 'params', 'symbols', 'qty', 'side', 'symbol', 'type', 'username', 'password', 'role', 'scope', 'venue', 'label', 'secrets', 'risk', 'mode', 'limit', 'flatten', 'cash', 'barMs'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const CONTENT_TYPES = ['application/json', 'application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'application/json; charset=utf-16', 'application/xml', 'application/json, text/html', '*/*', 'application/vnd.api+json'];
const MALFORMED_JSON = ['{', '{"a":', '[1,2', 'nul', '{"a":1}}', "{'a':1}", '{"a":01}', '{"a":.5}', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}', '\u0000', '"', '{"a":"\\x41"}', '{"a":NaN}', '{"a":Infinity}', '[' + ']'.repeat(3)];

export interface FuzzTarget {
  readonly method: string;
  readonly url: string;
}

export interface FuzzContext {
  readonly routes: readonly FuzzTarget[];
  /** Parameter values that name things that exist, for a route pattern, parameter and method (e.g. ('/api/v1/bots/:id', 'id', 'GET') → ['b1', 'b2']). */
  readonly realParams: (url: string, param: string, method: string) => readonly string[];
  /** Valid bodies of mutating routes ("POST /api/v1/bots" → a body it accepts), broken one field at a time. */
  readonly templates: Readonly<Record<string, unknown>>;
}

export interface FuzzRequest {
  readonly method: string;
  /** The route pattern it was drawn from (null: a made-up path). */
  readonly route: string | null;
  readonly params: Record<string, string>;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer | null;
  readonly kind: string;
}

export class FuzzGenerator {
  readonly #r: () => number;
  readonly #ctx: FuzzContext;

  constructor(seed: number, ctx: FuzzContext) {
    this.#r = seededRandom(seed);
    this.#ctx = ctx;
  }

  #int(n: number): number {
    return Math.floor(this.#r() * n);
  }

  #pick<T>(xs: readonly T[]): T {
    return xs[this.#int(xs.length)]!;
  }

  #chance(p: number): boolean {
    return this.#r() < p;
  }

  /** A JSON value of any type, with hostile strings, numbers and keys. */
  value(depth = 0): unknown {
    const k = this.#int(depth > 3 ? 4 : 7);
    switch (k) {
      case 0: return this.#pick(NASTY_STRINGS);
      case 1: return this.#pick(NASTY_NUMBERS);
      case 2: return this.#pick([null, true, false]);
      case 3: return this.#chance(0.5) ? this.#pick(NASTY_STRINGS) : this.#int(1000);
      case 4: return Array.from({ length: this.#int(4) }, () => this.value(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = this.#int(5); i > 0; i--) o[this.#pick([...KEYS, ...NASTY_STRINGS.slice(0, 12)])] = this.value(depth + 1);
        return o;
      }
    }
  }

  #param(url: string, name: string, method: string): string {
    const real = this.#ctx.realParams(url, name, method);
    if (real.length > 0 && this.#chance(0.5)) return this.#pick(real);
    return this.#chance(0.7) ? this.#pick(NASTY_STRINGS) : String(this.#pick(NASTY_NUMBERS));
  }

  #query(): string {
    if (this.#chance(0.5)) return '';
    const parts: string[] = [];
    for (let i = 1 + this.#int(4); i > 0; i--) {
      const key = this.#pick(['limit', 'offset', 'status', 'afterSeq', '__proto__', 'constructor[prototype][admin]', 'a[b]', 'limit', ...NASTY_STRINGS.slice(0, 5)]);
      const val = this.#chance(0.5) ? String(this.#pick(NASTY_NUMBERS)) : this.#pick(NASTY_STRINGS);
      parts.push(`${pct(key)}=${pct(val)}`);
    }
    return `?${parts.join('&')}`;
  }

  #body(key: string): { body: Buffer | null; kind: string } {
    const x = this.#r();
    if (x < 0.25) return { body: null, kind: 'none' };
    if (x < 0.37) return { body: Buffer.from(this.#pick(MALFORMED_JSON)), kind: 'malformed' };
    if (x < 0.38) return { body: Buffer.from(JSON.stringify({ pad: 'x'.repeat(300 * 1024) })), kind: 'oversized' };
    if (x < 0.39) {
      // Deep nesting: a parser or validator that recurses must not fall over.
      const depth = 2000 + this.#int(3000);
      return { body: Buffer.from(`{"risk":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}, "strategies":${'['.repeat(depth)}${']'.repeat(depth)}}`), kind: 'deep' };
    }
    if (x < 0.40) return { body: Buffer.from([0xff, 0xfe, 0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), kind: 'bad-utf8' };
    const template = this.#ctx.templates[key];
    if (template !== undefined && x < 0.8) return { body: Buffer.from(JSON.stringify(this.#broken(template))), kind: 'broken-template' };
    return { body: Buffer.from(JSON.stringify(this.value())), kind: 'random-json' };
  }

  /** A valid body with one thing wrong: a field of the wrong type or value, a field removed, or a key added. */
  #broken(template: unknown): unknown {
    const copy = JSON.parse(JSON.stringify(template)) as Record<string, unknown>;
    const keys = Object.keys(copy);
    const what = this.#int(4);
    if (what === 0 && keys.length > 0) delete copy[this.#pick(keys)];
    else if (what === 1) {
      const k = this.#pick(['__proto__', 'constructor', 'prototype', ...KEYS]);
      // A JSON text with a literal "__proto__" key (JSON.stringify of an object literal would drop it).
      return JSON.parse(JSON.stringify(copy).replace(/^\{/, `{${JSON.stringify(k)}:${JSON.stringify(this.value(2))}${keys.length > 0 ? ',' : ''}`)) as unknown;
    } else if (keys.length > 0) copy[this.#pick(keys)] = this.value(1);
    return copy;
  }

  next(): FuzzRequest {
    const madeUp = this.#chance(0.05);
    const target = madeUp ? null : this.#pick(this.#ctx.routes);
    const method = target === null || this.#chance(0.2) ? this.#pick(METHODS) : target.method;
    const params: Record<string, string> = {};
    let path: string;
    if (target === null) {
      path = this.#pick(['/api/v1/', '/api/v1/bots/', '/api/', '/', '/api/v2/bots', '/api/v1/bots/%2e%2e/users', '/api/v1//bots', '/api/v1/bots/b1/../../users']) + pct(this.#pick(NASTY_STRINGS));
    } else {
      path = target.url.replace(/:([A-Za-z]+)|\*/g, (m, name: string | undefined) => {
        const v = this.#param(target.url, name ?? '*', method);
        params[name ?? '*'] = v;
        return this.#chance(0.9) ? pct(v) : v.replace(/[^\x21-\x7e]/g, (c) => pct(c)).replace(/[?#]/g, '');
      });
      if (!path.startsWith('/')) path = `/${path}`;
    }
    path += this.#query();
    const { body, kind } = this.#body(`${method} ${target?.url ?? ''}`);
    const headers: Record<string, string> = {};
    if (body !== null || this.#chance(0.1)) headers['content-type'] = this.#pick(CONTENT_TYPES);
    if (this.#chance(0.1)) headers.origin = this.#pick(['https://evil.example', 'null', 'http://127.0.0.1', 'file://']);
    if (this.#chance(0.1)) headers['x-csrf-token'] = this.#pick(NASTY_STRINGS).replace(/[^\x20-\x7e]/g, '');
    if (this.#chance(0.05)) headers['x-forwarded-for'] = '10.0.0.1';
    if (this.#chance(0.05)) headers.accept = this.#pick(['text/html', 'application/xml', '*/*;q=0', 'application/json;q=abc']);
    if (this.#chance(0.03)) headers['content-encoding'] = this.#pick(['gzip', 'br', 'deflate']);
    return { method, route: target?.url ?? null, params, path, headers, body, kind };
  }
}
