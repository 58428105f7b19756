// The web widget's tests in real Chromium against a real frontdeskd
// (docs/widget.md), for a host page on the server's origin or on another one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import WebSocket from 'ws';
import {
  Agent, admin, allowOrigin, artifacts, demoAgents, demoStreams, launchBrowser, openPage, signInDemoAgent,
  startHostPage, startServer, stopAll, waitUntil,
} from './lib.mjs';

export function defineWidgetTests({ crossOrigin }) {
let server, host, browser, streams, agent;

before(async () => {
  server = await startServer();
  host = crossOrigin ? await startHostPage(server.proxy.url) : { origin: server.proxy.url, close: async () => {} };
  streams = await demoStreams(server);
  await allowOrigin(server, streams.org, streams.chat, host.origin);
  await allowOrigin(server, streams.org, streams.callback, host.origin);
  agent = await signInDemoAgent(server);
  browser = await launchBrowser();
});

after(() => stopAll({ browser, agent, host, server }));

const pageUrl = (path, ...keys) => `${host.origin}${crossOrigin ? '' : '/site'}${path}?${keys.map((k) => 'stream=' + encodeURIComponent(k)).join('&')}`;
// A host page in another language (lib.mjs, hostPage: 'none' has no lang).
const langUrl = (lang, ...keys) => pageUrl('/', ...keys) + '&lang=' + lang;

function widget(page, kind) {
  const root = page.locator(`[data-frontdesk="${kind}"]`);
  return {
    root,
    launcher: root.locator('button.launcher'),
    panel: root.locator('section.panel'),
    body: root.locator('.body'),
    log: root.locator('ol.log'),
    field: (label) => root.getByLabel(label, { exact: true }),
  };
}

// Offers arrive for conversations the agent has not handled yet.
async function reserveNext(conversationId) {
  const offer = await agent.waitFor((f) => f.type === 'offer' && f.body.conversation.id === conversationId,
                                    'the offer of conversation ' + conversationId);
  await agent.request('reserve', { conversation_id: conversationId });
  return offer.body.conversation;
}

async function startChat(page, name, email = 'visitor@example.com') {
  const chat = widget(page, 'webchat');
  await chat.launcher.click();
  await chat.field('Name').fill(name);
  await chat.field('Email').fill(email);
  const created = page.waitForResponse((r) => r.url().endsWith('/api/visitor/v1/sessions'));
  await chat.root.getByRole('button', { name: 'Start chat' }).click();
  const session = await (await created).json();
  await chat.log.waitFor();
  return { chat, conversationId: session.conversation_id };
}

async function sendAsVisitor(chat, text) {
  await chat.field('Message').fill(text);
  await chat.root.getByRole('button', { name: 'Send', exact: true }).click();
}

test('the widget files are served with content types, nosniff and cache headers', async () => {
  const res = await fetch(server.url + '/widget.js');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/javascript/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.match(res.headers.get('cache-control'), /max-age=300/);
  const etag = res.headers.get('etag');
  assert.ok(etag);
  const body = await res.text();
  const version = /var VERSION = '([^']+)'/.exec(body)[1];
  assert.notEqual(version, '@FD_VERSION@');

  const again = await fetch(server.url + '/widget.js', { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);

  const pinned = await fetch(`${server.url}/widget/${version}/widget.js`);
  assert.equal(pinned.status, 200);
  assert.match(pinned.headers.get('cache-control'), /immutable/);
  assert.match(pinned.headers.get('cache-control'), /max-age=31536000/);
  assert.equal(await pinned.text(), body);

  const css = await fetch(`${server.url}/widget/${version}/widget.css`);
  assert.equal(css.status, 200);
  assert.match(css.headers.get('content-type'), /^text\/css/);
  assert.equal(css.headers.get('x-content-type-options'), 'nosniff');

  // The size budget of docs/widget.md: 20 KiB gzipped for script and style.
  const gzipped = gzipSync(Buffer.from(body), { level: 9 }).length +
                  gzipSync(Buffer.from(await css.text()), { level: 9 }).length;
  assert.ok(gzipped <= 20 * 1024, `the widget is ${gzipped} bytes gzipped`);

  assert.equal((await fetch(`${server.url}/widget/0.0.0-other/widget.js`)).status, 404);
  assert.equal((await fetch(`${server.url}/widget/${version}/nothing.js`)).status, 404);
  assert.equal((await fetch(server.url + '/widget.js', { method: 'POST' })).status, 405);
});

