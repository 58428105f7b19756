// Fixtures of the browser tests: a real frontdeskd on loopback behind a TCP
// proxy (so a test can cut the network), a host page on another port (so the
// widget runs cross-origin as on a customer's site), an agent on the agent
// websocket, and headless Chromium driven by Playwright.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import net from 'node:net';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
export const artifacts = join(here, 'artifacts');
const demoSite = JSON.parse(readFileSync(join(process.env.FD_SOURCE_DATADIR || join(here, '../../data'), 'demo-site.json'), 'utf8'));
export const demoAgents = demoSite.agents;

export async function startServer() {
  const binary = process.env.FRONTDESKD;
  if (!binary) throw new Error('FRONTDESKD must name the frontdeskd binary.');
  const dir = mkdtempSync(join(tmpdir(), 'fd-browser-'));
  const db = join(dir, 'fd.db');
  const child = spawn(binary, ['--listen', '127.0.0.1:0', '--db', db, '--demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('frontdeskd did not start: ' + stderr)), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /frontdeskd: listening on (\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`frontdeskd exited (${code}): ${stderr}`)); });
  });
  const token = readFileSync(db + '.admin-token', 'utf8').trim();
  const proxy = await startProxy(new URL(url).port);
  return {
    url, token, proxy, dir,
    get stderr() { return stderr; },
    // Stops frontdeskd and tells how it ended: a sanitizer build reports
    // leaks and errors at exit with a non-zero code.
    async stop() {
      if (!this.exit) {
        proxy.close();
        this.exit = child.exitCode !== null ? Promise.resolve({ code: child.exitCode, signal: child.signalCode })
          : new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
        child.kill('SIGTERM');
        await this.exit;
        rmSync(dir, { recursive: true, force: true });
      }
      return this.exit;
    },
  };
}

// A proxy in front of frontdeskd: drop() cuts every open connection and
// refuses new ones until resume(), like a network outage. It also serves the
// host pages under /site/ on the server's own origin (sameOriginPage()).
function startProxy(targetPort) {
  const sockets = new Set();
  let down = false;
  let origin = null;
  const track = (s) => {
    if (sockets.has(s)) return;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server = http.createServer((req, res) => {
    if (req.url.startsWith('/site/')) { hostPage(origin, req, res); return; }
    const upstream = http.request({ host: '127.0.0.1', port: Number(targetPort), method: req.method, path: req.url, headers: req.headers },
      (answer) => { res.writeHead(answer.statusCode, answer.headers); answer.pipe(res); });
    upstream.on('socket', track);
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (s) => { if (down) s.destroy(); else track(s); });
  // Websocket upgrades pass through as raw TCP after the handshake.
  server.on('upgrade', (req, client, head) => {
    const upstream = net.connect(Number(targetPort), '127.0.0.1', () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length) upstream.write(head);
      client.pipe(upstream); upstream.pipe(client);
    });
    track(upstream);
    const end = () => { client.destroy(); upstream.destroy(); };
    client.on('close', end); upstream.on('close', end); upstream.on('error', end);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    origin = `http://127.0.0.1:${server.address().port}`;
    resolve({
      url: origin,
      drop() { down = true; for (const s of sockets) s.destroy(); sockets.clear(); },
      resume() { down = false; },
      close() { for (const s of sockets) s.destroy(); server.closeAllConnections(); server.close(); },
    });
  }));
}

// A page of the customer's website under a strict Content-Security-Policy
// that allows only the Frontdesk server's origin: ?stream=KEY (repeatable)
// embeds one widget per key, as the embed snippet does; ?lang=de gives the
// page that language (default en), ?lang=none no lang attribute at all.
function hostPage(serverOrigin, req, res) {
  const server = new URL(serverOrigin);
  const url = new URL(req.url, 'http://host');
  const csp = `default-src 'self'; script-src 'self' ${server.origin}; connect-src ${server.origin} ws://${server.host}; ` +
              `style-src 'self' ${server.origin}; img-src 'self' ${server.origin}`;
  const keys = url.searchParams.getAll('stream');
  const tags = keys.map((k) => `<script src="${server.origin}/widget.js" data-stream="${encodeURIComponent(k)}" async></script>`).join('\n');
  const next = url.pathname.replace(/[^/]*$/, 'other');
  const lang = url.searchParams.get('lang') || 'en';
  const langAttr = lang === 'none' ? '' : ` lang="${lang.replace(/[^a-zA-Z-]/g, '')}"`;
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp });
  res.end(`<!DOCTYPE html><html${langAttr}><head><meta charset="utf-8"><title>Host ${url.pathname}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>A customer's site</h1><p><a id="next" href="${next}?${url.searchParams}">Another page</a></p>
<p><button id="host-button">Host page button</button></p>
${tags}</body></html>`);
}

