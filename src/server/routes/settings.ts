// Server settings: risk defaults for new bots, notification settings, the Telegram bot; broker credentials (admin only:
// added, listed masked, tested, removed; never returned in clear).
import { z } from 'zod';
import { CredentialSchema } from '../../app/dto/access.ts';
import { testCredential } from '../../app/bots/venue-credentials.ts';
import { NotificationSettingsSchema, RiskDefaultsSchema } from '../../app/settings-service.ts';
import { TelegramSettingsInputSchema, TelegramSettingsSchema } from '../../app/notify/telegram-settings.ts';
import { ProblemSchema } from '../problem.ts';
import type { RouteContext, ZApp } from '../types.ts';

const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const NewCredentialSchema = z.strictObject({
  venue: z.string().min(1).max(100),
  label: z.string().min(1).max(200),
  /** `apiKey` and `apiSecret` (encrypted at rest; never returned). */
  secrets: z.record(z.string().min(1).max(64), z.string().min(1).max(4096)),
});
const CredentialTestSchema = z.object({ ok: z.boolean(), venue: z.string(), currencies: z.number().int(), message: z.string(), millis: z.number() });
const CredentialTestBody = z.strictObject({
  testnet: z.boolean().optional(),
  /** A compatible server at the venue's own paths (a testnet, a sandbox). */
  baseUrl: z.url({ protocol: /^https?$/ }).max(2000).optional(),
  streamUrl: z.url({ protocol: /^wss?$/ }).max(2000).optional(),
});
const IdParam = z.object({ id: z.string().min(1).max(100) });

export function settingsRoutes(app: ZApp, ctx: RouteContext): void {
  const { settings, vault, telegram } = ctx.services;

  app.get('/api/v1/settings/risk', {
    config: { scope: 'read' }, schema: { tags: ['settings'], summary: 'Risk defaults given to new bots that bring no risk config', response: { 200: RiskDefaultsSchema, ...errors } },
  }, () => settings.riskDefaults());
  app.put('/api/v1/settings/risk', {
    config: { scope: 'admin' }, schema: { tags: ['settings'], summary: 'Change the risk defaults (checked like a bot\'s risk config)', body: RiskDefaultsSchema, response: { 200: RiskDefaultsSchema, ...errors } },
  }, (request) => settings.setRiskDefaults(request.body));

  app.get('/api/v1/settings/notifications', {
    config: { scope: 'read' }, schema: { tags: ['settings'], summary: 'Which events are sent where', response: { 200: NotificationSettingsSchema, ...errors } },
  }, () => settings.notifications());
  app.put('/api/v1/settings/notifications', {
    config: { scope: 'admin' }, schema: { tags: ['settings'], summary: 'Change the notification settings', body: NotificationSettingsSchema, response: { 200: NotificationSettingsSchema, ...errors } },
  }, (request) => settings.setNotifications(request.body));

  app.get('/api/v1/settings/telegram', {
    config: { scope: 'admin' }, schema: { tags: ['settings'], summary: 'The Telegram bot: enabled, whether a token is stored (masked), the chats allowed and their users, the daily summary time', response: { 200: TelegramSettingsSchema, ...errors } },
  }, () => telegram.get());
  app.put('/api/v1/settings/telegram', {
    config: { scope: 'admin' }, schema: { tags: ['settings'], summary: 'Set up the Telegram bot (docs/telegram.md): the token is write-only and stored encrypted; omit it to keep the stored one', body: TelegramSettingsInputSchema, response: { 200: TelegramSettingsSchema, ...errors } },
  }, (request) => telegram.set(request.body));

  app.get('/api/v1/credentials', {
    config: { scope: 'admin' }, schema: { tags: ['credentials'], summary: 'Stored broker credentials, masked', response: { 200: z.array(CredentialSchema), ...errors } },
  }, () => vault.list());
  app.post('/api/v1/credentials', {
    config: { scope: 'admin' }, schema: { tags: ['credentials'], summary: 'Store a broker credential (AES-256-GCM at rest)', body: NewCredentialSchema, response: { 201: CredentialSchema, ...errors } },
  }, async (request, reply) => reply.code(201).send(await vault.add(request.body.venue, request.body.label, request.body.secrets)));
  app.post('/api/v1/credentials/:id/test', {
    config: { scope: 'admin' }, schema: { tags: ['credentials'], summary: 'Connect to the venue with the credential and read balances', params: IdParam, body: CredentialTestBody.optional(), response: { 200: CredentialTestSchema, ...errors } },
  }, (request) => testCredential(vault, request.params.id, request.body ?? {}));
  app.delete('/api/v1/credentials/:id', {
    config: { scope: 'admin' }, schema: { tags: ['credentials'], summary: 'Remove a credential', params: IdParam, response: { 200: z.object({ deleted: z.boolean() }), ...errors } },
  }, async (request) => ({ deleted: await vault.remove(request.params.id) }));
}