test('stream info tells the kind and departments, and an unknown key is inactive', async () => {
  const res = await fetch(`${server.url}/api/visitor/v1/streams/${streams.chat.key}`, { headers: { Origin: host.origin } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), host.origin);
  const info = await res.json();
  assert.equal(info.kind, 'webchat');
  assert.deepEqual(info.departments, streams.chat.departments);
  assert.equal(info.agents_online, true);

  const unknown = await fetch(`${server.url}/api/visitor/v1/streams/no-such-stream-key`);
  assert.equal(unknown.status, 404);
  assert.equal((await unknown.json()).code, 'stream-inactive');

  const foreign = await fetch(`${server.url}/api/visitor/v1/streams/${streams.chat.key}`, { headers: { Origin: 'https://evil.example' } });
  assert.equal(foreign.status, 403);
});

test('/demo embeds the demo site\'s chat and callback widgets under a strict CSP', async () => {
  const res = await fetch(server.url + '/demo');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-security-policy'), /default-src 'self'/);
  const html = await res.text();
  assert.ok(html.includes(`data-stream="${streams.chat.key}"`));
  assert.ok(html.includes(`data-stream="${streams.callback.key}"`));
  assert.ok(html.includes('Kakapo Systems'));

  const context = await browser.newContext();
  const page = await openPage(context, server.url + '/demo');
  await widget(page, 'webchat').launcher.waitFor();
  await widget(page, 'callback').launcher.waitFor();
  await widget(page, 'webchat').launcher.click();
  await widget(page, 'webchat').field('Department').waitFor();
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a visitor chats with an agent, keeps the chat across reloads and rates it', async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
  const page = await openPage(context, pageUrl('/', streams.chat.key));
  const chat = widget(page, 'webchat');
  await chat.launcher.waitFor();

  // Keyboard: Tab reaches the launcher, Enter opens it, focus is in the form.
  let reached = false;
  for (let i = 0; i < 10 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await chat.launcher.evaluate((b) => b.getRootNode().activeElement === b);
  }
  assert.ok(reached, 'Tab reaches the launcher');
  await page.keyboard.press('Enter');
  await chat.panel.waitFor();
  assert.equal(await chat.field('Name').evaluate((i) => i.getRootNode().activeElement === i), true);
  await page.keyboard.type('Natalie Visitor');
  await chat.field('Email').fill('natalie@example.com');
  await chat.field('Department').selectOption('Support');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/visitor/v1/sessions'));
  await chat.root.getByRole('button', { name: 'Start chat' }).click();
  const conversationId = (await (await created).json()).conversation_id;

  const conv = await reserveNext(conversationId);
  assert.equal(conv.contact.name, 'Natalie Visitor');
  assert.equal(conv.department, 'Support');

  await sendAsVisitor(chat, 'Do you ship to Norway? 🇳🇴');
  await agent.waitFor((f) => f.type === 'message' && f.body.conversation_id === conversationId &&
                             f.body.text === 'Do you ship to Norway? 🇳🇴', 'the visitor message');

  await agent.request('typing', { conversation_id: conversationId, typing: true });
  // The customer meets the agent by first name.
  await chat.root.getByText('Jenna is typing…').waitFor();
  const priceList = await agent.upload(conversationId, 'price-list.pdf',
                                       Buffer.from('%PDF-1.4\n% price list\n%%EOF\n'), 'application/pdf');
  await agent.request('send-message', {
    conversation_id: conversationId, client_id: 'a-1',
    text: 'Yes! See https://kakapo.example/shipping for prices 😀',
    attachments: [priceList],
  });
  await chat.log.getByText('for prices 😀').waitFor();
  assert.equal(await chat.root.getByText('Jenna is typing…').count(), 0);
  assert.equal(await chat.log.locator('a[href="https://kakapo.example/shipping"]').count(), 1);
  assert.equal(await chat.log.getByRole('link', { name: 'price-list.pdf' }).count(), 1);
  // The attachment link opens the uploaded file on the server.
  const fileHref = await chat.log.getByRole('link', { name: 'price-list.pdf' }).getAttribute('href');
  assert.ok(priceList.url.startsWith('/files/') && fileHref.endsWith(priceList.url), fileHref);
  assert.match(await (await fetch(fileHref)).text(), /price list/);

  // The visitor's typing reaches the agent.
  await chat.field('Message').pressSequentially('Gre');
  await agent.waitFor((f) => f.type === 'typing' && f.body.conversation_id === conversationId && f.body.typing === true,
                      'the visitor typing');
  await chat.field('Message').fill('');
  await page.screenshot({ path: join(artifacts, 'chat-panel.png') });

  // Reload and navigation keep the whole transcript, once, in the open panel.
  await page.reload();
  await chat.log.getByText('for prices 😀').waitFor();
  await page.click('#next');
  await chat.log.getByText('for prices 😀').waitFor();
  assert.equal(await chat.log.getByText('Do you ship to Norway? 🇳🇴').count(), 1);
  assert.equal(await chat.log.getByText('for prices 😀').count(), 1);

  await agent.request('close', { conversation_id: conversationId });
  await chat.root.getByRole('radio', { name: '4 stars' }).waitFor({ state: 'attached' });
  await chat.root.getByText('4 stars', { exact: false }).count();
  await chat.root.locator('label.star').nth(3).click();
  await chat.field('Comment (optional)').fill('Quick and <b>friendly</b>.');
  await page.screenshot({ path: join(artifacts, 'rating.png') });
  await chat.root.getByRole('button', { name: 'Send rating' }).click();
  await chat.root.getByText('Thank you for your feedback.').waitFor();

  const detail = await agent.request('get-conversation', { conversation_id: conversationId });
  assert.equal(detail.conversation.rating, 4);
  assert.equal(detail.conversation.comment, 'Quick and <b>friendly</b>.');
  assert.equal(detail.messages.filter((m) => m.text === 'Do you ship to Norway? 🇳🇴').length, 1);
  assert.deepEqual(page.dialogs, []);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a visitor requests a callback and agents are offered it', async () => {
  const context = await browser.newContext();
  const page = await openPage(context, pageUrl('/', streams.chat.key, streams.callback.key));
  const cb = widget(page, 'callback');
  await cb.launcher.click();
  await cb.field('Name').fill('Ed Caller');
  await cb.field('Phone number').fill('call me maybe');
  await cb.root.locator('form button.primary').click();
  await cb.root.getByText('country code', { exact: false }).first().waitFor();
  assert.equal(await cb.field('Phone number').getAttribute('aria-invalid'), 'true');

  await cb.field('Phone number').fill('+44 20 7946 0958');
  await cb.field('Department').selectOption('Billing');
  await cb.field('Preferred time (optional)').fill('Weekdays after 3 pm');
  await cb.root.locator('form button.primary').click();
  await cb.root.getByText('We will call you at +442079460958.', { exact: false }).waitFor();

  const offer = await agent.waitFor((f) => f.type === 'offer' && f.body.conversation.kind === 'callback',
                                    'the callback offer');
  assert.equal(offer.body.conversation.callback_number, '+442079460958');
  assert.equal(offer.body.conversation.callback_time, 'Weekdays after 3 pm');
  assert.equal(offer.body.conversation.department, 'Billing');
  await context.close();
});

