// The operators' voice intercom, free of the DOM: one room at a time, a P2P audio mesh
// (members already in the room offer to the newcomer), mute, push-to-talk, volumes and levels.

import { PeerLink } from '../lib/peer.js';

const MIC = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

/**
 * @typedef {{peer: import('../lib/signal-client.js').PeerEntry, link: PeerLink|null,
 *   stream: MediaStream|null, volume: number, analyser: AnalyserNode|null}} Member
 */

/** Events: `change` (room, members, mode or volumes changed), `full` (detail: room name). */
export class Intercom extends EventTarget {
  /** @type {string|null} the room joined */
  room = null;
  /** @type {Map<string, Member>} by session id */
  members = new Map();
  mode = 'open';
  muted = false;
  talking = false;
  masterVolume = 1;
  #signal;
  #joining = null;
  /** @type {MediaStream|null} */
  #mic = null;
  /** @type {AudioContext|null} */
  #audio = null;
  #micAnalyser = null;

  /** @param {import('../lib/signal-client.js').SignalClient} signal */
  constructor(signal) {
    super();
    this.#signal = signal;
    const on = (type, handler) => signal.addEventListener(type, (e) => !e.detail?.link && handler(e.detail));
    on('room', (m) => this.#roomJoined(m));
    on('room-event', (m) => this.#roomEvent(m));
    on('offer', (m) => this.#offer(m));
    on('answer', (m) => this.members.get(m.from)?.link?.acceptAnswer(m.sdp));
    on('candidate', (m) => this.members.get(m.from)?.link?.addCandidate(m.candidate));
    on('bye', (m) => this.#dropLink(m.from));
    on('error', (m) => this.#refused(m));
    on('welcome', ({ resumed }) => this.#rejoinAfterNewSession(resumed));
  }

  /** Joins a room (leaving the current one); the microphone opens with echo cancellation and noise suppression. */
  async join(room) {
    if (this.room === room || this.#joining === room) return;
    if (this.room) this.leave();
    this.#joining = room;
    this.#mic = await navigator.mediaDevices.getUserMedia({ audio: MIC });
    this.#micAnalyser = this.#analyse(this.#mic);
    this.#applyMic();
    this.#signal.send({ type: 'join-room', room });
  }

  leave() {
    const room = this.room ?? this.#joining;
    for (const id of [...this.members.keys()]) this.#removeMember(id, true);
    if (room) this.#signal.send({ type: 'leave-room', room });
    this.room = null;
    this.#joining = null;
    this.#mic?.getTracks().forEach((t) => t.stop());
    this.#mic = null;
    this.#micAnalyser = null;
    this.#changed();
  }

  setMuted(muted) {
    this.muted = muted;
    this.#applyMic();
  }

  /** @param {'open'|'ptt'} mode open mic, or push-to-talk */
  setMode(mode) {
    this.mode = mode;
    this.#applyMic();
  }

  /** Push-to-talk key or button held. */
  setTalking(talking) {
    this.talking = talking;
    this.#applyMic();
  }

  setVolume(sessionId, volume) {
    const member = this.members.get(sessionId);
    if (member) member.volume = volume;
    this.#changed();
  }

  setMasterVolume(volume) {
    this.masterVolume = volume;
    this.#changed();
  }

  /** Whether our microphone is sending right now. */
  get live() {
    return Boolean(this.#mic) && !this.muted && (this.mode === 'open' || this.talking);
  }

  /** Level 0..1 of a member's voice, or ours with no argument: for speaking indicators. */
  level(sessionId) {
    const analyser = sessionId ? this.members.get(sessionId)?.analyser : this.#micAnalyser;
    if (!analyser) return 0;
    const samples = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    return Math.min(1, Math.sqrt(sum / samples.length) * 4);
  }

  #applyMic() {
    this.#mic?.getAudioTracks().forEach((t) => { t.enabled = this.live; });
    this.#changed();
  }

  #roomJoined({ room, members }) {
    if (room !== this.#joining) return;
    this.room = room;
    this.#joining = null;
    // Members already here offer to us (protocol.md, Voice rooms).
    for (const peer of members) this.members.set(peer.sessionId, this.#member(peer));
    this.#changed();
  }

  #roomEvent({ room, event, peer }) {
    if (room !== this.room || peer.sessionId === this.#signal.sessionId) return;
    if (event === 'joined') {
      const member = this.#member(peer);
      this.members.set(peer.sessionId, member);
      member.link = this.#link(member, true);
      member.link.offer().catch(() => this.#dropLink(peer.sessionId));
    } else {
      this.#removeMember(peer.sessionId, false);
    }
    this.#changed();
  }

  async #offer({ from, sdp }) {
    const member = this.members.get(from);
    if (!member) return; // not ours: offers from sites go to the console
    if (!member.link || member.link.state === 'closed') member.link = this.#link(member, false);
    const mic = this.#mic;
    await member.link.acceptOffer(sdp, () => {
      // addTrack after the offer reuses the offered audio transceiver, so the answer sends our voice.
      const pc = member.link.pc;
      if (mic && pc.getSenders().every((s) => !s.track)) mic.getAudioTracks().forEach((t) => pc.addTrack(t, mic));
    }).catch(() => this.#dropLink(from));
  }

  #link(member, offerer) {
    const link = new PeerLink({ signal: this.#signal, peerId: member.peer.sessionId,
      iceServers: this.#signal.welcome.iceServers, offerer });
    if (offerer && this.#mic) {
      for (const track of this.#mic.getAudioTracks()) link.pc.addTransceiver(track, { direction: 'sendrecv' });
    }
    link.addEventListener('track', (e) => {
      member.stream = e.detail.streams[0] ?? new MediaStream([e.detail.track]);
      member.analyser = this.#analyse(member.stream);
      this.#changed();
    });
    link.addEventListener('state', () => this.#changed());
    return link;
  }

  #member(peer) {
    return { peer, link: null, stream: null, volume: 1, analyser: null };
  }

  /** A member closed our link on purpose (e.g. it left): forget the link, keep the member until it leaves. */
  #dropLink(sessionId) {
    const member = this.members.get(sessionId);
    if (!member?.link) return;
    member.link.close();
    member.link = null;
    member.stream = null;
    member.analyser = null;
    this.#changed();
  }

  #removeMember(sessionId, bye) {
    const member = this.members.get(sessionId);
    if (!member) return;
    member.link?.close({ bye });
    this.members.delete(sessionId);
  }

  #refused(error) {
    if (error.code === 'room-full' && error.ref === this.#joining) {
      this.#joining = null;
      this.leave();
      this.dispatchEvent(new CustomEvent('full', { detail: error.ref }));
    }
  }

  /** A new signaling session left every room on the server: join ours again. */
  #rejoinAfterNewSession(resumed) {
    if (resumed || !this.room) return;
    const room = this.room;
    for (const id of [...this.members.keys()]) this.#removeMember(id, false);
    this.room = null;
    this.#joining = room;
    this.#signal.send({ type: 'join-room', room });
  }

  #analyse(stream) {
    this.#audio ??= new AudioContext();
    this.#audio.resume();
    const analyser = this.#audio.createAnalyser();
    analyser.fftSize = 512;
    this.#audio.createMediaStreamSource(stream).connect(analyser);
    return analyser;
  }

  #changed() {
    this.dispatchEvent(new Event('change'));
  }
}
