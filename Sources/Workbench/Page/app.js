// Kaoping workbench page: one step at a time from a folder of spreadsheets to the filled
// workbook. Plain JavaScript, no framework; it talks only to the routes in
// docs/workbench-routes.md. Every text a clerk reads is Chinese.
'use strict';

(function () {

// ---------------------------------------------------------------------------
// Constants

const STEPS = [
  { key: 'new', label: '新建考评' },
  { key: 'files', label: '上传材料' },
  { key: 'sheets', label: '核对表头' },
  { key: 'form', label: '县情数据' },
  { key: 'result', label: '计算结果' },
  { key: 'review', label: '待核查' },
  { key: 'download', label: '下载' },
];

const CLASS_LABELS = {
  signins: '签到表',
  villages: '行政村清单',
  stations: '站点清单',
  poor_registry: '建档立卡名单',
  not_data: '不是数据',
};

// Column roles as Roster names them, with the Chinese names the clerk sees.
const ROLE_LABELS = {
  serial: '序号', name: '姓名', sex: '性别', idNumber: '身份证号', phone: '联系电话',
  town: '镇（乡、街道）', village: '村（行政村）', naturalVillage: '自然村', isPoor: '是否贫困户',
  signature: '签名', date: '培训日期', topic: '培训主题', place: '培训地点',
  householdID: '户编号', personID: '人编号', relation: '与户主关系', laborSkill: '劳动技能',
  workStatus: '务工状况', workPlace: '务工所在地', workMonths: '务工时间',
  stationName: '站点名称', address: '地址', contact: '联系人', isPoorVillage: '是否贫困村',
  personStatus: '人员状态', formMetadata: '问卷系统字段',
};

const BASIS_LABELS = { computed: '计算', manual: '人工', missing: '缺' };
const SEVERITY_LABELS = { error: '错误', warning: '警告', note: '提示' };

const REVIEW_KIND_LABELS = {
  R3: '同名同村，无证件', R4: '身份证号丢位', R6: '一个身份证号对应多个姓名', R7: '多个姓名共用一个电话',
  name_village: '同名同村，无证件', precision_lost: '身份证号丢位',
  id_two_names: '一个身份证号对应多个姓名', shared_phone: '多个姓名共用一个电话',
  variant_name: '异体字姓名',
};

// Parts of facts whose value is a group of numbers (when the server does not name them).
const FACT_PARTS = {
  media: [['provincial', '省级及以上媒体'], ['municipal', '市级媒体'], ['county', '县级媒体']],
  online_retail: [['previous', '上年'], ['current', '本年']],
};
const PART_LABELS = {
  provincial: '省级及以上', municipal: '市级', county: '县级', previous: '上年', current: '本年',
};

const KIND_UNITS = { count: '', rate: '%', money: '元', date: '', counts: '' };
const KIND_NOTES = { count: '个数（整数）', rate: '百分比', money: '金额（元）', date: '日期', counts: '个数（整数）' };

// ---------------------------------------------------------------------------
// Small helpers

/** Builds an element: h('div', {class: 'x', onclick: f}, 'text', child, [more]). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = v;
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

function $(sel, root) { return (root || document).querySelector(sel); }

function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

function encodePath(path) {
  return path.split('/').map(encodeURIComponent).join('/');
}

function formatSize(n) {
  if (n === undefined || n === null) return '';
  if (n < 1024) return n + ' 字节';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB';
  return (n / 1024 / 1024).toFixed(1) + ' MB';
}

function formatTime(text) {
  if (!text) return '';
  const d = new Date(text);
  if (isNaN(d.getTime())) return String(text);
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** "2021-08-31" from a date however the server wrote it ("2021-08-31 00:00:00 +0000"). */
function dateOnly(text) {
  const m = String(text).match(/^\d{4}-\d{2}-\d{2}/);
  return m ? m[0] : String(text);
}

function formatNumber(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('zh-CN');
  return v.toLocaleString('zh-CN', { maximumFractionDigits: 4 });
}

function formatScore(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? '是' : '否';
  return String(v);
}

/** Reads a number as a clerk types it: full-width digits, thousands separators, a trailing unit. */
function parseNumber(text) {
  let t = String(text).trim();
  if (t === '') return { empty: true };
  t = t.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFF10 + 48))
       .replace(/[．。]/g, '.').replace(/[，,\s]/g, '').replace(/(元|人|个|家|%|％)$/, '');
  if (!/^-?\d+(\.\d+)?$/.test(t)) return { error: '请填写数字' };
  return { value: Number(t) };
}

function debounce(fn, ms) {
  let timer = null;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => { timer = null; fn(...args); }, ms);
  };
  wrapped.pending = () => timer !== null;
  wrapped.flush = (...args) => { if (timer !== null) { clearTimeout(timer); timer = null; return fn(...args); } };
  return wrapped;
}

function toast(text) {
  const el = $('#toast');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 2200);
}

function showError(err) {
  const el = $('#alert');
  const message = err && err.message ? err.message : String(err);
  clear(el);
  append(el, [h('strong', null, '出错了'), h('div', { class: 'alert-text' }, message),
    h('button', { class: 'link alert-close', type: 'button', onclick: () => { el.hidden = true; } }, '关闭')]);
  el.hidden = false;
  el.scrollIntoView({ block: 'nearest' });
}

function clearError() { $('#alert').hidden = true; }

// ---------------------------------------------------------------------------
// Talking to the server