export async function admin(server, method, path, body) {
  const res = await fetch(server.url + '/api/admin/v1' + path, {
    method,
    headers: { Authorization: 'Bearer ' + server.token, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export async function demoStreams(server) {
  const orgs = await admin(server, 'GET', '/organizations');
  const org = orgs.find((o) => o.name === demoSite.organization.name);
  const streams = await admin(server, 'GET', `/organizations/${org.id}/streams`);
  const byKind = (kind) => streams.find((s) => s.kind === kind);
  return { org, chat: byKind('webchat'), callback: byKind('callback') };
}

export async function allowOrigin(server, org, stream, origin) {
  return admin(server, 'PATCH', `/organizations/${org.id}/streams/${stream.id}`,
               { allowed_origins: [...(stream.allowed_origins || []), origin] });
}

// The customer's website on its own loopback port, so the widget runs
// cross-origin as on a real site; its origin must be allowed by the streams.
export function startHostPage(serverUrl) {
  const httpServer = http.createServer((req, res) => hostPage(serverUrl, req, res));
  return new Promise((resolve) => httpServer.listen(0, '127.0.0.1', () => resolve({
    origin: `http://127.0.0.1:${httpServer.address().port}`,
    close: () => new Promise((r) => { httpServer.closeAllConnections(); httpServer.close(r); }),
  })));
}

export async function launchBrowser() {
  mkdirSync(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

// Opens a page that records dialogs (an XSS would fire one), CSP violations
// and script errors, so a test can assert there were none.
export async function openPage(context, url) {
  const page = await context.newPage();
  page.dialogs = [];
  page.errors = [];
  page.on('dialog', (d) => { page.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (/Content.Security.Policy|Refused to/i.test(m.text())) page.errors.push(m.text()); });
  await page.goto(url);
  return page;
}

// The demo's agent (Jenna) signed in and joined to every queue, so that
// chats ring instead of being missed.
export async function signInDemoAgent(server) {
  const jenna = demoAgents.find((a) => a.role === 'agent');
  const agent = await Agent.signIn(server, jenna.email, jenna.password);
  await agent.joinAll();
  return agent;
}

// What a test file's after() ends: the browser, the agent, a host page and
// the server, each if it was started. Returns the server's exit.
export async function stopAll({ browser, agent, host, server }) {
  await browser?.close();
  agent?.close();
  await host?.close();
  return server?.stop();
}

// An agent of the demo site on the agent websocket (docs/protocol.md).
export class Agent {
  static async signIn(server, email, password) {
    const res = await fetch(server.url + '/api/agent/v1/sessions', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }),
    });
    if (res.status !== 200) throw new Error('sign-in failed: ' + res.status + ' ' + await res.text());
    const { token } = await res.json();
    const agent = new Agent();
    agent.url = server.url;
    agent.token = token;
    agent.events = [];
    agent.waiters = [];
    agent.pending = new Map();
    agent.nextId = 1;
    agent.ws = new WebSocket(server.url.replace(/^http/, 'ws') + '/api/agent/v1/socket',
                             { headers: { Authorization: 'Bearer ' + token } });
    agent.ws.on('message', (data) => agent.onFrame(JSON.parse(String(data))));
    await new Promise((resolve, reject) => { agent.ws.once('open', resolve); agent.ws.once('error', reject); });
    agent.welcome = await agent.request('hello', { protocol: 1, last_seq: 0, client: 'browser-test' });
    return agent;
  }

  onFrame(frame) {
    if ((frame.type === 'ack' || frame.type === 'error') && this.pending.has(frame.id)) {
      const { resolve, reject } = this.pending.get(frame.id);
      this.pending.delete(frame.id);
      if (frame.type === 'ack') resolve(frame.body || {});
      else reject(Object.assign(new Error(frame.body.message), { code: frame.body.code }));
      return;
    }
    this.events.push(frame);
    this.waiters = this.waiters.filter((w) => !w(frame));
  }

  request(type, body) {
    const id = String(this.nextId++);
    this.ws.send(JSON.stringify({ type, id, body }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  // Resolves with the first event (already received or coming) that matches.
  waitFor(predicate, what = 'an event', timeout = 15000) {
    const found = this.events.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for ' + what)), timeout);
      this.waiters.push((frame) => {
        if (!predicate(frame)) return false;
        clearTimeout(timer);
        resolve(frame);
        return true;
      });
    });
  }

  async joinAll() {
    const snapshot = await this.waitFor((f) => f.type === 'snapshot', 'the snapshot');
    for (const q of snapshot.body.queues) await this.request('join', { queue_id: q.queue_id });
    await this.request('set-acd', { state: 'available' });
  }

  // Uploads a file into a conversation the agent reserved; resolves with the
  // attachment to send (docs/protocol.md, "Files (HTTP)").
  async upload(conversationId, name, bytes, type = 'application/octet-stream') {
    const res = await fetch(`${this.url}/api/agent/v1/files?conversation_id=${conversationId}&name=${encodeURIComponent(name)}`, {
      method: 'POST', headers: { Authorization: 'Bearer ' + this.token, 'Content-Type': type }, body: bytes,
    });
    if (res.status !== 201) throw new Error('upload failed: ' + res.status + ' ' + await res.text());
    return res.json();
  }

  close() { this.ws.close(); }
}

export function waitUntil(fn, what, timeout = 15000) {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = async () => {
      try {
        const value = await fn();
        if (value) { resolve(value); return; }
      } catch (e) { /* not yet */ }
      if (Date.now() - start > timeout) reject(new Error('timed out waiting for ' + what));
      else setTimeout(tick, 100);
    };
    tick();
  });
}
