// Uploads stored chunks to the appliance in the background, oldest first, one at a time, retrying
// with backoff through network drops and appliance restarts. Idempotent on the appliance's side
// (recording id + seq), so a chunk sent twice is stored once (docs/protocol.md, Recordings).
// Free of the DOM.

const MIN_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 60_000;
const SETTINGS_TIMEOUT_MS = 3000;

/** The answers that no retry can change: the chunk is marked failed and the next one goes. */
const PERMANENT = new Set([400, 403, 409, 413]);

/** SHA-256 of a blob as lowercase hex. */
export async function sha256(blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Events: `change` whenever `state`, `lastError` or a chunk's state changes.
 * `state`: idle (nothing to send), uploading, waiting (backing off after a failure), stopped.
 */
export class Uploader extends EventTarget {
  state = 'idle';
  lastError = null;
  /** @type {{site: string, chunkSeconds: number, maxChunkBytes: number, localBytes: number}|null} */
  settings = null;
  retryAt = 0;
  #store;
  #token;
  #running = false;
  #wake = null;
  #kicked = false;
  #failures = 0;

  /** @param {{store: import('./chunk-store.js').ChunkStore, token: string}} options */
  constructor({ store, token }) {
    super();
    this.#store = store;
    this.#token = token;
  }

  start() {
    if (this.#running) return;
    this.#running = true;
    this.#loop();
  }

  stop() {
    this.#running = false;
    this.#set('stopped', this.lastError);
    this.retryNow();
  }

  /** A new chunk was stored, or the network is back: stop waiting. */
  retryNow() {
    this.#kicked = true;
    this.#wake?.();
  }

  /**
   * The appliance's recording settings and this token's site id; null when it cannot be reached
   * within a few seconds (recording then starts with the defaults).
   */
  async fetchSettings() {
    try {
      const response = await fetch('/api/recordings/settings', {
        headers: this.#headers(), signal: AbortSignal.timeout(SETTINGS_TIMEOUT_MS),
      });
      if (response.ok) this.settings = await response.json();
    } catch {
      // unreachable for now: the defaults apply and uploads retry on their own
    }
    return this.settings;
  }

  async #loop() {
    while (this.#running) {
      this.#kicked = false;
      const chunk = await this.#store.nextPending();
      if (!chunk) {
        this.#set('idle', null);
        await this.#sleep(MAX_BACKOFF_MS);
        continue;
      }
      this.#set('uploading', this.lastError);
      if (!this.settings) await this.fetchSettings(); // the appliance was unreachable when recording began
      const outcome = await this.#upload(chunk);
      if (!this.#running) return;
      if (outcome.ok) {
        this.#failures = 0;
        await this.#store.update(chunk, { state: 'uploaded', error: undefined });
        this.#set('uploading', null);
      } else if (outcome.permanent) {
        await this.#store.update(chunk, { state: 'failed', error: outcome.message });
        this.#set('uploading', outcome.message);
      } else {
        this.#failures++;
        const backoff = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** (this.#failures - 1));
        const wait = Math.max(outcome.retryAfterMs ?? 0, backoff * (0.5 + Math.random() / 2));
        this.retryAt = Date.now() + wait;
        this.#set('waiting', outcome.message);
        await this.#sleep(wait);
      }
    }
  }

  /** @returns {Promise<{ok: boolean, permanent?: boolean, message?: string, retryAfterMs?: number}>} */
  async #upload(chunk) {
    if (this.settings && chunk.size > this.settings.maxChunkBytes) {
      return { ok: false, permanent: true, message: `larger than the appliance accepts (${chunk.size} bytes)` };
    }
    const query = new URLSearchParams({ startedAt: chunk.startedAt, durationMs: chunk.durationMs, sha256: chunk.sha256 });
    if (chunk.site) query.set('site', chunk.site);
    const url = `/api/recordings/${encodeURIComponent(chunk.recordingId)}/chunks/${chunk.seq}?${query}`;
    let response;
    try {
      response = await fetch(url, {
        method: 'PUT', body: chunk.blob, headers: { ...this.#headers(), 'Content-Type': chunk.mimeType },
        // A dead link must not hold the queue: a minute plus 100 KB/s for the body.
        signal: AbortSignal.timeout(60_000 + chunk.size / 100),
      });
    } catch (e) {
      return { ok: false, message: `appliance unreachable (${e.message})` };
    }
    if (response.ok) return { ok: true };
    const body = await response.json().catch(() => ({}));
    const message = `${response.status} ${body.message ?? response.statusText}`;
    const retryAfter = Number(response.headers.get('Retry-After'));
    return { ok: false, permanent: PERMANENT.has(response.status), message,
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined };
  }

  #headers() {
    return { Authorization: `Bearer ${this.#token}` };
  }

  /** Waits {@code ms}, or less if retryNow() is called (or was, since the loop last looked for work). */
  #sleep(ms) {
    if (this.#kicked) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  #set(state, error) {
    this.state = state;
    this.lastError = error;
    this.dispatchEvent(new Event('change'));
  }
}