class ApiError extends Error {
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

function errorText(status, data, text) {
  if (data && typeof data.error === 'string') return data.error;
  if (data && Array.isArray(data.errors)) {
    return data.errors.map((e) => (e.line ? `第 ${e.line} 行：` : '') + (e.message || '')).join('\n');
  }
  if (status === 404) return '找不到这个考评或文件（可能已被删除）。请回到第 1 步重新选择。';
  if (status === 413) return '文件太大，超过了上传限制。请拆分后再上传，或请管理员调大限制。';
  if (status === 403) return '请求被拒绝：请直接在工作台页面中操作，不要从其他网站提交。';
  return `服务返回错误（HTTP ${status}）` + (text ? '：' + text.slice(0, 300) : '。');
}

async function api(method, path, body) {
  const init = { method, headers: {}, credentials: 'same-origin' };
  if (body !== undefined) {
    if (typeof body === 'string' || body instanceof Blob || body instanceof ArrayBuffer) {
      init.body = body;
    } else {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError('无法连接到考评工作台。请确认运行 kaoping serve 的窗口没有关闭，然后刷新本页。', 0);
  }
  if (res.status === 401) {
    location.href = '/login';
    throw new ApiError('登录已过期，请重新登录。', 401);
  }
  const text = await res.text();
  let data = null;
  if (text) { try { data = JSON.parse(text); } catch (e) { data = null; } }
  if (!res.ok) throw new ApiError(errorText(res.status, data, text), res.status, data);
  return data;
}

/** GETs a text resource (config.yaml). */
async function apiText(path) {
  let res;
  try {
    res = await fetch(path, { credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError('无法连接到考评工作台。请确认运行 kaoping serve 的窗口没有关闭，然后刷新本页。', 0);
  }
  if (res.status === 401) { location.href = '/login'; throw new ApiError('登录已过期，请重新登录。', 401); }
  const text = await res.text();
  if (!res.ok) {
    let data = null;
    try { data = JSON.parse(text); } catch (e) { data = null; }
    throw new ApiError(errorText(res.status, data, text), res.status, data);
  }
  return text;
}

/**
 * The `aliases:` block of config.yaml (renamed villages by town), read from either YAML style
 * the command line accepts and written back in one flow-style line:
 *   aliases: {"廊田镇": {"同吉村": "同吉店村"}}
 */
const AliasesYAML = {
  /** Returns [{town, from, to}] from a config text. */
  read(text) {
    const lines = text.split(/\r?\n/);
    const start = lines.findIndex((l) => /^aliases\s*:/.test(l));
    if (start < 0) return [];
    const out = [];
    const rest = stripComment(lines[start].replace(/^aliases\s*:/, '')).trim();
    if (rest.startsWith('{')) {
      const map = parseFlowMap(rest);
      for (const [town, renames] of Object.entries(map)) {
        for (const [from, to] of Object.entries(renames || {})) out.push({ town, from, to: String(to) });
      }
      return out;
    }
    let town = null;
    for (let i = start + 1; i < lines.length; i++) {
      const raw = lines[i];
      if (/^\S/.test(raw)) break;                  // the next top-level key
      const line = stripComment(raw);
      if (!line.trim()) continue;
      const indent = line.match(/^ */)[0].length;
      const m = line.trim().match(/^("[^"]*"|'[^']*'|[^:]+?)\s*:\s*(.*)$/);
      if (!m) continue;
      const key = unquote(m[1]);
      const value = m[2].trim();
      if (value.startsWith('{')) {
        for (const [from, to] of Object.entries(parseFlowMap(value))) out.push({ town: key, from, to: String(to) });
        town = null;
      } else if (!value) {
        town = key;
      } else if (town && indent > 2) {
        out.push({ town, from: key, to: unquote(value) });
      }
    }
    return out;
  },

  /** Returns the config text with its aliases replaced by `aliases` ([] removes the block). */
  write(text, aliases) {
    const lines = text.split(/\r?\n/);
    const start = lines.findIndex((l) => /^aliases\s*:/.test(l));
    if (start >= 0) {
      let end = start + 1;
      while (end < lines.length && (lines[end] === '' || /^[ \t#]/.test(lines[end]))) end++;
      // Keep blank lines and comments that belong to what follows.
      while (end > start + 1 && !/^\s+\S/.test(lines[end - 1])) end--;
      lines.splice(start, end - start);
    }
    if (aliases.length) {
      const byTown = new Map();
      for (const a of aliases) {
        if (!byTown.has(a.town)) byTown.set(a.town, []);
        byTown.get(a.town).push(`${JSON.stringify(a.from)}: ${JSON.stringify(a.to)}`);
      }
      const line = 'aliases: {' + Array.from(byTown, ([town, pairs]) => `${JSON.stringify(town)}: {${pairs.join(', ')}}`).join(', ') + '}';
      let at = start >= 0 ? start : lines.length;
      while (start < 0 && at > 0 && lines[at - 1] === '') at--;
      lines.splice(at, 0, line);
    }
    return lines.join('\n').replace(/\n*$/, '\n');
  },
};

function stripComment(line) {
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) { if (c === quote) quote = null; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}

function unquote(text) {
  const t = text.trim();
  if (t.startsWith('"') && t.endsWith('"')) { try { return JSON.parse(t); } catch (e) { return t.slice(1, -1); } }
  if (t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  return t;
}

/** Parses a YAML flow mapping of plain or quoted scalars and nested mappings. */
function parseFlowMap(text) {
  let i = 0;
  const ws = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  const scalar = () => {
    ws();
    if (text[i] === '"' || text[i] === "'") {
      const q = text[i];
      let j = i + 1;
      while (j < text.length && text[j] !== q) j += text[j] === '\\' && q === '"' ? 2 : 1;
      const raw = text.slice(i, j + 1);
      i = j + 1;
      return unquote(raw);
    }
    let j = i;
    while (j < text.length && !/[,:{}]/.test(text[j])) j++;
    const raw = text.slice(i, j);
    i = j;
    return raw.trim();
  };
  const value = () => { ws(); return text[i] === '{' ? map() : scalar(); };
  const map = () => {
    const out = {};
    i++; // {
    for (;;) {
      ws();
      if (text[i] === '}') { i++; return out; }
      if (i >= text.length) return out;
      const key = scalar();
      ws();
      if (text[i] === ':') i++;
      out[key] = value();
      ws();
      if (text[i] === ',') i++;
    }
  };
  ws();
  return text[i] === '{' ? map() : {};
}

/** Uploads one file with progress; resolves with the server's answer. */
function uploadFile(id, path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `/api/workspaces/${encodeURIComponent(id)}/files/${encodePath(path)}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded); };
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      if (xhr.status === 401) { location.href = '/login'; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(errorText(xhr.status, data, xhr.responseText), xhr.status, data));
    };
    xhr.onerror = () => reject(new ApiError('上传中断：无法连接到考评工作台。', 0));
    xhr.send(file);
  });
}

// ---------------------------------------------------------------------------
// State and routing

const state = {
  id: null,          // current workspace id
  workspace: null,   // GET /api/workspaces/{id}
  templates: null,
  step: 'new',
  renderToken: 0,
  sheetFile: null,   // the file shown on step 3
  findingFilter: { severity: '', file: '' },
  reviewFilter: 'open',
};

function wsPath(rest) {
  return `/api/workspaces/${encodeURIComponent(state.id)}${rest || ''}`;
}

function go(step, id) {
  const ws = id || state.id;
  location.hash = step === 'new' || !ws ? '#/' : `#/w/${encodeURIComponent(ws)}/${step}`;
}

async function route() {
  const m = location.hash.match(/^#\/w\/([^/]+)\/(\w+)/);
  const id = m ? decodeURIComponent(m[1]) : null;
  const step = m && STEPS.some((s) => s.key === m[2]) ? m[2] : 'new';
  if (id !== state.id) { state.workspace = null; state.sheetFile = null; }
  state.id = id;
  state.step = id ? step : 'new';
  clearError();
  await render();
}

async function loadWorkspace() {
  if (!state.id) { state.workspace = null; return null; }
  state.workspace = await api('GET', wsPath());
  return state.workspace;
}

function renderStepBar() {
  const ol = clear($('#steps'));
  const ws = state.workspace;
  const done = {
    new: !!ws,
    files: !!(ws && ws.files && ws.files.length),
    result: !!(ws && ws.hasResult),
  };
  STEPS.forEach((s, i) => {
    const current = s.key === state.step;
    const enabled = s.key === 'new' || !!state.id;
    const cls = ['step', current ? 'current' : '', done[s.key] && !current ? 'done' : '', enabled ? '' : 'disabled'].join(' ');
    const inner = [h('span', { class: 'step-num' }, String(i + 1)), h('span', { class: 'step-label' }, s.label)];
    const link = enabled
      ? h('a', { href: s.key === 'new' ? '#/' : `#/w/${encodeURIComponent(state.id)}/${s.key}`, 'aria-current': current ? 'step' : null, dataset: { step: s.key } }, inner)
      : h('span', { 'aria-disabled': 'true', dataset: { step: s.key } }, inner);
    ol.appendChild(h('li', { class: cls }, link));
  });
  const badge = $('#workspace-badge');
  if (ws) {
    clear(badge);
    append(badge, [h('div', { class: 'badge-county' }, ws.county || '（未命名）'),
      h('div', { class: 'badge-meta' }, (templateName(ws.template) || ws.template || '') + (ws.cutoff ? ` · 截至 ${dateOnly(ws.cutoff)}` : '')),
      h('a', { href: '#/', class: 'badge-switch' }, '换一个考评')]);
    badge.hidden = false;
  } else {
    badge.hidden = true;
  }
}

function templateName(id) {
  const t = (state.templates || []).find((x) => x.id === id);
  return t ? t.name : null;
}

async function render() {
  const token = ++state.renderToken;
  const view = $('#view');
  try {
    if (!state.templates) {
      try { state.templates = await api('GET', '/api/templates'); } catch (e) { state.templates = []; throw e; }
    }
    if (state.id) await loadWorkspace();
    if (token !== state.renderToken) return;
    renderStepBar();
    const renderers = {
      new: renderNew, files: renderFiles, sheets: renderSheets, form: renderForm,
      result: renderResult, review: renderReview, download: renderDownload,
    };
    const content = h('section', { class: 'step-view', dataset: { step: state.step } });
    clear(view).appendChild(content);
    const configErrors = (state.workspace && state.workspace.configErrors) || [];
    if (configErrors.length) {
      content.appendChild(h('div', { class: 'notice config-errors', id: 'config-errors' },
        h('strong', null, '这次考评的配置文件（config.yaml）有问题，计算前请改正：'),
        h('ul', null, configErrors.map((e) => h('li', null, (e.line ? `第 ${e.line} 行：` : '') + e.message)))));
    }
    await renderers[state.step](content, token);
    document.title = `${STEPS.find((s) => s.key === state.step).label} · 考评工作台`;
  } catch (err) {
    if (token !== state.renderToken) return;
    renderStepBar();
    showError(err);
  }
}

function stepHeader(title, lead) {
  const idx = STEPS.findIndex((s) => s.key === state.step);
  return h('div', { class: 'step-head' },
    h('h1', null, h('span', { class: 'step-head-num' }, `第 ${idx + 1} 步`), title),
    lead ? h('p', { class: 'lead' }, lead) : null);
}

function navButtons(prev, next, nextLabel, beforeNext) {
  const bar = h('div', { class: 'nav-buttons' });
  if (prev) bar.appendChild(h('button', { type: 'button', class: 'btn', onclick: () => go(prev) }, '上一步'));
  bar.appendChild(h('span', { class: 'spacer' }));
  if (next) {
    bar.appendChild(h('button', {
      type: 'button', class: 'btn btn-primary', id: 'next-step',
      onclick: async () => {
        try { if (beforeNext) await beforeNext(); go(next); } catch (e) { showError(e); }
      },
    }, nextLabel || '下一步'));
  }
  return bar;
}

// ---------------------------------------------------------------------------
// Step 1: 新建考评

async function renderNew(root) {
  root.appendChild(stepHeader('新建考评', '为一个县（市、区）建立一次考评。之后的材料、填写的数据和计算结果都保存在这次考评中，可以随时回来继续。'));
  const templates = state.templates || [];
  const form = h('form', { class: 'card form-stack', id: 'new-form', autocomplete: 'off' },
    h('h2', null, '新建一次考评'),
    field('县（市、区）名称', h('input', { id: 'new-county', name: 'county', required: true, maxlength: 40, placeholder: '例如：乐昌市' }),
      '与自评表抬头一致的全称。'),
    field('考评指标体系', h('select', { id: 'new-template', name: 'template', required: true },
      templates.map((t) => h('option', { value: t.id }, t.name || t.id))),
      '按哪一年、哪一级的考评指标计分。'),
    field('考评截止日期', h('input', { id: 'new-cutoff', name: 'cutoff', type: 'date' }),
      '例如 2021-08-31。用来计算服务中心运行月数等；以后也可以在第 4 步修改。'),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'create-workspace' }, '新建并上传材料')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const county = $('#new-county').value.trim();
    if (!county) { showError(new Error('请填写县（市、区）名称。')); return; }
    const body = { county, template: $('#new-template').value };
    const cutoff = $('#new-cutoff').value;
    if (cutoff) body.cutoff = cutoff;
    const button = $('#create-workspace');
    button.disabled = true;
    try {
      const res = await api('POST', '/api/workspaces', body);
      go('files', res.id);
    } catch (err) {
      showError(err);
    } finally {
      button.disabled = false;
    }
  });
  root.appendChild(form);

  const listCard = h('div', { class: 'card' }, h('h2', null, '打开已有的考评'));
  root.appendChild(listCard);
  const list = await api('GET', '/api/workspaces');
  if (!list || !list.length) {
    listCard.appendChild(h('p', { class: 'muted' }, '还没有考评。请在上面新建一个。'));
    return;
  }
  list.sort((a, b) => String(b.updated || '').localeCompare(String(a.updated || '')));
  listCard.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'workspace-list' },
    h('thead', null, h('tr', null, h('th', null, '县（市、区）'), h('th', null, '指标体系'), h('th', null, '最后修改'), h('th', null, ''))),
    h('tbody', null, list.map((w) => h('tr', null,
      h('td', null, w.county || '（未命名）'),
      h('td', null, templateName(w.template) || w.template || ''),
      h('td', { class: 'nowrap' }, formatTime(w.updated)),
      h('td', { class: 'right' }, h('a', { class: 'btn btn-small', href: `#/w/${encodeURIComponent(w.id)}/files` }, '打开'))))))));
}

function field(label, input, hint, extra) {
  const id = input.id || ('f' + Math.random().toString(36).slice(2));
  input.id = id;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('div', { class: 'field-input' }, input, extra || null),
    hint ? h('div', { class: 'hint' }, hint) : null);
}

// ---------------------------------------------------------------------------
// Step 2: 上传材料

async function renderFiles(root, token) {
  root.appendChild(stepHeader('上传材料', '把本县的签到表、行政村清单、站点清单和建档立卡名单传上来。可以一次选多个文件、选整个文件夹，或传一个 .zip 压缩包。每个文件都会自动判断类别，您可以修改；除非您选择“不使用”，所有文件都会参与计算。'));

  const fileInput = h('input', { type: 'file', multiple: true, id: 'upload-files', class: 'visually-hidden',
    accept: '.xlsx,.xls,.csv,.zip,.xlsm,.et,.txt' });
  const folderInput = h('input', { type: 'file', multiple: true, id: 'upload-folder', class: 'visually-hidden' });
  folderInput.setAttribute('webkitdirectory', '');
  folderInput.setAttribute('directory', '');
  const zipInput = h('input', { type: 'file', id: 'upload-zip', class: 'visually-hidden', accept: '.zip' });

  const progress = h('div', { class: 'upload-progress', id: 'upload-progress', hidden: true });
  const drop = h('div', { class: 'dropzone', id: 'dropzone' },
    h('div', { class: 'dropzone-title' }, '把文件或整个文件夹拖到这里'),
    h('div', { class: 'dropzone-or' }, '或者'),
    h('div', { class: 'dropzone-buttons' },
      h('label', { class: 'btn btn-primary', for: 'upload-files' }, '选择文件（可多选）'),
      h('label', { class: 'btn', for: 'upload-folder' }, '选择整个文件夹'),
      h('label', { class: 'btn', for: 'upload-zip' }, '上传 .zip 压缩包')),
    h('div', { class: 'hint' }, '支持 .xlsx、.xls、.csv 和 .zip。文件夹中的子文件夹会保留。'),
    fileInput, folderInput, zipInput);
  root.appendChild(h('div', { class: 'card' }, drop, progress));

  const onPicked = (input) => async () => {
    const files = Array.from(input.files || []).map((f) => ({ file: f, path: f.webkitRelativePath || f.name }));
    input.value = '';
    await uploadAll(files, progress);
  };
  fileInput.addEventListener('change', onPicked(fileInput));
  folderInput.addEventListener('change', onPicked(folderInput));
  zipInput.addEventListener('change', onPicked(zipInput));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('dragging'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', async (e) => {
    e.preventDefault();
    drop.classList.remove('dragging');
    const files = await droppedFiles(e.dataTransfer);
    await uploadAll(files, progress);
  });

  const listCard = h('div', { class: 'card', id: 'file-list-card' });
  root.appendChild(listCard);
  renderFileList(listCard);
  root.appendChild(navButtons('new', 'sheets', '下一步：核对表头'));
}

/** Collects dropped files, walking into dropped folders. */
async function droppedFiles(dt) {
  const out = [];
  const entries = Array.from(dt.items || []).map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null)).filter(Boolean);
  if (!entries.length) return Array.from(dt.files || []).map((f) => ({ file: f, path: f.name }));
  const walk = async (entry, prefix) => {
    if (entry.isFile) {
      const file = await new Promise((res, rej) => entry.file(res, rej));
      out.push({ file, path: prefix + entry.name });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const child of batch) await walk(child, prefix + entry.name + '/');
      }
    }
  };
  for (const entry of entries) await walk(entry, '');
  return out;
}

