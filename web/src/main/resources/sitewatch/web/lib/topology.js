// Where a peer connection's packets actually go, from getStats: the selected candidate pair.

/**
 * @typedef {{kind: 'local-p2p'|'p2p'|'relay', rttMs: number|null, protocol: string|null,
 *   local: {type: string, address: string|null, port: number|null},
 *   remote: {type: string, address: string|null, port: number|null}}} Topology
 */

/**
 * Classifies the selected pair: `local-p2p` (host to host, the same network), `p2p` (through
 * NAT: server- or peer-reflexive addresses), `relay` (through TURN). Null before a pair is chosen.
 * @param {RTCPeerConnection} pc
 * @returns {Promise<Topology|null>}
 */
export async function topologyOf(pc) {
  const report = await pc.getStats();
  const byId = new Map();
  let pair = null;
  report.forEach((s) => byId.set(s.id, s));
  report.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) pair = byId.get(s.selectedCandidatePairId) ?? pair;
  });
  if (!pair) {
    report.forEach((s) => {
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s;
    });
  }
  if (!pair) return null;
  const local = byId.get(pair.localCandidateId) ?? {};
  const remote = byId.get(pair.remoteCandidateId) ?? {};
  const types = [local.candidateType, remote.candidateType];
  const kind = types.includes('relay') ? 'relay' : types.every((t) => t === 'host') ? 'local-p2p' : 'p2p';
  const side = (c) => ({ type: c.candidateType ?? 'unknown', address: c.address ?? c.ip ?? null, port: c.port ?? null });
  return {
    kind,
    rttMs: pair.currentRoundTripTime != null ? Math.round(pair.currentRoundTripTime * 1000) : null,
    protocol: local.protocol ?? null,
    local: side(local),
    remote: side(remote),
  };
}
