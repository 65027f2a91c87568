// The Settings page in Chromium at a laptop's and a phone's width, as an admin: a broker credential is added,
// shown masked (never in clear), tested (offline the venue cannot be reached: the page says so with the
// venue's error) and removed; a token is created with a scope, shown once (copied, and it works), listed and
// revoked (then refused); a user is added (a bad name refused next to the field; a generated password shown
// once, and it logs in) and removed; a notification setting is changed (a bad webhook refused next to its
// field) and the server has the new value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboard, type Dashboard, type WidthName } from '../helpers/dashboard.ts';

let dash: Dashboard;
beforeAll(async () => {
  dash = await openDashboard();
}, 120_000);
afterAll(async () => {
  await dash?.close();
}, 60_000);

/** A request with a bearer token, or the session of nobody. */
const withToken = (path: string, token: string): Promise<Response> => fetch(`${dash.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

async function adminToken(): Promise<string> {
  return (await dash.server.services.tokens.create({ name: `e2e-admin-${Math.random().toString(36).slice(2)}`, scope: 'admin' })).token;
}

describe.each<WidthName>(['desktop', 'phone'])('settings at the %s width', (width) => {
  it('adds, tests and removes a credential; creates and revokes a token; adds and removes a user; changes notifications', async () => {
    const admin = await adminToken();
    const page = await dash.page(width, { path: '/settings', shared: true });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: dash.url });
    await page.getByRole('heading', { name: 'Settings' }).waitFor();

    // A broker credential: stored, listed masked, the secret nowhere on the page.
    const label = `paper-${width}`;
    const key = `PKE2E${width.toUpperCase()}KEY0000WXYZ`;
    const secret = `e2e-secret-${width}-never-shown-9876`;
    await page.getByLabel('Venue', { exact: true }).selectOption('alpaca');
    await page.getByLabel('Label', { exact: true }).fill(label);
    await page.getByLabel('API key', { exact: true }).fill(key);
    await page.getByLabel('API secret', { exact: true }).fill(secret);
    await page.getByRole('button', { name: 'Add credential' }).click();
    const row = page.getByTestId(`credential-${label}`);
    await expect.poll(() => row.getByTestId('mask').textContent()).toBe('apiKey …WXYZ  apiSecret …9876');
    expect(await page.locator('body').textContent()).not.toContain(secret);
    expect(await page.getByLabel('API secret', { exact: true }).inputValue()).toBe('');
    const stored = (await (await withToken('/api/v1/credentials', admin)).json()) as { label: string; venue: string; mask: Record<string, string> }[];
    expect(stored.find((c) => c.label === label)).toMatchObject({ venue: 'alpaca', mask: { apiKey: '…WXYZ', apiSecret: '…9876' } });

    // Test connection: this machine has no route to Alpaca, and the page says the test failed and why.
    await row.getByRole('button', { name: `Test connection of ${label}` }).click();
    const result = row.getByTestId('test-result');
    await expect.poll(() => result.textContent()).toMatch(/^Connection failed: alpaca account: .+\(\d+ ms\)$/);
    expect(await result.getAttribute('role')).toBe('alert');
    expect(await result.textContent()).not.toContain(secret);

    // A token with the trade scope: shown once, copied, and it works.
    const tokenName = `ci-${width}`;
    await page.getByLabel('Token name', { exact: true }).fill(tokenName);
    await page.getByLabel('Scope', { exact: true }).selectOption('trade');
    await page.getByRole('button', { name: 'Create token' }).click();
    const once = page.getByRole('region', { name: `Token ${tokenName}` });
    await once.waitFor();
    expect(await once.textContent()).toContain('you will not see it again');
    const token = (await once.getByTestId('shown-once').textContent())!;
    expect(token).toMatch(/^\S{40,}$/);
    await once.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => once.getByRole('status').textContent()).toBe('Copied.');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token);
    expect((await withToken('/api/v1/bots', token)).status).toBe(200);
    const tokenRow = page.getByTestId(`token-${tokenName}`);
    expect(await tokenRow.textContent()).toContain('trade');
    await dash.expectAccessible(page, 'settings with a failed test and a new token');
    await dash.shot(page, 'settings');
    await once.getByRole('button', { name: 'Done' }).click();
    await once.waitFor({ state: 'detached' });
    expect(await page.locator('body').textContent()).not.toContain(token);

    // Revoke: asked first, then the row says revoked and the server refuses the token.
    await tokenRow.getByRole('button', { name: `Revoke token ${tokenName}` }).click();
    const ask = tokenRow.getByRole('group', { name: /Revoke ci-/ });
    await ask.waitFor();
    expect((await withToken('/api/v1/bots', token)).status).toBe(200);
    await ask.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => tokenRow.textContent()).toContain('revoked');
    expect((await withToken('/api/v1/bots', token)).status).toBe(401);

    // A user: a bad name is refused next to the field; a generated password is shown once and logs in.
    const userName = `ops-${width}`;
    await page.getByLabel('Username', { exact: true }).fill('X');
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect.poll(() => page.locator('#user-name-error').textContent()).toMatch(/3 to 32 characters/);
    await page.getByLabel('Username', { exact: true }).fill(userName);
    await page.getByLabel('Role', { exact: true }).selectOption('trade');
    await page.getByRole('button', { name: 'Add user' }).click();
    const pw = page.getByRole('region', { name: `Password of ${userName}` });
    await pw.waitFor();
    const password = (await pw.getByTestId('shown-once').textContent())!;
    expect(await page.locator('#user-name-error').count()).toBe(0);
    const login = await fetch(`${dash.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: userName, password }) });
    expect(await login.json()).toMatchObject({ username: userName, role: 'trade' });
    await pw.getByRole('button', { name: 'Done' }).click();
    const userRow = page.getByTestId(`user-${userName}`);
    await userRow.getByRole('button', { name: `Remove user ${userName}` }).click();
    await userRow.getByRole('button', { name: 'Remove', exact: true }).click();
    await userRow.waitFor({ state: 'detached' });
    const users = (await (await withToken('/api/v1/users', admin)).json()) as { username: string }[];
    expect(users.map((u) => u.username)).not.toContain(userName);
    // The logged-in admin is not offered for removal.
    expect(await page.getByTestId('user-admin').getByRole('button').count()).toBe(0);

    // Notifications: a bad webhook is refused next to its field; a good change is stored.
    const chat = width === 'desktop' ? '1111' : '-2222';
    const sendBox = page.getByLabel('Send notifications', { exact: true });
    const wasOn = await sendBox.isChecked();
    await sendBox.setChecked(!wasOn);
    await page.getByLabel('Fills', { exact: true }).setChecked(width === 'phone');
    await page.getByLabel('Telegram chat ids', { exact: true }).fill(chat);
    await page.getByLabel('Webhook URL', { exact: true }).fill('not a url');
    await page.getByRole('button', { name: 'Save notifications' }).click();
    await expect.poll(() => page.locator('#notify-webhook-error').textContent()).toMatch(/url/i);
    await page.getByLabel('Webhook URL', { exact: true }).fill(`https://hooks.example.com/${width}`);
    await page.getByRole('button', { name: 'Save notifications' }).click();
    await expect.poll(() => page.getByRole('form', { name: 'Notification settings' }).getByRole('status').textContent()).toBe('Saved.');
    const notify = (await (await withToken('/api/v1/settings/notifications', admin)).json()) as { enabled: boolean; events: string[]; telegramChatIds: string[]; webhookUrl: string };
    expect(notify).toMatchObject({ enabled: !wasOn, telegramChatIds: [chat], webhookUrl: `https://hooks.example.com/${width}` });
    expect(notify.events.includes('fill')).toBe(width === 'phone');

    // Remove the credential: asked first, then gone from the page and the server.
    await row.getByRole('button', { name: `Remove credential ${label}` }).click();
    await row.getByRole('button', { name: 'Remove', exact: true }).click();
    await row.waitFor({ state: 'detached' });
    const after = (await (await withToken('/api/v1/credentials', admin)).json()) as { label: string }[];
    expect(after.map((c) => c.label)).not.toContain(label);
    await dash.expectAccessible(page, 'settings after the changes');
    // The two refusals above are the server answering 400 as it should.
    dash.expectNoConsoleErrors([/status of 400/]);
  }, 180_000);
});
