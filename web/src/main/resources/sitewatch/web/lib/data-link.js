// Peer-to-peer data messages between two sessions: one RTCPeerConnection with a reliable
// (ordered) and a fast (unordered, no retransmits) DataChannel, negotiated through signaling
// with the additive field `link: "data"` so it never mixes with media connections.

/** @typedef {{t: string, p?: any, id?: number, re?: number, err?: string}} Envelope */

const PING = '~ping';
const PONG = '~pong';

/**
 * Events: `message` (detail: Envelope), `open`, `dead` (no sign of life for 3 keepalives), `closed`.
 */
export class DataLink extends EventTarget {
  /** @type {RTCPeerConnection} */
  pc;
  peerId;
  #signal;
  #polite;
  #making = false;
  #ignoreOffer = false;
  /** @type {Map<string, RTCDataChannel>} */
  #channels = new Map();
  /** @type {Envelope[]} */
  #queue = [];
  #lastHeard = 0;
  #keepalive = 0;
  #keepaliveMs;
  #closed = false;

  /**
   * @param {{signal: import('./signal-client.js').SignalClient, peerId: string, iceServers: RTCIceServer[],
   *   polite: boolean, initiate: boolean, keepaliveMs: number}} options
   *   polite: the side that yields when both offer at once (perfect negotiation)
   */
  constructor({ signal, peerId, iceServers, polite, initiate, keepaliveMs }) {
    super();
    this.#signal = signal;
    this.peerId = peerId;
    this.#polite = polite;
    this.#keepaliveMs = keepaliveMs;
    this.pc = new RTCPeerConnection({ iceServers });
    this.pc.onicecandidate = (e) => this.#send({ type: 'candidate', candidate: e.candidate ? e.candidate.toJSON() : null });
    this.pc.onnegotiationneeded = () => this.#negotiate();
    this.pc.ondatachannel = (e) => this.#adopt(e.channel);
    this.pc.onconnectionstatechange = () => {
      if (this.pc.connectionState === 'failed' || this.pc.connectionState === 'closed') this.close();
    };
    if (initiate) {
      this.#adopt(this.pc.createDataChannel('sw-reliable'));
      this.#adopt(this.pc.createDataChannel('sw-fast', { ordered: false, maxRetransmits: 0 }));
    }
  }

  get open() {
    return this.#channels.get('sw-reliable')?.readyState === 'open';
  }

  /** Sends now, or once the channels are open. */
  post(envelope, reliable = true) {
    const channel = this.#channels.get(reliable ? 'sw-reliable' : 'sw-fast');
    if (channel?.readyState === 'open') channel.send(JSON.stringify(envelope));
    else if (reliable && this.#queue.length < 1000) this.#queue.push(envelope);
  }

  /** A signaling message of this link (`link: "data"`) from the peer. */
  async signalled(message) {
    if (message.type === 'candidate') {
      await this.pc.addIceCandidate(message.candidate ?? undefined).catch(() => {});
      return;
    }
    if (message.type === 'bye') {
      this.close(false);
      return;
    }
    const description = { type: message.type, sdp: message.sdp };
    const collision = message.type === 'offer' && (this.#making || this.pc.signalingState !== 'stable');
    this.#ignoreOffer = !this.#polite && collision;
    if (this.#ignoreOffer) return;
    await this.pc.setRemoteDescription(description);
    if (message.type === 'offer') {
      await this.pc.setLocalDescription();
      this.#send({ type: 'answer', sdp: this.pc.localDescription.sdp });
    }
  }

  close(bye = true) {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#keepalive);
    if (bye) this.#send({ type: 'bye' });
    this.pc.close();
    this.dispatchEvent(new Event('closed'));
  }

  async #negotiate() {
    try {
      this.#making = true;
      await this.pc.setLocalDescription();
      this.#send({ type: 'offer', sdp: this.pc.localDescription.sdp });
    } finally {
      this.#making = false;
    }
  }

  #adopt(channel) {
    this.#channels.set(channel.label, channel);
    channel.onmessage = (e) => this.#received(e.data);
    if (channel.label !== 'sw-reliable') return;
    channel.onopen = () => {
      this.#lastHeard = performance.now();
      this.#startKeepalive();
      const queued = this.#queue;
      this.#queue = [];
      queued.forEach((m) => this.post(m));
      this.dispatchEvent(new Event('open'));
    };
  }

  /** Each side pings every keepalive; silence for three of them means the peer is gone. */
  #startKeepalive() {
    clearInterval(this.#keepalive);
    this.#keepalive = setInterval(() => {
      if (performance.now() - this.#lastHeard > 3 * this.#keepaliveMs) {
        this.dispatchEvent(new Event('dead'));
        this.close();
      } else {
        this.post({ t: PING });
      }
    }, this.#keepaliveMs);
  }

  #received(data) {
    this.#lastHeard = performance.now();
    let envelope;
    try {
      envelope = JSON.parse(data);
    } catch {
      return;
    }
    if (envelope.t === PING) this.post({ t: PONG });
    else if (envelope.t !== PONG) this.dispatchEvent(new CustomEvent('message', { detail: envelope }));
  }

  #send(message) {
    this.#signal.send({ ...message, to: this.peerId, link: 'data' });
  }
}
