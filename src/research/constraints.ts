// Constraints on parameter sets: the strategy schema's own rules (e.g. sma-cross's fast < slow
// refine) and user comparisons such as `fast*2<slow`. A parameter set that fails is skipped and
// counted, never run.
import { ConfigError } from '../core/errors.ts';
import type { StrategyClass } from '../strategies/strategy.ts';
import type { Params } from './types.ts';

/** Why `params` may not run, or null when they may. */
export type Constraint = (params: Params) => string | null;

/** The strategy's schema (types, ranges and refines) as a constraint; `fixed` params are merged in. */
export function schemaConstraint(cls: StrategyClass<object>, fixed: Params = {}): Constraint {
  return (params) => {
    const r = cls.schema.safeParse({ ...fixed, ...params });
    if (r.success) return null;
    const issue = r.error.issues[0]!;
    const path = issue.path.join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  };
}

/** All constraints in order; the first failure's reason. */
export function allOf(list: readonly Constraint[]): Constraint {
  return (p) => {
    for (const c of list) {
      const r = c(p);
      if (r !== null) return r;
    }
    return null;
  };
}

type Expr = (p: Params) => number;
const OPS = ['<=', '>=', '!=', '==', '<', '>'] as const;

/**
 * Parses `lhs op rhs` with op one of < <= > >= == != and sides made of parameter names and
 * numbers joined by + - * (usual precedence), e.g. `fast<slow`, `fast*2<=slow`, `lower+20<upper`.
 */
export function parseConstraint(text: string, known?: readonly string[]): Constraint {
  const field = { field: '--constraint' };
  const t = text.replace(/\s+/g, '');
  let op: (typeof OPS)[number] | undefined;
  let at = -1;
  for (let i = 0; i < t.length && op === undefined; i++) {
    for (const o of OPS) {
      if (t.startsWith(o, i)) {
        op = o;
        at = i;
        break;
      }
    }
  }
  if (op === undefined) throw new ConfigError(`"${text}": expected a comparison such as fast<slow`, field);
  const lhs = parseSide(t.slice(0, at), text, known);
  const rhs = parseSide(t.slice(at + op.length), text, known);
  const test: Record<(typeof OPS)[number], (a: number, b: number) => boolean> = {
    '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b, '==': (a, b) => a === b, '!=': (a, b) => a !== b,
  };
  const cmp = test[op];
  return (p) => (cmp(lhs(p), rhs(p)) ? null : `violates ${t}`);
}

function parseSide(src: string, whole: string, known?: readonly string[]): Expr {
  const field = { field: '--constraint' };
  if (src === '') throw new ConfigError(`"${whole}": a side of the comparison is empty`, field);
  const terms = src.split(/(?=[+-])/);
  const parts = terms.map((term) => {
    const sign = term.startsWith('-') ? -1 : 1;
    const body = term.replace(/^[+-]/, '');
    const factors = body.split('*').map((f): Expr => {
      if (/^\d*\.?\d+(e[+-]?\d+)?$/i.test(f)) {
        const v = Number(f);
        return () => v;
      }
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(f)) throw new ConfigError(`"${whole}": cannot read "${f}"`, field);
      if (known !== undefined && !known.includes(f)) throw new ConfigError(`"${whole}": unknown parameter "${f}" (known: ${known.join(', ')})`, field);
      return (p) => {
        const v = p[f];
        return typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : NaN;
      };
    });
    return (p: Params) => sign * factors.reduce((acc, f) => acc * f(p), 1);
  });
  return (p) => parts.reduce((acc, f) => acc + f(p), 0);
}
