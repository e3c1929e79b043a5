'use strict';
// The operators' console: one page, no framework, no CDN. Every change goes through /api with the session's CSRF token.
let csrf = '';
const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const opts = body === undefined ? {} : {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify(body),
  };
  const res = await fetch(path, { credentials: 'same-origin', ...opts });
  if (res.status === 401) { location.href = '/'; throw new Error('signed out'); }
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  return { status: res.status, data };
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else if (v !== null && v !== undefined) e.setAttribute(k, v);
  }
  for (const c of children.flat()) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}

function table(headers, rows) {
  return el('div', { class: 'wide' }, el('table', {}, el('tr', {}, headers.map((h) => el('th', {}, h))),
    rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, c))))));
}

function status(id, text, good) {
  const s = $(id);
  s.textContent = text;
  s.className = 'status ' + (good ? 'good' : 'bad');
}

// Telegram HTML as Telegram shows it: only its few tags survive, everything else is text.
const ALLOWED = new Set(['B', 'STRONG', 'I', 'EM', 'U', 'INS', 'S', 'STRIKE', 'DEL', 'CODE', 'PRE', 'A', 'BLOCKQUOTE', 'TG-SPOILER', 'SPAN']);
function telegramHtml(target, html) {
  const doc = new DOMParser().parseFromString('<body>' + html.replace(/\n/g, '<br>') + '</body>', 'text/html');
  const copy = (from, to) => {
    for (const n of from.childNodes) {
      if (n.nodeType === Node.TEXT_NODE) to.append(n.textContent);
      else if (n.nodeType === Node.ELEMENT_NODE && n.tagName === 'BR') to.append(el('br'));
      else if (n.nodeType === Node.ELEMENT_NODE && ALLOWED.has(n.tagName)) {
        const e = el(n.tagName === 'A' || n.tagName === 'TG-SPOILER' || n.tagName === 'SPAN' ? 'u' : n.tagName.toLowerCase());
        copy(n, e);
        to.append(e);
      } else if (n.nodeType === Node.ELEMENT_NODE) copy(n, to);
    }
  };
  target.replaceChildren();
  copy(doc.body, target);
}

function gutter(id, text, errors) {
  const bad = new Set(errors.filter((e) => e.line > 0).map((e) => e.line));
  const lines = text.split('\n').length;
  const g = $(id);
  g.replaceChildren();
  for (let i = 1; i <= lines; i++) g.append(bad.has(i) ? el('span', { class: 'bad', title: 'error' }, String(i)) : String(i) + '\n');
}

function showErrors(listId, errors) {
  $(listId).replaceChildren(...errors.map((e) => el('li', { class: 'error' },
    e.line > 0 ? `第 ${e.line} 行 第 ${e.column} 列 line ${e.line}:${e.column}: ${e.message}` : e.message)));
}

