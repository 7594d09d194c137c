// The site page: wires devices, buttons and tables to a Publisher. Kiosk mode
// (/site/?token=...&autostart=1) publishes with no clicks and again after every reload.

import { Publisher } from './publisher.js';
import { takeFromUrl } from '../lib/kiosk.js';
import { el } from '../lib/dom.js';

const KEYS = {
  token: 'sitewatch.site.token',
  autostart: 'sitewatch.site.autostart',
  camera: 'sitewatch.site.camera',
  microphone: 'sitewatch.site.microphone',
};

const $ = (id) => document.getElementById(id);
const ui = {
  signal: $('signal-state'),
  siteId: $('site-id'),
  tokenPanel: $('token-panel'),
  tokenForm: $('token-form'),
  tokenInput: $('token-input'),
  tokenError: $('token-error'),
  preview: $('preview'),
  camera: $('camera'),
  microphone: $('microphone'),
  start: $('start'),
  stop: $('stop'),
  mediaError: $('media-error'),
  watchers: $('watchers'),
  noWatchers: $('no-watchers'),
  controller: $('controller'),
  teleopLast: $('teleop-last'),
  teleopAccepted: $('teleop-accepted'),
  teleopRefused: $('teleop-refused'),
};

/** @type {Publisher|null} */
let publisher = null;
/** @type {MediaStream|null} */
let stream = null;

takeFromUrl(localStorage, { token: KEYS.token, autostart: KEYS.autostart });
window.sitewatch = { get publisher() { return publisher; } }; // for tests and the curious

ui.tokenForm.addEventListener('submit', (e) => {
  e.preventDefault();
  localStorage.setItem(KEYS.token, ui.tokenInput.value.trim());
  ui.tokenInput.value = '';
  showTokenPanel(false);
});
ui.start.addEventListener('click', () => start());
ui.stop.addEventListener('click', () => stop());
ui.camera.addEventListener('change', () => deviceChanged(KEYS.camera, ui.camera.value));
ui.microphone.addEventListener('change', () => deviceChanged(KEYS.microphone, ui.microphone.value));
navigator.mediaDevices.addEventListener('devicechange', () => listDevices());

showTokenPanel(!localStorage.getItem(KEYS.token));
listDevices();
if (localStorage.getItem(KEYS.autostart) === '1' && localStorage.getItem(KEYS.token)) start();

async function start() {
  const token = localStorage.getItem(KEYS.token);
  if (!token) {
    showTokenPanel(true);
    return;
  }
  if (publisher) return;
  ui.mediaError.textContent = '';
  try {
    stream = await openMedia();
  } catch (e) {
    ui.mediaError.textContent = `Cannot open camera or microphone: ${e.message}`;
    return;
  }
  ui.preview.srcObject = stream;
  await listDevices();
  publisher = new Publisher({ token, stream });
  publisher.addEventListener('signal', (e) => signalState(e.detail));
  publisher.addEventListener('change', render);
  publisher.addEventListener('teleop', render);
  publisher.addEventListener('refused', render);
  publisher.start();
  ui.start.hidden = true;
  ui.stop.hidden = false;
}

function stop() {
  publisher?.stop();
  publisher = null;
  stream?.getTracks().forEach((t) => t.stop());
  stream = null;
  ui.preview.srcObject = null;
  ui.start.hidden = false;
  ui.stop.hidden = true;
  signalState('closed');
  render();
}

function signalState(state) {
  const labels = { connecting: 'connecting', open: 'publishing', reconnecting: 'reconnecting', closed: 'stopped',
    unauthorized: 'token rejected', replaced: 'replaced by another device' };
  ui.signal.dataset.state = state;
  ui.signal.textContent = labels[state] ?? state;
  if (state === 'unauthorized') {
    localStorage.removeItem(KEYS.token);
    stop();
    ui.tokenError.textContent = 'The appliance rejected this token (wrong, rotated or the site is disabled).';
    showTokenPanel(true);
  } else if (state === 'replaced') {
    stop();
    ui.mediaError.textContent = 'Another device started publishing as this site.';
  }
}

async function openMedia() {
  const camera = localStorage.getItem(KEYS.camera);
  const microphone = localStorage.getItem(KEYS.microphone);
  const video = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
  if (camera) video.deviceId = { ideal: camera };
  const audio = { echoCancellation: true, noiseSuppression: true };
  if (microphone) audio.deviceId = { ideal: microphone };
  const media = await navigator.mediaDevices.getUserMedia({ video, audio });
  media.getVideoTracks().forEach((t) => { t.contentHint = 'motion'; });
  return media;
}

async function listDevices() {
  const devices = await navigator.mediaDevices.enumerateDevices();
  fill(ui.camera, devices.filter((d) => d.kind === 'videoinput'), KEYS.camera, 'Camera');
  fill(ui.microphone, devices.filter((d) => d.kind === 'audioinput'), KEYS.microphone, 'Microphone');
}

function fill(select, devices, key, fallback) {
  const current = stream?.getTracks().find((t) => t.kind === (key === KEYS.camera ? 'video' : 'audio'))
    ?.getSettings().deviceId ?? localStorage.getItem(key);
  select.replaceChildren(...devices.map((d, i) =>
    el('option', { value: d.deviceId, selected: d.deviceId === current }, d.label || `${fallback} ${i + 1}`)));
}

async function deviceChanged(key, deviceId) {
  localStorage.setItem(key, deviceId);
  if (!publisher) return;
  try {
    const next = await openMedia();
    await publisher.replaceStream(next);
    stream.getTracks().forEach((t) => t.stop());
    stream = next;
    ui.preview.srcObject = stream;
  } catch (e) {
    ui.mediaError.textContent = `Cannot switch device: ${e.message}`;
  }
}

function showTokenPanel(show) {
  ui.tokenPanel.hidden = !show;
}

function render() {
  const viewers = publisher ? [...publisher.viewers.values()] : [];
  ui.siteId.textContent = publisher?.siteId ?? 'site';
  ui.noWatchers.hidden = viewers.length > 0;
  ui.watchers.replaceChildren(...viewers.map((v) => {
    const s = v.link.stats;
    return el('tr', { 'data-operator': v.peer.id, 'data-tier': v.tier },
      el('td', {}, v.peer.name),
      el('td', { 'data-tier': v.tier }, v.tier),
      el('td', {}, el('span', { class: 'badge', 'data-state': linkBadge(v.link.state) }, v.link.state)),
      el('td', {}, s?.route ?? '–'),
      el('td', {}, s ? s.kbpsOut : '–'),
      el('td', {}, s ? s.fps : '–'),
      el('td', {}, s?.rttMs != null ? `${s.rttMs} ms` : '–'));
  }));
  const primary = publisher?.primary ? publisher.viewers.get(publisher.primary) : null;
  ui.controller.textContent = primary ? primary.peer.name : publisher?.primary ? 'an operator' : 'nobody';
  const t = publisher?.teleop;
  ui.teleopLast.textContent = t?.last ? JSON.stringify(t.last.cmd) : '–';
  ui.teleopAccepted.textContent = t?.accepted ?? 0;
  ui.teleopRefused.textContent = t?.refused ?? 0;
}

function linkBadge(state) {
  return { connected: 'live', new: 'connecting', connecting: 'connecting', disconnected: 'reconnecting' }[state] ?? state;
}
