// The operator page: login, the site picker and the grid, wired to a Console. Wall mode
// (/operator/?token=...&sites=a,b,c) opens straight to those tiles and recovers on its own.

import { Console, MAX_TILES } from './console.js';
import { Intercom } from './intercom.js';
import { IntercomPanel } from './intercom-panel.js';
import { Tile } from './tile.js';
import { openRecordings, closeRecordings, recordingsView } from './recordings.js';
import { takeFromUrl } from '../lib/kiosk.js';
import { el } from '../lib/dom.js';

const KEYS = {
  wallToken: 'sitewatch.wall.token',
  wallSites: 'sitewatch.wall.sites',
  token: 'sitewatch.operator.token',
  name: 'sitewatch.operator.name',
  sites: 'sitewatch.operator.sites',
  room: 'sitewatch.intercom.room',
};
const RETRY_SITES_MS = 3000;
const TELEOP_KEYS = {
  ArrowUp: { forward: 1, turn: 0 }, KeyW: { forward: 1, turn: 0 },
  ArrowDown: { forward: -1, turn: 0 }, KeyS: { forward: -1, turn: 0 },
  ArrowLeft: { forward: 0, turn: -1 }, KeyA: { forward: 0, turn: -1 },
  ArrowRight: { forward: 0, turn: 1 }, KeyD: { forward: 0, turn: 1 },
};

const $ = (id) => document.getElementById(id);
const ui = {
  login: $('login'), loginForm: $('login-form'), loginName: $('login-name'), loginPassword: $('login-password'),
  loginError: $('login-error'), console: $('console'), operatorName: $('operator-name'), signal: $('signal-state'),
  choose: $('choose'), logout: $('logout'), picker: $('picker'), pickerList: $('picker-list'),
  pickerCount: $('picker-count'), pickerApply: $('picker-apply'), grid: $('grid'), empty: $('empty'),
};

/** @type {Console|null} */
let operatorConsole = null;
/** @type {Intercom|null} */
let intercom = null;
/** @type {Map<string, Tile>} */
const tiles = new Map();
const held = new Set();

takeFromUrl(localStorage, { token: KEYS.wallToken, sites: KEYS.wallSites, room: KEYS.room });
window.sitewatch = { // for tests and the curious
  get console() { return operatorConsole; },
  get intercom() { return intercom; },
  recordings: recordingsView,
};

ui.loginForm.addEventListener('submit', (e) => {
  e.preventDefault();
  login(ui.loginName.value.trim(), ui.loginPassword.value);
});
ui.logout.addEventListener('click', logout);
ui.choose.addEventListener('click', () => togglePicker(ui.picker.hidden));
ui.pickerApply.addEventListener('click', applyPicker);
document.addEventListener('keydown', (e) => teleopKey(e, true));
document.addEventListener('keyup', (e) => teleopKey(e, false));
window.addEventListener('blur', () => { held.clear(); operatorConsole?.setTeleop(null); });

open();

function token() {
  return localStorage.getItem(KEYS.wallToken) ?? sessionStorage.getItem(KEYS.token);
}

function wallMode() {
  return localStorage.getItem(KEYS.wallToken) !== null;
}

async function open() {
  if (!token()) {
    showLogin('');
    return;
  }
  let sites;
  try {
    sites = await fetchSites();
  } catch (e) {
    if (e.status === 401) {
      forget();
      showLogin(wallMode() ? '' : 'Your session has expired; sign in again.');
    } else {
      // The appliance may be restarting: a wall screen keeps trying on its own.
      setTimeout(open, RETRY_SITES_MS);
    }
    return;
  }
  startConsole(sites);
}

async function fetchSites() {
  const response = await fetch('/api/sites', { headers: { Authorization: `Bearer ${token()}` } });
  if (!response.ok) throw Object.assign(new Error(`sites: ${response.status}`), { status: response.status });
  return (await response.json()).sites;
}

async function login(name, password) {
  ui.loginError.textContent = '';
  const response = await fetch('/api/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name, password }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    ui.loginError.textContent = body.message ?? `Sign-in failed (${response.status})`;
    return;
  }
  sessionStorage.setItem(KEYS.token, body.token);
  sessionStorage.setItem(KEYS.name, body.name);
  ui.loginPassword.value = '';
  open();
}

function logout() {
  intercom?.leave();
  intercom = null;
  operatorConsole?.stop();
  operatorConsole = null;
  forget();
  showLogin('');
}

function forget() {
  localStorage.removeItem(KEYS.wallToken);
  localStorage.removeItem(KEYS.wallSites);
  sessionStorage.removeItem(KEYS.token);
}

function showLogin(message) {
  closeRecordings();
  ui.console.hidden = true;
  ui.login.hidden = false;
  ui.loginError.textContent = message;
  tiles.clear();
  ui.grid.replaceChildren();
}

