/**
 * The sitewatch client library: import it from the appliance as `/lib/sitewatch.js`.
 *
 * ```js
 * import { connect } from 'https://appliance.example/lib/sitewatch.js';
 * const sw = connect({ token: 'o...', urls: ['wss://appliance.example/signal'] });
 * sw.on('order', (payload, from) => ({ accepted: true }));        // answer requests of type 'order'
 * sw.addEventListener('peer-joined', (e) => console.log(e.detail.peer));
 * const reply = await sw.request('order', { item: 7 }, { to: peerSessionId });
 * ```
 *
 * Built on the signaling protocol (docs/protocol.md): the same module drives the bundled site
 * and operator apps. Peer-to-peer data never passes through the appliance.
 *
 * @module sitewatch
 */

import { SignalClient } from './signal-client.js';
import { DataLink } from './data-link.js';
import { topologyOf } from './topology.js';

export { SignalClient } from './signal-client.js';
export { PeerLink } from './peer.js';
export { topologyOf } from './topology.js';

const TOPOLOGY_INTERVAL_MS = 3000;

/**
 * @typedef {import('./signal-client.js').PeerEntry} PeerEntry
 * @typedef {import('./topology.js').Topology} Topology
 * @typedef {{urls?: string[], token: string, client?: string, keepaliveMs?: number, requestTimeoutMs?: number}}
 *   ConnectOptions urls: appliances to try in order (primary first); default this page's own /signal
 * @typedef {(payload: any, from: string) => any} Handler returns (or resolves to) the reply to a request
 */

/**
 * Connects to the appliance and says hello.
 * @param {ConnectOptions} options
 * @returns {Sitewatch}
 */
export function connect(options) {
  const sitewatch = new Sitewatch(options);
  sitewatch.signal.connect();
  return sitewatch;
}

/**
 * A session with the appliance plus peer-to-peer data messaging.
 *
 * Events: `welcome` (detail: welcome message), `resumed`, `reconnecting`, `peer-joined` and
 * `peer-left` (detail: {peer, via: 'presence'|'watcher'|'room'}), `control`, `presence`,
 * `error` (detail: error message), `topology` (detail: {peer, topology}), `peer-dead`
 * (detail: {peer}): a data peer stopped answering keepalives.
 */
export class Sitewatch extends EventTarget {
  /** The signaling client, for raw protocol messages (media offers, status). */
  signal;
  /** @type {Map<string, PeerEntry>} the peers this session knows, by session id */
  peers = new Map();
  /** @type {Map<string, DataLink>} */
  #links = new Map();
  /** @type {Map<string, Handler>} */
  #handlers = new Map();
  /** @type {Map<number, {resolve: Function, reject: Function, timer: number}>} */
  #pending = new Map();
  /** @type {Map<string, RTCPeerConnection>} connections the app made itself, for topology */
  #attached = new Map();
  /** @type {Map<string, string>} last topology kind per peer */
  #topologies = new Map();
  #nextId = 1;
  #keepaliveMs;
  #requestTimeoutMs;