test('names and messages with markup, scripts, RTL overrides and long lines render literally', async () => {
  const context = await browser.newContext();
  const page = await openPage(context, pageUrl('/', streams.chat.key));
  const evilName = '<img src=x onerror=alert(1)>';
  const { chat, conversationId } = await startChat(page, evilName);
  const conv = await reserveNext(conversationId);
  assert.equal(conv.contact.name, evilName);

  const visitorText = '<script>alert(2)</script><b>bold</b> javascript:alert(3) \u202Eexe.gnp';
  const longLine = 'x'.repeat(10000);
  await sendAsVisitor(chat, visitorText);
  await sendAsVisitor(chat, longLine);
  await agent.request('send-message', {
    conversation_id: conversationId, client_id: 'a-xss',
    text: '<img src=y onerror=alert(4)> [click](javascript:alert(5)) javascript:alert(6)//http://x',
  });
  // A hostile attachment never reaches the visitor: the server only accepts
  // its own uploaded files, and the upload's name stays text.
  await assert.rejects(agent.request('send-message', {
    conversation_id: conversationId, client_id: 'a-xss-file',
    attachments: [{ name: '<svg onload=alert(7)>', url: 'javascript:alert(8)' }],
  }), (e) => e.code === 'invalid-field');
  const evilFile = await agent.upload(conversationId, '<svg onload=alert(7)>.txt', Buffer.from('hello'), 'text/plain');
  await agent.request('send-message', { conversation_id: conversationId, client_id: 'a-xss-file-2', attachments: [evilFile] });
  await chat.log.getByText(evilFile.name).waitFor();
  await chat.log.getByText('[click](javascript:alert(5))', { exact: false }).waitFor();
  await chat.log.locator(`li[data-id]`).filter({ hasText: longLine }).waitFor();

  assert.equal(await chat.log.getByText(visitorText, { exact: true }).count(), 1);
  assert.equal(await chat.log.locator('img, script, b, svg, iframe').count(), 0);
  const hrefs = await chat.log.locator('a').evaluateAll((as) => as.map((a) => a.href));
  assert.ok(hrefs.every((h) => /^https?:/.test(h)), 'only http(s) links: ' + hrefs.join(' '));
  // The long line wraps inside the panel instead of widening it.
  const overflow = await chat.log.evaluate((log) => log.scrollWidth - log.clientWidth);
  assert.ok(overflow <= 1, 'the transcript does not scroll sideways');

  await chat.root.getByRole('button', { name: 'End chat' }).click();
  await chat.root.getByRole('button', { name: 'Send rating' }).waitFor();
  await agent.waitFor((f) => f.type === 'conversation' && f.body.id === conversationId && f.body.state === 'closed',
                      'the visitor closing the chat');
  assert.deepEqual(page.dialogs, []);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a network drop loses and doubles no message', async () => {
  const context = await browser.newContext();
  const page = await openPage(context, pageUrl('/', streams.chat.key));
  const { chat, conversationId } = await startChat(page, 'Flaky Network');
  await reserveNext(conversationId);
  await sendAsVisitor(chat, 'before the drop');
  await agent.waitFor((f) => f.type === 'message' && f.body.text === 'before the drop', 'the first message');

  server.proxy.drop();
  await chat.root.getByText('Reconnecting', { exact: false }).waitFor();
  await sendAsVisitor(chat, 'during the drop');
  await agent.request('send-message', { conversation_id: conversationId, client_id: 'a-drop', text: 'agent during the drop' });
  await new Promise((r) => setTimeout(r, 700));
  server.proxy.resume();

  await chat.log.getByText('agent during the drop').waitFor();
  await waitUntil(async () => (await chat.log.locator('li.pending').count()) === 0, 'the pending message to be stored');
  for (const text of ['before the drop', 'during the drop', 'agent during the drop'])
    assert.equal(await chat.log.getByText(text, { exact: true }).count(), 1, text);

  const detail = await agent.request('get-conversation', { conversation_id: conversationId });
  assert.equal(detail.messages.filter((m) => m.text === 'during the drop').length, 1);
  assert.equal(detail.messages.filter((m) => m.text === 'before the drop').length, 1);
  await agent.request('close', { conversation_id: conversationId });
  await context.close();
});

