// A bot as the API shows it (REST answers and the WebSocket's `bots` topic): times as ISO strings.
import { z } from 'zod';
import type { BotView } from '../app/bots/bot-service.ts';
import { NodeStatusSchema } from '../app/node-handle.ts';

export const BotSchema = z.object({
  id: z.string(),
  name: z.string(),
  mode: z.enum(['paper', 'live']),
  state: z.enum(['stopped', 'starting', 'running', 'stopping', 'failed']),
  desired: z.enum(['running', 'stopped']),
  config: z.record(z.string(), z.unknown()),
  createdTime: z.string(),
  updatedTime: z.string(),
  error: z.string().nullable(),
  status: NodeStatusSchema.nullable(),
});

export function botDto(v: BotView): z.infer<typeof BotSchema> {
  return {
    id: v.id, name: v.name, mode: v.mode, state: v.state, desired: v.desired, config: v.config as unknown as Record<string, unknown>, createdTime: new Date(v.createdMs).toISOString(),
    updatedTime: new Date(v.updatedMs).toISOString(), error: v.error, status: v.status,
  };
}

