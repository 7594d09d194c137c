// The site's publishing state, free of the DOM: one peer connection per watching operator,
// high tier to the primary and low tier to every backup, teleop accepted only from the primary.

import { Sitewatch } from '../lib/sitewatch.js';
import { PeerLink } from '../lib/peer.js';
import { applyTier, DEFAULT_TIERS } from '../lib/tiers.js';

const REOFFER_DELAY_MS = 500;

/**
 * @typedef {{peer: import('../lib/signal-client.js').PeerEntry, link: PeerLink, tier: 'low'|'high',
 *   state: RTCDataChannel, teleop: RTCDataChannel}} Viewer
 */

/**
 * Events: `change` (watchers, control or link states changed), `signal` (detail: signaling state),
 * `teleop` (detail: {from, seq, cmd}), `refused` (detail: {from}).
 */
export class Publisher extends EventTarget {
  /** @type {Map<string, Viewer>} by operator session id */
  viewers = new Map();
  primary = null;
  siteId = null;
  teleop = { accepted: 0, refused: 0, last: null };
  /** The library session; media signaling goes through its raw `signal`. */
  sitewatch;
  #signal;
  #stream;
  #tiers = DEFAULT_TIERS;
  #reoffers = new Map();

  /** @param {{token: string, stream: MediaStream, urls?: string[]}} options */
  constructor({ token, stream, urls }) {
    super();
    this.#stream = stream;
    this.sitewatch = new Sitewatch({ token, urls, client: 'sitewatch site app' });
    this.#signal = this.sitewatch.signal;
    // Messages with a `link` belong to the library's data connections, not to our media.
    const on = (type, handler) => this.#signal.addEventListener(type, (e) => !e.detail?.link && handler(e.detail));
    on('state', (state) => this.dispatchEvent(new CustomEvent('signal', { detail: state })));
    on('welcome', ({ welcome, resumed }) => this.#welcomed(welcome, resumed));
    on('watcher', (m) => (m.event === 'joined' ? this.#addViewer(m.peer) : this.#removeViewer(m.peer.sessionId)));
    on('control', (m) => this.#control(m));
    on('answer', (m) => this.viewers.get(m.from)?.link.acceptAnswer(m.sdp));
    on('candidate', (m) => this.viewers.get(m.from)?.link.addCandidate(m.candidate));
    on('bye', (m) => this.#byeFrom(m.from));
  }

  get signalState() { return this.#signal.state; }

  start() {
    this.#signal.connect();
  }

  /** Stops publishing: every operator is told (bye) and the session ends. */
  stop() {
    for (const viewer of this.viewers.values()) viewer.link.close({ bye: true });
    this.viewers.clear();
    this.#reoffers.forEach(clearTimeout);
    this.#signal.close();
  }

  /** Switches camera or microphone without renegotiating. */
  async replaceStream(stream) {
    this.#stream = stream;
    for (const viewer of this.viewers.values()) {
      for (const sender of viewer.link.pc.getSenders()) {
        const track = stream.getTracks().find((t) => t.kind === sender.track?.kind);
        if (track) await sender.replaceTrack(track);
      }
      await this.#applyTier(viewer);
    }
  }

  #welcomed(welcome, resumed) {
    this.siteId = welcome.id;
    this.#tiers = welcome.tiers ?? DEFAULT_TIERS;
    if (resumed) return; // our peer connections never depended on the socket
    for (const viewer of this.viewers.values()) viewer.link.close();
    this.viewers.clear();
    this.primary = null;
    welcome.peers.filter((p) => p.role === 'operator').forEach((p) => this.#addViewer(p));
    this.#changed();
  }

  #control(message) {
    if (message.site !== this.siteId) return;
    this.primary = message.primary;
    for (const viewer of this.viewers.values()) this.#applyTier(viewer);
    this.#changed();
  }

  /** The site makes the offer to each watcher (protocol.md, Watching and control). */
  #addViewer(peer) {
    this.#removeViewer(peer.sessionId);
    const link = new PeerLink({
      signal: this.#signal,
      peerId: peer.sessionId,
      iceServers: this.#signal.welcome.iceServers,
      offerer: true,
    });
    const tier = this.#tierFor(peer.sessionId);
    for (const track of this.#stream.getTracks()) {
      link.pc.addTransceiver(track, {
        direction: 'sendonly',
        streams: [this.#stream],
        sendEncodings: track.kind === 'video' ? [this.#encoding(track, tier)] : undefined,
      });
    }
    const viewer = {
      peer,
      link,
      tier,
      state: link.pc.createDataChannel('state'),
      teleop: link.pc.createDataChannel('teleop', { ordered: false, maxRetransmits: 0 }),
    };
    viewer.teleop.onmessage = (e) => this.#teleopFrom(viewer, e.data);
    link.addEventListener('state', () => this.#changed());
    link.addEventListener('stats', () => this.#changed());
    this.sitewatch.attach(peer.sessionId, link.pc);
    this.viewers.set(peer.sessionId, viewer);
    link.offer().then(() => this.#applyTier(viewer)).catch(() => link.close());
    this.#changed();
  }

  #removeViewer(sessionId) {
    clearTimeout(this.#reoffers.get(sessionId));
    this.#reoffers.delete(sessionId);
    const viewer = this.viewers.get(sessionId);
    if (!viewer) return;
    viewer.link.close();
    this.sitewatch.attach(sessionId, null);
    this.viewers.delete(sessionId);
    this.#changed();
  }

  /** An operator dropped its connection on purpose while still watching: offer a fresh one. */
  #byeFrom(sessionId) {
    const viewer = this.viewers.get(sessionId);
    if (!viewer) return;
    viewer.link.close();
    this.#reoffers.set(sessionId, setTimeout(() => {
      this.#reoffers.delete(sessionId);
      if (this.viewers.get(sessionId) === viewer) this.#addViewer(viewer.peer);
    }, REOFFER_DELAY_MS));
  }

  #tierFor(sessionId) {
    return sessionId === this.primary ? 'high' : 'low';
  }

  #encoding(track, tierName) {
    const tier = this.#tiers[tierName];
    const height = track.getSettings().height || 1;
    return {
      maxBitrate: tier.kbps * 1000,
      maxFramerate: tier.fps,
      scaleResolutionDownBy: tier.height > 0 ? Math.max(1, height / tier.height) : 1,
    };
  }

  async #applyTier(viewer) {
    viewer.tier = this.#tierFor(viewer.peer.sessionId);
    const sender = viewer.link.pc.getSenders().find((s) => s.track?.kind === 'video');
    if (sender && viewer.link.pc.signalingState !== 'closed') {
      await applyTier(sender, this.#tiers[viewer.tier], viewer.tier).catch(() => {});
    }
    this.#changed();
  }

  /** Teleop is obeyed only from the current primary (protocol.md); each command is acked on `state`. */
  #teleopFrom(viewer, data) {
    const from = viewer.peer.sessionId;
    if (from !== this.primary) {
      this.teleop.refused++;
      this.dispatchEvent(new CustomEvent('refused', { detail: { from } }));
      return;
    }
    let command;
    try {
      command = JSON.parse(data);
    } catch {
      this.teleop.refused++;
      return;
    }
    this.teleop.accepted++;
    this.teleop.last = command;
    if (viewer.state.readyState === 'open') {
      viewer.state.send(JSON.stringify({ type: 'ack', seq: command.seq, t: command.t }));
    }
    this.dispatchEvent(new CustomEvent('teleop', { detail: { from, seq: command.seq, cmd: command.cmd } }));
  }

  #changed() {
    this.dispatchEvent(new Event('change'));
  }
}
