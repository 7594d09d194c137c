package io.sitewatch.appliance.config;

import io.sitewatch.appliance.signal.SignalSettings;
import java.util.List;
import java.util.Objects;

/**
 * The appliance's whole configuration: one immutable tree, built by {@link ConfigLoader} from
 * defaults, then {@code sitewatch.conf} (TOML), then {@code SITEWATCH_*} environment variables,
 * then command-line flags. Each component receives only its own section.
 */
public record Config(Http http, Tls tls, Ice ice, Tiers tiers, Intercom intercom, Discovery discovery,
                     Standby standby, SignalSettings signal, Auth auth, Admin admin, Recordings recordings) {

    public Config {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(ice, "ice");
        Objects.requireNonNull(tiers, "tiers");
        Objects.requireNonNull(intercom, "intercom");
        Objects.requireNonNull(discovery, "discovery");
        Objects.requireNonNull(standby, "standby");
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(recordings, "recordings");
    }

    public static Config defaults() {
        return new Config(Http.defaults(), Tls.defaults(), Ice.defaults(), Tiers.defaults(), Intercom.defaults(),
                Discovery.defaults(), Standby.defaults(), SignalSettings.defaults(), Auth.defaults(), Admin.defaults(),
                Recordings.defaults());
    }

    /**
     * Listeners and browser-facing limits.
     *
     * @param tls            false serves plain HTTP and ws:// (refused unless bound to loopback)
     * @param allowedOrigins origins besides the appliance's own that may open {@code /signal}
     * @param outbox         messages queued per connection before it counts as a slow consumer
     */
    public record Http(String bind, int httpsPort, int httpPort, boolean tls, List<String> allowedOrigins,
                       int outbox) {
        public Http {
            allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
            requirePort(httpsPort, "http.https-port");
            requirePort(httpPort, "http.http-port");
            if (bind == null || bind.isBlank()) {
                throw new IllegalArgumentException("http.bind must be an address");
            }
            if (outbox < 16) {
                throw new IllegalArgumentException("http.outbox must be at least 16");
            }
        }

        static Http defaults() {
            return new Http("0.0.0.0", 8443, 8080, true, List.of(), 1024);
        }

        public Http withAllowedOrigin(String origin) {
            List<String> origins = new java.util.ArrayList<>(allowedOrigins);
            origins.add(origin);
            return new Http(bind, httpsPort, httpPort, tls, origins, outbox);
        }
    }

    /** A user-supplied certificate: a PKCS12 keystore, or PEM certificate chain and key. Blank = generated. */
    public record Tls(String keystore, String keystorePassword, String certificate, String privateKey) {
        public Tls {
            keystore = blankToEmpty(keystore);
            keystorePassword = blankToEmpty(keystorePassword);
            certificate = blankToEmpty(certificate);
            privateKey = blankToEmpty(privateKey);
            if (certificate.isEmpty() != privateKey.isEmpty()) {
                throw new IllegalArgumentException("tls.certificate and tls.private-key go together");
            }
        }

        static Tls defaults() {
            return new Tls("", "", "", "");
        }
    }

    /**
     * ICE servers handed to clients in {@code welcome}. STUN only by default; TURN with static
     * credentials ({@code turn-username}/{@code turn-credential}) or time-limited REST
     * credentials derived from {@code turn-secret} (the coturn {@code use-auth-secret} scheme).
     */
    public record Ice(List<String> stun, List<String> turn, String turnUsername, String turnCredential,
                      String turnSecret, long turnTtlSeconds) {
        public Ice {
            stun = stun == null ? List.of() : List.copyOf(stun);
            turn = turn == null ? List.of() : List.copyOf(turn);
            turnUsername = blankToEmpty(turnUsername);
            turnCredential = blankToEmpty(turnCredential);
            turnSecret = blankToEmpty(turnSecret);
            for (String url : stun) {
                if (!url.startsWith("stun:") && !url.startsWith("stuns:")) {
                    throw new IllegalArgumentException("ice.stun entries start with stun: or stuns: (" + url + ")");
                }
            }
            for (String url : turn) {
                if (!url.startsWith("turn:") && !url.startsWith("turns:")) {
                    throw new IllegalArgumentException("ice.turn entries start with turn: or turns: (" + url + ")");
                }
            }
            if (!turn.isEmpty() && turnSecret.isEmpty() && (turnUsername.isEmpty() || turnCredential.isEmpty())) {
                throw new IllegalArgumentException(
                        "ice.turn needs ice.turn-secret, or ice.turn-username and ice.turn-credential");
            }
            if (turnTtlSeconds < 60) {
                throw new IllegalArgumentException("ice.turn-ttl-seconds must be at least 60");
            }
        }

        static Ice defaults() {
            return new Ice(List.of("stun:stun.l.google.com:19302"), List.of(), "", "", "", 86_400);
        }
    }

    /**
     * Video presets a site applies per connection (design.md, Web apps): high tier to the
     * primary operator, low tier to every backup.
     */
    public record Tiers(Tier low, Tier high) {
        public Tiers {
            Objects.requireNonNull(low, "tiers.low");
            Objects.requireNonNull(high, "tiers.high");
        }

        static Tiers defaults() {
            return new Tiers(new Tier(180, 150, 10), new Tier(0, 2500, 30));
        }
    }

    /**
     * @param height largest frame height sent (the site scales down to it); 0 sends the camera's own
     * @param kbps   maximum video bitrate
     * @param fps    maximum frame rate
     */
    public record Tier(int height, int kbps, int fps) {
        public Tier {
            if (height < 0 || kbps < 30 || fps < 1 || fps > 60) {
                throw new IllegalArgumentException("a tier needs height >= 0 (0 = native), kbps >= 30, fps 1-60");
            }
        }
    }

    /**
     * A standby pair. On the primary: {@code url}, the standby's signaling URL announced to clients, and
     * {@code secret}, which the standby presents to fetch snapshots. On the standby: {@code of}, the
     * primary's base URL, the same {@code secret}, and for https {@code caFingerprint}, the SHA-256 of the
     * primary's CA ({@code sitewatch cert export-ca} or {@code discover} show it) that the standby trusts.
     */
    public record Standby(String of, String secret, String caFingerprint, String url, int intervalSeconds) {
        public Standby {
            of = blankToEmpty(of).replaceAll("/+$", "");
            secret = blankToEmpty(secret);
            caFingerprint = blankToEmpty(caFingerprint).toUpperCase(java.util.Locale.ROOT);
            url = blankToEmpty(url);
            if (!of.isEmpty() && !of.startsWith("https://") && !of.startsWith("http://")) {
                throw new IllegalArgumentException("standby.of is the primary's base URL, e.g. https://primary:8443");
            }
            if (!of.isEmpty() && secret.length() < 16) {
                throw new IllegalArgumentException("standby.secret (at least 16 characters) is needed with standby.of");
            }
            if (of.startsWith("https://") && caFingerprint.isEmpty()) {
                throw new IllegalArgumentException("standby.ca-fingerprint is needed to trust the primary over https"
                        + " (run 'sitewatch cert export-ca' on the primary)");
            }
            if (!url.isEmpty() && !url.startsWith("wss://") && !url.startsWith("ws://")) {
                throw new IllegalArgumentException("standby.url is the standby's signaling URL, e.g. wss://standby:8443/signal");
            }
            if (intervalSeconds < 1) {
                throw new IllegalArgumentException("standby.interval-seconds must be at least 1");
            }
        }

        static Standby defaults() {
            return new Standby("", "", "", "", 5);
        }

        public boolean following() {
            return !of.isEmpty();
        }
    }

    /** @param mdns announce the appliance on the LAN (mDNS/DNS-SD); never done on a loopback bind */
    public record Discovery(boolean mdns) {
        static Discovery defaults() {
            return new Discovery(true);
        }
    }

    /** @param defaultRoom the voice room every operator's intercom lists, defined or not */
    public record Intercom(String defaultRoom) {
        public Intercom {
            if (defaultRoom == null || defaultRoom.isBlank() || defaultRoom.length() > 64) {
                throw new IllegalArgumentException("intercom.default-room must be 1-64 characters");
            }
        }

        static Intercom defaults() {
            return new Intercom("control-room");
        }
    }

    /**
     * @param operatorTokenTtlMinutes lifetime of tokens from {@code POST /api/login}
     * @param passwordIterations      PBKDF2-HMAC-SHA256 iterations for new password hashes
     */
    public record Auth(long operatorTokenTtlMinutes, int passwordIterations) {
        public Auth {
            if (operatorTokenTtlMinutes < 1) {
                throw new IllegalArgumentException("auth.operator-token-ttl-minutes must be positive");
            }
            if (passwordIterations < 1_000) {
                throw new IllegalArgumentException("auth.password-iterations must be at least 1000");
            }
        }

        static Auth defaults() {
            return new Auth(12 * 60, 210_000);
        }
    }

    /**
     * The admin socket ({@code DATA_DIR/admin.sock}), and optionally loopback HTTP for hosts where a Unix socket
     * does not suit (design.md, Admin API).
     *
     * @param socketGroup blank: only the service user may use it (0600); a group name: members of that group may
     *                    too (0660, e.g. {@code sitewatch} on a packaged box, with the data directory 0750)
     * @param httpPort    0: no loopback listener (default); else the admin API also on {@code 127.0.0.1:PORT},
     *                    for requests with {@code Host: 127.0.0.1|localhost:PORT} and the bearer token in
     *                    {@code DATA_DIR/admin.token} (0600)
     */
    public record Admin(String socketGroup, int httpPort) {
        public Admin {
            socketGroup = blankToEmpty(socketGroup);
            if (!socketGroup.isEmpty() && !socketGroup.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*\\$?")) {
                throw new IllegalArgumentException("admin.socket-group must be a group name, not '"
                        + socketGroup + "'");
            }
            requirePort(httpPort, "admin.http-port");
        }

        static Admin defaults() {
            return new Admin("", 0);
        }
    }

    /**
     * Recording chunks uploaded by sites (design.md, Storage). Sizes are in MiB; 0 switches a
     * limit off where noted.
     *
     * @param chunkSeconds         length of each chunk the site app records
     * @param siteLocalMb          how much the site app keeps in the browser, oldest dropped first
     * @param maxChunkMb           largest chunk accepted (413 above)
     * @param siteQuotaMb          most a site may have stored (507 above); 0 = no quota
     * @param maxTotalMb           retention: oldest chunks go once all recordings pass this; 0 = no cap
     * @param maxAgeDays           retention: chunks that started longer ago than this go; 0 = no age limit
     * @param minFreeMb            uploads are refused (507) while the disk has less free space than this
     * @param pruneIntervalMinutes how often retention runs
     */
    public record Recordings(int chunkSeconds, long siteLocalMb, long maxChunkMb, long siteQuotaMb, long maxTotalMb,
                             int maxAgeDays, long minFreeMb, int pruneIntervalMinutes) {
        public Recordings {
            if (chunkSeconds < 1 || chunkSeconds > 600) {
                throw new IllegalArgumentException("recordings.chunk-seconds must be 1-600");
            }
            if (siteLocalMb < 16) {
                throw new IllegalArgumentException("recordings.site-local-mb must be at least 16");
            }
            if (maxChunkMb < 1 || maxChunkMb > 2048) {
                throw new IllegalArgumentException("recordings.max-chunk-mb must be 1-2048");
            }
            if (siteQuotaMb < 0 || maxTotalMb < 0 || maxAgeDays < 0 || minFreeMb < 0) {
                throw new IllegalArgumentException(
                        "recordings.site-quota-mb, max-total-mb, max-age-days and min-free-mb must not be negative");
            }
            if (pruneIntervalMinutes < 1) {
                throw new IllegalArgumentException("recordings.prune-interval-minutes must be positive");
            }
        }

        static Recordings defaults() {
            return new Recordings(10, 1024, 64, 0, 0, 30, 2048, 10);
        }
    }

    private static void requirePort(int port, String key) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(key + " must be 0-65535");
        }
    }

    private static String blankToEmpty(String value) {
        return value == null ? "" : value.strip();
    }
}
