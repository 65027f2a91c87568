// One MCP session over the app's ServerServices, acting as one Sextant API token: tools/list shows the tools its
// scope allows (read < trade < admin), tools/call checks the scope again (the token is verified for every
// request: a revoked token stops at once), validates the arguments with the tool's zod schema, runs it through
// the app, and puts every call of a tool that changes something on the audit trail (`mcp.<tool>`, actor
// `token:<id>`, source `mcp`), refused and failed calls included. Reads are not audited (as GETs are not over
// REST): a polling assistant would flood the chain with entries that change nothing.
//
// Built on the SDK's low-level Server, not McpServer: McpServer lists every enabled tool to every client, and
// here the list depends on who asks.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult, type ServerNotification, type ServerRequest, type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { isUserError } from '../core/errors.ts';
import { scopeAllows, type Scope } from '../app/access/scope.ts';
import type { TokenIdentity } from '../app/access/tokens.ts';
import type { ServerServices } from '../app/server-services.ts';
import { packageVersion } from '../app/version.ts';
import type { ToolContext, ToolDef } from './tool.ts';
import { BOT_TOOLS } from './tools-bots.ts';
import { RESEARCH_TOOLS } from './tools-research.ts';

export const TOOLS: readonly ToolDef[] = [...RESEARCH_TOOLS, ...BOT_TOOLS];

export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** The session's token is no longer valid (revoked, expired, its user removed). */
export class SessionAuthError extends Error {}

export interface McpSessionOptions {
  readonly services: ServerServices;
  /** Who asks in this request: the token verified again (stdio), or as the HTTP request proved it. Throws SessionAuthError. */
  identify(extra: Extra): Promise<TokenIdentity>;
  /** `stdio` or `http`, and the client's address over HTTP: in audit entries and operator commands' requester. */
  readonly via: 'stdio' | 'http';
  address?(extra: Extra): string | null;
  /** Internal errors (stderr: stdout is the protocol's in stdio). */
  readonly log?: (line: string) => void;
}

const INSTRUCTIONS = `Sextant is an algorithmic trading platform. Research: list_strategies and list_data, then draft_backtest to check a request and see its defaults, run_backtest / run_optimization / run_walkforward to start a background job, get_job to poll it until done, get_job_result to read it. Bots: list_bots, get_bot, get_portfolio, get_positions, get_orders, get_trades, get_risk, get_bot_logs. Trading tools (pause, resume, stop, kill, cancel, submit orders) appear only for a token with the trade scope; every call of them is audited. Confirm with the user before kill_bot, stop_bot or submit_order.`;

function jsonSchemaOf(t: ToolDef): Tool['inputSchema'] {
  const { $schema: _drop, ...schema } = z.toJSONSchema(t.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, type: 'object' } as Tool['inputSchema'];
}

/** The app names fields as its own callers know them (`body.qty`, `request.space`, `id`): here as the tool's arguments. */
function renameFields(message: string, fields: Readonly<Record<string, string>>): string {
  return message.replace(/field "([^"]*)"/g, (whole, f: string) => {
    if (f in fields) return `field "${fields[f]}"`;
    for (const [from, to] of Object.entries(fields)) if (from.endsWith('.') && f.startsWith(from)) return `field "${to}${f.slice(from.length)}"`;
    return whole;
  });
}

const text = (s: string): CallToolResult['content'][number] => ({ type: 'text', text: s });
const failure = (message: string): CallToolResult => ({ content: [text(message)], isError: true });

function argsError(t: ToolDef, error: z.ZodError): string {
  const issues = error.issues.slice(0, 3).map((i) => `field "${i.path.join('.') || '(arguments)'}": ${i.message}`);
  return `invalid arguments for ${t.name}: ${issues.join('; ')}${error.issues.length > 3 ? `; and ${error.issues.length - 3} more` : ''}`;
}

