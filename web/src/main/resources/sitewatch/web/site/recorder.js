// Records the published stream in chunks that each play on their own: a fresh MediaRecorder per
// chunk, so every chunk has its own container header and starts with a keyframe (time-sliced
// blobs of one recorder after the first have neither). Free of the DOM.

const TYPES = {
  av: ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp9,opus', 'video/mp4;codecs=avc1,mp4a.40.2', 'video/mp4'],
  video: ['video/webm;codecs=vp8', 'video/webm;codecs=vp9', 'video/mp4;codecs=avc1', 'video/mp4'],
};

/**
 * @typedef {{recordingId: string, seq: number, startedAt: number, durationMs: number, mimeType: string,
 *   blob: Blob}} RecordedChunk
 */

/** The first container this browser records for these tracks: WebM where it can, MP4 otherwise (Safari). */
export function pickMimeType(stream) {
  const types = stream.getAudioTracks().length > 0 ? TYPES.av : TYPES.video;
  return types.find((t) => MediaRecorder.isTypeSupported(t)) ?? '';
}

/**
 * Events: `chunk` (detail: RecordedChunk, in sequence order), `error` (detail: Error).
 * One recording runs from start() to stop(); its chunks are numbered from 0.
 */
export class ChunkRecorder extends EventTarget {
  recordingId = null;
  #stream;
  #chunkMs;
  #mimeType;
  #current = null;
  #timer = 0;
  #seq = 0;
  #pending = Promise.resolve();

  /** @param {{stream: MediaStream, chunkMs?: number}} options */
  constructor({ stream, chunkMs = 10_000 }) {
    super();
    this.#stream = stream;
    this.#chunkMs = chunkMs;
    this.#mimeType = pickMimeType(stream);
  }

  get recording() { return this.#current !== null; }

  start() {
    if (this.#current) return;
    this.recordingId = crypto.randomUUID();
    this.#seq = 0;
    this.#begin();
  }

  /** Ends the recording; resolves once its last chunk has been emitted. */
  async stop() {
    clearTimeout(this.#timer);
    const last = this.#current;
    this.#current = null;
    if (last) this.#end(last);
    await this.#pending;
  }

  /** A new camera or microphone: the current chunk ends and the next one records the new stream. */
  replaceStream(stream) {
    this.#stream = stream;
    if (this.#current) this.#rotate();
  }

  #begin() {
    const recorder = new MediaRecorder(this.#stream, this.#mimeType ? { mimeType: this.#mimeType } : {});
    const current = { recorder, recordingId: this.recordingId, startedAt: Date.now(), t0: performance.now(), t1: 0,
      parts: [] };
    const done = new Promise((resolve) => {
      recorder.ondataavailable = (e) => { if (e.data.size > 0) current.parts.push(e.data); };
      recorder.onstop = () => resolve();
      recorder.onerror = (e) => {
        this.dispatchEvent(new CustomEvent('error', { detail: e.error ?? new Error('recorder failed') }));
        resolve();
      };
    });
    // Chunks are emitted in the order they started, whatever order their recorders finish in.
    this.#pending = Promise.all([this.#pending, done]).then(() => this.#emit(current));
    recorder.start();
    this.#current = current;
    this.#timer = setTimeout(() => this.#rotate(), this.#chunkMs);
  }

  /** The next recorder starts before the previous one stops, so not a frame is lost between chunks. */
  #rotate() {
    const previous = this.#current;
    this.#begin();
    this.#end(previous);
  }

  #end(current) {
    current.t1 = performance.now();
    if (current.recorder.state !== 'inactive') current.recorder.stop();
  }

  #emit({ recorder, recordingId, startedAt, t0, t1, parts }) {
    if (parts.length === 0) return;
    const mimeType = recorder.mimeType || this.#mimeType || parts[0].type;
    const chunk = {
      recordingId,
      seq: this.#seq++,
      startedAt,
      durationMs: Math.max(1, Math.round((t1 || performance.now()) - t0)),
      mimeType,
      blob: new Blob(parts, { type: mimeType }),
    };
    this.dispatchEvent(new CustomEvent('chunk', { detail: chunk }));
  }
}