test('works at 320 px wide', async () => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const page = await openPage(context, pageUrl('/', streams.chat.key, streams.callback.key));
  const chat = widget(page, 'webchat');
  await chat.launcher.click();
  await chat.field('Email').waitFor();
  const box = await chat.panel.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 320, `panel inside the viewport: ${box.x}+${box.width}`);
  for (const label of ['Name', 'Email', 'Department']) {
    const b = await chat.field(label).boundingBox();
    assert.ok(b.x >= 0 && b.x + b.width <= 320, label + ' fits');
  }
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), 'no sideways scrolling');
  // Escape closes the panel and gives the focus back to the launcher.
  await chat.field('Name').focus();
  await page.keyboard.press('Escape');
  await chat.panel.waitFor({ state: 'hidden' });
  assert.equal(await chat.launcher.evaluate((b) => b.getRootNode().activeElement === b), true);
  await page.screenshot({ path: join(artifacts, 'narrow.png') });
  await context.close();
});

test('a deleted stream and an unknown key show that the channel is no longer active', async () => {
  const context = await browser.newContext();
  const unknown = await openPage(context, pageUrl('/', 'no-such-stream-key'));
  const w = widget(unknown, 'webchat');
  await w.launcher.click();
  await w.root.getByText('This channel is no longer active.').waitFor();

  const doomed = await admin(server, 'POST', `/organizations/${streams.org.id}/streams`, {
    kind: 'webchat', name: 'Doomed chat', queue_id: streams.chat.queue_id, allowed_origins: [host.origin],
  });
  const page = await openPage(context, pageUrl('/', doomed.key));
  const chat = widget(page, 'webchat');
  await chat.launcher.click();
  await chat.field('Name').fill('Late Visitor');
  await chat.field('Email').fill('late@example.com');
  await admin(server, 'DELETE', `/organizations/${streams.org.id}/streams/${doomed.id}`);
  await chat.root.getByRole('button', { name: 'Start chat' }).click();
  await chat.root.getByText('This channel is no longer active.').waitFor();
  await page.reload();
  await chat.launcher.click();
  await chat.root.getByText('This channel is no longer active.').waitFor();
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('with no agent joined the chat offers a callback instead of a wait', async () => {
  for (const q of agent.welcome.queues ?? (await agent.waitFor((f) => f.type === 'snapshot')).body.queues)
    await agent.request('leave', { queue_id: q.queue_id });
  try {
    const context = await browser.newContext();
    const page = await openPage(context, pageUrl('/', streams.chat.key, streams.callback.key));
    const chat = widget(page, 'webchat');
    await chat.launcher.click();
    await chat.root.getByText('No agent is available right now.', { exact: false }).waitFor();
    await chat.root.getByRole('button', { name: 'Ask us to call you back' }).click();
    await widget(page, 'callback').field('Phone number').waitFor();
    await context.close();
  } finally {
    await agent.joinAll();
  }
});

test('an open chat whose stream is deleted says the channel is no longer active', async () => {
  const doomed = await admin(server, 'POST', `/organizations/${streams.org.id}/streams`, {
    kind: 'webchat', name: 'Chat deleted mid-chat', queue_id: streams.chat.queue_id, allowed_origins: [host.origin],
  });
  const context = await browser.newContext();
  const page = await openPage(context, pageUrl('/', doomed.key));
  const { chat, conversationId } = await startChat(page, 'Mid Chat');
  await reserveNext(conversationId);
  await sendAsVisitor(chat, 'still there?');
  await agent.waitFor((f) => f.type === 'message' && f.body.text === 'still there?', 'the visitor message');

  // Deleting the stream tells the open chat at once, without a reload.
  await admin(server, 'DELETE', `/organizations/${streams.org.id}/streams/${doomed.id}`);
  await chat.root.getByRole('alert').filter({ hasText: 'This channel is no longer active.' }).waitFor();
  assert.equal(await chat.panel.isVisible(), true);
  assert.equal(await chat.field('Message').count(), 0, 'the composer is gone');

  // A client that goes on writing is refused with the same code.
  const session = await page.evaluate((key) => JSON.parse(localStorage.getItem('frontdesk:' + key)), doomed.key);
  const ws = new WebSocket(session.socket_url);
  const frames = [];
  ws.onmessage = (e) => frames.push(JSON.parse(e.data));
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  ws.send(JSON.stringify({ type: 'hello', body: {} }));
  ws.send(JSON.stringify({ type: 'send-message', id: 'late', body: { client_id: 'w-late', text: 'anyone?' } }));
  await waitUntil(() => frames.find((f) => f.type === 'error' && f.id === 'late'), 'the refusal');
  assert.equal(frames.find((f) => f.id === 'late').body.code, 'stream-inactive');
  ws.close();
  await agent.request('close', { conversation_id: conversationId });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('the customer reads who joined and who transferred the chat, by first name', async () => {
  const natalieLogin = demoAgents.find((a) => a.name === 'Natalie Maines');
  const context = await browser.newContext();
  const page = await openPage(context, pageUrl('/', streams.chat.key));
  const { chat, conversationId } = await startChat(page, 'Transfer Visitor');
  await reserveNext(conversationId);
  await chat.log.getByText('Jenna joined the chat', { exact: true }).waitFor();
  await chat.root.getByText('You are chatting with Jenna.', { exact: true }).waitFor();

  const natalie = await Agent.signIn(server, natalieLogin.email, natalieLogin.password);
  try {
    await natalie.joinAll();
    await agent.request('transfer', { conversation_id: conversationId, agent_id: natalie.welcome.agent.id });
    await natalie.waitFor((f) => f.type === 'offer' && f.body.conversation.id === conversationId, 'the transfer offer');
    await natalie.request('reserve', { conversation_id: conversationId });
    await chat.log.getByText('Jenna transferred you to Natalie', { exact: true }).waitFor();
    await chat.root.getByText('You are chatting with Natalie.', { exact: true }).waitFor();
    await natalie.request('send-message', { conversation_id: conversationId, client_id: 'n-1', text: 'Natalie here.' });
    const reply = chat.log.locator('li.msg.out').filter({ hasText: 'Natalie here.' });
    await reply.waitFor();
    assert.equal(await reply.locator('.author').textContent(), 'Natalie');

    // The agents' own notes never reach the customer, after a reload neither.
    await page.reload();
    await chat.log.getByText('Natalie here.').waitFor();
    const text = await chat.log.textContent();
    assert.doesNotMatch(text, /Reserved by|Transferred to|Wimshurst|Maines/);
    assert.equal(await chat.log.getByText('Jenna joined the chat', { exact: true }).count(), 1);
    assert.equal(await chat.log.getByText('Jenna transferred you to Natalie', { exact: true }).count(), 1);
    await natalie.request('close', { conversation_id: conversationId });
    await chat.root.getByText('Natalie ended the chat. How did we do?').waitFor();
  } finally {
    for (const q of natalie.welcome.queues ?? (await natalie.waitFor((f) => f.type === 'snapshot')).body.queues)
      await natalie.request('leave', { queue_id: q.queue_id }).catch(() => {});
    natalie.close();
  }
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('the widget speaks the page\'s language, else the browser\'s, else English', async () => {
  // A German page: German everywhere, the agent's join included.
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await openPage(context, langUrl('de', streams.chat.key, streams.callback.key));
  const chat = widget(page, 'webchat');
  assert.equal(await chat.launcher.textContent(), 'Chatten Sie mit uns');
  assert.equal(await widget(page, 'callback').launcher.textContent(), 'Rufen Sie mich zurück');
  await chat.launcher.click();
  await chat.root.getByRole('button', { name: 'Chat beginnen' }).click();
  await chat.root.getByText('Bitte geben Sie Ihren Namen ein.').waitFor();
  await chat.field('Name').fill('Greta Besucherin');
  await chat.field('E-Mail').fill('greta@example.com');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/visitor/v1/sessions'));
  await chat.root.getByRole('button', { name: 'Chat beginnen' }).click();
  const conversationId = (await (await created).json()).conversation_id;
  await reserveNext(conversationId);
  await chat.log.getByText('Jenna ist dem Chat beigetreten', { exact: true }).waitFor();
  await chat.root.getByText('Sie chatten mit Jenna.', { exact: true }).waitFor();
  await chat.root.getByRole('button', { name: 'Chat beenden' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'chat-panel-de.png') });
  await agent.request('close', { conversation_id: conversationId });
  await chat.root.getByRole('button', { name: 'Bewertung senden' }).waitFor();
  assert.equal(await chat.root.getByRole('radio', { name: '1 Stern', exact: true }).count(), 1);
  assert.equal(await chat.root.getByRole('radio', { name: '4 Sterne', exact: true }).count(), 1);
  await context.close();

  // No lang on the page: the browser's languages decide.
  const german = await browser.newContext({ locale: 'de-DE' });
  const p2 = await openPage(german, langUrl('none', 'no-such-stream-key'));
  await widget(p2, 'webchat').launcher.click();
  await widget(p2, 'webchat').root.getByText('Dieser Kanal ist nicht mehr aktiv.').waitFor();
  await german.close();

  // A page language without a table reads in English, whatever the browser says.
  const other = await browser.newContext({ locale: 'de-DE' });
  const p3 = await openPage(other, langUrl('fi', streams.chat.key));
  assert.equal(await widget(p3, 'webchat').launcher.textContent(), 'Chat with us');
  // An English page stays English in a German browser.
  const p4 = await openPage(other, langUrl('en', streams.chat.key));
  assert.equal(await widget(p4, 'webchat').launcher.textContent(), 'Chat with us');
  await other.close();
});

test('an ongoing chat comes back open or minimized, as it was, on the next page', async () => {
  const context = await browser.newContext();
  const page = await openPage(context, pageUrl('/', streams.chat.key));
  const { chat, conversationId } = await startChat(page, 'Navigating Visitor');
  await sendAsVisitor(chat, 'before navigating');
  await chat.log.locator('li[data-id]').filter({ hasText: 'before navigating' }).waitFor();

  // Open: the next page shows the chat open, without a click, and leaves
  // the focus to the page.
  await page.click('#next');
  await chat.log.getByText('before navigating').waitFor();
  assert.equal(await chat.panel.isVisible(), true);
  assert.equal(await chat.launcher.getAttribute('aria-expanded'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement === document.body), true);

  // Minimized: it stays minimized on the next page, and opens again.
  await chat.root.getByRole('button', { name: 'Minimize' }).click();
  await chat.panel.waitFor({ state: 'hidden' });
  await page.click('#next');
  await chat.launcher.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-frontdesk="webchat"]')
    ?.shadowRoot.querySelector('ol.log li[data-id]'));
  assert.equal(await chat.panel.isVisible(), false);
  assert.equal(await chat.launcher.getAttribute('aria-expanded'), 'false');
  await chat.launcher.click();
  await chat.log.getByText('before navigating').waitFor();

  await reserveNext(conversationId);
  await agent.request('close', { conversation_id: conversationId });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('frontdeskd shuts down cleanly after the browser sessions', async () => {
  await browser.close();
  agent.close();
  const { code, signal } = await server.stop();
  assert.equal(signal, null);
  assert.equal(code, 0, server.stderr);
  assert.doesNotMatch(server.stderr, /AddressSanitizer|LeakSanitizer|runtime error/);
});
}
