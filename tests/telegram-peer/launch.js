// Usage: node launch.js [port] [--raw] [--exit-with-stdin]
// Starts telegram-test-api 4.2.1 on 127.0.0.1:<port> and keeps running until SIGTERM/SIGINT.
// Unless --raw is given, a small compat layer sits in front of the emulator so Telegram.Bot 22.x can parse its replies.
const express = require('express');
const TelegramServer = require('telegram-test-api');

const port = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) || process.env.PORT || 9000);
const raw = process.argv.includes('--raw');
const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
server.setMaxListeners(0);

if (!raw) {
  const inner = server.webServer; // the emulator's express app; start() listens on server.webServer
  const app = express();
  app.use(express.json());
  app.use(express.urlencoded({ extended: true }));
  // test control: make the next calls of a bot method fail (429 with retry_after, 5xx, …); POST /shim/failNext
  // (with chat_id: only calls to that chat, e.g. a 403 from a group that removed the bot)
  const failures = []; // { method, code, description, retryAfter, left, chatId }
  app.post('/shim/failNext', (req, res) => {
    const { method, code = 502, description, retry_after: retryAfter, migrate_to_chat_id: migrateTo, count = 1, chat_id: chatId } = req.body;
    failures.push({ method, code, description: description || (code === 429 ? 'Too Many Requests: retry later' : 'Bad Gateway'), retryAfter, migrateTo, left: count, chatId });
    res.json({ ok: true, result: true });
  });
  app.all('/bot:token/:method', (req, res, next) => {
    const chat = (req.body && req.body.chat_id) ?? req.query.chat_id;
    const f = failures.find((x) => x.method === req.params.method && x.left > 0 && (x.chatId === undefined || String(x.chatId) === String(chat)));
    if (!f) return next();
    f.left--;
    const body = { ok: false, error_code: f.code, description: f.description };
    if (f.retryAfter !== undefined) body.parameters = { retry_after: f.retryAfter };
    if (f.migrateTo !== undefined) body.parameters = { ...body.parameters, migrate_to_chat_id: f.migrateTo };
    return res.status(f.code).json(body);
  });
  // Webhooks as Telegram runs them (the emulator's own posts once, without the secret, and loses the update on a
  // failure): setWebhook records url, secret_token, max_connections and allowed_updates; every stored update for that
  // token is POSTed to the url with X-Telegram-Bot-Api-Secret-Token, up to max_connections at once, and delivered again
  // (after a short wait) until the bot answers 2xx; getUpdates answers 409 while a webhook is set.
  const hooks = new Map(); // token -> { url, secret_token, max_connections, allowed_updates, inFlight, pumping }
  const hookCalls = []; // every setWebhook/deleteWebhook: { token, method, url, secret_token, max_connections, allowed_updates }
  const deliveries = []; // every push: { token, update_id, status } (status 0: no answer)
  const listArg = (v) => { if (typeof v === 'string') try { return JSON.parse(v); } catch { return [v]; } return v; };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const pump = async (token) => {
    const h = hooks.get(token);
    if (!h || h.pumping) return;
    h.pumping = true;
    try {
      while (hooks.get(token) === h) {
        const due = server.storage.userMessages.filter((u) => u.botToken === token && !u.isRead && !h.inFlight.has(u))
          .sort((a, b) => a.updateId - b.updateId).slice(0, Math.max(1, h.max_connections - h.inFlight.size));
        if (due.length === 0) break;
        const results = await Promise.all(due.map(async (u) => {
          const update = TelegramServer.formatUpdate(u);
          const type = Object.keys(update).find((k) => k !== 'update_id');
          if (Array.isArray(h.allowed_updates) && h.allowed_updates.length > 0 && !h.allowed_updates.includes(type)) {
            u.isRead = true; // Telegram never sends a type the bot did not ask for
            deliveries.push({ token, update_id: update.update_id, status: 'filtered' });
            return true;
          }
          h.inFlight.add(u);
          let status = 0;
          try {
            const headers = { 'content-type': 'application/json' };
            if (h.secret_token) headers['X-Telegram-Bot-Api-Secret-Token'] = h.secret_token;
            const r = await fetch(h.url, { method: 'POST', headers, body: JSON.stringify(update), signal: AbortSignal.timeout(15000) });
            status = r.status;
            await r.arrayBuffer();
          } catch { status = 0; }
          h.inFlight.delete(u);
          deliveries.push({ token, update_id: update.update_id, status });
          if (status >= 200 && status < 300) { u.isRead = true; return true; }
          return false;
        }));
        if (results.includes(false)) await sleep(200);
      }
    } finally { h.pumping = false; }
  };
  ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery'].forEach((e) => server.on(e, () => {
    for (const token of hooks.keys()) pump(token);
  }));
  app.all('/bot:token/setWebhook', (req, res) => {
    const { token } = req.params;
    const url = arg(req, 'url');
    if (!url) { hooks.delete(token); hookCalls.push({ token, method: 'setWebhook', url: '' }); return ok(res, true); }
    const h = {
      url,
      secret_token: arg(req, 'secret_token'),
      max_connections: Number(arg(req, 'max_connections') || 40),
      allowed_updates: listArg(arg(req, 'allowed_updates')),
      inFlight: new Set(),
      pumping: false,
    };
    hooks.set(token, h);
    hookCalls.push({ token, method: 'setWebhook', url, secret_token: h.secret_token, max_connections: h.max_connections, allowed_updates: h.allowed_updates });
    ok(res, true);
    pump(token);
  });
  app.all('/bot:token/deleteWebhook', (req, res) => {
    hooks.delete(req.params.token);
    hookCalls.push({ token: req.params.token, method: 'deleteWebhook' });
    ok(res, true);
  });
  app.all('/bot:token/getWebhookInfo', (req, res) => {
    const h = hooks.get(req.params.token);
    const pending = server.storage.userMessages.filter((u) => u.botToken === req.params.token && !u.isRead).length;
    ok(res, h ? { url: h.url, has_custom_certificate: false, pending_update_count: pending, max_connections: h.max_connections, allowed_updates: h.allowed_updates }
      : { url: '', has_custom_certificate: false, pending_update_count: pending });
  });
  app.all('/bot:token/getUpdates', (req, res, next) => (hooks.has(req.params.token)
    ? fail(res, 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
    : next()));
  // test control: POST /shim/webhooks {token} -> { calls: [setWebhook/deleteWebhook calls], deliveries: [{update_id, status}] }
  app.post('/shim/webhooks', (req, res) => {
    const token = req.body && req.body.token;
    ok(res, { calls: hookCalls.filter((c) => !token || c.token === token), deliveries: deliveries.filter((d) => !token || d.token === token) });
  });
  // multipart/form-data (sendPhoto with a file): text fields are read, a file is kept as its name, size and bytes
  app.use('/bot:token/sendPhoto', express.raw({ type: 'multipart/form-data', limit: '20mb' }), (req, _res, next) => {
    if (!Buffer.isBuffer(req.body)) return next();
    const boundary = /boundary="?([^";]+)"?/.exec(req.headers['content-type'] || '')?.[1];
    const fields = {};
    if (boundary) {
      for (const part of req.body.toString('latin1').split('--' + boundary)) {
        // .NET writes name=chat_id unquoted, browsers name="chat_id": accept both
        const m = /name="?([^";\r\n]+)"?(?:; filename\*?="?([^";\r\n]*)"?)?[\s\S]*?\r\n\r\n([\s\S]*)\r\n$/.exec(part);
        // data: the uploaded bytes (base64), so a test can look at the picture the bot sent (a poster's QR code)
        if (m) fields[m[1]] = m[2] !== undefined ? { filename: m[2], size: m[3].length, data: Buffer.from(m[3], 'latin1').toString('base64') } : Buffer.from(m[3], 'latin1').toString('utf8');
      }
    }
    if (typeof fields.reply_markup === 'string') try { fields.reply_markup = JSON.parse(fields.reply_markup); } catch { /* keep text */ }
    req.body = fields;
    next();
  });
  const BOT = { id: 666, is_bot: true, first_name: 'Test First name', username: 'TestNameBot' };
  const chats = new Map(); // chat id -> chat object seen in user updates
  const members = new Map(); // "chatId:userId" -> ChatMember JSON (set via POST /shim/setChatMember)
  let commands = [];
  const formatUpdate = TelegramServer.formatUpdate; // static, used by bot-side getUpdates
  TelegramServer.formatUpdate = (u) => {
    if (u.rawUpdate) return { ...u.rawUpdate, update_id: u.updateId };
    const r = formatUpdate(u);
    if (r.message) delete r.message.botToken; // emulator leaks its routing field into the Message
    if (r.callback_query) r.callback_query.chat_instance = String(u.callbackQuery.chat_instance ?? u.callbackQuery.message?.chat?.id ?? '0');
    return r;
  };
  const ok = (res, result) => res.json({ ok: true, result });
  const fail = (res, code, description) => res.status(code).json({ ok: false, error_code: code, description });
  const arg = (req, k) => (req.body && req.body[k] !== undefined ? req.body[k] : req.query[k]);
  const fixMsg = (m) => ({
    ...m,
    date: m.date > 1e11 ? Math.floor(m.date / 1000) : m.date, // emulator returns milliseconds
    from: BOT,
    chat: chats.get(String(m.chat_id)) || m.chat, // emulator always says type "private"
  });
  const findBotMsg = (chatId, msgId) => server.storage.botMessages.find(
    (u) => String(u.messageId) === String(msgId) && String(u.message.chat_id) === String(chatId),
  );

  // client side: remember chat objects so bot-side replies carry the right chat type/title, and answer with the
  // ids the emulator gives the new update ({update_id, message_id} or {update_id, callback_query_id}) instead of null
  app.post(['/sendMessage', '/sendCommand', '/sendCallback'], (req, res, next) => {
    const m = req.body.message || req.body;
    if (m && m.chat) chats.set(String(m.chat.id), m.chat);
    const ids = req.path === '/sendCallback'
      ? { update_id: server.updateId, callback_query_id: String(server.callbackId) }
      : { update_id: server.updateId, message_id: server.messageId };
    const json = res.json.bind(res);
    res.json = (body) => json(body && body.ok && body.result === null ? { ...body, result: ids } : body);
    next();
  });
  // test control: inject any raw Update (chat_member, my_chat_member, edited_message, ...) for the bot
  // An update_id supplied by the test is kept (so the same update can be delivered twice); the emulator's own
  // counter is then moved past it so later updates never reuse or fall below it.
  app.post('/shim/sendUpdate', (req, res) => {
    const { botToken, update } = req.body;
    if (!botToken || !update || typeof update !== 'object') return fail(res, 400, 'Bad Request: botToken and update are required');
    const fields = server.getCommonFields(botToken);
    const own = Number(update.update_id);
    if (update.update_id !== undefined && update.update_id !== null && Number.isInteger(own)) {
      fields.updateId = own;
      server.updateId = Math.max(server.updateId, own + 1);
    } else server.updateId++;
    server.storage.userMessages.push({ ...fields, rawUpdate: update, message: { chat: {} } });
    server.emit('AddedUserMessage');
    ok(res, fields.updateId);
  });
  // test control: define a chat member for getChatMember / getChatAdministrators
  app.post('/shim/setChatMember', (req, res) => {
    const { chatId, member } = req.body;
    members.set(`${chatId}:${member.user.id}`, member);
    ok(res, true);
  });

  // bot side: rewrite replies of the emulator's own routes into Bot API shapes
  app.all('/bot:token/:method', (req, res, next) => {
    const { method } = req.params;
    const json = res.json.bind(res);
    res.json = (body) => {
      if (body && body.message && !('ok' in body)) { // emulator error: HTTP 500 {message}
        res.status(method === 'getUpdates' ? 500 : 404);
        return json({ ok: false, error_code: res.statusCode, description: `Not Found: ${body.message}` });
      }
      if (body && body.ok === false && res.statusCode < 400) res.status(body.error_code || 400);
      if (body && body.ok && body.result === null) {
        if (method === 'editMessageText' || method === 'editMessageReplyMarkup') {
          const u = findBotMsg(arg(req, 'chat_id'), arg(req, 'message_id'));
          if (!u) { res.status(400); return json({ ok: false, error_code: 400, description: 'Bad Request: message to edit not found' }); }
          body.result = fixMsg({ ...u.message, message_id: u.messageId, date: u.time });
        } else body.result = true; // answerCallbackQuery, deleteMessage, setWebhook, ...
      } else if (body && body.ok && method === 'sendMessage') body.result = fixMsg(body.result);
      return json(body);
    };
    next();
  });
  // record every bot-side getUpdates call; read back with POST /shim/getUpdatesCalls [{token}]
  const num = (v) => (v === undefined || v === null || v === '' ? null : Number(v));
  const updateCalls = [];
  app.post('/shim/getUpdatesCalls', (req, res) => {
    const token = req.body && req.body.token;
    ok(res, token ? updateCalls.filter((c) => c.token === token) : updateCalls);
  });
  // real long polling: hold getUpdates up to `timeout` s until a user update arrives
  app.all('/bot:token/getUpdates', async (req, _res, next) => {
    updateCalls.push({ offset: num(arg(req, 'offset')), timeout: num(arg(req, 'timeout')), limit: num(arg(req, 'limit')), time: Date.now(), token: req.params.token });
    // Telegram keeps an update until a getUpdates with a higher offset confirms it; the emulator marks an update read
    // as soon as it hands it out, so a bot killed before storing a batch would never see it again. Re-serve them.
    const offset = num(arg(req, 'offset'));
    if (offset !== null && offset > 0) {
      for (const u of server.storage.userMessages) {
        if (u.botToken === req.params.token && u.isRead && u.updateId >= offset) u.isRead = false;
      }
    }
    const timeout = Number(arg(req, 'timeout') || 0);
    const pending = () => server.storage.userMessages.some((u) => u.botToken === req.params.token && !u.isRead);
    if (timeout > 0 && !pending()) {
      await new Promise((resolve) => {
        const evs = ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery'];
        const done = () => { clearTimeout(t); evs.forEach((e) => server.off(e, done)); resolve(); };
        const t = setTimeout(done, timeout * 1000);
        evs.forEach((e) => server.on(e, done));
      });
    }
    next();
  });
  // record callback answers (the emulator discards them); read back with POST /shim/callbackAnswers
  const answers = [];
  app.all('/bot:token/answerCallbackQuery', (req, res) => { answers.push({ ...req.query, ...req.body }); ok(res, true); });
  app.post('/shim/callbackAnswers', (_req, res) => ok(res, answers));
  // methods the emulator lacks (minimal stand-ins)
  app.all('/bot:token/getMe', (_req, res) => ok(res, { ...BOT, can_join_groups: true }));
  // sendPhoto: stored like a text message whose text is the caption, with the photo (URL or uploaded file name) beside it
  app.all('/bot:token/sendPhoto', (req, res) => {
    const chatId = arg(req, 'chat_id');
    const photo = arg(req, 'photo');
    let markup = arg(req, 'reply_markup');
    if (typeof markup === 'string') try { markup = JSON.parse(markup); } catch { /* keep */ }
    const caption = arg(req, 'caption') || '';
    // photo_file: the uploaded file an "attach://<name>" photo points to ({ filename, size, data })
    const attached = typeof photo === 'string' && photo.startsWith('attach://') ? req.body[photo.slice('attach://'.length)] : undefined;
    const msg = server.addBotMessage({ chat_id: chatId, text: caption, caption, photo, photo_file: attached, parse_mode: arg(req, 'parse_mode'), reply_markup: markup }, req.params.token);
    ok(res, fixMsg({ ...msg, photo: [{ file_id: 'peer-photo-' + msg.message_id, file_unique_id: 'p' + msg.message_id, width: 1, height: 1 }] }));
  });
  // sendMediaGroup (multipart, files attached as attach://<part name>): each photo is stored as a bot message of its own,
  // as Telegram does, with the album's media_group_id, the caption on the first, and the uploaded bytes as photo_data (base64)
  // so a test can look at the pictures it was sent.
  let mediaGroups = 0;
  const multipartParts = (req) => {
    const boundary = /boundary="?([^";]+)"?/.exec(req.headers['content-type'] || '')?.[1];
    const parts = {};
    if (!boundary || !Buffer.isBuffer(req.body)) return parts;
    const sep = Buffer.from('--' + boundary);
    let at = req.body.indexOf(sep);
    while (at >= 0) {
      const next = req.body.indexOf(sep, at + sep.length);
      if (next < 0) break;
      const part = req.body.subarray(at + sep.length, next);
      const headEnd = part.indexOf('\r\n\r\n');
      if (headEnd >= 0) {
        const head = part.subarray(0, headEnd).toString('utf8');
        const name = /name="?([^";\r\n]+)"?/.exec(head)?.[1];
        const filename = /filename\*?="?([^";\r\n]*)"?/.exec(head)?.[1];
        let body = part.subarray(headEnd + 4);
        if (body.length >= 2 && body[body.length - 2] === 13 && body[body.length - 1] === 10) body = body.subarray(0, body.length - 2);
        if (name) parts[name] = filename !== undefined ? { filename, data: body } : body.toString('utf8');
      }
      at = next;
    }
    return parts;
  };
  app.post('/bot:token/sendMediaGroup', express.raw({ type: 'multipart/form-data', limit: '50mb' }), (req, res) => {
    const parts = Buffer.isBuffer(req.body) ? multipartParts(req) : { ...req.query, ...req.body };
    const chatId = parts.chat_id;
    let media = parts.media;
    if (typeof media === 'string') try { media = JSON.parse(media); } catch { media = null; }
    if (!chatId || !Array.isArray(media) || media.length < 2 || media.length > 10) {
      return fail(res, 400, 'Bad Request: chat_id and 2-10 media are required');
    }
    const group = String(++mediaGroups);
    const sent = [];
    for (const item of media) {
      const ref = typeof item.media === 'string' && item.media.startsWith('attach://') ? parts[item.media.slice(9)] : null;
      if (item.media?.startsWith?.('attach://') && !(ref && ref.data)) return fail(res, 400, `Bad Request: file ${item.media} not attached`);
      const caption = item.caption || '';
      const msg = server.addBotMessage({
        chat_id: chatId, text: caption, caption, media_group_id: group, photo: ref ? ref.filename : item.media,
        photo_data: ref ? ref.data.toString('base64') : undefined,
      }, req.params.token);
      sent.push(fixMsg({ ...msg, media_group_id: group, photo: [{ file_id: 'peer-photo-' + msg.message_id, file_unique_id: 'p' + msg.message_id, width: 1, height: 1 }] }));
    }
    ok(res, sent);
  });
  // createChatInviteLink: a fresh link each call, named as asked
  let links = 0;
  app.all('/bot:token/createChatInviteLink', (req, res) => ok(res, {
    invite_link: `https://t.me/+peer${++links}x${arg(req, 'chat_id')}`.replace('-', 'm'),
    creator: BOT, creates_join_request: false, is_primary: false, is_revoked: false, name: arg(req, 'name'),
  }));
  // setMyCommands per scope and language: recorded (then the call goes on to the plain stand-in below); read back with
  // POST /shim/myCommands {token} → [{scope: "default"|"all_chat_administrators"|…, language_code, commands}], latest per pair
  const scopedCommands = new Map(); // "token|scope|lang" -> {scope, language_code, commands}
  app.all('/bot:token/setMyCommands', (req, _res, next) => {
    let scope = arg(req, 'scope');
    if (typeof scope === 'string') try { scope = JSON.parse(scope); } catch { scope = { type: scope }; }
    let cmds = arg(req, 'commands') || [];
    if (typeof cmds === 'string') try { cmds = JSON.parse(cmds); } catch { cmds = []; }
    const type = (scope && scope.type) || 'default';
    const lang = arg(req, 'language_code') || '';
    scopedCommands.set(`${req.params.token}|${type}|${lang}`, { token: req.params.token, scope: type, language_code: lang, commands: cmds });
    next();
  });
  app.post('/shim/myCommands', (req, res) => {
    const token = req.body && req.body.token;
    ok(res, [...scopedCommands.values()].filter((c) => !token || c.token === token));
  });
  app.all('/bot:token/setMyCommands', (req, res) => { commands = arg(req, 'commands') || []; ok(res, true); });
  app.all('/bot:token/getMyCommands', (_req, res) => ok(res, commands));
  app.all(['/bot:token/deleteMyCommands', '/bot:token/sendChatAction'], (_req, res) => ok(res, true));
  app.all('/bot:token/getChatMember', (req, res) => {
    const userId = arg(req, 'user_id');
    const m = members.get(`${arg(req, 'chat_id')}:${userId}`);
    ok(res, m || { status: 'member', user: { id: Number(userId), is_bot: false, first_name: `User${userId}` } });
  });
  app.all('/bot:token/getChatAdministrators', (req, res) => ok(res, [...members.entries()]
    .filter(([k, m]) => k.startsWith(`${arg(req, 'chat_id')}:`) && ['creator', 'administrator'].includes(m.status))
    .map(([, m]) => m)));
  // test control: forget everything tests left behind (messages, answers, members, recorded calls, commands, chats).
  // Counters (update_id, message_id, callback id) keep counting so ids stay unique across tests.
  app.post('/shim/reset', (_req, res) => {
    server.storage.userMessages = [];
    server.storage.botMessages = [];
    server.webhooks = {};
    hooks.clear();
    hookCalls.length = 0;
    deliveries.length = 0;
    answers.length = 0;
    updateCalls.length = 0;
    members.clear();
    chats.clear();
    commands = [];
    ok(res, true);
  });
  app.use(inner);
  server.webServer = app;
}

server.start().then(() => {
  console.log(`telegram-test-api listening on ${server.config.apiURL}${raw ? ' (raw)' : ' (compat shim)'} pid ${process.pid}`);
});
const stop = async () => { setTimeout(() => process.exit(0), 2000).unref(); await server.stop(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// --exit-with-stdin: stop when standard input closes, so a peer started by a test process that dies goes with it
if (process.argv.includes('--exit-with-stdin')) {
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}