function markFirst(textareaId, errors) {
  const e = errors.find((x) => x.line > 0);
  if (!e) return;
  const t = $(textareaId);
  const lines = t.value.split('\n');
  let pos = 0;
  for (let i = 0; i < e.line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
  pos += Math.max(0, e.column - 1);
  t.setSelectionRange(pos, Math.min(t.value.length, pos + 1));
}

// —— templates ——
let previewTimer = 0;
let previewSeq = 0;
// A load answered after a later one (the operator picked another file meanwhile) must not fill the editor: a save
// would then write one file's text under another's name.
let templateSeq = 0;
async function loadTemplate() {
  const seq = ++templateSeq;
  const { data } = await api(`/api/template?lang=${encodeURIComponent($('tpl-lang').value)}&name=${encodeURIComponent($('tpl-name').value)}`);
  if (seq !== templateSeq) return;
  $('tpl-text').value = data ? data.text : '';
  $('tpl-fallback').hidden = !(data && data.fallback);
  $('tpl-status').textContent = '';
  await preview();
}

async function preview() {
  const seq = ++previewSeq;
  const text = $('tpl-text').value;
  const { data } = await api('/api/template/preview', { lang: $('tpl-lang').value, name: $('tpl-name').value, text, product: $('tpl-product').value });
  if (seq !== previewSeq || !data) return;
  const errors = data.errors || [];
  gutter('tpl-gutter', text, errors);
  showErrors('tpl-errors', errors);
  const p = $('tpl-preview');
  if (errors.length > 0) { p.classList.add('stale'); return; }
  p.classList.remove('stale');
  $('tpl-kind').textContent = data.html ? 'HTML' : '纯文本 plain';
  if (data.html) telegramHtml(p, data.preview || ''); else p.textContent = data.preview || '';
}

async function saveTemplate() {
  const text = $('tpl-text').value;
  const { status: code, data } = await api('/api/template/save', { lang: $('tpl-lang').value, name: $('tpl-name').value, text });
  const errors = (data && data.errors) || [];
  gutter('tpl-gutter', text, errors);
  showErrors('tpl-errors', errors);
  if (code === 200) { status('tpl-status', '已保存，机器人已使用新版本 Saved: the bot uses it now', true); $('tpl-fallback').hidden = true; } else {
    markFirst('tpl-text', errors);
    status('tpl-status', '未保存：机器人继续使用上一个正确版本 Not saved: the bot keeps the last good version', false);
  }
}

// —— config files ——
let configSeq = 0;
let configLoads = 0;
async function loadConfig() {
  const seq = ++configSeq;
  const { data } = await api('/api/config?file=' + encodeURIComponent($('cfg-file').value));
  document.body.dataset.configLoads = String(++configLoads); // answered loads, used or not (for the console's tests)
  if (seq !== configSeq) return; // a later pick's load fills the editor (see templateSeq)
  $('cfg-text').value = data ? data.text : '';
  gutter('cfg-gutter', $('cfg-text').value, []);
  showErrors('cfg-errors', []);
  $('cfg-status').textContent = '';
}

async function saveConfig(save) {
  const text = $('cfg-text').value;
  const { status: code, data } = await api(save ? '/api/config/save' : '/api/config/check', { file: $('cfg-file').value, text });
  const errors = (data && data.errors) || [];
  gutter('cfg-gutter', text, errors);
  showErrors('cfg-errors', errors);
  if (code === 200) status('cfg-status', save ? '已保存并重新加载 Saved and reloaded' : '检查通过 Looks good', true);
  else {
    markFirst('cfg-text', errors);
    status('cfg-status', save ? '未保存：机器人继续使用上一个正确版本 Not saved: the bot keeps the last good version' : '有错误 Errors', false);
  }
}

// —— schedules and post now ——
const SKIPS = {
  paused: '⏸ 已暂停 paused', quiet_hours: '🌙 免打扰 quiet hours', daily_cap: '🔢 超过每日上限 daily cap', min_gap: '⏱ 间隔太短 gap too short',
  template_error: '⚠️ 模板出错 template error',
};
async function loadSchedules() {
  const [{ data: list }, { data: groups }, { data: forecast }] = await Promise.all([api('/api/schedules'), api('/api/groups'), api('/api/forecast')]);
  $('forecast').replaceChildren(...forecast.map((g) => el('div', { class: 'forecast-group' }, el('h4', {}, `${g.title} · ${g.zone}`),
    g.fires.length === 0 ? el('p', {}, '没有 None') : table(['时间 When', '定时 Schedule', ''], g.fires.map((f) => [f.local, f.schedule,
      f.skip ? el('span', { class: 'never skip' }, '跳过 skipped: ' + (SKIPS[f.skip] || f.skip)) : '✅'])))));
  $('sch-list').replaceChildren(...list.map((s) => el('div', {}, el('h3', {}, `${s.id} · ${s.template} · ${s.cron}${s.zone ? ' · ' + s.zone : ''}`),
    table(['群 Group', '时区 Zone', '下次 Next', ''], s.groups.map((g) => [g.title, g.zone, g.next || '—',
      g.never ? el('span', { class: 'never' }, '⚠️ 永远在免打扰时段 never: quiet hours') : g.paused ? '⏸ 已暂停 paused' : ''])))));
  const sel = $('post-schedule');
  sel.replaceChildren(...list.map((s) => el('option', { value: s.id }, s.id)));
  $('post-groups').replaceChildren(...groups.map((g) => el('label', {}, el('input', { type: 'checkbox', value: g.id, class: 'post-group' }), ` ${g.title}`)));
}

function chosenGroups() { return [...document.querySelectorAll('.post-group:checked')].map((c) => Number(c.value)); }

async function previewPost() {
  const { status: code, data } = await api('/api/post/preview', { schedule: $('post-schedule').value, chats: chosenGroups() });
  if (code !== 200) { status('post-status', data.error, false); return; }
  $('post-previews').replaceChildren(...data.map((g) => {
    const b = el('div', { class: 'bubble' });
    if (g.text === null) b.textContent = '⚠️ 模板出错，不会发出 template error: nothing would be posted'; else telegramHtml(b, g.text);
    return el('div', {}, el('h4', {}, `${g.title}${g.product ? ' · ' + g.product : ''}${g.paused ? ' · ⏸ 已暂停 paused' : ''}`), b);
  }));
}

async function sendPost() {
  const { status: code, data } = await api('/api/post', { schedule: $('post-schedule').value, chats: chosenGroups() });
  status('post-status', code === 202 ? `已提交 Submitted: ${data.accepted}` : data.error, code === 202);
}

// —— groups, games, outbox, faq, activity ——
async function loadGroups() {
  const { data } = await api('/api/groups');
  $('grp-list').replaceChildren(table(['群 Group', 'ID', '时区 Zone', '标签 Tags', '状态 State', ''], data.map((g) => [
    g.title, String(g.id), g.zone, Object.entries(g.tags).map(([k, v]) => `${k}=${v}`).join(' '),
    g.paused ? '⏸ 已暂停 paused' : '▶️ 发布中 posting',
    el('button', { type: 'button', class: 'pause', 'data-chat': g.id, onclick: async () => {
      const { status: code, data: r } = await api('/api/groups/pause', { chat: g.id, pause: !g.paused });
      status('grp-status', code === 202 ? `已提交 Submitted: ${r.accepted}` : r.error, code === 202);
      setTimeout(loadGroups, 800);
    } }, g.paused ? '恢复 Resume' : '暂停 Pause')])));
}

async function loadGames() {
  const { data } = await api('/api/games');
  const act = (g, action, label) => el('button', { type: 'button', onclick: async () => {
    if (!confirm(`${label} #${g.id}?`)) return;
    const { status: code, data: r } = await api('/api/games/act', { chat: g.chat, id: g.id, action });
    status('game-status', code === 202 ? `已提交 Submitted: ${r.accepted}` : r.error, code === 202);
    setTimeout(loadGames, 800);
  } }, label);
  $('game-list').replaceChildren(data.length === 0 ? el('p', {}, '没有进行中的游戏 No live games') :
    table(['#', '群 Group', '类型 Kind', '状态 State', '人数 Players', '金额 Pot', '奖品 Prize', '截止 Deadline', ''], data.map((g) => [
      String(g.id), g.group, g.kind, g.state, String(g.players), g.pot, g.prize, g.deadline,
      el('span', {}, act(g, 'end', '结算 End'), ' ', act(g, 'cancel', '取消 Cancel'))])));
}

const DELIVERY = {
  sent: '✅ 已发送 sent', waiting: '⏳ 等待 waiting', retrying: '🔁 重试中 retrying', failed: '❌ 失败 failed', skipped: '⏭ 跳过 skipped',
};
async function loadOutbox() {
  const [{ data }, { data: casts }] = await Promise.all([api('/api/outbox'), api('/api/broadcasts')]);
  $('out-list').replaceChildren(el('h3', {}, '最近的定时群发 Latest broadcasts'),
    ...(casts.length === 0 ? [el('p', {}, '还没有 None yet')] : casts.map((b) => {
      const count = (s) => b.groups.filter((g) => g.status === s).length;
      return el('div', { class: 'broadcast' },
        el('h4', {}, `${b.schedule} · ${b.fireUtc.replace('T', ' ').slice(0, 16)} UTC · 已发送 sent ${count('sent')} · 跳过 skipped ${count('skipped')} · 失败 failed ${count('failed')}`),
        table(['群 Group', '结果 Result', '原因 Why'], b.groups.map((g) => [g.group, DELIVERY[g.status] || g.status, g.why ? (SKIPS[g.why] || g.why) : ''])));
    })),
    el('h3', {}, '最近一小时 Last hour'),
    el('p', { id: 'out-hour' }, `已发送 sent ${data.lastHour.sent} · 429 限流 rate-limited ${data.lastHour.rateLimited} · 失败 failed ${data.lastHour.failed}`),
    el('h3', {}, '被 429 暂停的群 Held back by a 429'),
    data.held.length === 0 ? el('p', {}, '没有 None') :
      table(['群 Chat', '暂停到 Until (UTC)'], data.held.map((h) => [h.group || String(h.chat), h.until.replace('T', ' ').slice(0, 19)])),
    el('h3', {}, '等待发送 Waiting'),
    data.chats.length === 0 ? el('p', {}, '全部已发出 Nothing waiting') :
      table(['群 Chat', '等待 Waiting', '重试中 Retrying', '最早 Oldest (UTC)'], data.chats.map((c) => [c.group || String(c.chat), String(c.waiting), String(c.retries), c.oldest])),
    el('h3', {}, '发送失败 Failed'),
    data.failed.length === 0 ? el('p', {}, '没有 None') :
      table(['群 Chat', '类型 Kind', '原因 Error', '时间 When (UTC)'], data.failed.map((f) => [f.group || String(f.chat), f.kind, f.error || '', f.enqueuedUtc])));
}

async function tryFaq() {
  const { data } = await api('/api/faq/try?q=' + encodeURIComponent($('faq-q').value));
  const a = $('faq-answer');
  if (!data.best) { a.textContent = '找不到答案 No answer' + (data.near.length ? '；相近：' + data.near.join('、') : ''); return; }
  a.textContent = `${data.kind === 'Unsure' ? '🤔 ' : '💡 '}${data.best.question}\n${data.best.answer}` + (data.near.length ? `\n\n相近 Near: ${data.near.join('、')}` : '');
}

async function importFaq() {
  const { status: code, data } = await api('/api/faq/import', { format: $('faq-format').value, text: $('faq-import-text').value });
  const errors = (data && data.errors) || [];
  $('faq-errors').replaceChildren(...errors.map((e) => el('li', {}, e.line > 0 ? `第 ${e.line} 行 line ${e.line}: ${e.message}` : e.message)));
  status('faq-status', code === 200 ? '已导入并生效 Imported and reloaded' : '未导入 Not imported', code === 200);
}

async function loadBoards() {
  const { data } = await api(`/api/leaderboard?period=${$('board-period').value}&by=${$('board-by').value}`);
  $('board-list').replaceChildren(data.length === 0 ? el('p', {}, '还没有记录 Nothing yet') :
    table(['#', '成员 Member', '积分 Points', '销售 Sales', '邀新 Recruits'], data.map((r) => [String(r.rank), r.name, String(r.points), r.sales, String(r.recruits)])));
  $('chart').src = '/api/chart.png?days=7&t=' + Date.now();
}

async function loadActivity() {
  const { data } = await api('/api/activity');
  $('act-list').replaceChildren(table(['时间 When (UTC)', '谁 Who', '操作 What', '对象 Target', '详情 Detail'],
    data.map((r) => [r.utc.replace('T', ' ').slice(0, 19), `${r.who} (${r.userId})`, r.action, r.target, r.detail])));
}

// —— tabs ——
const loaders = { templates: () => {}, config: loadConfig, schedules: loadSchedules, groups: loadGroups, games: loadGames, outbox: loadOutbox, boards: loadBoards, faq: () => {}, activity: loadActivity };
function show() {
  const tab = (location.hash || '#templates').slice(1);
  const name = loaders[tab] ? tab : 'templates';
  for (const s of document.querySelectorAll('.tab')) s.classList.toggle('on', s.id === name);
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('on', a.dataset.tab === name);
  loaders[name]();
}

async function start() {
  const { data: s } = await api('/api/session');
  csrf = s.csrf;
  $('who').textContent = s.user;
  const [{ data: t }, { data: products }] = await Promise.all([api('/api/templates'), api('/api/products')]);
  $('tpl-name').replaceChildren(...t.names.map((n) => el('option', { value: n }, n)));
  $('tpl-lang').replaceChildren(...t.languages.map((l) => el('option', { value: l }, l)));
  $('tpl-product').replaceChildren(...products.map((p) => el('option', { value: p.id }, p.name)));
  $('tpl-name').addEventListener('change', loadTemplate);
  $('tpl-lang').addEventListener('change', loadTemplate);
  $('tpl-product').addEventListener('change', preview);
  $('tpl-text').addEventListener('input', () => { clearTimeout(previewTimer); previewTimer = setTimeout(preview, 250); });
  $('tpl-text').addEventListener('scroll', () => { $('tpl-gutter').scrollTop = $('tpl-text').scrollTop; });
  $('cfg-text').addEventListener('scroll', () => { $('cfg-gutter').scrollTop = $('cfg-text').scrollTop; });
  $('cfg-text').addEventListener('input', () => gutter('cfg-gutter', $('cfg-text').value, []));
  $('tpl-save').addEventListener('click', saveTemplate);
  $('cfg-file').addEventListener('change', loadConfig);
  $('cfg-check').addEventListener('click', () => saveConfig(false));
  $('cfg-save').addEventListener('click', () => saveConfig(true));
  $('post-preview').addEventListener('click', previewPost);
  $('post-send').addEventListener('click', sendPost);
  $('faq-try').addEventListener('click', tryFaq);
  $('faq-import').addEventListener('click', importFaq);
  $('board-period').addEventListener('change', loadBoards);
  $('board-by').addEventListener('change', loadBoards);
  $('faq-file').addEventListener('change', async () => {
    const f = $('faq-file').files[0];
    if (!f) return;
    $('faq-import-text').value = await f.text();
    $('faq-format').value = f.name.toLowerCase().endsWith('.json') ? 'json' : 'csv';
  });
  $('signout').addEventListener('click', async () => { await api('/signout', {}); location.href = '/'; });
  window.addEventListener('hashchange', show);
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  if (params.get('name')) $('tpl-name').value = params.get('name');
  await loadTemplate();
  show();
  document.body.dataset.ready = 'yes';
}

start();
