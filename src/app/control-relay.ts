// The control endpoint's side in the paper supervisor (main thread): each request is relayed to the node's thread
// (paper-worker.ts) and its answer relayed back. The main thread never runs strategy code, so the endpoint answers
// even while a strategy callback loops: a status from what the node last published (marked stuck or restarting),
// and a command is held here while the supervisor replaces the stuck thread (paper-supervisor.ts); the node
// restarted on the same run takes it right after its restore, before any strategy code runs again, and answers it.
// Held commands live in this process's memory only: they never outlive it.
import { ConfigError } from '../core/errors.ts';
import type { ControlTarget } from './control-endpoint.ts';
import { type CommandReply, type CommandRequest, type NodeMessage, type NodeStatus, type OrderView, type PositionView, type Topic } from './node-handle.ts';
import { TopicSubscribers } from './topic-subscribers.ts';
import { fromWire, type NodeCall, type PendingCommand, type SupervisorToWorker, type WireError } from './paper-supervision.ts';

/** How long a query waits for the node's thread before the last published status answers for it. */
const QUERY_WAIT_MS = 1000;

interface Waiting {
  readonly id: number;
  readonly call: NodeCall;
  readonly resolve: (value: unknown) => void;
  readonly reject: (e: Error) => void;
}


/** Why the node's thread cannot answer now, as the supervisor knows it. */
export type NodeThreadState = { readonly state: 'stuck' | 'restarting'; readonly message: string };

export class ControlRelay implements ControlTarget {
  readonly runId: string;
  #send: ((m: SupervisorToWorker) => void) | null = null;
  #nextId = 1;
  /** Calls sent to the node's thread now attached, by id. */
  readonly #sent = new Map<number, Waiting>();
  /** Commands for the next node thread (the current one is gone, or not ready yet). */
  #held: Waiting[] = [];
  #last: NodeStatus | null = null;
  #thread: NodeThreadState | null = null;
  #closed: string | null = null;
  readonly #subscribers = new TopicSubscribers();

  /** Told each time why the node thread cannot answer is set (stuck, restarting, or null once it answers again). */
  readonly #onThreadState: (thread: NodeThreadState | null) => void;

  constructor(runId: string, onThreadState: (thread: NodeThreadState | null) => void = () => {}) {
    this.runId = runId;
    this.#onThreadState = onThreadState;
  }

