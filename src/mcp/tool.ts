// One MCP tool as Sextant defines it: a name, a description written for an AI model, the scope its token needs
// (read < trade < admin), whether it changes anything (then every call is on the audit trail), a zod input
// schema (validation, and the JSON Schema that tools/list shows), and what it does through the app layer.
// A tool answers with data (structured content, also as JSON text) and a one-line summary for people.
import type { z } from 'zod';
import type { Scope } from '../app/access/scope.ts';
import type { TokenIdentity } from '../app/access/tokens.ts';
import type { ServerServices } from '../app/server-services.ts';

export interface ToolContext {
  readonly services: ServerServices;
  /** The session's token, verified again for this call. */
  readonly identity: TokenIdentity;
  /** How operator commands and jobs record who asked: `mcp: token:<id>` (over HTTP: `… from <address>`). */
  readonly requester: string;
  /** `token:<id>`: the audit trail's actor and a job's `by`. */
  readonly actor: string;
}

export interface ToolOutput {
  readonly data: Record<string, unknown>;
  /** One or two lines a person reads (the data follows as JSON). */
  readonly summary: string;
}

export interface ToolAnnotations {
  readonly readOnlyHint?: boolean;
  readonly destructiveHint?: boolean;
  readonly idempotentHint?: boolean;
  readonly openWorldHint?: boolean;
}

export interface ToolDef<S extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly scope: Scope;
  /** Changes something (a job submitted, a bot commanded, an order): every call is audited as `mcp.<name>`. */
  readonly mutates: boolean;
  readonly input: S;
  readonly annotations?: ToolAnnotations;
  /** What the call acts on, for the audit entry (a bot or job id). */
  target?(args: z.infer<S>): string;
  /** A higher scope these arguments need (a live bot, a file on the server: admin), with why; null when none. */
  needs?(args: z.infer<S>, ctx: ToolContext): { readonly scope: Scope; readonly why: string } | null;
  /** Names the app uses for this tool's arguments in its errors (`body.qty` → `qty`, `id` → `botId`). */
  readonly fields?: Readonly<Record<string, string>>;
  run(args: z.infer<S>, ctx: ToolContext): ToolOutput | Promise<ToolOutput>;
}

/** Keeps the input type of `run` checked against the schema while the table holds tools of many schemas. */
export function tool<S extends z.ZodObject>(def: ToolDef<S>): ToolDef {
  return def as unknown as ToolDef;
}

/** Read-only tool annotations (a client may run these without asking the user). */
export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, openWorldHint: false };