async function uploadAll(files, progress) {
  if (!files.length) return;
  clearError();
  const total = files.reduce((s, f) => s + f.file.size, 0) || 1;
  const loaded = new Array(files.length).fill(0);
  let finished = 0;
  const failures = [];
  progress.hidden = false;
  const bar = h('div', { class: 'bar-fill' });
  const label = h('div', { class: 'progress-label', id: 'upload-status' });
  const failList = h('ul', { class: 'upload-failures' });
  clear(progress);
  append(progress, [label, h('div', { class: 'bar' }, bar), failList]);
  const update = (current) => {
    const sum = loaded.reduce((a, b) => a + b, 0);
    const pct = Math.min(100, Math.round((sum / total) * 100));
    bar.style.width = pct + '%';
    label.textContent = finished < files.length
      ? `正在上传：已完成 ${finished} / ${files.length} 个文件（${pct}%）${current ? '，' + current : ''}`
      : `上传完成：${files.length - failures.length} 个成功` + (failures.length ? `，${failures.length} 个失败（见下方）` : '') + '。';
  };
  update();
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const { file, path } = files[i];
      try {
        await uploadFile(state.id, path, file, (n) => { loaded[i] = n; update(path); });
      } catch (err) {
        failures.push(path);
        failList.appendChild(h('li', null, h('strong', null, path), '：', err.message));
      }
      loaded[i] = file.size;
      finished++;
      update(path);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  update();
  progress.classList.toggle('has-failures', failures.length > 0);
  await loadWorkspace();
  renderStepBar();
  const card = $('#file-list-card');
  if (card) renderFileList(card);
}

function renderFileList(card) {
  clear(card);
  const ws = state.workspace;
  const files = (ws && ws.files) || [];
  card.appendChild(h('h2', null, `已上传的文件（${files.length} 个）`));
  if (!files.length) {
    card.appendChild(h('p', { class: 'muted' }, '还没有上传文件。'));
    return;
  }
  const counts = {};
  let excluded = 0;
  for (const f of files) {
    if (f.excluded) { excluded++; continue; }
    counts[f.class] = (counts[f.class] || 0) + 1;
  }
  const summary = h('div', { class: 'summary-chips', id: 'file-summary' },
    Object.keys(CLASS_LABELS).map((c) => h('span', { class: 'chip chip-' + c }, `${CLASS_LABELS[c]} ${counts[c] || 0} 个`)),
    h('span', { class: 'chip chip-excluded' }, `不使用 ${excluded} 个`));
  card.appendChild(summary);
  const missing = ['signins', 'villages', 'stations', 'poor_registry'].filter((c) => !counts[c]);
  if (missing.length) {
    card.appendChild(h('p', { class: 'notice' }, `还缺：${missing.map((c) => CLASS_LABELS[c]).join('、')}。缺少的材料对应的指标会记为“缺”。如果某个文件被判断错了，请在“类别”一栏改正。`));
  }
  const sorted = files.slice().sort((a, b) => uploadedPath(a.path).localeCompare(uploadedPath(b.path), 'zh-CN'));
  const tbody = h('tbody');
  for (const f of sorted) tbody.appendChild(fileRow(f));
  card.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'table files-table', id: 'files-table' },
    h('thead', null, h('tr', null, h('th', null, '文件'), h('th', { class: 'nowrap' }, '大小'), h('th', null, '类别'),
      h('th', null, '判断理由'), h('th', { class: 'nowrap' }, '是否使用'), h('th', null, ''))),
    tbody)));
}

function fileRow(f) {
  const select = h('select', { class: 'class-select', 'aria-label': `${f.path} 的类别` },
    Object.entries(CLASS_LABELS).map(([k, v]) => h('option', { value: k, selected: k === f.class }, v)));
  select.addEventListener('change', async () => {
    try {
      await api('PATCH', wsPath('/files/' + encodePath(uploadedPath(f.path))), { class: select.value });
      toast(`已把“${baseName(f.path)}”改为${CLASS_LABELS[select.value]}`);
      await refreshFiles();
    } catch (e) { showError(e); select.value = f.class; }
  });
  const use = h('input', { type: 'checkbox', checked: !f.excluded, class: 'use-checkbox', 'aria-label': `使用 ${f.path}` });
  use.addEventListener('change', async () => {
    try {
      await api('PATCH', wsPath('/files/' + encodePath(uploadedPath(f.path))), { excluded: !use.checked });
      toast(use.checked ? `“${baseName(f.path)}”将参与计算` : `“${baseName(f.path)}”不参与计算`);
      await refreshFiles();
    } catch (e) { showError(e); use.checked = !f.excluded; }
  });
  const del = h('button', { type: 'button', class: 'link danger' }, '删除');
  del.addEventListener('click', async () => {
    if (!confirm(`从这次考评中删除“${uploadedPath(f.path)}”？（您电脑上的原文件不受影响）`)) return;
    try {
      await api('DELETE', wsPath('/files/' + encodePath(uploadedPath(f.path))));
      await refreshFiles();
    } catch (e) { showError(e); }
  });
  return h('tr', { class: f.excluded ? 'excluded' : '', dataset: { path: uploadedPath(f.path), class: f.class } },
    h('td', { class: 'path' }, uploadedPath(f.path)),
    h('td', { class: 'nowrap' }, formatSize(f.size)),
    h('td', null, select),
    h('td', { class: 'reason' }, f.reason || ''),
    h('td', { class: 'nowrap' }, h('label', { class: 'check' }, use, f.excluded ? '不使用' : '使用')),
    h('td', { class: 'right nowrap' }, del));
}

function baseName(path) { return path.split('/').pop(); }

