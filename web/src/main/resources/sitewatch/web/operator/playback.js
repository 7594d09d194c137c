// Plays a stored recording in a <video> through Media Source Extensions: each chunk is a complete
// file with its own header, appended at its place on one timeline (its start minus the recording's
// start), so the video's own controls seek across chunks. Only the chunks near the playhead are
// fetched and kept; a gap (a chunk that was never stored) is skipped.

const AHEAD_S = 20;   // fetch chunks starting this far ahead of the playhead
const BEHIND_S = 30;  // keep this much already played

/** @typedef {{seq: number, startedAt: string, durationMs: number}} ChunkInfo */

/**
 * Events: `error` (detail: message). `position()` maps the playhead to the wall clock.
 */
export class RecordingPlayer extends EventTarget {
  #video;
  #mimeType;
  #fetchChunk;
  /**
   * Start and end in seconds on the recording's timeline; `missing` when it could not be fetched.
   * @type {{seq: number, start: number, end: number, appended: boolean, missing: boolean}[]}
   */
  #chunks;
  #origin;
  #mediaSource = new MediaSource();
  #buffer = null;
  #url;
  #pumping = false;
  #again = false;
  #closed = false;
  #listeners = [];

  /**
   * @param {{video: HTMLVideoElement, mimeType: string, chunks: ChunkInfo[],
   *   fetchChunk: (seq: number) => Promise<ArrayBuffer>}} options
   */
  constructor({ video, mimeType, chunks, fetchChunk }) {
    super();
    if (!('MediaSource' in window) || !MediaSource.isTypeSupported(mimeType)) {
      throw new Error(`this browser cannot play ${mimeType}`);
    }
    if (chunks.length === 0) throw new Error('nothing of it is stored any more');
    this.#video = video;
    this.#mimeType = mimeType;
    this.#fetchChunk = fetchChunk;
    this.#origin = Date.parse(chunks[0].startedAt);
    this.#chunks = chunks.map((c) => {
      const start = (Date.parse(c.startedAt) - this.#origin) / 1000;
      return { seq: c.seq, start, end: start + c.durationMs / 1000, appended: false, missing: false };
    });
    this.#url = URL.createObjectURL(this.#mediaSource);
    this.#on(this.#mediaSource, 'sourceopen', () => this.#opened());
    video.src = this.#url;
  }

  get duration() {
    return Math.max(...this.#chunks.map((c) => c.end));
  }

  /** Where the playhead is: seconds into the recording, and that moment on the site's clock. */
  position() {
    const t = this.#video.currentTime;
    return { seconds: t, at: new Date(this.#origin + t * 1000) };
  }

  /** Moves the playhead to a wall-clock moment of the recording. */
  seekTo(date) {
    this.#video.currentTime = Math.min(this.duration, Math.max(0, (date.getTime() - this.#origin) / 1000));
  }

  close() {
    this.#closed = true;
    this.#listeners.forEach(([target, type, fn]) => target.removeEventListener(type, fn));
    this.#video.pause();
    this.#video.removeAttribute('src');
    this.#video.load();
    URL.revokeObjectURL(this.#url);
  }

  #opened() {
    this.#buffer = this.#mediaSource.addSourceBuffer(this.#mimeType);
    this.#mediaSource.duration = this.duration;
    for (const type of ['timeupdate', 'seeking', 'waiting', 'playing']) this.#on(this.#video, type, () => this.#pump());
    this.#on(this.#video, 'waiting', () => this.#skipGap());
    this.#pump();
  }

  #on(target, type, fn) {
    target.addEventListener(type, fn);
    this.#listeners.push([target, type, fn]);
  }

  /** One loop at a time appends what the playhead needs next and evicts what it left behind. */
  async #pump() {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        await this.#evict();
        const next = this.#next();
        if (next) {
          await this.#append(next);
          this.#again = true;
        } else if (this.#mediaSource.readyState === 'open' && !this.#pendingAfter(this.#video.currentTime, Infinity)) {
          this.#mediaSource.endOfStream(); // so the video ends at the last chunk instead of waiting for more
        }
        this.#skipGap();
      } while (this.#again && !this.#closed);
    } catch (e) {
      if (!this.#closed) this.dispatchEvent(new CustomEvent('error', { detail: e.message ?? String(e) }));
    } finally {
      this.#pumping = false;
    }
  }

  /** The first chunk not yet appended that overlaps [playhead, playhead + AHEAD_S]. */
  #next() {
    const t = this.#video.currentTime;
    return this.#chunks.find((c) => !c.appended && !c.missing && c.end > t && c.start < t + AHEAD_S) ?? null;
  }

  /** Whether a chunk that could still be appended covers part of [from, to). */
  #pendingAfter(from, to) {
    return this.#chunks.some((c) => !c.appended && !c.missing && c.end > from + 0.05 && c.start < to);
  }

  async #append(chunk) {
    let data;
    try {
      data = await this.#fetchChunk(chunk.seq);
    } catch (e) {
      chunk.missing = true; // e.g. removed by retention meanwhile: played as a gap
      this.dispatchEvent(new CustomEvent('error', { detail: `chunk ${chunk.seq}: ${e.message}` }));
      return;
    }
    if (this.#closed) return;
    this.#buffer.timestampOffset = chunk.start;
    await this.#update(() => this.#buffer.appendBuffer(data));
    chunk.appended = true;
  }

  /** Drops media far from the playhead; those chunks are fetched again if the playhead comes back. */
  async #evict() {
    const t = this.#video.currentTime;
    const far = this.#chunks.filter((c) => c.appended && (c.end < t - BEHIND_S || c.start > t + 2 * AHEAD_S));
    for (const chunk of far) {
      await this.#update(() => this.#buffer.remove(chunk.start, chunk.end));
      chunk.appended = false;
    }
  }

  /**
   * A chunk that was never stored (or a recorder that stopped early) leaves a hole, and playback
   * stalls at a hole: once nothing left to append could fill it, jump to the media after it.
   */
  #skipGap() {
    const ranges = this.#buffer?.buffered;
    if (!ranges || this.#video.seeking) return;
    const t = this.#video.currentTime;
    let after = Infinity;
    for (let i = 0; i < ranges.length; i++) {
      if (ranges.start(i) <= t + 0.05 && t < ranges.end(i) - 0.05) return; // inside media: nothing to do
      if (ranges.start(i) > t) after = Math.min(after, ranges.start(i));
    }
    if (after < Infinity && !this.#pendingAfter(t, after)) this.#video.currentTime = after;
  }

  /** Runs one SourceBuffer operation and waits for it to finish. */
  #update(operation) {
    return new Promise((resolve, reject) => {
      const done = () => { cleanup(); resolve(); };
      const failed = () => { cleanup(); reject(new Error('the recording could not be decoded')); };
      const cleanup = () => {
        this.#buffer.removeEventListener('updateend', done);
        this.#buffer.removeEventListener('error', failed);
      };
      this.#buffer.addEventListener('updateend', done);
      this.#buffer.addEventListener('error', failed);
      try {
        operation();
      } catch (e) {
        cleanup();
        reject(e);
      }
    });
  }
}
