// Recorded chunks kept in this browser (IndexedDB): every chunk until the appliance has it, and
// uploaded ones while they fit. Bounded by a byte budget, oldest dropped first. Free of the DOM.

const DATABASE = 'sitewatch-recordings';
const STORE = 'chunks';

/**
 * @typedef {{recordingId: string, seq: number, site: string|null, startedAt: number, durationMs: number,
 *   mimeType: string, sha256: string, size: number, blob: Blob, state: 'pending'|'uploaded'|'failed',
 *   error?: string}} StoredChunk
 */

const done = (request) => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});

export class ChunkStore {
  #db;

  constructor(db) {
    this.#db = db;
  }

  static async open(name = DATABASE) {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore(STORE, { keyPath: ['recordingId', 'seq'] });
      store.createIndex('startedAt', 'startedAt');
    };
    return new ChunkStore(await done(request));
  }

  /** @param {StoredChunk} chunk */
  async add(chunk) {
    await done(this.#store('readwrite').put(chunk));
  }

  /** @returns {Promise<StoredChunk[]>} oldest first */
  async list() {
    return done(this.#store('readonly').index('startedAt').getAll());
  }

  /** The oldest chunk still to upload, or null. */
  async nextPending() {
    return (await this.list()).find((c) => c.state === 'pending') ?? null;
  }

  /** Changes some fields of a stored chunk (a chunk dropped meanwhile stays dropped). */
  async update(chunk, changes) {
    const tx = this.#db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    const current = await done(store.get([chunk.recordingId, chunk.seq]));
    if (current) await done(store.put({ ...current, ...changes }));
  }

  /**
   * Drops chunks, oldest first, until the rest fit in {@code budgetBytes}: uploaded ones first, then,
   * only if still over, chunks the appliance does not have yet (lost as evidence; they are returned).
   * @returns {Promise<StoredChunk[]>} the dropped chunks that had not been uploaded
   */
  async enforce(budgetBytes) {
    const chunks = await this.list();
    let total = chunks.reduce((sum, c) => sum + c.size, 0);
    const lost = [];
    const store = this.#store('readwrite');
    for (const uploadedFirst of [true, false]) {
      for (const c of chunks) {
        if (total <= budgetBytes) return lost;
        if ((c.state === 'uploaded') !== uploadedFirst) continue;
        store.delete([c.recordingId, c.seq]);
        total -= c.size;
        if (c.state !== 'uploaded') lost.push(c);
      }
    }
    return lost;
  }

  #store(mode) {
    return this.#db.transaction(STORE, mode).objectStore(STORE);
  }
}