  /** @param {ConnectOptions} options */
  constructor({ urls, token, client, keepaliveMs = 1000, requestTimeoutMs = 5000 }) {
    super();
    this.#keepaliveMs = keepaliveMs;
    this.#requestTimeoutMs = requestTimeoutMs;
    this.signal = new SignalClient({ urls, token, client });
    const on = (type, handler) => this.signal.addEventListener(type, (e) => handler(e.detail));
    on('welcome', ({ welcome, resumed }) => this.#welcomed(welcome, resumed));
    on('state', (state) => {
      if (state === 'reconnecting') this.#emit('reconnecting', null);
    });
    on('presence', (m) => {
      this.#peer(m.event === 'offline' ? 'left' : 'joined', m.peer, 'presence', m.event === 'update');
      this.#emit('presence', m);
    });
    on('watcher', (m) => this.#peer(m.event, m.peer, 'watcher'));
    on('room', (m) => m.members.forEach((p) => this.#peer('joined', p, 'room')));
    on('room-event', (m) => this.#peer(m.event, m.peer, 'room'));
    on('control', (m) => this.#emit('control', m));
    on('error', (m) => this.#emit('error', m));
    for (const type of ['offer', 'answer', 'candidate', 'bye']) {
      on(type, (m) => this.#dataSignal(m));
    }
    setInterval(() => this.#pollTopology(), TOPOLOGY_INTERVAL_MS);
  }

  /** This session's id, once welcomed. */
  get sessionId() {
    return this.signal.sessionId;
  }

  /** Operators: watch exactly these sites (replaces the set). @param {string[]} sites */
  watch(sites) {
    this.signal.send({ type: 'watch', sites });
  }

  /** @param {string[]} sites */
  unwatch(sites) {
    this.signal.send({ type: 'unwatch', sites });
  }

  /** Operators: take control of a watched site (become its primary). @param {string} site */
  claim(site) {
    this.signal.send({ type: 'claim', site });
  }

  /** @param {string} site */
  release(site) {
    this.signal.send({ type: 'release', site });
  }

  /** Operators: join a voice room; members already there make the offers. @param {string} room */
  joinRoom(room) {
    this.signal.send({ type: 'join-room', room });
  }

  /** @param {string} room */
  leaveRoom(room) {
    this.signal.send({ type: 'leave-room', room });
  }

  /**
   * Sends a typed data message to a peer, peer to peer (a data connection opens on first use).
   * @param {string} type
   * @param {any} payload anything JSON can carry
   * @param {{to: string, reliable?: boolean}} options reliable (default) is ordered and retransmitted;
   *   otherwise unordered and never retransmitted (for frequent, perishable updates)
   */
  send(type, payload, { to, reliable = true }) {
    this.#link(to, true).post({ t: type, p: payload }, reliable);
  }

  /**
   * Handles data messages of a type; for requests, the handler's return value (or promise) is the reply.
   * @param {string} type
   * @param {Handler} handler
   */
  on(type, handler) {
    this.#handlers.set(type, handler);
    return this;
  }

  /**
   * Sends a request and resolves with the peer's reply; rejects when the peer's handler throws,
   * has no handler, or does not answer within the timeout.
   * @param {string} type
   * @param {any} payload
   * @param {{to: string, timeoutMs?: number}} options
   * @returns {Promise<any>}
   */
  request(type, payload, { to, timeoutMs = this.#requestTimeoutMs }) {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`no reply to '${type}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#link(to, true).post({ t: type, p: payload, id });
    });
  }

  /**
   * Lets the library report the topology of a connection the app made itself (e.g. its media).
   * @param {string} peerId
   * @param {RTCPeerConnection|null} pc null to forget it
   */
  attach(peerId, pc) {
    if (pc) this.#attached.set(peerId, pc);
    else this.#attached.delete(peerId);
  }

  /**
   * The route to a peer, from the selected candidate pair of our connection with it.
   * @param {string} peerId
   * @returns {Promise<Topology|null>}
   */
  async topology(peerId) {
    const pc = this.#attached.get(peerId) ?? this.#links.get(peerId)?.pc;
    return pc ? topologyOf(pc) : null;
  }

  /** Ends the session (peers see it leave at once) and closes every data connection. */
  close() {
    for (const link of this.#links.values()) link.close();
    this.signal.close();
  }

  #welcomed(welcome, resumed) {
    if (resumed) {
      this.#emit('resumed', welcome);
      return;
    }
    for (const link of this.#links.values()) link.close(false);
    this.#links.clear();
    this.peers.clear();
    for (const peer of welcome.peers) this.peers.set(peer.sessionId, peer);
    this.#emit('welcome', welcome);
  }

  #peer(event, peer, via, update = false) {
    if (peer.sessionId === this.sessionId) return;
    if (event === 'joined') {
      const known = this.peers.has(peer.sessionId);
      this.peers.set(peer.sessionId, peer);
      if (!known && !update) this.#emit('peer-joined', { peer, via });
    } else if (this.peers.delete(peer.sessionId)) {
      this.#links.get(peer.sessionId)?.close(false);
      this.#emit('peer-left', { peer, via });
    }
  }

  #dataSignal(message) {
    if (message.link !== 'data') return; // media and voice connections belong to the app
    const link = this.#links.get(message.from) ?? (message.type === 'offer' ? this.#link(message.from, false) : null);
    link?.signalled(message);
  }

  #link(peerId, initiate) {
    let link = this.#links.get(peerId);
    if (link) return link;
    link = new DataLink({
      signal: this.signal,
      peerId,
      iceServers: this.signal.welcome?.iceServers ?? [],
      polite: (this.sessionId ?? '') > peerId,
      initiate,
      keepaliveMs: this.#keepaliveMs,
    });
    link.addEventListener('message', (e) => this.#message(peerId, e.detail));
    link.addEventListener('dead', () => this.#emit('peer-dead', { peer: peerId }));
    link.addEventListener('closed', () => {
      if (this.#links.get(peerId) === link) this.#links.delete(peerId);
    });
    this.#links.set(peerId, link);
    return link;
  }

  async #message(from, envelope) {
    if (envelope.re !== undefined) {
      const pending = this.#pending.get(envelope.re);
      if (!pending) return;
      this.#pending.delete(envelope.re);
      clearTimeout(pending.timer);
      if (envelope.err) pending.reject(new Error(envelope.err));
      else pending.resolve(envelope.p);
      return;
    }
    const handler = this.#handlers.get(envelope.t);
    if (envelope.id === undefined) {
      handler?.(envelope.p, from);
      return;
    }
    const reply = { t: envelope.t, re: envelope.id };
    try {
      if (!handler) throw new Error(`no handler for '${envelope.t}'`);
      reply.p = await handler(envelope.p, from);
    } catch (e) {
      reply.err = String(e.message ?? e);
    }
    this.#links.get(from)?.post(reply);
  }

  async #pollTopology() {
    const peers = new Set([...this.#attached.keys(), ...this.#links.keys()]);
    for (const peer of peers) {
      const topology = await this.topology(peer).catch(() => null);
      const key = topology ? `${topology.kind} ${topology.local.address} ${topology.remote.address}` : null;
      if (topology && key !== this.#topologies.get(peer)) {
        this.#topologies.set(peer, key);
        this.#emit('topology', { peer, topology });
      }
    }
    for (const peer of this.#topologies.keys()) {
      if (!peers.has(peer)) this.#topologies.delete(peer);
    }
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
