// The signaling client both apps use (docs/protocol.md): hello, typed events, heartbeat,
// reconnect with backoff and resume. Peer connections never depend on this socket: while it
// is down they keep running, and messages sent meanwhile wait here until it is back.

/**
 * @typedef {{sessionId: string, role: 'site'|'operator', id: string, name: string, state?: object}} PeerEntry
 * @typedef {{type: 'welcome', sessionId: string, resumeToken: string, role: string, id: string,
 *   iceServers: RTCIceServer[], heartbeatMs: number, peers: PeerEntry[], features: string[],
 *   tiers?: {low: Tier, high: Tier}}} Welcome
 * @typedef {{height: number, kbps: number, fps: number}} Tier
 * @typedef {{type: string, [key: string]: any}} Message
 */

const BACKOFF_MS = [250, 500, 1000, 2000, 4000];
const MAX_PENDING = 500;
/** Failed attempts on one appliance before trying the next one of `urls`. */
const ATTEMPTS_PER_URL = 2;
/** How often a client on a standby checks whether the primary is back. */
const PRIMARY_PROBE_MS = 5000;

/** Close codes after which reconnecting cannot help (docs/protocol.md, Errors). */
const FINAL_CLOSES = new Map([[4001, 'unauthorized'], [4002, 'replaced']]);

/**
 * Events: `state` (detail: 'connecting'|'open'|'reconnecting'|'unauthorized'|'replaced'|'closed'),
 * `welcome` (detail: {welcome, resumed, url}), `message` (detail: every message), and one event per
 * message type (`offer`, `control`, `presence`, ...) with the message as detail.
 *
 * With several `urls` (a primary, then standbys; an appliance also names its standby in
 * `welcome`), the client moves on after failed attempts and returns to the first once it answers.
 */
export class SignalClient extends EventTarget {
  /** @type {string[]} */
  #urls;
  #current = 0;
  #failures = 0;
  #welcomedHere = false;
  #probeTimer = 0;
  #token;
  #client;
  /** @type {WebSocket|null} */
  #ws = null;
  #state = 'idle';
  /** @type {Welcome|null} */
  #welcome = null;
  #resumeToken = null;
  #attempt = 0;
  #retryTimer = 0;
  #pingTimer = 0;
  #lastHeard = 0;
  /** @type {Message[]} */
  #pending = [];

  /**
   * @param {{urls?: string[], token: string, client?: string}} options
   *   urls default to this page's origin at /signal (wss on https)
   */
  constructor({ urls, token, client }) {
    super();
    this.#urls = urls?.length ? [...urls] : [`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/signal`];
    this.#token = token;
    this.#client = client ?? navigator.userAgent;
  }

  get state() { return this.#state; }
  /** The appliance this client talks to now. */
  get url() { return this.#urls[this.#current]; }
  get sessionId() { return this.#welcome?.sessionId ?? null; }
  /** @returns {Welcome|null} */
  get welcome() { return this.#welcome; }

  connect() {
    if (this.#state !== 'idle' && this.#state !== 'reconnecting') return;
    this.#setState(this.#attempt === 0 ? 'connecting' : 'reconnecting');
    const ws = new WebSocket(this.url);
    this.#ws = ws;
    this.#welcomedHere = false;
    ws.onopen = () => {
      const hello = { type: 'hello', token: this.#token, client: this.#client };
      if (this.#resumeToken) hello.resume = this.#resumeToken;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (e) => this.#receive(e.data);
    ws.onclose = (e) => this.#closed(ws, e.code);
  }

  /** Sends now, or as soon as the session is back (messages for a session that did not survive are dropped). */
  send(message) {
    if (this.#state === 'open' && this.#ws?.readyState === WebSocket.OPEN) {
      this.#ws.send(JSON.stringify(message));
    } else if (this.#pending.length < MAX_PENDING) {
      this.#pending.push(message);
    }
  }

  /** Ends the session for good: peers see it leave at once (close code 1000). */
  close() {
    clearTimeout(this.#retryTimer);
    clearInterval(this.#pingTimer);
    clearInterval(this.#probeTimer);
    this.#setState('closed');
    this.#ws?.close(1000, 'bye');
  }

  #receive(data) {
    this.#lastHeard = performance.now();
    /** @type {Message} */
    const message = JSON.parse(data);
    if (message.type === 'welcome') {
      this.#welcomed(message);
      return;
    }
    if (message.type === 'pong') return;
    this.dispatchEvent(new CustomEvent('message', { detail: message }));
    this.dispatchEvent(new CustomEvent(message.type, { detail: message }));
  }

  #welcomed(welcome) {
    const resumed = this.#welcome !== null && welcome.sessionId === this.#welcome.sessionId;
    // What waited for a session that did not survive is stale; before the first session it is fresh.
    if (this.#welcome !== null && !resumed) this.#pending = [];
    this.#welcome = welcome;
    this.#resumeToken = welcome.resumeToken;
    this.#attempt = 0;
    this.#failures = 0;
    this.#welcomedHere = true;
    if (welcome.standby && !this.#urls.includes(welcome.standby)) this.#urls.push(welcome.standby);
    this.#setState('open');
    this.#startHeartbeat(welcome.heartbeatMs);
    this.#watchPrimary();
    this.dispatchEvent(new CustomEvent('welcome', { detail: { welcome, resumed, url: this.url } }));
    const pending = this.#pending;
    this.#pending = [];
    pending.forEach((m) => this.send(m));
  }

  /** The server pings at the WebSocket level, which pages cannot see; a JSON ping lets us notice a dead socket. */
  #startHeartbeat(heartbeatMs) {
    clearInterval(this.#pingTimer);
    this.#lastHeard = performance.now();
    this.#pingTimer = setInterval(() => {
      if (performance.now() - this.#lastHeard > 2 * heartbeatMs) {
        this.#ws?.close(4000, 'no answer'); // onclose reconnects
      } else {
        this.send({ type: 'ping' });
      }
    }, heartbeatMs / 2);
  }

  #closed(ws, code) {
    if (ws !== this.#ws || this.#state === 'closed') return;
    clearInterval(this.#pingTimer);
    const final = FINAL_CLOSES.get(code);
    if (final) {
      this.#setState(final);
      return;
    }
    if (!this.#welcomedHere) this.#failures++;
    if (this.#failures >= ATTEMPTS_PER_URL && this.#urls.length > 1) {
      this.#moveTo((this.#current + 1) % this.#urls.length);
    }
    const delay = BACKOFF_MS[Math.min(this.#attempt, BACKOFF_MS.length - 1)] * (0.75 + Math.random() / 2);
    this.#attempt++;
    this.#setState('reconnecting');
    this.#retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** Sessions belong to one appliance: on another one we start afresh. */
  #moveTo(index) {
    this.#current = index;
    this.#failures = 0;
    this.#resumeToken = null;
  }

  /** While on a standby, check now and then whether the primary answers again, and go back to it. */
  #watchPrimary() {
    clearInterval(this.#probeTimer);
    if (this.#current === 0) return;
    this.#probeTimer = setInterval(() => {
      const probe = new WebSocket(this.#urls[0]);
      probe.onopen = () => {
        probe.close(1000, 'probe');
        clearInterval(this.#probeTimer);
        const current = this.#ws;
        this.#moveTo(0);
        this.#ws = null;
        current?.close(1000, 'back to the primary');
        this.#attempt = 0;
        this.#state = 'idle';
        this.connect();
      };
      probe.onerror = () => {};
    }, PRIMARY_PROBE_MS);
  }

  #setState(state) {
    if (this.#state === state) return;
    this.#state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: state }));
  }
}
