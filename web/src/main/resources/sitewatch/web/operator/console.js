// The operator's console state, free of the DOM: which sites are watched, their peer
// connections (the site offers, we answer), who controls what, and teleop to the primary.

import { Sitewatch } from '../lib/sitewatch.js';
import { PeerLink } from '../lib/peer.js';

export const MAX_TILES = 16;
const TELEOP_HZ = 20;

/**
 * @typedef {{id: string, name: string, location?: string, online: boolean, sessionId: string|null,
 *   primary: string|null, link: PeerLink|null, stream: MediaStream|null,
 *   state: RTCDataChannel|null, teleop: RTCDataChannel|null, teleopRttMs: number|null}} SiteView
 */

/**
 * Events: `change` (detail: site id, or null when many changed), `signal` (detail: signaling state),
 * `unauthorized`.
 */
export class Console extends EventTarget {
  /** @type {Map<string, SiteView>} */
  sites = new Map();
  /** Operator names by session id, to say who holds a site. */
  operators = new Map();
  /** @type {string[]} */
  watched = [];
  /** The library session; media signaling goes through its raw `signal`. */
  sitewatch;
  #signal;
  #teleopSeq = 0;
  #teleopTimer = 0;
  /** @type {{forward: number, turn: number}|null} */
  #command = null;
  #sentAt = new Map();

