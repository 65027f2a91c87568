// The NodeHandle of a node in this process (the paper process itself; later the API server beside it). Queries
// read the node; commands are written to the store and taken by the node's CommandProcessor like any other
// requester's, so every command is recorded with its answer.
import { hostname } from 'node:os';
import type { CommandKind, Store } from '../store/store.ts';
import type { CommandProcessor } from './command-processor.ts';
import {
  COMMAND_RUN_MS, COMMAND_TTL_MS, CommandArgsSchema, CommandKindSchema, parseAt, replyOf, type CommandArgs, type CommandReply, type NodeHandle,
  type NodeMessage, type NodeStatus, type OrderView, type PositionView, type Topic,
} from './node-handle.ts';
import type { PaperNodeControl } from './paper-control.ts';
import { TopicSubscribers } from './topic-subscribers.ts';


export class LocalNodeHandle implements NodeHandle {
  readonly runId: string;
  readonly #store: Store;
  readonly #control: PaperNodeControl;
  readonly #processor: CommandProcessor;
  readonly #subscribers = new TopicSubscribers();

  constructor(runId: string, store: Store, control: PaperNodeControl, processor: CommandProcessor) {
    this.runId = runId;
    this.#store = store;
    this.#control = control;
    this.#processor = processor;
  }

  status(): Promise<NodeStatus> {
    return Promise.resolve(this.#control.status());
  }
  positions(): Promise<PositionView[]> {
    return Promise.resolve(this.#control.positions());
  }
  orders(): Promise<OrderView[]> {
    return Promise.resolve(this.#control.orders());
  }

  subscribe(topics: readonly Topic[], listener: (m: NodeMessage) => void): Promise<() => void> {
    return this.#subscribers.subscribe(topics, listener);
  }

  /** Sends a message to the subscribers of its topic (a failing listener is dropped, never the node's problem). */
  publish(m: NodeMessage): void {
    this.#subscribers.publish(m);
  }

  pause(): Promise<CommandReply> {
    return this.command('halt');
  }
  resume(): Promise<CommandReply> {
    return this.command('resume');
  }
  stop(): Promise<CommandReply> {
    return this.command('stop');
  }
  kill(opts: { flatten?: boolean } = {}): Promise<CommandReply> {
    return this.command('kill', { flatten: opts.flatten === true });
  }

  command(kind: CommandKind, args: CommandArgs = {}, requester = `in-process pid ${process.pid} on ${hostname()}`): Promise<CommandReply> {
    const nowMs = Date.now();
    return this.submit({ kind, args, requester, requestedMs: nowMs, expiresMs: nowMs + COMMAND_TTL_MS });
  }

  /** Records a request (already validated by a transport, or from `command`), has the node take it, and answers. */
  async submit(req: { kind: CommandKind; args: CommandArgs; requester: string; requestedMs: number; expiresMs: number }): Promise<CommandReply> {
    const kind = parseAt(CommandKindSchema, req.kind, 'kind');
    const args = parseAt(CommandArgsSchema, req.args, 'args');
    const rec = await this.#store.submitCommand({ runId: this.runId, kind, args, requester: req.requester, requestedMs: req.requestedMs, expiresMs: Math.max(req.expiresMs, req.requestedMs) });
    if (this.#processor.closed) {
      const [late] = await this.#store.expireCommands(this.runId, 'expired: the node is stopping and takes no more commands', [rec.id]);
      return replyOf(late ?? rec);
    }
    if (Date.now() > req.expiresMs) {
      // It reached the node after its deadline (the node was busy): recorded, never executed.
      const [late] = await this.#store.expireCommands(this.runId, `expired: it reached the node after its deadline ${new Date(req.expiresMs).toISOString()}`, [rec.id]);
      return replyOf(late ?? rec);
    }
    const done = this.#processor.finished(rec.id);
    this.#processor.nudge();
    const timeout = new Promise<null>((r) => setTimeout(() => r(null), req.expiresMs - Date.now() + COMMAND_RUN_MS).unref());
    const finished = await Promise.race([done, timeout]);
    if (finished !== null) return replyOf(finished);
    const [expired] = await this.#store.expireCommands(this.runId, 'expired: the node did not take it in time', [rec.id]);
    return replyOf(expired ?? (await this.#store.getCommand(rec.id)) ?? rec);
  }

  close(): Promise<void> {
    this.#subscribers.clear();
    return Promise.resolve();
  }
}