/** A stored file's path as the clerk uploaded it: the server may name it from the workspace ("files/…"). */
function uploadedPath(path) { return String(path).replace(/^files\//, ''); }

async function refreshFiles() {
  await loadWorkspace();
  renderStepBar();
  const card = $('#file-list-card');
  if (card) renderFileList(card);
}

// ---------------------------------------------------------------------------
// Step 3: 核对表头

function dataFiles() {
  const files = (state.workspace && state.workspace.files) || [];
  return files.filter((f) => !f.excluded && f.class !== 'not_data')
    .sort((a, b) => a.path.localeCompare(b.path, 'zh-CN'));
}

async function renderSheets(root, token) {
  root.appendChild(stepHeader('核对表头', '逐个文件查看程序认出的列和表头行。认错时，可以改表头行、改某一列的含义，或跳过不需要的工作表。每次修改都会自动保存。'));
  const files = dataFiles();
  if (!files.length) {
    root.appendChild(h('div', { class: 'card' }, h('p', { class: 'muted' }, '没有要核对的文件。请先在第 2 步上传材料。')));
    root.appendChild(navButtons('files', 'form', '下一步：县情数据'));
    return;
  }
  if (!state.sheetFile || !files.some((f) => f.path === state.sheetFile)) state.sheetFile = files[0].path;
  const side = h('nav', { class: 'file-nav card', 'aria-label': '文件列表' },
    h('div', { class: 'file-nav-title' }, `数据文件（${files.length} 个）`),
    h('ul', null, files.map((f) => h('li', null, h('button', {
      type: 'button', class: 'file-nav-item' + (f.path === state.sheetFile ? ' active' : ''), dataset: { path: f.path },
      onclick: () => { state.sheetFile = f.path; showSheetsOf(f.path, detail, side); },
    }, h('span', { class: 'file-nav-name' }, baseName(f.path)), h('span', { class: 'chip chip-' + f.class }, CLASS_LABELS[f.class] || f.class))))));
  const detail = h('div', { class: 'sheet-detail', id: 'sheet-detail' });
  root.appendChild(h('div', { class: 'two-col' }, side, detail));
  root.appendChild(navButtons('files', 'form', '下一步：县情数据'));
  await showSheetsOf(state.sheetFile, detail, side);
}

async function showSheetsOf(path, detail, side) {
  for (const b of side.querySelectorAll('.file-nav-item')) b.classList.toggle('active', b.dataset.path === path);
  clear(detail).appendChild(h('div', { class: 'card muted' }, '正在读取…'));
  let sheets;
  try {
    sheets = await api('GET', wsPath('/sheets?file=' + encodeURIComponent(path)));
  } catch (e) {
    clear(detail).appendChild(h('div', { class: 'card' }, h('h2', { class: 'path' }, uploadedPath(path)), h('p', { class: 'error-text' }, e.message)));
    return;
  }
  if (state.sheetFile !== path) return;
  clear(detail);
  const file = ((state.workspace && state.workspace.files) || []).find((f) => f.path === path);
  detail.appendChild(h('div', { class: 'sheet-file-head' }, h('h2', { class: 'path' }, uploadedPath(path)),
    file ? h('span', { class: 'chip chip-' + file.class }, CLASS_LABELS[file.class] || file.class) : null));
  if (!sheets.length) detail.appendChild(h('div', { class: 'card muted' }, '这个文件中没有工作表。'));
  if (sheets.length > 1) detail.appendChild(h('p', { class: 'hint' }, `这个文件有 ${sheets.length} 个工作表。点击工作表名称可展开或收起。`));
  sheets.forEach((sheet, i) => detail.appendChild(sheetCard(path, sheet, file, () => showSheetsOf(path, detail, side), i === 0)));
}

function sheetCard(path, sheet, file, reload, openSheet) {
  const save = async (patch, message) => {
    // headerRow is always sent (null: unchanged): the server's decoder needs the key present.
    const body = Object.assign({ headerRow: null }, patch);
    try {
      await api('PATCH', wsPath(`/sheets?file=${encodeURIComponent(path)}&sheet=${encodeURIComponent(sheet.sheet)}`), body);
      toast(message || '已保存');
      await reload();
    } catch (e) { showError(e); }
  };
  const columnsFound = (sheet.columns || []).filter((c) => c.role);
  const roleNames = columnsFound.map((c) => ROLE_LABELS[c.role] || c.role);
  const card = h('details', { class: 'card sheet-card' + (sheet.skipped ? ' skipped' : ''), dataset: { sheet: sheet.sheet },
    open: !!openSheet || !sheet.headerRow });
  card.appendChild(h('summary', { class: 'sheet-head' },
    h('h3', null, '工作表：', sheet.sheet),
    h('span', { class: 'sheet-summary' }, sheet.skipped ? '' : (sheet.headerRow ? `表头第 ${sheet.headerRow} 行，认出 ${roleNames.length} 列` +
      (roleNames.length ? `（${roleNames.slice(0, 6).join('、')}${roleNames.length > 6 ? '等' : ''}）` : '') : '')),
    sheet.hidden ? h('span', { class: 'chip chip-muted' }, '隐藏的工作表') : null,
    sheet.formExport ? h('span', { class: 'chip chip-signins' }, '问卷导出') : null,
    sheet.skipped ? h('span', { class: 'chip chip-excluded' }, '已跳过') : null,
    sheet.fixed ? h('span', { class: 'chip chip-villages' }, '已人工指定') : null,
    sheet.headerRow ? null : h('span', { class: 'chip chip-warn' }, '没有认出表头')));

  // Controls: header row, split by date, skip.
  const headerInput = h('input', { type: 'number', min: 1, max: 1048576, class: 'input-narrow header-row-input', value: sheet.headerRow || '' });
  const headerSave = h('button', { type: 'button', class: 'btn btn-small' }, '保存表头行');
  headerSave.addEventListener('click', () => {
    const n = parseInt(headerInput.value, 10);
    if (!(n >= 1)) { showError(new Error('表头行请填写 1 或更大的行号。')); return; }
    save({ headerRow: n }, `表头行已改为第 ${n} 行`);
  });
  const split = h('input', { type: 'checkbox', checked: !!sheet.splitByDate, class: 'split-checkbox' });
  split.addEventListener('change', () => save({ splitByDate: split.checked }, split.checked ? '将按提交日期拆分为多个培训场次' : '不再按提交日期拆分'));
  const skip = h('input', { type: 'checkbox', checked: !!sheet.skipped, class: 'skip-checkbox' });
  skip.addEventListener('change', () => save({ skip: skip.checked }, skip.checked ? `已跳过工作表“${sheet.sheet}”` : `工作表“${sheet.sheet}”将参与计算`));
  const showSplit = sheet.formExport || sheet.splitByDate || (file && file.class === 'signins');
  card.appendChild(h('div', { class: 'sheet-controls' },
    h('label', { class: 'inline-field' }, '表头在第 ', headerInput, ' 行 ', headerSave),
    showSplit ? h('label', { class: 'check' }, split, '按提交日期拆分为多个培训场次（问卷导出的签到表）') : null,
    h('label', { class: 'check' }, skip, '跳过此表（不参与计算）')));

  if (sheet.skipped) {
    card.appendChild(h('p', { class: 'muted' }, '此表已跳过，不参与计算。取消勾选“跳过此表”即可恢复。'));
    return card;
  }

  // Recognised columns.
  const columns = sheet.columns || [];
  const useLabels = columns.some((c) => c.role && !(c.role in ROLE_LABELS));
  const roleValue = (key) => (useLabels ? ROLE_LABELS[key] : key);
  const roleText = (role) => ROLE_LABELS[role] || role || '';
  const colRows = columns.map((c) => {
    const select = h('select', { class: 'role-select', 'aria-label': `${c.letter} 列的含义` },
      h('option', { value: '' }, '（不使用此列）'),
      Object.keys(ROLE_LABELS).map((k) => h('option', { value: roleValue(k), selected: c.role === k || c.role === ROLE_LABELS[k] }, ROLE_LABELS[k])));
    select.addEventListener('change', () => {
      const patch = {};
      if (select.value) patch[select.value] = c.letter;
      else if (c.role) patch[c.role] = null;
      save({ columns: patch }, `${c.letter} 列已设为“${select.value ? roleText(select.value) : '不使用'}”`);
    });
    return h('tr', { dataset: { letter: c.letter, role: c.role || '' } }, h('td', { class: 'col-letter' }, c.letter),
      h('td', null, c.header || ''), h('td', null, select), h('td', { class: 'reason' }, c.reason || ''));
  });
  card.appendChild(h('h4', null, '认出的列'));
  if (columns.length) {
    card.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'table columns-table' },
      h('thead', null, h('tr', null, h('th', null, '列'), h('th', null, '表头文字'), h('th', null, '含义'), h('th', null, '理由'))),
      h('tbody', null, colRows))));
  } else {
    card.appendChild(h('p', { class: 'notice' }, '没有认出任何列。请在下面的预览中找到表头所在的行，点击它的行号设为表头。'));
  }

  // A column recognition missed: choose its meaning and letter.
  const previewWidth = Math.max(0, ...(sheet.preview || []).map((r) => r.cells.length));
  const addRole = h('select', { class: 'add-role', 'aria-label': '这一列的含义' }, h('option', { value: '' }, '选择含义…'),
    Object.keys(ROLE_LABELS).filter((k) => k !== 'formMetadata').map((k) => h('option', { value: roleValue(k) }, ROLE_LABELS[k])));
  const addLetter = h('select', { class: 'add-letter', 'aria-label': '列' },
    Array.from({ length: Math.max(previewWidth, 1) }, (_, i) => h('option', { value: columnLetter(i) }, columnLetter(i))));
  const addButton = h('button', { type: 'button', class: 'btn btn-small' }, '指定');
  addButton.addEventListener('click', () => {
    if (!addRole.value) { showError(new Error('请先选择这一列的含义。')); return; }
    save({ columns: { [addRole.value]: addLetter.value } }, `${addLetter.value} 列已设为“${roleText(addRole.value)}”`);
  });
  card.appendChild(h('div', { class: 'add-column' }, '程序没认出的列：把 ', addLetter, ' 列设为 ', addRole, ' ', addButton));

  // Preview of the first rows, header row marked.
  const preview = sheet.preview || [];
  if (preview.length) {
    const width = Math.max(...preview.map((r) => r.cells.length), columns.length ? 1 : 0);
    const letters = [];
    for (let i = 0; i < width; i++) letters.push(columnLetter(i));
    const roleOf = {};
    for (const c of columns) if (c.role) roleOf[c.letter] = roleText(c.role);
    const head = h('tr', null, h('th', { class: 'rownum' }, '行'), letters.map((l) => h('th', null, l, roleOf[l] ? h('div', { class: 'role-tag' }, roleOf[l]) : null)));
    // A two-row header (学员信息 over 姓名, 身份证号…): the row below is marked too when the
    // recognised columns' header texts are found in it.
    const headerRows = new Set(sheet.headerRow ? [sheet.headerRow] : []);
    const below = preview.find((r) => r.row === sheet.headerRow + 1);
    if (below && columns.some((c) => c.header && below.cells[letterIndex(c.letter)] === c.header)) headerRows.add(below.row);
    const rows = preview.map((r) => {
      const isHeader = headerRows.has(r.row);
      const num = h('button', { type: 'button', class: 'rownum-btn', title: `把第 ${r.row} 行设为表头行` }, String(r.row));
      num.addEventListener('click', () => save({ headerRow: r.row }, `表头行已改为第 ${r.row} 行`));
      const cells = [];
      for (let i = 0; i < width; i++) {
        const text = r.cells[i] === undefined ? '' : r.cells[i];
        cells.push(h('td', { title: text.length > 10 ? text : null }, text));
      }
      return h('tr', { class: isHeader ? 'header-row' : '' }, h('th', { class: 'rownum' }, num, isHeader ? h('span', { class: 'header-tag' }, '表头') : null), cells);
    });
    card.appendChild(h('h4', null, `前 ${preview.length} 行预览` + (sheet.rows ? `（共 ${sheet.rows} 行）` : ''), h('span', { class: 'hint-inline' }, '（点击行号可把该行设为表头行；身份证号、电话已部分隐藏）')));
    card.appendChild(h('div', { class: 'table-wrap preview-wrap' }, h('table', { class: 'table preview-table' }, h('thead', null, head), h('tbody', null, rows))));
  }
  return card;
}

