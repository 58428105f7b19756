// What the visitor API must enforce for the widget (docs/widget.md, "What the
// server must enforce"): CORS for allowed origins, refusal of other origins
// on HTTP and on the websocket, rate limits.
//
// It runs frontdeskd with the default visitor limits (the flow files raise
// them). By hand:
//   FRONTDESKD=build/src/server/frontdeskd node --test tests/browser/origin.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import {
  demoStreams, launchBrowser, openPage, signInDemoAgent, startHostPage, startServer, stopAll,
} from './lib.mjs';

let server, streams, foreignHost, browser, agent;
const FOREIGN = 'https://not-allowed.example';

before(async () => {
  // The defaults are what this file tests, whatever the caller's shell says.
  delete process.env.FRONTDESKD_VISITOR_LIMITS;
  server = await startServer();
  streams = await demoStreams(server);
  foreignHost = await startHostPage(server.proxy.url);
  browser = await launchBrowser();
  agent = await signInDemoAgent(server);
});

after(() => stopAll({ browser, agent, host: foreignHost, server }));

const allowed = () => streams.chat.allowed_origins[0];

test('a preflight from an allowed origin is answered for POST with a JSON body', async () => {
  for (const path of ['/api/visitor/v1/sessions', '/api/visitor/v1/callbacks']) {
    const res = await fetch(server.url + path, {
      method: 'OPTIONS',
      headers: { Origin: allowed(), 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    assert.ok(res.status === 204 || res.status === 200, path + ': ' + res.status);
    assert.equal(res.headers.get('access-control-allow-origin'), allowed());
    assert.match(res.headers.get('access-control-allow-methods'), /POST/);
    assert.match(res.headers.get('access-control-allow-headers').toLowerCase(), /content-type/);
    assert.match(res.headers.get('vary') || '', /Origin/i);
  }
});

test('sessions and callbacks answer an allowed origin with Access-Control-Allow-Origin', async () => {
  const res = await fetch(server.url + '/api/visitor/v1/sessions', {
    method: 'POST', headers: { Origin: allowed(), 'Content-Type': 'application/json' },
    body: JSON.stringify({ stream_key: streams.chat.key, name: 'Cors' }),
  });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('access-control-allow-origin'), allowed());
});

test('an origin the stream does not allow is refused on HTTP and on the websocket', async () => {
  const chat = await fetch(server.url + '/api/visitor/v1/sessions', {
    method: 'POST', headers: { Origin: FOREIGN, 'Content-Type': 'application/json' },
    body: JSON.stringify({ stream_key: streams.chat.key, name: 'Mallory' }),
  });
  assert.equal(chat.status, 403);
  assert.equal((await chat.json()).code, 'forbidden');
  assert.equal(chat.headers.get('access-control-allow-origin'), null);

  const callback = await fetch(server.url + '/api/visitor/v1/callbacks', {
    method: 'POST', headers: { Origin: FOREIGN, 'Content-Type': 'application/json' },
    body: JSON.stringify({ stream_key: streams.callback.key, number: '+4420794600000' }),
  });
  assert.equal(callback.status, 403);

  // A token obtained from an allowed origin is still refused from another.
  const ok = await fetch(server.url + '/api/visitor/v1/sessions', {
    method: 'POST', headers: { Origin: allowed(), 'Content-Type': 'application/json' },
    body: JSON.stringify({ stream_key: streams.chat.key, name: 'Alice' }),
  });
  const { token } = await ok.json();
  const status = await new Promise((resolve) => {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/visitor/v1/socket?token=${encodeURIComponent(token)}`,
                             { headers: { Origin: FOREIGN } });
    ws.on('unexpected-response', (req, res) => resolve(res.statusCode));
    ws.on('open', () => { ws.close(); resolve('open'); });
    ws.on('error', () => resolve('error'));
  });
  assert.equal(status, 403);
});

test('the widget on a site the stream does not allow says so instead of breaking', async () => {
  const context = await browser.newContext();
  const page = await openPage(context, `${foreignHost.origin}/?stream=${encodeURIComponent(streams.chat.key)}`);
  await page.locator('[data-frontdesk] button.launcher').click();
  await page.locator('[data-frontdesk]').getByText('This channel is not available on this website.').waitFor();
  assert.deepEqual(page.dialogs, []);
  await context.close();
});

test('a chat over its message rate gets rate-limited frames and loses nothing', async () => {
  const res = await fetch(server.url + '/api/visitor/v1/sessions', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ stream_key: streams.chat.key, name: 'Chatty' }),
  });
  assert.equal(res.status, 201);
  const { token } = await res.json();
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/visitor/v1/socket?token=${encodeURIComponent(token)}`,
                           { headers: { Origin: allowed() } });
  const frames = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
  await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  ws.send(JSON.stringify({ type: 'hello', body: {} }));
  // The default burst is 50 messages.
  const count = 70;
  for (let i = 0; i < count; i++)
    ws.send(JSON.stringify({ type: 'send-message', id: 'm' + i, body: { client_id: 'c' + i, text: 'Hello ' + i } }));
  const deadline = Date.now() + 5000;
  const settled = () => frames.filter((f) => f.type === 'error' || f.type === 'message').length >= count;
  while (!settled() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const errors = frames.filter((f) => f.type === 'error');
  const echoed = new Set(frames.filter((f) => f.type === 'message').map((f) => f.body.client_id));
  assert.ok(errors.length > 0, 'seventy messages at once are over the limit');
  for (const e of errors) {
    assert.equal(e.body.code, 'rate-limited');
    assert.ok(e.body.retry_after > 0);
    // A refused message was not stored, so it was not echoed.
    assert.ok(!echoed.has('c' + e.id.slice(1)), e.id);
  }
  assert.equal(errors.length + echoed.size, count);
  ws.close();
});

test('creating chats and callbacks is rate limited per client address', async () => {
  let limited = null;
  for (let i = 0; i < 100 && !limited; i++) {
    const res = await fetch(server.url + '/api/visitor/v1/callbacks', {
      method: 'POST', headers: { Origin: allowed(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ stream_key: streams.callback.key, number: '+44207946' + String(1000 + i) }),
    });
    if (res.status === 429) limited = await res.json();
    else assert.equal(res.status, 201);
  }
  assert.ok(limited, 'the 100th callback request within a minute is refused');
  assert.equal(limited.code, 'rate-limited');
  assert.ok(limited.retry_after > 0);
});

test('frontdeskd shuts down cleanly', async () => {
  agent.close();
  const { code, signal } = await server.stop();
  assert.equal(signal, null);
  assert.equal(code, 0, server.stderr);
  assert.doesNotMatch(server.stderr, /AddressSanitizer|LeakSanitizer|runtime error/);
});