  /** Sets #thread and tells the listener (a clearing only when there was something to clear). */
  #setThread(thread: NodeThreadState | null): void {
    const was = this.#thread;
    this.#thread = thread;
    if (thread !== null || was !== null) this.#onThreadState(thread);
  }

  /** A node thread is ready for calls: commands held for it go first. */
  attach(send: (m: SupervisorToWorker) => void): void {
    this.#send = send;
    this.#setThread(null);
    const held = this.#held;
    this.#held = [];
    for (const w of held) this.#post(w);
  }

  /**
   * The node thread is gone (terminated by the supervisor). Commands it had not answered are held for the next one,
   * except those already handed over as `pending` (returned by takePending); queries are answered from the last status.
   */
  detach(thread: NodeThreadState): void {
    this.#send = null;
    this.#setThread(thread);
    for (const w of this.#sent.values()) {
      if (w.call.what === 'command') this.#held.push(w);
      else this.#answerFromLast(w);
    }
    this.#sent.clear();
  }

  /** Sets (or clears) why the attached thread cannot answer now: a strategy callback that has run for a while. */
  setThreadState(thread: NodeThreadState | null): void {
    this.#setThread(thread);
  }

  /** Whether an operator command waits for the attached node thread. */
  commandWaiting(): boolean {
    for (const w of this.#sent.values()) if (w.call.what === 'command') return true;
    return false;
  }

  /** The commands a restarted node must run before it trades, each answered as its id (see answer). */
  pending(): PendingCommand[] {
    return this.#held.flatMap((w) => (w.call.what === 'command' ? [{ id: w.id, request: w.call.request }] : []));
  }

  /** Pending commands handed to a new node thread: their answers come from it. */
  handedOver(ids: readonly number[]): void {
    const moved = this.#held.filter((w) => ids.includes(w.id));
    this.#held = this.#held.filter((w) => !ids.includes(w.id));
    for (const w of moved) this.#sent.set(w.id, w);
  }

  /** The node thread answered call `id`. */
  answer(id: number, value: unknown, error?: WireError): void {
    const w = this.#sent.get(id);
    if (w === undefined) return;
    this.#sent.delete(id);
    if (error !== undefined) w.reject(fromWire(error));
    else w.resolve(value);
  }

  /** A status or a finished command from the node: kept (the last status) and sent to the subscribers. */
  publish(m: NodeMessage): void {
    if (m.topic === 'status') this.#last = m.status;
    this.#subscribers.publish(m);
  }

  /** No node will take calls any more (the run ended): whatever waits fails with `why`. */
  close(why: string): void {
    this.#closed = why;
    this.#send = null;
    for (const w of [...this.#sent.values(), ...this.#held]) w.reject(new ConfigError(why));
    this.#sent.clear();
    this.#held = [];
    this.#subscribers.clear();
  }

  status(): Promise<NodeStatus> {
    return this.#query({ what: 'status' }) as Promise<NodeStatus>;
  }
  positions(): Promise<PositionView[]> {
    return this.#query({ what: 'positions' }) as Promise<PositionView[]>;
  }
  orders(): Promise<OrderView[]> {
    return this.#query({ what: 'orders' }) as Promise<OrderView[]>;
  }

  subscribe(topics: readonly Topic[], listener: (m: NodeMessage) => void): Promise<() => void> {
    return this.#subscribers.subscribe(topics, listener);
  }

  submit(request: CommandRequest): Promise<CommandReply> {
    return this.#call({ what: 'command', request }) as Promise<CommandReply>;
  }

  #call(call: NodeCall): Promise<unknown> {
    if (this.#closed !== null) return Promise.reject(new ConfigError(this.#closed));
    return new Promise((resolve, reject) => {
      const w: Waiting = { id: this.#nextId++, call, resolve, reject };
      if (this.#send === null && call.what === 'command') this.#held.push(w);
      else if (this.#send === null) this.#answerFromLast(w);
      else this.#post(w);
    });
  }

  /** A query: the node's own answer, or (stuck, restarting, or no answer within a second) what it last published. */
  #query(call: NodeCall): Promise<unknown> {
    if (this.#thread !== null && this.#closed === null) {
      return new Promise((resolve, reject) => this.#answerFromLast({ id: 0, call, resolve, reject }));
    }
    const answered = this.#call(call);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<unknown>((resolve, reject) => {
      timer = setTimeout(() => {
        const w = [...this.#sent.values()].find((x) => x.call === call);
        if (w !== undefined) this.#sent.delete(w.id);
        this.#answerFromLast({ id: 0, call, resolve, reject });
      }, QUERY_WAIT_MS);
    });
    return Promise.race([answered, late]).finally(() => clearTimeout(timer));
  }

  #post(w: Waiting): void {
    this.#sent.set(w.id, w);
    this.#send!({ t: 'call', id: w.id, call: w.call });
  }

  #answerFromLast(w: Waiting): void {
    const last = this.#last;
    const thread = this.#thread ?? { state: 'stuck' as const, message: 'the node thread did not answer within a second (busy)' };
    if (last === null) {
      w.reject(new ConfigError(`the node of run "${this.runId}" cannot answer now: ${thread.message}`));
      return;
    }
    if (w.call.what === 'status') w.resolve({ ...last, supervisor: thread });
    else if (w.call.what === 'positions') w.resolve(last.positions);
    else w.reject(new ConfigError(`the node of run "${this.runId}" cannot list its working orders now: ${thread.message}`));
  }
}
