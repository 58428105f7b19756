// One web visitor in headless Chromium, driven by another program (the
// end-to-end test, tests/e2e/test-end-to-end.c) through stdin and stdout.
//
// The visitor uses the real widget (data/widget/widget.js) on a customer's
// host page served on its own loopback port by lib.mjs (startHostPage), so
// it runs cross-origin under a strict CSP as on a real site; the driver
// allows that origin on the stream through the admin API first.
//
// Protocol: one JSON object per line on stdin, {"cmd": NAME, …arguments};
// exactly one JSON line per command on stdout, in order:
//   {"ok": true, …results}   or   {"ok": false, "error": "a sentence"}.
// Nothing else is written to stdout (diagnostics go to stderr). Commands:
//
//   start {server, admin_token, name, email, text?}
//       Opens a host page with the demo organization's Web Chat stream,
//       starts a chat as name/email and, with text, sends it and waits
//       until the server stored it. → {conversation_id}
//   send {text}             sends a visitor message, waits until stored.
//   wait-text {text, from?} waits until the transcript shows a message
//       containing text (from "agent" or "visitor" narrows it).
//       → {author} (the name the widget shows above it)
//   wait-link {name}        waits for an attachment link named name and
//       downloads it. → {href, size, base64}
//   wait-agent {name}       waits for "You are chatting with NAME." (the
//       widget names agents by first name)
//   wait-rating-prompt      waits until the widget asks for a rating.
//   rate {stars, comment?}  rates (1–5) and waits for the thanks.
//   screenshot {name}       saves the page as name (a .png) in
//       $FD_ARTIFACTS_DIR (lib.mjs's artifacts directory without it).
//       → {path}
//   check-page              fails when the page raised a dialog, a script
//       error or a CSP violation.
//   quit                    answers, closes Chromium and exits.
//
// Every wait gives up after timeout_ms (an argument of any command,
// default $FD_VISITOR_TIMEOUT_MS or 20000) with an error naming what it
// waited for. When stdin closes (the test ended or died), or on SIGTERM,
// the driver closes Chromium and exits, so no browser outlives the test;
// stdin closing in the middle of a command abandons it (exit status 1).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import readline from 'node:readline';
import { allowOrigin, artifacts, demoStreams, launchBrowser, openPage, startHostPage } from './lib.mjs';

const defaultTimeout = Number(process.env.FD_VISITOR_TIMEOUT_MS || 20000);
const state = { browser: null, context: null, page: null, host: null, chat: null };

class DriverError extends Error {}

// Runs a Playwright wait; its timeout becomes one clear sentence.
async function within(what, timeout, fn) {
  try {
    return await fn(timeout);
  } catch (e) {
    if (e && e.name === 'TimeoutError')
      throw new DriverError(`Timed out after ${timeout} ms waiting for ${what}.`);
    throw e;
  }
}

function need(args, name, type = 'string') {
  if (typeof args[name] !== type || (type === 'string' && args[name] === ''))
    throw new DriverError(`The "${name}" argument is missing or not a ${type}.`);
  return args[name];
}

function widget() {
  if (!state.chat) throw new DriverError('No chat yet: send "start" first.');
  return state.chat;
}

function locate(page, kind) {
  const root = page.locator(`[data-frontdesk="${kind}"]`);
  return {
    root,
    launcher: root.locator('button.launcher'),
    log: root.locator('ol.log'),
    field: (label) => root.getByLabel(label, { exact: true }),
  };
}

// Sends @text and waits until the server echoed it (no longer pending).
async function send(chat, text, timeout) {
  await chat.field('Message').fill(text);
  await chat.root.getByRole('button', { name: 'Send', exact: true }).click();
  await within(`the server to store the visitor's message “${text}”`, timeout, (t) =>
    chat.log.locator('li.msg.in:not(.pending)').filter({ hasText: text }).first().waitFor({ timeout: t }));
}