  /**
   * @param {{token: string, sites: {id: string, name: string, location?: string, online: boolean}[],
   *   urls?: string[]}} options urls: appliances to try in order (default: this page's own)
   */
  constructor({ token, sites, urls }) {
    super();
    for (const s of sites) this.sites.set(s.id, this.#view(s));
    this.sitewatch = new Sitewatch({ token, urls, client: 'sitewatch operator app' });
    this.#signal = this.sitewatch.signal;
    // Messages with a `link` belong to the library's data connections, not to our media.
    const on = (type, handler) => this.#signal.addEventListener(type, (e) => !e.detail?.link && handler(e.detail));
    on('state', (state) => {
      this.dispatchEvent(new CustomEvent('signal', { detail: state }));
      if (state === 'unauthorized') this.dispatchEvent(new Event('unauthorized'));
    });
    on('welcome', ({ welcome, resumed }) => this.#welcomed(welcome, resumed));
    on('presence', (m) => this.#presence(m));
    on('control', (m) => this.#control(m));
    on('offer', (m) => this.#offer(m));
    on('candidate', (m) => this.#linkFrom(m.from)?.addCandidate(m.candidate));
    on('bye', (m) => this.#bye(m.from));
  }

  get sessionId() { return this.#signal.sessionId; }
  /** The signaling client, shared with the intercom. */
  get signal() { return this.#signal; }
  get signalState() { return this.#signal.state; }

  /** @param {string[]} watched the site ids to show, at most MAX_TILES */
  start(watched) {
    this.watched = watched.filter((id) => this.sites.has(id)).slice(0, MAX_TILES);
    this.#signal.connect();
    this.#teleopTimer = setInterval(() => this.#teleopTick(), 1000 / TELEOP_HZ);
  }

  stop() {
    clearInterval(this.#teleopTimer);
    for (const site of this.sites.values()) this.#closeLink(site, true);
    this.#signal.close();
  }

  /** Replaces the watched set (protocol.md: `watch` replaces the set). */
  watch(ids) {
    const next = ids.filter((id) => this.sites.has(id)).slice(0, MAX_TILES);
    for (const id of this.watched) {
      if (!next.includes(id)) this.#closeLink(this.sites.get(id), true);
    }
    this.watched = next;
    this.#signal.send({ type: 'watch', sites: next });
    this.#changed(null);
  }

  isPrimary(siteId) {
    return this.sites.get(siteId)?.primary === this.sessionId && this.sessionId !== null;
  }

  /** @returns {string|null} the site this operator controls */
  primarySite() {
    return this.watched.find((id) => this.isPrimary(id)) ?? null;
  }

  claim(siteId) {
    this.#signal.send({ type: 'claim', site: siteId });
  }

  release(siteId) {
    this.#signal.send({ type: 'release', site: siteId });
  }

  /** The command sent at 20 Hz to the primary site while held; null stops. */
  setTeleop(command) {
    this.#command = command;
  }

  /** Who controls the site: 'you', an operator's name, or null. */
  holderOf(siteId) {
    const primary = this.sites.get(siteId)?.primary;
    if (!primary) return null;
    return primary === this.sessionId ? 'you' : this.operators.get(primary) ?? 'another operator';
  }

  /** One word for a tile: offline, connecting, live, reconnecting or failed. */
  tileState(siteId) {
    const site = this.sites.get(siteId);
    if (!site?.online) return 'offline';
    const state = site.link?.state;
    if (state === 'connected') return 'live';
    if (state === 'disconnected') return 'reconnecting';
    if (state === 'failed') return 'failed';
    return 'connecting';
  }

  #welcomed(welcome, resumed) {
    this.operators.clear();
    for (const peer of welcome.peers) {
      if (peer.role === 'operator') this.operators.set(peer.sessionId, peer.name);
    }
    if (!resumed) {
      for (const site of this.sites.values()) {
        this.#closeLink(site, false);
        site.online = false;
        site.sessionId = null;
        site.primary = null;
      }
    }
    for (const peer of welcome.peers) {
      if (peer.role === 'site') this.#siteOnline(peer);
    }
    if (!resumed) this.#signal.send({ type: 'watch', sites: this.watched });
    this.#changed(null);
  }

  #presence({ event, peer }) {
    if (peer.role === 'operator') {
      if (event === 'offline') this.operators.delete(peer.sessionId);
      else this.operators.set(peer.sessionId, peer.name);
      this.#changed(null);
      return;
    }
    if (event === 'online') {
      this.#siteOnline(peer);
    } else if (event === 'offline') {
      const site = this.sites.get(peer.id);
      if (site && site.sessionId === peer.sessionId) {
        this.#closeLink(site, false);
        site.online = false;
        site.sessionId = null;
        this.#changed(site.id);
      }
    }
  }

  #siteOnline(peer) {
    let site = this.sites.get(peer.id);
    if (!site) {
      site = this.#view({ id: peer.id, name: peer.name, online: true });
      this.sites.set(peer.id, site);
    }
    if (site.sessionId !== peer.sessionId) this.#closeLink(site, false);
    site.online = true;
    site.sessionId = peer.sessionId;
    this.#changed(site.id);
  }

  #control({ site: siteId, primary }) {
    const site = this.sites.get(siteId);
    if (!site) return;
    site.primary = primary;
    this.#changed(siteId);
  }

  /** Sites offer; a second offer on a live link is a renegotiation (e.g. the site's ICE restart). */
  async #offer({ from, sdp }) {
    const site = this.#siteBySession(from);
    if (!site || !this.watched.includes(site.id)) return;
    if (!site.link || site.link.state === 'closed') site.link = this.#newLink(site, from);
    try {
      await site.link.acceptOffer(sdp);
    } catch {
      this.#closeLink(site, true);
    }
  }

  #newLink(site, sessionId) {
    const link = new PeerLink({ signal: this.#signal, peerId: sessionId, iceServers: this.#signal.welcome.iceServers,
      offerer: false });
    link.addEventListener('track', (e) => {
      site.stream = e.detail.streams[0] ?? new MediaStream([e.detail.track]);
      this.#changed(site.id);
    });
    link.addEventListener('datachannel', (e) => this.#channel(site, e.detail));
    link.addEventListener('state', () => this.#changed(site.id));
    link.addEventListener('stats', () => this.#changed(site.id));
    this.sitewatch.attach(sessionId, link.pc);
    return link;
  }

  #channel(site, channel) {
    if (channel.label === 'teleop') site.teleop = channel;
    if (channel.label === 'state') {
      site.state = channel;
      channel.onmessage = (e) => this.#stateMessage(site, e.data);
    }
  }

  /** Acks of our teleop commands come back on `state`: that is the round trip shown. */
  #stateMessage(site, data) {
    const message = JSON.parse(data);
    if (message.type === 'ack' && this.#sentAt.has(message.seq)) {
      site.teleopRttMs = Math.round(performance.now() - this.#sentAt.get(message.seq));
      this.#sentAt.delete(message.seq);
      this.#changed(site.id);
    }
  }

  #teleopTick() {
    const siteId = this.primarySite();
    const channel = siteId ? this.sites.get(siteId).teleop : null;
    if (!this.#command || channel?.readyState !== 'open') return;
    const seq = ++this.#teleopSeq;
    const t = performance.now();
    this.#sentAt.set(seq, t);
    if (this.#sentAt.size > 100) this.#sentAt.delete(this.#sentAt.keys().next().value);
    channel.send(JSON.stringify({ seq, t, cmd: this.#command }));
  }

  #bye(from) {
    const site = this.#siteBySession(from);
    if (site) {
      this.#closeLink(site, false);
      this.#changed(site.id);
    }
  }

  #linkFrom(sessionId) {
    return this.#siteBySession(sessionId)?.link ?? null;
  }

  #siteBySession(sessionId) {
    for (const site of this.sites.values()) {
      if (site.sessionId === sessionId) return site;
    }
    return null;
  }

  #closeLink(site, bye) {
    if (!site?.link) return;
    this.sitewatch.attach(site.link.peerId, null);
    site.link.close({ bye });
    site.link = null;
    site.stream = null;
    site.state = null;
    site.teleop = null;
  }

  #view(site) {
    return { id: site.id, name: site.name, location: site.location ?? '', online: Boolean(site.online), sessionId: null,
      primary: null, link: null, stream: null, state: null, teleop: null, teleopRttMs: null };
  }

  #changed(siteId) {
    this.dispatchEvent(new CustomEvent('change', { detail: siteId }));
  }
}
