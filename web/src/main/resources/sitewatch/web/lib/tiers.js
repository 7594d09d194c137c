// Per-connection video tiers (design.md, Web apps): the site sends each watcher its own
// encoding of the camera and sets it with RTCRtpSender.setParameters.

/** @typedef {import('./signal-client.js').Tier} Tier */

/** Used until the appliance's presets arrive in welcome. */
export const DEFAULT_TIERS = {
  low: { height: 180, kbps: 150, fps: 10 },
  high: { height: 0, kbps: 2500, fps: 30 },
};

/**
 * Applies a preset to a video sender.
 * Low tier keeps its frame rate and gives up resolution under pressure, so a backup tile stays
 * smooth; high tier balances both.
 * @param {RTCRtpSender} sender
 * @param {Tier} tier
 * @param {'low'|'high'} name
 */
export async function applyTier(sender, tier, name) {
  const track = sender.track;
  if (!track) return;
  const height = track.getSettings().height || tier.height || 1;
  const params = sender.getParameters();
  if (!params.encodings || params.encodings.length === 0) params.encodings = [{}];
  const encoding = params.encodings[0];
  encoding.scaleResolutionDownBy = tier.height > 0 ? Math.max(1, height / tier.height) : 1;
  encoding.maxBitrate = tier.kbps * 1000;
  encoding.maxFramerate = tier.fps;
  params.degradationPreference = name === 'low' ? 'maintain-framerate' : 'balanced';
  try {
    await sender.setParameters(params);
  } catch (e) {
    // Browsers that refuse degradationPreference still take the encoding limits.
    delete params.degradationPreference;
    await sender.setParameters(params);
  }
}
