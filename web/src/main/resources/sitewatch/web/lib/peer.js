// One WebRTC peer connection and its signaling: candidates wait until the remote description
// is set, the offering side restarts ICE when the connection fails, and stats are sampled
// and reported to the appliance with `status` every 2 s and on every state change.

import { summarize, forStatus } from './stats.js';

const STATS_INTERVAL_MS = 2000;
const ICE_RESTART_DELAYS_MS = [0, 2000, 5000, 10000];

/**
 * Events: `state` (detail: RTCPeerConnectionState), `stats` (detail: LinkStats),
 * `track` (detail: RTCTrackEvent), `datachannel` (detail: RTCDataChannel).
 */
export class PeerLink extends EventTarget {
  /** @type {RTCPeerConnection} */
  pc;
  peerId;
  /** @type {import('./stats.js').LinkStats|null} */
  stats = null;
  #signal;
  #offerer;
  /** @type {RTCIceCandidateInit[]|null} candidates received before the remote description */
  #early = [];
  #statsTimer = 0;
  #restarts = 0;
  #restartTimer = 0;
  #closed = false;

  /**
   * @param {{signal: import('./signal-client.js').SignalClient, peerId: string,
   *   iceServers: RTCIceServer[], offerer: boolean}} options
   *   offerer: this side makes the offers (and so restarts ICE on failure)
   */
  constructor({ signal, peerId, iceServers, offerer }) {
    super();
    this.#signal = signal;
    this.peerId = peerId;
    this.#offerer = offerer;
    this.pc = new RTCPeerConnection({ iceServers });
    this.pc.onicecandidate = (e) =>
      this.#signal.send({ type: 'candidate', to: peerId, candidate: e.candidate ? e.candidate.toJSON() : null });
    this.pc.onconnectionstatechange = () => this.#stateChanged();
    this.pc.ontrack = (e) => this.dispatchEvent(new CustomEvent('track', { detail: e }));
    this.pc.ondatachannel = (e) => this.dispatchEvent(new CustomEvent('datachannel', { detail: e.channel }));
    this.#statsTimer = setInterval(() => this.#sample(), STATS_INTERVAL_MS);
  }

  get state() { return this.pc.connectionState; }

  async offer({ iceRestart = false } = {}) {
    const offer = await this.pc.createOffer({ iceRestart });
    await this.pc.setLocalDescription(offer);
    this.#signal.send({ type: 'offer', to: this.peerId, sdp: this.pc.localDescription.sdp });
  }

  /**
   * An offer from the peer: a new connection or a renegotiation (e.g. its ICE restart).
   * @param {string} sdp
   * @param {() => void} [beforeAnswer] runs once the offer is applied, e.g. to attach our own
   *   tracks to the offered transceivers so the answer sends too
   */
  async acceptOffer(sdp, beforeAnswer) {
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    await this.#flushCandidates();
    beforeAnswer?.();
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    this.#signal.send({ type: 'answer', to: this.peerId, sdp: this.pc.localDescription.sdp });
  }

  async acceptAnswer(sdp) {
    if (this.pc.signalingState !== 'have-local-offer') return; // a late answer to an offer we replaced
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
    await this.#flushCandidates();
  }

  /** @param {RTCIceCandidateInit|null} candidate null marks the end of the peer's candidates */
  async addCandidate(candidate) {
    if (this.#early) {
      this.#early.push(candidate);
      return;
    }
    await this.pc.addIceCandidate(candidate ?? undefined).catch(() => {
      // a candidate for an ICE generation we already left: harmless
    });
  }

  /** Closes the connection; with `bye` the peer learns it was on purpose. */
  close({ bye = false } = {}) {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#statsTimer);
    clearTimeout(this.#restartTimer);
    if (bye) this.#signal.send({ type: 'bye', to: this.peerId });
    this.pc.close();
    this.#report('closed');
    this.dispatchEvent(new CustomEvent('state', { detail: 'closed' }));
  }

  async #flushCandidates() {
    const early = this.#early ?? [];
    this.#early = null;
    for (const c of early) await this.addCandidate(c);
  }

  #stateChanged() {
    const state = this.pc.connectionState;
    if (state === 'connected') {
      this.#restarts = 0;
    } else if (state === 'failed' && this.#offerer) {
      this.#scheduleIceRestart();
    }
    this.#report(state);
    this.dispatchEvent(new CustomEvent('state', { detail: state }));
  }

  #scheduleIceRestart() {
    const delay = ICE_RESTART_DELAYS_MS[Math.min(this.#restarts, ICE_RESTART_DELAYS_MS.length - 1)];
    this.#restarts++;
    clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(() => {
      if (!this.#closed && this.pc.connectionState === 'failed') {
        this.#early = this.#early ?? [];
        this.offer({ iceRestart: true }).catch(() => this.#scheduleIceRestart());
      }
    }, delay);
  }

  async #sample() {
    if (this.#closed) return;
    this.stats = summarize(await this.pc.getStats(), this.stats);
    this.dispatchEvent(new CustomEvent('stats', { detail: this.stats }));
    this.#report(this.pc.connectionState);
  }

  #report(state) {
    const message = { type: 'status', peer: this.peerId, state };
    if (this.stats) message.stats = forStatus(this.stats);
    this.#signal.send(message);
  }
}
