package io.sitewatch.appliance.admin.dto;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The admin API's request and response bodies, shared with the CLI (its only client). */
public final class AdminDto {

    private AdminDto() {}

    public record SiteView(String id, String name, String location, String group, boolean enabled,
                           Instant createdAt, boolean online, String sessionId) {}

    /** A new site and its token, shown this once. */
    public record EnrolledSite(SiteView site, String token) {}

    public record OperatorView(String name, List<String> groups, Instant createdAt, int sessions) {}

    public record IssuedToken(String subject, String tokenId, String token, Instant expiresAt) {}

    /**
     * One event. {@code data} holds the event's facts as fields (who a session is, an operator's watch set, a
     * link's state and statistics) on live events only; stored events have {@code detail}, the human line.
     * Live {@code link-stats} events (with {@code follow=true&stats=true}) have seq 0 and are never stored.
     */
    public record EventView(long seq, Instant at, String kind, String session, String peer, String detail,
                            Map<String, Object> data) {}

    /**
     * The appliance at a glance. {@code baseUrl} is for this box; {@code deviceUrl} is the address other
     * devices use (the first host name or address the certificate covers). Disk figures are for the data
     * directory (its size) and the file system holding it. {@code cpuSeconds} (CPU time since start) and
     * {@code rssBytes} (resident memory) are the appliance process's own, -1 where unknown.
     */
    public record Status(String version, Instant startedAt, long uptimeSeconds, String dataDir, String baseUrl,
                         String deviceUrl, boolean tls, int port, int redirectPort, String adminSocket,
                         Map<String, Integer> sessions, int sites, int operators, long eventsDropped,
                         long diskUsedBytes, long diskFreeBytes, long diskTotalBytes, String standbyOf,
                         Instant standbyLastSync, String standbyError, double cpuSeconds, long rssBytes) {}

    /** The appliance's own CA, for devices to trust ({@code sitewatch cert export-ca}). */
    public record CaCertificate(String pem, String fingerprintSha256) {}

    /**
     * What {@code sitewatch doctor} needs from a running appliance besides {@link Status}.
     *
     * @param databaseProblems {@code PRAGMA integrity_check} findings; empty when sound
     * @param configFile       the config file the appliance loaded, or null
     */
    public record Diagnostics(List<String> databaseProblems, String configFile, String bind, boolean tls,
                              List<String> stun, List<String> turn, String socketGroup) {}

    public record SiteRequest(String id, String name, String location, String group) {}

    public record SiteChange(String name, String location, String group) {}

    public record OperatorRequest(String name, String password, List<String> groups) {}

    public record PasswordRequest(String password) {}

    public record TokenRequest(Long ttlMinutes) {}

    public record RoomRequest(String name, Integer capacity, Boolean shared) {}

    /** New groups for an operator; {@code allGroups} true lifts the restriction. */
    public record OperatorChange(List<String> groups, Boolean allGroups) {}

    public record GroupRequest(String name) {}

    public record ApiError(String error, String message) {}
}
