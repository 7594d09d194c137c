// The site page: wires devices, buttons and tables to a Publisher, and the published stream to a
// ChunkRecorder whose chunks are kept in a ChunkStore and sent by an Uploader. Kiosk mode
// (/site/?token=...&autostart=1) publishes with no clicks and again after every reload.

import { Publisher } from './publisher.js';
import { ChunkRecorder } from './recorder.js';
import { ChunkStore } from './chunk-store.js';
import { Uploader, sha256 } from './uploads.js';
import { takeFromUrl } from '../lib/kiosk.js';
import { el } from '../lib/dom.js';

const KEYS = {
  token: 'sitewatch.site.token',
  autostart: 'sitewatch.site.autostart',
  camera: 'sitewatch.site.camera',
  microphone: 'sitewatch.site.microphone',
  siteId: 'sitewatch.site.id',
};
const DEFAULT_CHUNK_SECONDS = 10;
const DEFAULT_LOCAL_BYTES = 512 * 1024 * 1024;
const LISTED_CHUNKS = 20;

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
  recordingsSummary: $('recordings-summary'),
  recordingsUpload: $('recordings-upload'),
  recordingsError: $('recordings-error'),
  recordings: $('recordings'),
};

/** @type {Publisher|null} */
let publisher = null;
/** @type {MediaStream|null} */
let stream = null;
/** @type {ChunkStore|null} */
let store = null;
/** @type {Uploader|null} */
let uploader = null;
/** @type {ChunkRecorder|null} */
let recorder = null;
let keeping = Promise.resolve();
/** Settles once the last recording's final chunk is stored (for tests: then compare with the appliance). */
let flushed = Promise.resolve();
let droppedUnsent = 0;
let downloadUrls = [];

if (takeFromUrl(localStorage, { token: KEYS.token, autostart: KEYS.autostart })) localStorage.removeItem(KEYS.siteId);
window.sitewatch = { // for tests and the curious
  get publisher() { return publisher; },
  get recorder() { return recorder; },
  get uploader() { return uploader; },
  get store() { return store; },
  get flushed() { return flushed; },
};
const storeReady = ChunkStore.open().then((opened) => {
  store = opened;
  navigator.storage?.persist?.().catch(() => {}); // ask the browser not to evict evidence under pressure
  startUploads();
  renderRecordings();
}, (e) => {
  ui.recordingsError.textContent = `Recordings cannot be kept on this device: ${e?.message ?? e}`;
});

ui.tokenForm.addEventListener('submit', (e) => {
  e.preventDefault();
  localStorage.setItem(KEYS.token, ui.tokenInput.value.trim());
  localStorage.removeItem(KEYS.siteId);
  ui.tokenInput.value = '';
  showTokenPanel(false);
  stopUploads();
  startUploads();
});
window.addEventListener('online', () => uploader?.retryNow());
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
  startRecording();
}

