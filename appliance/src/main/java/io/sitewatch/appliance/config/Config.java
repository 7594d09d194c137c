package io.sitewatch.appliance.config;

import io.sitewatch.appliance.signal.SignalSettings;
import java.util.List;
import java.util.Objects;

/**
 * The appliance's whole configuration: one immutable tree, built by {@link ConfigLoader} from
 * defaults, then {@code sitewatch.conf} (TOML), then {@code SITEWATCH_*} environment variables,
 * then command-line flags. Each component receives only its own section.
 */
public record Config(Http http, Tls tls, Ice ice, Tiers tiers, SignalSettings signal, Auth auth,
                     Recordings recordings) {

    public Config {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(ice, "ice");
        Objects.requireNonNull(tiers, "tiers");
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(recordings, "recordings");
    }

    public static Config defaults() {
        return new Config(Http.defaults(), Tls.defaults(), Ice.defaults(), Tiers.defaults(),
                SignalSettings.defaults(), Auth.defaults(), Recordings.defaults());
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
