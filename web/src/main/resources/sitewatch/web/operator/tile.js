// One tile of the grid: video, name, state, route and numbers, the star that takes control,
// and the on-screen teleop pad when this operator is the primary.

import { el } from '../lib/dom.js';

const PAD = [
  { key: 'up', label: '▲', cmd: { forward: 1, turn: 0 } },
  { key: 'left', label: '◀', cmd: { forward: 0, turn: -1 } },
  { key: 'down', label: '▼', cmd: { forward: -1, turn: 0 } },
  { key: 'right', label: '▶', cmd: { forward: 0, turn: 1 } },
];

export class Tile {
  /** @type {HTMLElement} */
  element;
  #video;
  #badge;
  #star;
  #numbers;
  #holder;
  #pad;
  #padRtt;
  #volume;
  #stream = null;

  /**
   * @param {{id: string, name: string, location?: string}} site
   * @param {{onStar: () => void, onTeleop: (cmd: object|null) => void}} actions
   */
  constructor(site, { onStar, onTeleop }) {
    this.#video = el('video', { autoplay: true, playsinline: true, muted: true });
    this.#video.muted = true;
    this.#badge = el('span', { class: 'badge', 'data-state': 'offline' }, 'offline');
    this.#star = el('button', { type: 'button', class: 'star', 'aria-pressed': 'false',
      'aria-label': `Take control of ${site.name}`, title: 'Take control', onclick: onStar }, '☆');
    this.#numbers = el('span', { class: 'numbers' });
    this.#holder = el('span', { class: 'holder' });
    this.#padRtt = el('span', { class: 'pad-rtt' });
    // The site's own volume: apart from the intercom's, so the two never mix.
    this.#volume = el('input', { type: 'range', class: 'volume', min: 0, max: 1, step: 0.05, value: 1, hidden: true,
      'aria-label': `Volume of ${site.name}`, oninput: () => { this.#video.volume = Number(this.#volume.value); } });
    this.#pad = el('div', { class: 'pad', hidden: true, role: 'group', 'aria-label': 'Teleop' },
      PAD.map((b) => el('button', {
        type: 'button', class: `pad-${b.key}`, 'aria-label': `Teleop ${b.key}`,
        onpointerdown: () => onTeleop(b.cmd), onpointerup: () => onTeleop(null), onpointerleave: () => onTeleop(null),
      }, b.label)), this.#padRtt);
    this.element = el('article', { class: 'tile', 'data-site': site.id, 'data-state': 'offline', 'data-primary': 'false',
      'aria-label': `${site.name}, offline` },
      this.#video,
      el('header', {}, el('span', { class: 'name', title: site.location ?? '' }, site.name), this.#volume, this.#badge,
        this.#star),
      el('footer', {}, this.#numbers, this.#holder),
      this.#pad);
  }

  /**
   * @param {{name: string, stream: MediaStream|null, link: import('../lib/peer.js').PeerLink|null,
   *   teleopRttMs: number|null}} site
   * @param {{state: string, primary: boolean, holder: string|null}} view
   */
  update(site, { state, primary, holder }) {
    const e = this.element;
    e.dataset.state = state;
    e.dataset.primary = String(primary);
    e.setAttribute('aria-label', `${site.name}, ${state}${primary ? ', you have control' : ''}`);
    this.#badge.dataset.state = state;
    this.#badge.textContent = state;
    this.#star.textContent = primary ? '★' : '☆';
    this.#star.setAttribute('aria-pressed', String(primary));
    this.#star.title = primary ? 'Release control' : 'Take control';
    if (site.stream !== this.#stream) {
      this.#stream = site.stream;
      this.#video.srcObject = site.stream;
    }
    // Only the primary plays audio (protocol.md, Watching and control).
    this.#video.muted = !primary;
    this.#volume.hidden = !primary;
    const s = site.link?.stats;
    this.#numbers.textContent = s && state !== 'offline'
      ? [s.route ?? '–', `${s.kbpsIn} kbps`, `${s.fps} fps`, s.rttMs != null ? `${s.rttMs} ms` : null]
        .filter(Boolean).join(' · ')
      : '';
    this.#holder.textContent = holder && holder !== 'you' ? `controlled by ${holder}` : '';
    this.#pad.hidden = !primary;
    this.#padRtt.textContent = site.teleopRttMs != null ? `teleop ${site.teleopRttMs} ms` : '';
  }
}