function letterIndex(letters) {
  let n = 0;
  for (const ch of String(letters)) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

function columnLetter(i) {
  let s = '';
  i += 1;
  while (i > 0) { const m = (i - 1) % 26; s = String.fromCharCode(65 + m) + s; i = Math.floor((i - 1) / 26); }
  return s;
}

// ---------------------------------------------------------------------------
// Step 4: 县情数据

async function renderForm(root, token) {
  root.appendChild(stepHeader('县情数据', '填写常住人口、资金和其他数据，并为需要人工判断的评分项打分。输入时会即时检查，检查通过后自动保存。'));
  const form = await api('GET', wsPath('/form'));
  if (token !== state.renderToken) return;
  const status = h('div', { class: 'save-status', id: 'form-status' }, '已载入');
  const summary = h('div', { class: 'form-errors', id: 'form-errors', hidden: true });
  const inputs = [];   // {path, el, kind, parse}

  const numberInput = (path, value, kind, unit, extra) => {
    const el = h('input', { type: 'text', inputmode: 'decimal', class: 'input-number', value: value === null || value === undefined ? '' : displayValue(value, kind),
      dataset: { field: path }, 'aria-label': extra && extra.label ? extra.label : path });
    inputs.push({ path, el, kind, fact: extra && extra.fact, part: extra && extra.part });
    const box = h('span', { class: 'with-unit' }, el, unit ? h('span', { class: 'unit' }, unit) : null);
    if (kind !== 'money') return box;
    // Money is typed in 元; saying it back in 万元 catches a figure typed in the wrong unit.
    const wan = h('span', { class: 'wan' });
    const say = () => {
      const p = parseNumber(el.value);
      wan.textContent = p.value !== undefined ? `即 ${(p.value / 10000).toLocaleString('zh-CN', { maximumFractionDigits: 4 })} 万元` : '';
    };
    el.addEventListener('input', say);
    say();
    return h('span', { class: 'money' }, box, wan);
  };

  // Basic facts.
  const county = h('input', { type: 'text', value: form.county || '', dataset: { field: 'county' }, id: 'form-county' });
  inputs.push({ path: 'county', el: county, kind: 'text' });
  const cutoff = h('input', { type: 'date', value: form.cutoff ? dateOnly(form.cutoff) : '', dataset: { field: 'cutoff' }, id: 'form-cutoff' });
  inputs.push({ path: 'cutoff', el: cutoff, kind: 'date' });
  const funds = form.funds || {};
  const rateText = h('span', { class: 'computed', id: 'fund-rate' });
  const basic = h('div', { class: 'card' }, h('h2', null, '基本情况'),
    h('div', { class: 'form-grid' },
      field('县（市、区）名称', county),
      field('考评截止日期', cutoff, '计算服务中心运行月数等时，以这一天为准。'),
      fieldRow('常住人口', numberInput('population', form.population, 'count', '人', { label: '常住人口' }), '人数（整数）。超过 50 万的，按 50 万计算培训覆盖率。', 'population'),
      fieldRow('省级财政资金：安排（下达）', numberInput('funds.allocated', funds.allocated, 'money', '元', { label: '安排资金' }), '金额（元），不是万元。', 'funds.allocated'),
      fieldRow('省级财政资金：已支出（拨付）', numberInput('funds.disbursed', funds.disbursed, 'money', '元', { label: '已支出资金' }), rateText, 'funds.disbursed')));
  root.appendChild(h('div', { class: 'form-top' }, status, summary));
  root.appendChild(basic);

  // Other facts the template's rules read.
  const facts = form.facts || [];
  if (facts.length) {
    const grid = h('div', { class: 'form-grid' });
    for (const f of facts) {
      const unit = f.unit || KIND_UNITS[f.kind] || '';
      let control;
      let note = f.hint || KIND_NOTES[f.kind] || '';
      if (!f.hint && f.max !== undefined && f.max !== null) note += `，不超过 ${formatNumber(f.max)}`;
      if (f.kind === 'date') {
        control = h('input', { type: 'date', value: f.value || '', dataset: { field: 'facts.' + f.key }, 'aria-label': f.label });
        inputs.push({ path: 'facts.' + f.key, el: control, kind: 'date', fact: f.key });
      } else if (f.kind === 'counts' || (f.value && typeof f.value === 'object') || FACT_PARTS[f.key]) {
        const parts = f.parts ? f.parts.map((p) => [p.key, p.label]) : (FACT_PARTS[f.key] ||
          Object.keys(f.value || {}).map((k) => [k, PART_LABELS[k] || k]));
        const partKind = f.kind === 'counts' ? 'count' : f.kind;
        const partUnit = f.kind === 'counts' ? (f.unit || '次') : unit;
        control = h('div', { class: 'parts' }, parts.map(([k, label]) => h('label', { class: 'part' },
          h('span', { class: 'part-label' }, label),
          numberInput(`facts.${f.key}.${k}`, f.value ? f.value[k] : null, partKind, partUnit, { label: `${f.label} ${label}`, fact: f.key, part: k }))));
        if (!f.hint) note = KIND_NOTES[partKind] || note;
      } else {
        control = numberInput('facts.' + f.key, f.value, f.kind, unit, { label: f.label, fact: f.key });
      }
      const row = fieldRow(f.label, control, note, 'facts.' + f.key);
      if (control.classList.contains('parts')) row.classList.add('field-wide');
      grid.appendChild(row);
    }
    root.appendChild(h('div', { class: 'card' }, h('h2', null, '其他数据'),
      h('p', { class: 'hint' }, '以下数据由县里提供证明材料，程序按考评标准自动计分。个数填整数；比率填百分数（如 85 表示 85%）；金额以元为单位。'), grid));
  }

  // Manual scores.
  const manual = form.manual || [];
  // Leaves of one official row share its criterion: show it once, across their rows.
  let criterionCell = null;
  let previousCriterion = null;
  const manualRows = manual.map((m) => {
    const name = 'manual-' + m.id;
    const allowed = m.veto ? [false, true] : (m.allowed || []).slice();
    const options = allowed.map((v) => {
      const radio = h('input', { type: 'radio', name, value: JSON.stringify(v), checked: m.value === v, dataset: { field: 'manual.' + m.id } });
      return h('label', { class: 'choice' + (v === true ? ' choice-veto' : '') }, radio,
        typeof v === 'boolean' ? (v ? '是（一票否决）' : '否') : `${v} 分`);
    });
    const none = h('input', { type: 'radio', name, value: 'null', checked: m.value === null || m.value === undefined, dataset: { field: 'manual.' + m.id } });
    options.push(h('label', { class: 'choice choice-none' }, none, '暂不评'));
    inputs.push({ path: 'manual.' + m.id, radios: name, kind: 'manual' });
    let cell = null;
    if (criterionCell && m.criterion && m.criterion === previousCriterion) {
      criterionCell.rowSpan += 1;
    } else {
      cell = h('td', { class: 'criterion' }, m.criterion || '');
      criterionCell = cell;
      previousCriterion = m.criterion;
    }
    return h('tr', { dataset: { item: m.id }, id: 'manual-row-' + cssId(m.id) },
      h('td', { class: 'nowrap item-id' }, m.id),
      h('td', { class: 'item-name' }, m.name),
      cell,
      h('td', { class: 'choices' }, options, h('div', { class: 'field-error', dataset: { errorFor: 'manual.' + m.id } })));
  });
  if (manual.length) {
    root.appendChild(h('div', { class: 'card' }, h('h2', null, `人工评分（${manual.length} 项）`),
      h('p', { class: 'hint' }, '这些评分项需要按证明材料人工判断。每项只能选考评标准允许的分值；一票否决项选“是”表示发生了该情况。'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table manual-table', id: 'manual-table' },
        h('thead', null, h('tr', null, h('th', null, '编号'), h('th', null, '评分项'), h('th', null, '考评标准'), h('th', null, '得分'))),
        h('tbody', null, manualRows)))));
  }

  // Renamed villages: the station list or a sign-in sheet still writes a village's old name.
  const aliasRows = h('tbody');
  const addAlias = (a) => {
    const tr = h('tr', { class: 'alias-row' },
      h('td', null, h('input', { type: 'text', class: 'alias-town', value: (a && a.town) || '', 'aria-label': '镇（乡、街道）', placeholder: '如：廊田镇' })),
      h('td', null, h('input', { type: 'text', class: 'alias-from', value: (a && a.from) || '', 'aria-label': '材料中写的旧名', placeholder: '如：同吉村' })),
      h('td', null, h('input', { type: 'text', class: 'alias-to', value: (a && a.to) || '', 'aria-label': '行政村清单中的名称', placeholder: '如：同吉店村' })),
      h('td', { class: 'right' }, h('button', { type: 'button', class: 'link danger', onclick: () => { tr.remove(); onEdit(); } }, '删除')));
    aliasRows.appendChild(tr);
    return tr;
  };
  // The form carries them when the server knows them; otherwise they live in config.yaml's
  // `aliases:` and are read and written through GET/PUT /config.
  const formAliases = Array.isArray(form.aliases);
  let savedAliases = '[]';
  let configAliases = [];
  if (!formAliases) {
    try {
      configAliases = AliasesYAML.read(await apiText(wsPath('/config')));
    } catch (e) { configAliases = null; }
  }
  const hasAliases = formAliases || configAliases !== null;
  if (hasAliases) {
    const initial = formAliases ? form.aliases : configAliases;
    savedAliases = JSON.stringify(initial);
    for (const a of initial) addAlias(a);
    root.appendChild(h('div', { class: 'card', id: 'aliases-card' }, h('h2', null, '村名对照（改过名的村）'),
      h('p', { class: 'hint' }, '站点清单或签到表中仍写着旧村名时，在这里写明旧名对应行政村清单中的哪个村，否则这些站点和学员对不上村。'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table aliases-table', id: 'aliases-table' },
        h('thead', null, h('tr', null, h('th', null, '镇（乡、街道）'), h('th', null, '材料中写的旧名'), h('th', null, '行政村清单中的名称'), h('th', null, ''))),
        aliasRows)),
      h('div', { class: 'field-error', dataset: { errorFor: 'aliases' } }),
      h('button', { type: 'button', class: 'btn btn-small', id: 'alias-add', onclick: () => { addAlias(null).querySelector('input').focus(); } }, '添加一行')));
  }

  // Collect, check, save.
  let lastErrors = [];
  const collect = () => {
    const body = { county: county.value.trim(), cutoff: cutoff.value || '', population: null, funds: { allocated: null, disbursed: null }, facts: {}, manual: {} };
    const local = [];
    const factValues = {};
    for (const inp of inputs) {
      let value = null;
      if (inp.kind === 'manual') {
        const checked = root.querySelector(`input[name="${CSS.escape(inp.radios)}"]:checked`);
        value = checked ? JSON.parse(checked.value) : null;
        body.manual[inp.path.slice(7)] = value;
        continue;
      }
      if (inp.kind === 'text' || inp.path === 'cutoff' || inp.path === 'county') continue;
      if (inp.kind === 'date') {
        value = inp.el.value || null;
      } else {
        const p = parseNumber(inp.el.value);
        if (p.error) { local.push({ field: inp.path, message: p.error }); continue; }
        value = p.empty ? null : fromDisplay(p.value, inp.kind);
        if (value !== null && inp.kind === 'count' && !Number.isInteger(value)) {
          local.push({ field: inp.path, message: '这里填个数，请填整数' });
          continue;
        }
      }
      // Fact keys may hold a dot themselves (poor.confirmed_labor_population): they come with the input.
      if (inp.path === 'population') body.population = value;
      else if (inp.path.startsWith('funds.')) body.funds[inp.path.slice(6)] = value;
      else if (inp.fact && inp.part) {
        factValues[inp.fact] = factValues[inp.fact] || {};
        factValues[inp.fact][inp.part] = value;
      } else if (inp.fact) factValues[inp.fact] = value;
    }
    for (const f of facts) {
      let v = f.key in factValues ? factValues[f.key] : null;
      if (v && typeof v === 'object') {
        // Parts left empty are left out; a group with none filled is no value.
        for (const k of Object.keys(v)) if (v[k] === null) delete v[k];
        if (!Object.keys(v).length) v = null;
      }
      body.facts[f.key] = v;
    }
    let aliases = null;
    if (hasAliases) {
      aliases = [];
      for (const tr of aliasRows.querySelectorAll('tr')) {
        const a = { town: $('.alias-town', tr).value.trim(), from: $('.alias-from', tr).value.trim(), to: $('.alias-to', tr).value.trim() };
        if (!a.town && !a.from && !a.to) continue;
        if (!a.town || !a.from || !a.to) { local.push({ field: 'aliases', message: '村名对照的每一行都要填写镇、旧名和新名' }); continue; }
        aliases.push(a);
      }
      if (formAliases) body.aliases = aliases;
    }
    return { body, local, aliases };
  };

  const showErrors = (errors) => {
    lastErrors = errors;
    for (const el of root.querySelectorAll('.field-error')) el.textContent = '';
    for (const el of root.querySelectorAll('.invalid')) el.classList.remove('invalid');
    const unplaced = [];
    for (const e of errors) {
      const f = e.field || '';
      const slot = findErrorSlot(root, f);
      if (slot) {
        slot.textContent = slot.textContent ? slot.textContent + '；' + e.message : e.message;
        for (const el of root.querySelectorAll(`[data-field="${CSS.escape(f)}"]`)) el.classList.add('invalid');
      } else {
        unplaced.push(e);
      }
    }
    clear(summary);
    if (errors.length) {
      summary.appendChild(h('strong', null, `有 ${errors.length} 处需要修改：`));
      summary.appendChild(h('ul', null, errors.map((e) => h('li', null, (fieldLabel(root, e.field) ? fieldLabel(root, e.field) + '：' : '') + e.message))));
      summary.hidden = false;
    } else {
      summary.hidden = true;
    }
    void unplaced;
  };

  const updateRate = () => {
    const a = parseNumber(($('[data-field="funds.allocated"]', root) || {}).value || '');
    const d = parseNumber(($('[data-field="funds.disbursed"]', root) || {}).value || '');
    rateText.textContent = (a.value > 0 && d.value >= 0)
      ? `金额（元）。资金支出率 ${(d.value / a.value * 100).toFixed(2)}%（70% 以下倒扣 5 分）`
      : '金额（元）。资金支出率低于 70% 倒扣 5 分。';
  };
  updateRate();

  let saving = Promise.resolve();
  let dirty = false;
  const checkAndSave = async () => {
    const { body, local, aliases } = collect();
    if (local.length) {
      showErrors(local);
      status.textContent = `有 ${local.length} 处需要修改，尚未保存`;
      status.className = 'save-status bad';
      return;
    }
    status.textContent = '正在检查…';
    status.className = 'save-status';
    try {
      const checked = await api('POST', wsPath('/form/check'), body);
      const errors = (checked && checked.errors) || [];
      if (errors.length) {
        showErrors(errors);
        status.textContent = `有 ${errors.length} 处需要修改，尚未保存`;
        status.className = 'save-status bad';
        return;
      }
      await api('PATCH', wsPath('/form'), body);
      if (!formAliases && aliases !== null && JSON.stringify(aliases) !== savedAliases) {
        const text = await apiText(wsPath('/config'));
        try {
          await api('PUT', wsPath('/config'), AliasesYAML.write(text, aliases));
        } catch (e) {
          if (e.status === 422 && e.body && Array.isArray(e.body.errors)) {
            throw new ApiError('', 422, { errors: e.body.errors.map((x) => ({ field: 'aliases', message: x.message })) });
          }
          throw e;
        }
        savedAliases = JSON.stringify(aliases);
      }
      showErrors([]);
      dirty = false;
      status.textContent = '已保存 ' + new Date().toLocaleTimeString('zh-CN', { hour12: false });
      status.className = 'save-status ok';
      renderStepBarLater();
    } catch (e) {
      if (e.status === 422 && e.body && Array.isArray(e.body.errors)) {
        showErrors(e.body.errors);
        status.textContent = `有 ${e.body.errors.length} 处需要修改，尚未保存`;
        status.className = 'save-status bad';
      } else {
        status.textContent = '保存失败';
        status.className = 'save-status bad';
        showError(e);
      }
    }
  };
  const schedule = debounce(() => { saving = saving.then(checkAndSave); }, 450);
  const onEdit = () => { dirty = true; status.textContent = '正在输入…'; status.className = 'save-status'; updateRate(); schedule(); };
  root.addEventListener('input', onEdit);
  root.addEventListener('change', onEdit);

  const flush = async () => {
    if (schedule.pending()) schedule.flush();
    await saving;
    if (dirty) { saving = saving.then(checkAndSave); await saving; }
    if (lastErrors.length) throw new Error('县情数据还有需要修改的地方（见页面上方的红色提示），请改正后再继续。');
  };
  root.appendChild(navButtons('sheets', 'result', '保存并计算', flush));
}