function startConsole(sites) {
  ui.login.hidden = true;
  ui.console.hidden = false;
  ui.operatorName.textContent = sessionStorage.getItem(KEYS.name) ?? (wallMode() ? 'wall' : '');
  operatorConsole = new Console({ token: token(), sites });
  operatorConsole.addEventListener('change', (e) => render(e.detail));
  operatorConsole.addEventListener('signal', (e) => {
    ui.signal.dataset.state = e.detail;
    ui.signal.textContent = e.detail === 'open' ? 'connected' : e.detail;
  });
  operatorConsole.addEventListener('unauthorized', () => {
    operatorConsole.stop();
    operatorConsole = null;
    forget();
    showLogin('The appliance no longer accepts this sign-in.');
  });
  operatorConsole.start(initialSelection(sites));
  intercom = new Intercom(operatorConsole.signal);
  const panel = new IntercomPanel(intercom, token);
  const room = localStorage.getItem(KEYS.room);
  if (room) {
    // `&room=NAME` (or the room joined last) puts a wall screen on the intercom unattended.
    panel.show(true);
    intercom.join(room).catch(() => {});
  }
  openRecordings(token);
  layout();
}

/** Wall mode shows the URL's sites; otherwise the last choice, or the first sites. */
function initialSelection(sites) {
  const stored = wallMode() ? localStorage.getItem(KEYS.wallSites) : localStorage.getItem(KEYS.sites);
  if (stored !== null) return stored.split(',').map((s) => s.trim()).filter(Boolean);
  return sites.slice(0, MAX_TILES).map((s) => s.id);
}

function layout() {
  const ids = operatorConsole.watched;
  for (const [id, tile] of tiles) {
    if (!ids.includes(id)) {
      tile.element.remove();
      tiles.delete(id);
    }
  }
  ids.forEach((id, index) => {
    let tile = tiles.get(id);
    if (!tile) {
      const site = operatorConsole.sites.get(id);
      tile = new Tile(site, { onStar: () => star(id), onTeleop: (cmd) => operatorConsole.setTeleop(cmd) });
      tiles.set(id, tile);
    }
    if (ui.grid.children[index] !== tile.element) ui.grid.insertBefore(tile.element, ui.grid.children[index] ?? null);
  });
  const n = ids.length;
  ui.grid.dataset.count = String(n);
  ui.grid.dataset.cols = String(n <= 1 ? 1 : n <= 4 ? 2 : n <= 9 ? 3 : 4);
  ui.empty.hidden = n > 0;
  render(null);
}

function render(siteId) {
  if (!operatorConsole) return;
  for (const [id, tile] of tiles) {
    if (siteId && siteId !== id) continue;
    tile.update(operatorConsole.sites.get(id), {
      state: operatorConsole.tileState(id),
      primary: operatorConsole.isPrimary(id),
      holder: operatorConsole.holderOf(id),
    });
  }
}

function star(siteId) {
  if (operatorConsole.isPrimary(siteId)) operatorConsole.release(siteId);
  else operatorConsole.claim(siteId);
}

function togglePicker(show) {
  ui.picker.hidden = !show;
  ui.choose.setAttribute('aria-expanded', String(show));
  if (!show) return;
  const watched = new Set(operatorConsole.watched);
  const sites = [...operatorConsole.sites.values()].sort((a, b) => a.name.localeCompare(b.name));
  ui.pickerList.replaceChildren(...sites.map((s) => el('label', {},
    el('input', { type: 'checkbox', value: s.id, checked: watched.has(s.id), onchange: countPicked }),
    s.name, el('span', { class: 'muted' }, s.online ? '' : ' (offline)'))));
  countPicked();
}

function countPicked() {
  const picked = ui.pickerList.querySelectorAll('input:checked').length;
  ui.pickerCount.textContent = `${picked} of ${MAX_TILES}`;
  ui.pickerApply.disabled = picked > MAX_TILES;
}

function applyPicker() {
  const ids = [...ui.pickerList.querySelectorAll('input:checked')].map((i) => i.value).slice(0, MAX_TILES);
  localStorage.setItem(wallMode() ? KEYS.wallSites : KEYS.sites, ids.join(','));
  operatorConsole.watch(ids);
  togglePicker(false);
  layout();
}

/** Arrows or WASD drive the primary site while held; the last key pressed wins. */
function teleopKey(e, down) {
  const command = TELEOP_KEYS[e.code];
  if (!command || !operatorConsole || e.target instanceof HTMLInputElement) return;
  e.preventDefault();
  if (down) held.add(e.code);
  else held.delete(e.code);
  const last = [...held].pop();
  operatorConsole.setTeleop(last ? TELEOP_KEYS[last] : null);
}
