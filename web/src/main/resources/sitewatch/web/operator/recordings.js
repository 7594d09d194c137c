// The Recordings view: pick a site and a time range, see its recordings on a timeline, play one
// (seeking across its chunks) and download it. Talks to /api/recordings with the operator token
// (docs/protocol.md, Recordings); the page only calls openRecordings/closeRecordings.

import { RecordingPlayer } from './playback.js';
import { el } from '../lib/dom.js';

const DAY_MS = 24 * 3600 * 1000;
const $ = (id) => document.getElementById(id);
const ui = {
  toggle: $('recordings-toggle'), view: $('recordings'), form: $('recordings-form'), site: $('recordings-site'),
  since: $('recordings-since'), until: $('recordings-until'), error: $('recordings-error'),
  status: $('recordings-status'),
  timeline: $('recordings-timeline'), list: $('recordings-list'), player: $('player'), video: $('player-video'),
  title: $('player-title'), clock: $('player-clock'), download: $('player-download'), close: $('player-close'),
};

/** @type {() => string|null} */
let token = () => null;
/** @type {RecordingPlayer|null} */
let player = null;
let playing = null;
let downloadUrl = null;

ui.toggle.addEventListener('click', () => (ui.view.hidden ? show() : hide()));
ui.form.addEventListener('submit', (e) => {
  e.preventDefault();
  search();
});
ui.close.addEventListener('click', closePlayer);
ui.download.addEventListener('click', () => playing && download(playing));
ui.video.addEventListener('timeupdate', showClock);

/** Makes the view available to a signed-in operator. */
export function openRecordings(operatorToken) {
  token = operatorToken;
  ui.toggle.hidden = false;
}

/** On sign-out: nothing of the view survives. */
export function closeRecordings() {
  hide();
  ui.toggle.hidden = true;
  ui.list.replaceChildren();
  ui.timeline.replaceChildren();
  token = () => null;
}

/** For tests and the curious. */
export const recordingsView = {
  get player() { return player; },
  get playing() { return playing; },
};

async function show() {
  ui.view.hidden = false;
  document.body.dataset.view = 'recordings';
  ui.toggle.setAttribute('aria-expanded', 'true');
  if (!ui.since.value) {
    ui.since.value = localInput(new Date(Date.now() - DAY_MS));
    ui.until.value = localInput(new Date(Date.now() + 3600 * 1000));
  }
  try {
    const { sites } = await api('/api/sites');
    const current = ui.site.value;
    ui.site.replaceChildren(...sites.map((s) => el('option', { value: s.id, selected: s.id === current }, s.name)));
  } catch (e) {
    ui.error.textContent = e.message;
  }
}

function hide() {
  closePlayer();
  ui.view.hidden = true;
  delete document.body.dataset.view;
  ui.toggle.setAttribute('aria-expanded', 'false');
}

async function search() {
  ui.error.textContent = '';
  const since = new Date(ui.since.value);
  const until = new Date(ui.until.value);
  if (!(since < until)) {
    ui.error.textContent = 'Choose a start before the end.';
    return;
  }
  const query = new URLSearchParams({ site: ui.site.value, since: since.toISOString(), until: until.toISOString() });
  try {
    const { recordings } = await api(`/api/recordings?${query}`);
    render(recordings, since.getTime(), until.getTime());
  } catch (e) {
    ui.error.textContent = e.message;
  }
}