function renderStepBarLater() { setTimeout(renderStepBar, 0); }

function cssId(id) { return String(id).replace(/[^A-Za-z0-9_-]/g, '_'); }

function fieldRow(label, control, hint, path) {
  return h('div', { class: 'field', dataset: { fieldRow: path } },
    h('label', null, label),
    h('div', { class: 'field-input' }, control),
    hint ? h('div', { class: 'hint' }, hint) : null,
    h('div', { class: 'field-error', dataset: { errorFor: path } }));
}

/** Finds where an error for `field` is shown: the field itself, or the nearest parent field. */
function findErrorSlot(root, field) {
  let f = field;
  while (f) {
    const slot = root.querySelector(`[data-error-for="${CSS.escape(f)}"]`);
    if (slot) return slot;
    // "manual.1.4.a" style keys: also try the server's "manual[1.4.a]" by stripping from the end.
    const cut = f.lastIndexOf('.');
    if (cut < 0) break;
    f = f.slice(0, cut);
  }
  return null;
}

function fieldLabel(root, field) {
  if (!field) return '';
  const slot = findErrorSlot(root, field);
  if (!slot) return field;
  const row = slot.closest('.field, tr');
  if (!row) return field;
  if (row.tagName === 'TR') return `${row.dataset.item} ${(row.querySelector('.item-name') || {}).textContent || ''}`;
  const label = row.querySelector('label');
  return label ? label.textContent : field;
}

function displayValue(value, kind) {
  if (typeof value !== 'number') return String(value);
  return String(value);
}

function fromDisplay(value, kind) { return value; }

// ---------------------------------------------------------------------------
// Step 5: 计算结果

