package io.sitewatch.appliance.signal;

import java.util.Map;

/**
 * The signaling core's slice of the configuration.
 *
 * @param heartbeatMs     server ping interval; a session silent for 3 intervals is dropped
 * @param helloTimeoutMs  time allowed between connecting and {@code hello}
 * @param resumeWindowMs  how long a dropped session can be resumed
 * @param resumeQueue     messages kept for a dropped session until it resumes
 * @param ratePerSecond   sustained inbound messages per session
 * @param rateBurst       inbound burst per session; also the number of dropped messages that closes it (4008)
 * @param maxWatch        sites in one watch set
 * @param roomCapacity    members of a voice room unless the room sets its own
 * @param roomCapacities  capacity per named room
 */
public record SignalSettings(long heartbeatMs, long helloTimeoutMs, long resumeWindowMs, int resumeQueue,
                             double ratePerSecond, int rateBurst, int maxWatch, int roomCapacity,
                             Map<String, Integer> roomCapacities) {

    public SignalSettings {
        roomCapacities = roomCapacities == null ? Map.of() : Map.copyOf(roomCapacities);
        if (heartbeatMs < 1000 || helloTimeoutMs < 100 || resumeWindowMs < 0 || resumeQueue < 1
                || ratePerSecond <= 0 || rateBurst < 1 || maxWatch < 1 || roomCapacity < 2) {
            throw new IllegalArgumentException("signal settings out of range: " + this);
        }
    }

    public static SignalSettings defaults() {
        return new SignalSettings(15_000, 10_000, 30_000, 256, 100, 400, 64, 6, Map.of());
    }
}