/** The recordings as segments on a bar spanning the chosen range, and as a table. */
function render(recordings, from, to) {
  const span = to - from;
  ui.timeline.replaceChildren(
    ...recordings.map((r) => {
      const start = Math.max(from, Date.parse(r.startedAt));
      const end = Math.min(to, Date.parse(r.endedAt));
      const segment = el('button', { type: 'button', class: 'segment', 'data-recording': r.id,
        title: `${when(r.startedAt)}, ${length(r.durationMs)}`, onclick: (e) => {
          const box = ui.timeline.getBoundingClientRect();
          play(r, new Date(from + ((e.clientX - box.left) / box.width) * span));
        } });
      // Positions through the CSSOM: the Content-Security-Policy forbids inline style attributes.
      segment.style.left = `${((start - from) / span) * 100}%`;
      segment.style.width = `max(3px, ${((end - start) / span) * 100}%)`;
      return segment;
    }),
    el('span', { class: 'tick tick-start' }, new Date(from).toLocaleString()),
    el('span', { class: 'tick tick-end' }, new Date(to).toLocaleString()));
  ui.list.replaceChildren(...recordings.map((r) => el('tr', { 'data-recording': r.id },
    el('td', {}, when(r.startedAt)),
    el('td', {}, length(r.durationMs)),
    el('td', {}, r.lastSeq - r.firstSeq + 1 > r.chunks ? `${r.chunks} (gaps)` : String(r.chunks)),
    el('td', {}, `${(r.bytes / 1e6).toFixed(1)} MB`),
    el('td', {},
      el('button', { type: 'button', class: 'play', onclick: () => play(r, null) }, 'Play'), ' ',
      el('button', { type: 'button', class: 'download', onclick: () => download(r) }, 'Download')))));
  if (recordings.length === 0) ui.list.append(el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'No recordings.')));
}

async function play(recording, at) {
  closePlayer();
  ui.error.textContent = '';
  try {
    const { chunks } = await api(`/api/recordings/${encodeURIComponent(recording.id)}`);
    player = new RecordingPlayer({
      video: ui.video, mimeType: recording.mimeType, chunks,
      fetchChunk: (seq) => fetchChunk(recording.id, seq),
    });
  } catch (e) {
    ui.error.textContent = `Cannot play this recording: ${e.message}`;
    return;
  }
  player.addEventListener('error', (e) => { ui.error.textContent = `Playback: ${e.detail}`; });
  playing = recording;
  ui.player.hidden = false;
  ui.player.dataset.recording = recording.id;
  ui.title.textContent = `${recording.site}, ${when(recording.startedAt)} (${length(recording.durationMs)})`;
  if (at) player.seekTo(at);
  ui.video.play().catch(() => {}); // autoplay may be refused; the controls remain
}

function closePlayer() {
  player?.close();
  player = null;
  playing = null;
  ui.player.hidden = true;
  ui.clock.textContent = '';
}

function showClock() {
  if (player) ui.clock.textContent = player.position().at.toLocaleString();
}

/** Fetches the chunks one by one into one file, the same bytes as `sitewatch recordings export`. */
async function download(recording) {
  ui.error.textContent = '';
  try {
    const { chunks } = await api(`/api/recordings/${encodeURIComponent(recording.id)}`);
    const parts = [];
    for (const chunk of chunks) {
      ui.status.textContent = `Downloading chunk ${parts.length + 1} of ${chunks.length}…`;
      parts.push(await fetchChunk(recording.id, chunk.seq));
    }
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    downloadUrl = URL.createObjectURL(new Blob(parts, { type: recording.mimeType }));
    const extension = recording.mimeType.includes('mp4') ? 'mp4' : 'webm';
    el('a', { href: downloadUrl, download: `${recording.site}-${recording.startedAt.replace(/[:.]/g, '-')}.${extension}` })
      .click();
  } catch (e) {
    ui.error.textContent = `Download failed: ${e.message}`;
  }
  ui.status.textContent = '';
}

async function fetchChunk(id, seq) {
  const response = await fetch(`/api/recordings/${encodeURIComponent(id)}/chunks/${seq}`, { headers: auth() });
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
  return response.arrayBuffer();
}

async function api(path) {
  const response = await fetch(path, { headers: auth() });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message ?? `${response.status} ${response.statusText}`);
  return body;
}

function auth() {
  return { Authorization: `Bearer ${token()}` };
}

function when(iso) {
  return new Date(iso).toLocaleString();
}

function length(ms) {
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.floor(s / 60) % 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** A Date as a datetime-local input value (local time, minutes). */
function localInput(date) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}
