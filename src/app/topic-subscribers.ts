// The subscribers of a node's messages, by topic: what a NodeHandle's `subscribe` keeps and its node publishes to.
import { parseAt, TopicSchema, type NodeMessage, type Topic } from './node-handle.ts';

type Subscriber = { readonly topics: ReadonlySet<Topic>; readonly fn: (m: NodeMessage) => void };

export class TopicSubscribers {
  readonly #subscribers = new Set<Subscriber>();

  /** Adds a listener of `topics` (checked: a bad one is a ConfigError naming `topics.<i>`); resolves to its removal. */
  subscribe(topics: readonly Topic[], listener: (m: NodeMessage) => void): Promise<() => void> {
    const s: Subscriber = { topics: new Set(topics.map((t, i) => parseAt(TopicSchema, t, `topics.${i}`))), fn: listener };
    this.#subscribers.add(s);
    return Promise.resolve(() => void this.#subscribers.delete(s));
  }

  /** Sends a message to the subscribers of its topic (a failing listener is dropped, never the node's problem). */
  publish(m: NodeMessage): void {
    for (const s of this.#subscribers) {
      if (!s.topics.has(m.topic)) continue;
      try {
        s.fn(m);
      } catch {
        this.#subscribers.delete(s);
      }
    }
  }

  clear(): void {
    this.#subscribers.clear();
  }
}