const commands = {
  async start(args, timeout) {
    if (state.page) throw new DriverError('This driver already started a chat.');
    const server = { url: need(args, 'server').replace(/\/+$/, ''), token: need(args, 'admin_token') };
    const streams = await demoStreams(server);
    const stream = streams.chat;
    if (!stream) throw new DriverError('The demo site has no Web Chat stream.');
    state.host = await startHostPage(server.url);
    await allowOrigin(server, streams.org, stream, state.host.origin);
    state.browser = await launchBrowser();
    state.context = await state.browser.newContext({ viewport: { width: 1024, height: 800 } });
    state.page = await openPage(state.context, `${state.host.origin}/?stream=${encodeURIComponent(stream.key)}`);
    const chat = locate(state.page, 'webchat');
    state.context.setDefaultTimeout(defaultTimeout);
    await within('the chat launcher', timeout, (t) => chat.launcher.click({ timeout: t }));
    // With no agent joined the widget says so instead of showing the form.
    await within('the chat form', timeout, (t) => chat.field('Name').or(chat.root.locator('[role="alert"], [role="status"]')).first().waitFor({ timeout: t }));
    if (!(await chat.field('Name').count())) {
      const shown = (await chat.root.locator('section.panel').textContent()) || '';
      throw new DriverError(`The widget shows no chat form: “${shown.trim().slice(0, 200)}”.`);
    }
    await chat.field('Name').fill(need(args, 'name'));
    await chat.field('Email').fill(need(args, 'email'));
    const created = state.page.waitForResponse((r) => r.url().endsWith('/api/visitor/v1/sessions'), { timeout });
    await chat.root.getByRole('button', { name: 'Start chat' }).click();
    const answer = await within('the chat session', timeout, () => created);
    if (answer.status() !== 201) throw new DriverError(`The server refused the chat (HTTP ${answer.status()}).`);
    const session = await answer.json();
    await within('the transcript to appear', timeout, (t) => chat.log.waitFor({ timeout: t }));
    state.chat = chat;
    if (args.text) await send(chat, args.text, timeout);
    return { conversation_id: session.conversation_id };
  },

  async send(args, timeout) {
    await send(widget(), need(args, 'text'), timeout);
    return {};
  },

  async 'wait-text'(args, timeout) {
    const text = need(args, 'text');
    const kind = args.from === 'agent' ? '.out' : args.from === 'visitor' ? '.in' : '';
    const item = widget().log.locator(`li.msg${kind}`).filter({ hasText: text }).first();
    await within(`the visitor's transcript to show “${text}”`, timeout, (t) => item.waitFor({ timeout: t }));
    const author = item.locator('span.author');
    return { author: (await author.count()) ? await author.textContent() : '' };
  },

  async 'wait-link'(args, timeout) {
    const name = need(args, 'name');
    const link = widget().log.locator('ul.files a').filter({ hasText: name });
    await within(`the visitor's transcript to show the attachment link “${name}”`, timeout,
                 (t) => link.first().waitFor({ timeout: t }));
    if (await link.count() !== 1) throw new DriverError(`The attachment “${name}” shows ${await link.count()} times.`);
    const href = await link.getAttribute('href');
    const res = await fetch(href);
    if (!res.ok) throw new DriverError(`Downloading the attachment gave HTTP ${res.status}.`);
    const bytes = Buffer.from(await res.arrayBuffer());
    return { href, size: bytes.length, base64: bytes.toString('base64') };
  },

  async 'wait-agent'(args, timeout) {
    const line = `You are chatting with ${need(args, 'name')}.`;
    await within(`the widget to say “${line}”`, timeout,
                 (t) => widget().root.getByText(line, { exact: true }).waitFor({ timeout: t }));
    return {};
  },

  async 'wait-rating-prompt'(args, timeout) {
    await within('the rating prompt', timeout,
                 (t) => widget().root.getByRole('button', { name: 'Send rating' }).waitFor({ timeout: t }));
    return {};
  },

  async rate(args, timeout) {
    const stars = need(args, 'stars', 'number');
    if (!Number.isInteger(stars) || stars < 1 || stars > 5) throw new DriverError('"stars" must be from 1 to 5.');
    const chat = widget();
    await within('the rating prompt', timeout,
                 (t) => chat.root.locator('label.star').nth(stars - 1).click({ timeout: t }));
    if (args.comment) await chat.field('Comment (optional)').fill(args.comment);
    await chat.root.getByRole('button', { name: 'Send rating' }).click();
    await within('the thanks for the rating', timeout,
                 (t) => chat.root.getByText('Thank you for your feedback.').waitFor({ timeout: t }));
    return {};
  },

  async screenshot(args) {
    const name = need(args, 'name');
    if (!/^[\w.-]+\.png$/.test(name)) throw new DriverError('"name" must be a plain file name ending in .png.');
    if (!state.page) throw new DriverError('No page yet: send "start" first.');
    const dir = process.env.FD_ARTIFACTS_DIR || artifacts;
    mkdirSync(dir, { recursive: true });
    const path = join(dir, name);
    await state.page.screenshot({ path });
    return { path };
  },

  async 'check-page'() {
    if (!state.page) throw new DriverError('No page yet: send "start" first.');
    const problems = [...state.page.dialogs.map((d) => 'dialog: ' + d), ...state.page.errors];
    if (problems.length) throw new DriverError('The page had problems: ' + problems.join('; '));
    return {};
  },

  async quit() {
    return {};
  },
};

let closing = null;
function shutdown(code) {
  closing ??= (async () => {
    await state.browser?.close().catch(() => {});
    await state.host?.close().catch(() => {});
    process.exit(code);
  })();
  return closing;
}

process.on('SIGTERM', () => shutdown(1));
process.on('SIGINT', () => shutdown(1));
// The test went away while a command was running: do not wait for it.
let busy = false;
process.stdin.on('end', () => { if (busy) shutdown(1); });

function reply(object) {
  process.stdout.write(JSON.stringify(object) + '\n');
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let args;
  try {
    args = JSON.parse(line);
  } catch {
    reply({ ok: false, error: 'The command is not a JSON object.' });
    continue;
  }
  const command = args && commands[args.cmd];
  if (!command) {
    reply({ ok: false, error: `Unknown command “${args && args.cmd}”.` });
    continue;
  }
  const timeout = typeof args.timeout_ms === 'number' ? args.timeout_ms : defaultTimeout;
  busy = true;
  try {
    reply({ ok: true, ...(await command(args, timeout)) });
  } catch (e) {
    const message = e instanceof DriverError ? e.message : `${args.cmd} failed: ${String(e && e.message || e).split('\n')[0]}`;
    process.stderr.write(`visitor-driver: ${args.cmd}: ${e && e.stack || e}\n`);
    reply({ ok: false, error: message });
  }
  busy = false;
  if (args.cmd === 'quit') break;
}
await shutdown(0);