async function renderResult(root, token) {
  root.appendChild(stepHeader('计算结果', '按考评指标逐项计分。计算会读取全部材料，文件多时需要一两分钟，期间可以继续查看其他步骤。'));
  const runBar = h('div', { class: 'card run-card' });
  const button = h('button', { type: 'button', class: 'btn btn-primary btn-large', id: 'evaluate' }, state.workspace && state.workspace.hasResult ? '重新计算' : '开始计算');
  const progress = h('div', { class: 'eval-progress', id: 'eval-progress', hidden: true });
  append(runBar, [h('div', { class: 'run-row' }, button,
    h('div', { class: 'hint' }, '修改了材料、表头、县情数据或核查决定后，请重新计算。')), progress]);
  root.appendChild(runBar);
  const resultBox = h('div', { id: 'result' });
  root.appendChild(resultBox);
  button.addEventListener('click', () => evaluate(button, progress, resultBox));

  // A run already going (started before this page was opened) is shown too.
  try {
    const p = await api('GET', wsPath('/progress'));
    if (p && p.running) { button.disabled = true; watchProgress(progress, () => true).then(() => { button.disabled = false; showResult(resultBox); }); }
  } catch (e) { /* progress is optional */ }
  if (state.workspace && state.workspace.hasResult) await showResult(resultBox);
  else resultBox.appendChild(h('div', { class: 'card muted' }, '还没有计算结果。填好县情数据后，点击“开始计算”。'));
  root.appendChild(navButtons('form', 'review', '下一步：待核查'));
}

async function evaluate(button, progress, resultBox) {
  clearError();
  button.disabled = true;
  let running = true;
  const watcher = watchProgress(progress, () => running);
  try {
    await api('POST', wsPath('/evaluate'));
    running = false;
    await watcher;
    await loadWorkspace();
    renderStepBar();
    button.textContent = '重新计算';
    await showResult(resultBox);
    toast('计算完成');
  } catch (e) {
    running = false;
    await watcher;
    clear(resultBox).appendChild(h('div', { class: 'card error-card', id: 'eval-error' }, h('h2', null, '没有算出结果'),
      h('pre', { class: 'error-text' }, e.message)));
    showError(e);
  } finally {
    button.disabled = false;
  }
}

const PHASE_LABELS = { reading: '读取材料', read: '读取材料', matching: '比对人员', scoring: '计分', writing: '写出自评表', done: '完成' };

async function watchProgress(box, keepGoing) {
  box.hidden = false;
  const bar = h('div', { class: 'bar-fill indeterminate' });
  const label = h('div', { class: 'progress-label' }, '正在计算…');
  clear(box);
  append(box, [label, h('div', { class: 'bar' }, bar)]);
  const started = Date.now();
  while (keepGoing()) {
    await new Promise((r) => setTimeout(r, 400));
    if (!keepGoing()) break;
    try {
      const p = await api('GET', wsPath('/progress'));
      const secs = Math.round((Date.now() - started) / 1000);
      const phase = PHASE_LABELS[p.phase] || p.phase || '计算';
      if (p.total > 0) {
        const pct = Math.min(100, Math.round((p.done / p.total) * 100));
        bar.classList.remove('indeterminate');
        bar.style.width = pct + '%';
        label.textContent = `正在${phase}：${p.done} / ${p.total}（已用 ${secs} 秒）`;
      } else {
        label.textContent = `正在${phase}…（已用 ${secs} 秒）`;
      }
      if (!p.running && secs > 1 && !keepGoing()) break;
    } catch (e) { /* keep polling; evaluate's own answer reports failures */ }
  }
  box.hidden = true;
}

async function showResult(box) {
  const result = await api('GET', wsPath('/result'));
  clear(box);
  if (!result) { box.appendChild(h('div', { class: 'card muted' }, '还没有计算结果。')); return; }
  // `json` is the command line's own text (kept byte for byte); the figures are read from it.
  let json = result.json || {};
  if (typeof json === 'string') { try { json = JSON.parse(json); } catch (e) { json = {}; } }
  if (result.total !== undefined) json.total = result.total;
  if (result.veto !== undefined) json.veto = result.veto;
  const items = result.items || [];
  const findings = result.findings || [];
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const missing = items.filter((i) => i.basis === 'missing');
  const near = items.filter((i) => i.nearThreshold);

  box.appendChild(h('div', { class: 'card total-card' },
    h('div', { class: 'total' }, h('div', { class: 'total-label' }, `${json.county || ''} 自评总分`),
      h('div', { class: 'total-value' }, h('span', { id: 'total-score' }, formatScore(json.total)), h('span', { class: 'total-unit' }, '分'))),
    h('ul', { class: 'total-facts' },
      h('li', { class: json.veto ? 'bad' : '' }, json.veto ? '触发一票否决' : '未触发一票否决'),
      h('li', { class: missing.length ? 'warn' : '' }, `缺项 ${missing.length} 个`),
      h('li', { class: near.length ? 'warn' : '' }, `临界项 ${near.length} 个`),
      h('li', null, `数据问题：错误 ${errors} 条，警告 ${warnings} 条`),
      json.people ? h('li', null, `签到 ${formatNumber(json.people.signin_rows)} 行，重复签到 ${formatNumber(json.people.duplicate_signins)} 行，参训 ${formatNumber(json.people.distinct_persons)} 人`) : null)));

  // The official table.
  const rows = items.map((i) => h('tr', { class: ['basis-' + i.basis, i.nearThreshold ? 'near' : ''].join(' '), dataset: { item: i.id } },
    h('td', { class: 'nowrap item-id' }, i.id),
    h('td', { class: 'item-name' }, i.name),
    h('td', { class: 'num' }, formatScore(i.max)),
    h('td', { class: 'num score' }, formatScore(i.score)),
    h('td', { class: 'nowrap' }, h('span', { class: 'basis basis-tag-' + i.basis }, BASIS_LABELS[i.basis] || i.basis),
      i.nearThreshold ? h('span', { class: 'basis basis-near' }, '临界') : null),
    h('td', { class: 'explanation' }, i.explanation || '')));
  box.appendChild(h('div', { class: 'card' }, h('h2', null, '考评指标得分'),
    h('p', { class: 'legend' }, h('span', { class: 'basis basis-tag-computed' }, '计算'), '由材料自动算出　',
      h('span', { class: 'basis basis-tag-manual' }, '人工'), '在第 4 步人工评分　',
      h('span', { class: 'basis basis-tag-missing' }, '缺'), '缺少材料或数据，未计分　',
      h('span', { class: 'basis basis-near' }, '临界'), '离得分档次的界线很近，请复核'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'table score-table', id: 'score-table' },
      h('thead', null, h('tr', null, h('th', null, '编号'), h('th', null, '评分项'), h('th', { class: 'num' }, '满分'), h('th', { class: 'num' }, '得分'), h('th', null, '依据'), h('th', null, '说明'))),
      h('tbody', null, rows),
      h('tfoot', null, h('tr', null, h('td', { colspan: 3 }, '合计'), h('td', { class: 'num score' }, formatScore(json.total)), h('td', { colspan: 2 }, json.veto ? '触发一票否决' : '')))))));

  // Metrics.
  const metrics = result.metrics || [];
  if (metrics.length) {
    box.appendChild(h('div', { class: 'card' }, h('h2', null, '指标计算'),
      h('p', { class: 'hint' }, '每个自动计分项用到的数字：分子、分母和算式。“缺”表示缺少材料或数据，相应评分项不计分。'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table metrics-table', id: 'metrics-table' },
        h('thead', null, h('tr', null, h('th', null, '指标'), h('th', { class: 'num' }, '数值'), h('th', { class: 'num' }, '分子'), h('th', { class: 'num' }, '分母'), h('th', null, '算式和说明'))),
        h('tbody', null, metrics.map((m) => h('tr', { dataset: { metric: m.key }, class: [m.value === null || m.value === undefined ? 'basis-missing' : '', m.nearThreshold ? 'near' : ''].join(' ') },
          h('td', null, m.label || m.key, m.nearThreshold ? h('span', { class: 'basis basis-near', style: 'margin-left:6px' }, '临界') : null),
          h('td', { class: 'num' }, metricValue(m)),
          h('td', { class: 'num' }, formatNumber(m.numerator)),
          h('td', { class: 'num' }, formatNumber(m.denominator)),
          h('td', { class: 'explanation' }, m.value === null || m.value === undefined ? (m.text || '缺少数据') : (m.text || '')))))))));
  }

  box.appendChild(findingsCard(findings));
}

function metricValue(m) {
  if (m.value === null || m.value === undefined) return '缺';
  if (m.isRate) return (m.value * 100).toFixed(2) + '%';
  return formatNumber(m.value);
}

function findingsCard(findings) {
  const card = h('div', { class: 'card', id: 'findings' });
  card.appendChild(h('h2', null, `数据问题（${findings.length} 条）`));
  if (!findings.length) { card.appendChild(h('p', { class: 'muted' }, '没有发现数据问题。')); return card; }
  const files = Array.from(new Set(findings.map((f) => f.file).filter(Boolean))).sort((a, b) => a.localeCompare(b, 'zh-CN'));
  const fileLabel = (f) => uploadedPath(f);
  const sev = h('select', { id: 'finding-severity' }, h('option', { value: '' }, '全部'),
    ['error', 'warning', 'note'].map((s) => h('option', { value: s, selected: state.findingFilter.severity === s }, SEVERITY_LABELS[s])));
  const fileSel = h('select', { id: 'finding-file' }, h('option', { value: '' }, '全部文件'),
    files.map((f) => h('option', { value: f, selected: state.findingFilter.file === f }, fileLabel(f))));
  const count = h('span', { class: 'muted' });
  const tbody = h('tbody');
  const more = h('button', { type: 'button', class: 'btn btn-small', hidden: true }, '显示更多');
  let limit = 200;
  const draw = () => {
    const list = findings.filter((f) => (!state.findingFilter.severity || f.severity === state.findingFilter.severity) &&
      (!state.findingFilter.file || f.file === state.findingFilter.file));
    count.textContent = `显示 ${Math.min(limit, list.length)} / ${list.length} 条`;
    clear(tbody);
    for (const f of list.slice(0, limit)) tbody.appendChild(findingRow(f));
    more.hidden = list.length <= limit;
  };
  sev.addEventListener('change', () => { state.findingFilter.severity = sev.value; limit = 200; draw(); });
  fileSel.addEventListener('change', () => { state.findingFilter.file = fileSel.value; limit = 200; draw(); });
  more.addEventListener('click', () => { limit += 500; draw(); });
  card.appendChild(h('div', { class: 'filters' },
    h('label', { class: 'inline-field' }, '严重程度 ', sev),
    h('label', { class: 'inline-field' }, '文件 ', fileSel), count));
  card.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'table findings-table', id: 'findings-table' },
    h('thead', null, h('tr', null, h('th', null, '程度'), h('th', null, '文件'), h('th', null, '工作表'), h('th', { class: 'num' }, '行'), h('th', null, '问题和处理办法'), h('th', null, ''))),
    tbody)));
  card.appendChild(more);
  draw();
  return card;
}