function stop() {
  const ending = recorder;
  recorder = null;
  if (ending) flushed = ending.stop().then(() => keeping); // its last chunk is kept like the others
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
    stopUploads();
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
    recorder?.replaceStream(next);
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

// --- recordings ----------------------------------------------------------------------------------

function startUploads() {
  const token = localStorage.getItem(KEYS.token);
  if (!store || !token || uploader) return;
  uploader = new Uploader({ store, token });
  uploader.addEventListener('change', renderRecordings);
  uploader.start();
}

function stopUploads() {
  uploader?.stop();
  uploader = null;
}

/** Records what is published: chunk length and site id from the appliance, or the defaults offline. */
async function startRecording() {
  await storeReady;
  const settings = await uploader?.fetchSettings();
  if (!stream || recorder || !store) return; // stopped meanwhile, or nowhere to keep chunks
  if (settings) localStorage.setItem(KEYS.siteId, settings.site);
  const site = localStorage.getItem(KEYS.siteId);
  recorder = new ChunkRecorder({ stream, chunkMs: (settings?.chunkSeconds ?? DEFAULT_CHUNK_SECONDS) * 1000 });
  recorder.addEventListener('chunk', (e) => { keeping = keeping.then(() => keep(e.detail, site)); });
  recorder.addEventListener('error', (e) => { ui.recordingsError.textContent = `Recorder: ${e.detail.message}`; });
  recorder.start();
}

/** Stores a chunk with its hash, within the device's budget, and wakes the uploader. */
async function keep(chunk, site) {
  try {
    const lost = await store.enforce(await localBudget() - chunk.blob.size);
    droppedUnsent += lost.length;
    await store.add({ ...chunk, site, size: chunk.blob.size, sha256: await sha256(chunk.blob), state: 'pending' });
  } catch (e) {
    ui.recordingsError.textContent = `Cannot keep a recording chunk: ${e.message}`;
  }
  uploader?.retryNow();
  renderRecordings();
}

/** The appliance's recordings.site-local-mb, or less if the browser grants this page less room. */
async function localBudget() {
  const configured = uploader?.settings?.localBytes ?? DEFAULT_LOCAL_BYTES;
  const quota = (await navigator.storage?.estimate?.())?.quota;
  return quota ? Math.min(configured, Math.floor(quota * 0.8)) : configured;
}

let rendering = null;
let renderAgain = false;

/** Redraws the panel; calls while a redraw runs coalesce into one more. */
function renderRecordings() {
  if (rendering) {
    renderAgain = true;
    return;
  }
  rendering = drawRecordings().catch(() => {}).finally(() => {
    rendering = null;
    if (renderAgain) {
      renderAgain = false;
      renderRecordings();
    }
  });
}

async function drawRecordings() {
  if (!store) return;
  const chunks = await store.list();
  const count = (state) => chunks.filter((c) => c.state === state).length;
  const bytes = chunks.reduce((sum, c) => sum + c.size, 0);
  const budget = await localBudget();
  ui.recordingsSummary.textContent = chunks.length === 0 ? 'Nothing recorded on this device.'
    : `${chunks.length} chunks kept here (${megabytes(bytes)} of ${megabytes(budget)}): ${count('uploaded')} uploaded, `
      + `${count('pending')} pending${count('failed') ? `, ${count('failed')} refused` : ''}`
      + `${droppedUnsent ? `; ${droppedUnsent} dropped before upload (device storage full)` : ''}.`;
  ui.recordingsUpload.textContent = uploadState();
  ui.recordingsUpload.dataset.state = uploader?.state ?? 'stopped';
  downloadUrls.forEach((url) => URL.revokeObjectURL(url));
  downloadUrls = [];
  ui.recordings.replaceChildren(...chunks.slice(-LISTED_CHUNKS).reverse().map((c) => {
    const url = URL.createObjectURL(c.blob);
    downloadUrls.push(url);
    const name = `${c.site ?? 'site'}-${c.recordingId.slice(0, 8)}-${String(c.seq).padStart(5, '0')}`
      + `.${c.mimeType.includes('mp4') ? 'mp4' : 'webm'}`;
    return el('tr', { 'data-recording': c.recordingId, 'data-seq': c.seq, 'data-state': c.state },
      el('td', {}, new Date(c.startedAt).toLocaleString()),
      el('td', {}, `${(c.durationMs / 1000).toFixed(1)} s`),
      el('td', {}, megabytes(c.size)),
      el('td', { title: c.error ?? '' }, c.state === 'failed' ? `refused: ${c.error}` : c.state),
      el('td', {}, el('a', { href: url, download: name }, 'Download')));
  }));
}

function uploadState() {
  if (!uploader) return 'Uploads paused: no site token.';
  switch (uploader.state) {
    case 'uploading': return 'Uploading to the appliance…';
    case 'waiting': return `Upload failed (${uploader.lastError}); retrying at ${new Date(uploader.retryAt).toLocaleTimeString()}.`;
    case 'idle': return 'Nothing is waiting to be uploaded.';
    default: return 'Uploads stopped.';
  }
}

function megabytes(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
