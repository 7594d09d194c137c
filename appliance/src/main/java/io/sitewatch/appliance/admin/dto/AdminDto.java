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

    public record EventView(long seq, Instant at, String kind, String session, String peer, String detail) {}

    public record Status(String version, Instant startedAt, long uptimeSeconds, String dataDir, String baseUrl,
                         boolean tls, int port, int redirectPort, Map<String, Integer> sessions, int sites,
                         int operators, long eventsDropped) {}

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

    public record ApiError(String error, String message) {}
}