function findingRow(f) {
  const tr = h('tr', { class: 'sev-' + f.severity, dataset: { n: f.n } },
    h('td', { class: 'nowrap' }, h('span', { class: 'sev sev-tag-' + f.severity }, SEVERITY_LABELS[f.severity] || f.severity)),
    h('td', { class: 'path' }, uploadedPath(f.file || '')),
    h('td', null, f.sheet || ''),
    h('td', { class: 'num' }, f.row ? (f.column ? `${f.row}（${f.column} 列）` : f.row) : ''),
    h('td', { class: 'message' }, f.message),
    h('td', { class: 'right nowrap' }));
  if (f.row && f.file) {
    const btn = h('button', { type: 'button', class: 'link show-row' }, '查看该行');
    btn.addEventListener('click', async () => {
      const next = tr.nextElementSibling;
      if (next && next.classList.contains('row-detail')) { next.remove(); btn.textContent = '查看该行'; return; }
      try {
        const row = await api('GET', wsPath(`/findings/${encodeURIComponent(f.n)}/row`));
        const cells = (row.cells || []).filter((c) => c.text !== '' && c.text !== null);
        const detail = h('tr', { class: 'row-detail' }, h('td', { colspan: 6 },
          h('div', { class: 'row-cells' }, h('div', { class: 'muted' }, `${uploadedPath(row.file)} · ${row.sheet} · 第 ${row.row} 行（身份证号、电话已部分隐藏）`),
            cells.length ? h('dl', null, cells.map((c) => [h('dt', null, c.letter), h('dd', null, c.text)])) : h('div', null, '（这一行是空的）'))));
        tr.after(detail);
        btn.textContent = '收起';
      } catch (e) { showError(e); }
    });
    tr.lastChild.appendChild(btn);
  }
  return tr;
}

// ---------------------------------------------------------------------------
// Step 6: 待核查

async function renderReview(root, token) {
  root.appendChild(stepHeader('待核查', '以下记录程序无法确定是否为同一个人（同名同村无证件、身份证号丢位、繁简异体字、一个身份证号写了多个姓名、多个姓名共用一个电话）。请对照原始材料判断：选“是同一人”会合并计算，选“不是同一人”会分开计算。决定会保存下来，下一次计算时使用。'));
  const list = await api('GET', wsPath('/review'));
  if (token !== state.renderToken) return;
  const box = h('div', { id: 'review-list' });
  const open = () => list.filter((r) => !r.decision).length;
  const counter = h('span', { class: 'muted', id: 'review-count' });
  const filter = h('select', { id: 'review-filter' },
    h('option', { value: 'open', selected: state.reviewFilter === 'open' }, '未决定的'),
    h('option', { value: 'decided', selected: state.reviewFilter === 'decided' }, '已决定的'),
    h('option', { value: 'all', selected: state.reviewFilter === 'all' }, '全部'));
  const draw = () => {
    counter.textContent = `共 ${list.length} 组，未决定 ${open()} 组`;
    clear(box);
    const shown = list.filter((r) => state.reviewFilter === 'all' || (state.reviewFilter === 'open' ? !r.decision : !!r.decision));
    if (!shown.length) box.appendChild(h('div', { class: 'card muted' }, list.length ? '这一类中没有记录。' : '没有需要核查的记录。'));
    for (const r of shown) box.appendChild(reviewCard(r, draw));
  };
  filter.addEventListener('change', () => { state.reviewFilter = filter.value; draw(); });
  root.appendChild(h('div', { class: 'card filters' }, h('label', { class: 'inline-field' }, '显示 ', filter), counter,
    h('span', { class: 'spacer' }),
    h('button', { type: 'button', class: 'btn', onclick: () => go('result') }, '按新的决定重新计算')));
  root.appendChild(box);
  draw();
  root.appendChild(navButtons('result', 'download', '下一步：下载'));
}

// What each button does, per kind of review item (the generic wording otherwise).
function reviewEffects(r) {
  const others = (r.records || []).map((p) => p.name).filter((n) => n && n !== r.owner).map((n) => `“${n}”`).join('、');
  if (r.kind === 'id_two_names') {
    return {
      same: '按一人计（与目前的计算相同），不再列为数据问题',
      different: `身份证号归“${r.owner || ''}”；${others}的记录不再按此号比对，按其他信息另算，并在数据问题中提示改正源表`,
    };
  }
  if (r.kind === 'shared_phone') {
    return {
      same: '这些姓名其实是同一个人签的到：合并为一人计算（身份证号不同的仍分开）',
      different: '各是各人，只是共用一个电话（家人或村干部代填）：分开计算（与目前的计算相同），不再列为数据问题',
    };
  }
  return { same: '合并为一人计算', different: '分开计算' };
}

function reviewCard(r, redraw) {
  const effects = reviewEffects(r);
  const decisionText = { same: `已决定：是同一人（${effects.same}）`, different: `已决定：不是同一人（${effects.different}）` };
  const card = h('div', { class: 'card review-card' + (r.decision ? ' decided' : ''), dataset: { key: r.key } });
  const set = async (decision) => {
    try {
      await api('PUT', wsPath('/review/' + encodeURIComponent(r.key)), { decision });
      r.decision = decision;
      toast(decision ? decisionText[decision] : '已撤销决定');
      redraw();
    } catch (e) { showError(e); }
  };
  card.appendChild(h('div', { class: 'review-head' },
    h('span', { class: 'chip chip-warn' }, REVIEW_KIND_LABELS[r.kind] || r.kind),
    h('span', { class: 'review-reason' }, r.reason)));
  const records = r.records || [];
  card.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'table review-table' },
    h('thead', null, h('tr', null, ['姓名', '身份证号', '电话', '村', '文件', '工作表', '行'].map((t) => h('th', null, t)))),
    h('tbody', null, records.map((p) => h('tr', null,
      h('td', null, p.name || ''), h('td', { class: 'mono' }, p.id || ''), h('td', { class: 'mono' }, p.phone || ''),
      h('td', null, p.village || ''), h('td', { class: 'path' }, uploadedPath(p.file || '')), h('td', null, p.sheet || ''), h('td', { class: 'num' }, p.row || '')))))));
  if (!r.decision && (r.kind === 'id_two_names' || r.kind === 'shared_phone')) {
    card.appendChild(h('ul', { class: 'review-effects muted' },
      h('li', null, h('b', null, '是同一人：'), effects.same),
      h('li', null, h('b', null, '不是同一人：'), effects.different)));
  }
  const actions = h('div', { class: 'review-actions' });
  if (r.decision) {
    actions.appendChild(h('span', { class: 'decision decision-' + r.decision }, decisionText[r.decision] || r.decision));
    actions.appendChild(h('button', { type: 'button', class: 'link', onclick: () => set(null) }, '撤销'));
  } else {
    actions.appendChild(h('button', { type: 'button', class: 'btn btn-primary decide-same', onclick: () => set('same') }, '是同一人'));
    actions.appendChild(h('button', { type: 'button', class: 'btn decide-different', onclick: () => set('different') }, '不是同一人'));
  }
  card.appendChild(actions);
  return card;
}

// ---------------------------------------------------------------------------
// Step 7: 下载

async function renderDownload(root) {
  root.appendChild(stepHeader('下载', '下载计算好的自评表。完整版含全部身份证号和电话，只供内部核对；对外公开请用公开版。'));
  const ws = state.workspace;
  if (!ws || !ws.hasResult) {
    root.appendChild(h('div', { class: 'card' }, h('p', null, '还没有计算结果。请先在第 5 步点击“开始计算”。'),
      h('button', { type: 'button', class: 'btn btn-primary', onclick: () => go('result') }, '去计算')));
    root.appendChild(navButtons('review', null));
    return;
  }
  const county = ws.county || '';
  const items = [
    { id: 'download-workbook', href: wsPath('/workbook'), title: '自评表（完整版）', file: `${county}-自评表.xlsx`,
      text: '官方考评指标表和全部计算依据（培训场次、学员名单、贫困人口培训清单、站点覆盖、待核查、数据问题）。含完整身份证号，请妥善保管。' },
    { id: 'download-masked', href: wsPath('/workbook?masked=1'), title: '自评表（公开版）', file: `${county}-自评表-公开版.xlsx`,
      text: '内容同完整版，身份证号、电话已打码（如 440281********123X），可用于公示或发给他人。' },
    { id: 'download-json', href: wsPath('/json'), title: '计算结果（JSON）', file: `${county}-考评结果.json`,
      text: '供其他程序读取的结果数据，与命令行 kaoping evaluate --json 的输出相同。' },
  ];
  root.appendChild(h('div', { class: 'download-grid' }, items.map((d) => h('div', { class: 'card download-card' },
    h('h2', null, d.title), h('p', null, d.text),
    h('a', { class: 'btn btn-primary', id: d.id, href: d.href, download: d.file }, '下载 ' + d.file)))));
  root.appendChild(h('div', { class: 'card' }, h('h2', null, '用命令行复核'),
    h('p', null, '这次考评的材料和配置都保存在考评文件夹中，命令行可以直接读取，得到同样的结果：'),
    h('pre', { class: 'code' }, `kaoping evaluate <考评文件夹>/${ws.id}/config.yaml`)));
  root.appendChild(navButtons('review', null));
}

// ---------------------------------------------------------------------------

window.addEventListener('hashchange', route);
document.addEventListener('DOMContentLoaded', route);
})();
