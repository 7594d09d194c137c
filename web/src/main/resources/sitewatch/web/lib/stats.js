// Turns RTCPeerConnection.getStats() into the few numbers people and the admin look at.

/**
 * @typedef {{kbpsIn: number, kbpsOut: number, fps: number, rttMs: number|null,
 *   route: 'host'|'srflx'|'prflx'|'relay'|null, framesDecoded: number, width: number, height: number,
 *   bytesIn: number, bytesOut: number, at: number}} LinkStats
 */

/**
 * @param {RTCStatsReport} report
 * @param {LinkStats|null} previous the last sample, for bitrates
 * @returns {LinkStats}
 */
export function summarize(report, previous) {
  const now = performance.now();
  let bytesIn = 0;
  let bytesOut = 0;
  let fps = 0;
  let framesDecoded = 0;
  let width = 0;
  let height = 0;
  let pair = null;
  const byId = new Map();
  report.forEach((s) => byId.set(s.id, s));
  report.forEach((s) => {
    if (s.type === 'inbound-rtp') {
      bytesIn += s.bytesReceived ?? 0;
      if (s.kind === 'video') {
        fps = Math.max(fps, s.framesPerSecond ?? 0);
        framesDecoded += s.framesDecoded ?? 0;
        width = s.frameWidth ?? width;
        height = s.frameHeight ?? height;
      }
    } else if (s.type === 'outbound-rtp') {
      bytesOut += s.bytesSent ?? 0;
      if (s.kind === 'video') {
        fps = Math.max(fps, s.framesPerSecond ?? 0);
        width = s.frameWidth ?? width;
        height = s.frameHeight ?? height;
      }
    } else if (s.type === 'transport' && s.selectedCandidatePairId) {
      pair = byId.get(s.selectedCandidatePairId) ?? pair;
    } else if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded' && !pair) {
      pair = s;
    }
  });
  const seconds = previous ? (now - previous.at) / 1000 : 0;
  const rate = (bytes, before) => (seconds > 0 ? Math.max(0, Math.round(((bytes - before) * 8) / seconds / 1000)) : 0);
  return {
    kbpsIn: previous ? rate(bytesIn, previous.bytesIn) : 0,
    kbpsOut: previous ? rate(bytesOut, previous.bytesOut) : 0,
    fps: Math.round(fps),
    rttMs: pair?.currentRoundTripTime != null ? Math.round(pair.currentRoundTripTime * 1000) : null,
    route: routeOf(pair, byId),
    framesDecoded,
    width,
    height,
    bytesIn,
    bytesOut,
    at: now,
  };
}

/** The route of the selected pair: relay if either side relays, else the remote side's kind of address. */
function routeOf(pair, byId) {
  if (!pair) return null;
  const local = byId.get(pair.localCandidateId)?.candidateType;
  const remote = byId.get(pair.remoteCandidateId)?.candidateType;
  if (local === 'relay' || remote === 'relay') return 'relay';
  if (local === 'host' && remote === 'host') return 'host';
  return remote === 'host' ? local ?? null : remote ?? null;
}

/** The subset reported to the appliance in `status` messages. */
export function forStatus(stats) {
  const out = { kbpsIn: stats.kbpsIn, kbpsOut: stats.kbpsOut, fps: stats.fps };
  if (stats.rttMs != null) out.rttMs = stats.rttMs;
  if (stats.route) out.route = stats.route;
  return out;
}
