// The widget under the server's message rate limit (docs/widget.md, "What
// the server must enforce"): messages the server refuses stay pending and go
// again with the same client ids, so each reaches the agent exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  allowOrigin, demoStreams, launchBrowser, openPage, signInDemoAgent, startServer, stopAll, waitUntil,
} from './lib.mjs';

// Two messages at once, then one a second: a visitor typing fast hits it.
process.env.FRONTDESKD_VISITOR_LIMITS = 'create=6000/1000,message=60/2,typing=6000/1000,sockets=1000';

let server, browser, streams, agent;

before(async () => {
  server = await startServer();
  streams = await demoStreams(server);
  await allowOrigin(server, streams.org, streams.chat, server.proxy.url);
  agent = await signInDemoAgent(server);
  browser = await launchBrowser();
});

after(async () => {
  const exit = await stopAll({ browser, agent, server });
  assert.deepEqual(exit, { code: 0, signal: null }, 'frontdeskd stops cleanly');
});

test('messages over the rate limit are resent and arrive once each', async () => {
  const context = await browser.newContext();
  const page = await openPage(context, `${server.proxy.url}/site/?stream=${encodeURIComponent(streams.chat.key)}`);
  const root = page.locator('[data-frontdesk="webchat"]');
  const field = (label) => root.getByLabel(label, { exact: true });

  await root.locator('button.launcher').click();
  await field('Name').fill('Speedy Typist');
  await field('Email').fill('speedy@example.com');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/visitor/v1/sessions'));
  await root.getByRole('button', { name: 'Start chat' }).click();
  const { conversation_id: conversationId } = await (await created).json();
  await agent.waitFor((f) => f.type === 'offer' && f.body.conversation.id === conversationId, 'the offer');
  await agent.request('reserve', { conversation_id: conversationId });

  const texts = ['one', 'two', 'three', 'four', 'five'].map((w) => `message ${w}`);
  for (const text of texts) {
    await field('Message').fill(text);
    await root.getByRole('button', { name: 'Send', exact: true }).click();
  }

  const received = () => agent.events.filter((f) => f.type === 'message' && f.body.conversation_id === conversationId &&
                                                   f.body.direction === 'in').map((f) => f.body.text);
  await waitUntil(() => texts.every((t) => received().includes(t)), 'every message reaching the agent', 20000);
  for (const text of texts)
    assert.equal(received().filter((t) => t === text).length, 1, `${text} arrives once`);

  // The transcript settles with every message confirmed, none left pending.
  const log = root.locator('ol.log');
  await waitUntil(async () => (await log.locator('li.pending').count()) === 0, 'no pending message', 20000);
  for (const text of texts)
    assert.equal(await log.getByText(text, { exact: true }).count(), 1);
  assert.deepEqual(page.errors, []);
  await context.close();
});
