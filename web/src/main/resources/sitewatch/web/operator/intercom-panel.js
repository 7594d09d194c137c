// The Intercom panel: rooms with Join/Leave, members with speaking meters and volumes,
// open mic or push-to-talk (hold T), mute and the intercom's own master volume.

import { el } from '../lib/dom.js';

const REFRESH_MS = 5000;
const PTT_KEY = 'KeyT';

export class IntercomPanel {
  #intercom;
  #token;
  #ui;
  #rooms = [];
  #audio = new Map();
  #refreshTimer = 0;
  #meterFrame = 0;

  /**
   * @param {import('./intercom.js').Intercom} intercom
   * @param {() => string} token the operator token, for GET /api/rooms
   */
  constructor(intercom, token) {
    this.#intercom = intercom;
    this.#token = token;
    const $ = (id) => document.getElementById(id);
    this.#ui = {
      panel: $('intercom'), toggle: $('intercom-toggle'), rooms: $('rooms'), error: $('intercom-error'),
      room: $('intercom-room'), roomName: $('intercom-room-name'), members: $('members'), mute: $('mute'),
      ptt: $('ptt'), master: $('master-volume'), myLevel: $('my-level'),
    };
    this.#ui.toggle.addEventListener('click', () => this.show(this.#ui.panel.hidden));
    this.#ui.mute.addEventListener('click', () => intercom.setMuted(!intercom.muted));
    this.#ui.master.addEventListener('input', () => intercom.setMasterVolume(Number(this.#ui.master.value)));
    for (const radio of document.querySelectorAll('input[name="intercom-mode"]')) {
      radio.addEventListener('change', () => intercom.setMode(radio.value));
    }
    const talk = (on) => () => intercom.setTalking(on);
    this.#ui.ptt.addEventListener('pointerdown', talk(true));
    this.#ui.ptt.addEventListener('pointerup', talk(false));
    this.#ui.ptt.addEventListener('pointerleave', talk(false));
    document.addEventListener('keydown', (e) => this.#pttKey(e, true));
    document.addEventListener('keyup', (e) => this.#pttKey(e, false));
    intercom.addEventListener('change', () => this.render());
    intercom.addEventListener('full', (e) => {
      this.#ui.error.textContent = `Room “${e.detail}” is full.`;
      this.refresh();
    });
  }

  show(visible) {
    this.#ui.panel.hidden = !visible;
    this.#ui.toggle.setAttribute('aria-expanded', String(visible));
    clearInterval(this.#refreshTimer);
    if (visible) {
      this.refresh();
      this.#refreshTimer = setInterval(() => this.refresh(), REFRESH_MS);
    }
  }

  async refresh() {
    const response = await fetch('/api/rooms', { headers: { Authorization: `Bearer ${this.#token()}` } });
    if (response.ok) {
      this.#rooms = (await response.json()).rooms;
      this.render();
    }
  }

  render() {
    const intercom = this.#intercom;
    const ui = this.#ui;
    ui.rooms.replaceChildren(...this.#rooms.map((room) => {
      const joined = intercom.room === room.name;
      return el('li', { 'data-room': room.name },
        el('span', { class: 'room-name' }, room.name),
        el('span', { class: 'muted' }, `${room.members.length}/${room.capacity}`),
        el('button', { type: 'button', class: joined ? 'leave' : 'join',
          onclick: () => this.#joinOrLeave(room.name, joined) }, joined ? 'Leave' : 'Join'));
    }));
    ui.room.hidden = !intercom.room;
    ui.roomName.textContent = intercom.room ?? '';
    ui.mute.textContent = intercom.muted ? 'Unmute' : 'Mute';
    ui.mute.setAttribute('aria-pressed', String(intercom.muted));
    ui.ptt.hidden = intercom.mode !== 'ptt';
    ui.panel.dataset.live = String(intercom.live);
    this.#renderMembers();
    this.#syncAudio();
    if (intercom.room && !this.#meterFrame) this.#meterFrame = requestAnimationFrame(() => this.#meters());
  }

  async #joinOrLeave(room, joined) {
    this.#ui.error.textContent = '';
    if (joined) {
      this.#intercom.leave();
      localStorage.removeItem('sitewatch.intercom.room');
    } else {
      try {
        await this.#intercom.join(room);
        localStorage.setItem('sitewatch.intercom.room', room);
      } catch (e) {
        this.#ui.error.textContent = `Cannot open the microphone: ${e.message}`;
      }
    }
    setTimeout(() => this.refresh(), 300);
  }

  #renderMembers() {
    const intercom = this.#intercom;
    const rows = [...intercom.members.values()].map((m) => {
      const id = m.peer.sessionId;
      return el('li', { 'data-member': id, 'data-state': m.link?.state ?? 'waiting' },
        el('span', { class: 'member-name' }, m.peer.name),
        el('meter', { min: 0, max: 1, value: 0, 'aria-label': `${m.peer.name} speaking level` }),
        el('input', { type: 'range', min: 0, max: 1, step: 0.05, value: m.volume,
          'aria-label': `Volume of ${m.peer.name}`,
          oninput: (e) => intercom.setVolume(id, Number(e.target.value)) }));
    });
    this.#ui.members.replaceChildren(...rows);
  }

  /** One audio element per member plays its voice, at its own volume times the master volume. */
  #syncAudio() {
    const intercom = this.#intercom;
    for (const [id, audio] of this.#audio) {
      if (!intercom.members.get(id)?.stream) {
        audio.srcObject = null;
        audio.remove();
        this.#audio.delete(id);
      }
    }
    for (const [id, member] of intercom.members) {
      if (!member.stream) continue;
      let audio = this.#audio.get(id);
      if (!audio) {
        audio = el('audio', { autoplay: true, 'data-member-audio': id });
        this.#ui.panel.append(audio);
        this.#audio.set(id, audio);
      }
      if (audio.srcObject !== member.stream) audio.srcObject = member.stream;
      audio.volume = Math.min(1, member.volume * intercom.masterVolume);
    }
  }

  #meters() {
    this.#meterFrame = 0;
    const intercom = this.#intercom;
    if (!intercom.room) return;
    this.#ui.myLevel.value = intercom.live ? intercom.level() : 0;
    for (const li of this.#ui.members.children) {
      const level = intercom.level(li.dataset.member);
      li.querySelector('meter').value = level;
      li.dataset.speaking = String(level > 0.05);
    }
    this.#meterFrame = requestAnimationFrame(() => this.#meters());
  }

  #pttKey(e, down) {
    if (e.code !== PTT_KEY || e.repeat || e.target instanceof HTMLInputElement) return;
    if (this.#intercom.mode === 'ptt' && this.#intercom.room) this.#intercom.setTalking(down);
  }
}
