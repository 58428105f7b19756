// The newcomer's demo (issue 18): `frontdeskd --demo` on a port other than
// 8080, its own /demo page, a chat started through the real widget and an
// agent's answer shown to the visitor. The demo's allowed origins follow the
// listening address (docs/admin.md, "--demo"), so nothing is added to the
// streams here: the page's origin is the server's own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, launchBrowser, openPage, signInDemoAgent, startServer, stopAll } from './lib.mjs';

let server, browser, agent;

before(async () => {
  server = await startServer();
  agent = await signInDemoAgent(server);
  browser = await launchBrowser();
});

after(() => stopAll({ browser, agent, server }));

test('a visitor chats with an agent on /demo of a server on a random port', async () => {
  // The server itself (not the test's proxy) on the port the kernel chose.
  const origin = new URL(server.url);
  assert.notEqual(origin.port, '8080');

  const context = await browser.newContext();
  const page = await openPage(context, server.url + '/demo');
  const chat = page.locator('[data-frontdesk="webchat"]');
  await chat.locator('button.launcher').click();
  await chat.getByLabel('Name', { exact: true }).fill('Rose Lavelle');
  await chat.getByLabel('Email', { exact: true }).fill('rose@example.com');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/visitor/v1/sessions'));
  await chat.getByRole('button', { name: 'Start chat' }).click();
  const answer = await created;
  assert.equal(answer.status(), 201, 'the demo stream accepts its own page: ' + await answer.text());
  const conversationId = (await answer.json()).conversation_id;

  await agent.waitFor((f) => f.type === 'offer' && f.body.conversation.id === conversationId, 'the offer');
  await agent.request('reserve', { conversation_id: conversationId });

  await chat.getByLabel('Message', { exact: true }).fill('Hello from the demo page');
  await chat.getByRole('button', { name: 'Send', exact: true }).click();
  await agent.waitFor((f) => f.type === 'message' && f.body.conversation_id === conversationId &&
                             f.body.text === 'Hello from the demo page', 'the visitor message');

  await agent.request('send-message', { conversation_id: conversationId, client_id: 'demo-1', text: 'Hi Rose, Jenna here.' });
  await chat.locator('ol.log').getByText('Hi Rose, Jenna here.').waitFor();
  assert.equal(await chat.getByText('not available on this website').count(), 0);
  await page.screenshot({ path: join(artifacts, 'demo-random-port.png') });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('frontdeskd exits cleanly', async () => {
  const { code, signal } = await server.stop();
  assert.equal(signal, null, server.stderr);
  assert.equal(code, 0, server.stderr);
});