function refusal(t: ToolDef, need: Scope, who: TokenIdentity, why: string | null): string {
  return `refused: ${t.name}${why === null ? '' : ` (${why})`} needs the ${need} scope; this session's token "${who.name}" (${who.id}) has the ${who.scope} scope. An operator can make one with: sextant token create --name <name> --scope ${need}`;
}

export function createMcpServer(opts: McpSessionOptions): Server {
  const { services } = opts;
  const byName = new Map(TOOLS.map((t) => [t.name, t]));
  const schemas = new Map(TOOLS.map((t) => [t.name, jsonSchemaOf(t)]));
  // The low-level Server (deprecated for plain uses in favour of McpServer): the tool list depends on the session's scope.
  const server = new Server({ name: 'sextant', title: 'Sextant', version: packageVersion() }, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });

  const identify = async (extra: Extra): Promise<TokenIdentity> => {
    try {
      return await opts.identify(extra);
    } catch (e) {
      if (e instanceof SessionAuthError) throw new McpError(ErrorCode.InvalidRequest, e.message);
      throw e;
    }
  };

  server.setRequestHandler(ListToolsRequestSchema, async (_request, extra) => {
    const who = await identify(extra);
    return {
      tools: TOOLS.filter((t) => scopeAllows(who.scope, t.scope)).map((t) => ({
        name: t.name, title: t.title, description: t.description, inputSchema: schemas.get(t.name)!, annotations: { title: t.title, ...t.annotations },
      })),
    };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const t = byName.get(request.params.name);
    if (t === undefined) throw new McpError(ErrorCode.InvalidParams, `no tool "${request.params.name}" (tools/list shows this session's tools)`);
    const who = await identify(extra);
    const address = opts.address?.(extra) ?? null;
    const actor = `token:${who.id}`;
    const ctx: ToolContext = { services, identity: who, actor, requester: `mcp: ${actor}${address === null ? '' : ` from ${address}`}` };
    const args: unknown = request.params.arguments ?? {};
    const audit = async (outcome: 'done' | 'refused' | 'invalid' | 'failed', message: string, target: string): Promise<void> => {
      if (!t.mutates) return;
      await services.audit.recordMutation({
        actor, source: 'mcp', action: `mcp.${t.name}`, target,
        // `principal`, not `token…`: the audit log redacts every field named like a secret.
        payload: { args, outcome, message, via: opts.via, ...(address === null ? {} : { address }), principal: { name: who.name, user: who.username, scope: who.scope } },
      }).catch((e: unknown) => opts.log?.(`sextant mcp: audit write failed for ${t.name}: ${e instanceof Error ? e.message : String(e)}`));
    };
    const guessTarget = (): string => {
      const a = args as { botId?: unknown; jobId?: unknown };
      return typeof a.botId === 'string' ? a.botId : typeof a.jobId === 'string' ? a.jobId : '';
    };

    if (!scopeAllows(who.scope, t.scope)) {
      const message = refusal(t, t.scope, who, null);
      await audit('refused', message, guessTarget());
      return failure(message);
    }
    const parsed = t.input.safeParse(args);
    if (!parsed.success) {
      const message = argsError(t, parsed.error);
      await audit('invalid', message, guessTarget());
      return failure(message);
    }
    const target = t.target?.(parsed.data) ?? '';
    const fields = { 'body.': '', ...t.fields };
    try {
      const more = t.needs?.(parsed.data, ctx) ?? null;
      if (more !== null && !scopeAllows(who.scope, more.scope)) {
        const message = refusal(t, more.scope, who, more.why);
        await audit('refused', message, target);
        return failure(message);
      }
      const out = await t.run(parsed.data, ctx);
      await audit('done', out.summary, target);
      return { content: [text(out.summary), text(JSON.stringify(out.data))], structuredContent: out.data };
    } catch (e) {
      if (!isUserError(e)) opts.log?.(`sextant mcp: ${t.name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      const message = isUserError(e) ? renameFields(e.message, fields) : `internal error in ${t.name}: ${e instanceof Error ? e.message : String(e)}`;
      await audit('failed', message, target);
      return failure(message);
    }
  });
  return server;
}
