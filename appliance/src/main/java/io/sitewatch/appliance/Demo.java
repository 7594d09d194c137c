package io.sitewatch.appliance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sitewatch.appliance.auth.Passwords;
import io.sitewatch.appliance.registry.Registry;
import io.sitewatch.appliance.registry.RegistryException;
import io.sitewatch.appliance.signal.Credentials;
import io.sitewatch.appliance.store.Site;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code serve --demo}: sites demo-1..demo-4 and an operator {@code demo} with a random
 * password, so a first run has something to click. Tokens are shown once everywhere else;
 * for the demo they are kept in {@code demo.json} (0600) so re-runs print the same URLs.
 */
public final class Demo {

    public static final List<String> SITES = List.of("demo-1", "demo-2", "demo-3", "demo-4");
    public static final String OPERATOR = "demo";
    private static final String FILE = "demo.json";
    private static final Duration WALL_TOKEN_TTL = Duration.ofDays(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the demo prints: the operator's login and a token for wall mode, and each site's token. */
    public record Credentials(String operator, String password, String operatorToken, Map<String, String> siteTokens) {}

    private Demo() {}

    public static Credentials prepare(Appliance appliance) throws IOException {
        Registry registry = appliance.registry();
        io.sitewatch.appliance.signal.Credentials check = appliance.credentials();
        Path file = appliance.dataDir().resolve(FILE);
        Credentials saved = Files.exists(file) ? JSON.readValue(file.toFile(), Credentials.class) : null;

        Map<String, String> tokens = new LinkedHashMap<>();
        for (String id : SITES) {
            String token = saved == null ? null : saved.siteTokens().get(id);
            if (token == null || !valid(check, token)) {
                token = ensureSite(registry, id);
            }
            tokens.put(id, token);
        }
        String password = saved == null ? null : saved.password();
        if (password == null || !passwordWorks(registry, password)) {
            password = randomPassword();
            try {
                registry.addOperator(OPERATOR, password, null);
            } catch (RegistryException e) {
                registry.setPassword(OPERATOR, password);
            }
        }
        String wallToken = saved == null ? null : saved.operatorToken();
        if (wallToken == null || !valid(check, wallToken)) {
            wallToken = registry.issueOperatorToken(OPERATOR, WALL_TOKEN_TTL).token();
        }
        Credentials credentials = new Credentials(OPERATOR, password, wallToken, tokens);
        write(file, credentials);
        return credentials;
    }

    /** The text {@code serve --demo} prints. */
    public static String describe(Credentials c, String baseUrl, Path caFile) {
        StringBuilder s = new StringBuilder();
        s.append("\nsitewatch demo is running.\n\n");
        s.append("  Operator   ").append(baseUrl).append("/operator/\n");
        s.append("             name: ").append(c.operator()).append("   password: ").append(c.password()).append('\n');
        s.append("  Wall mode  ").append(baseUrl).append("/operator/?token=").append(c.operatorToken())
                .append("&sites=").append(String.join(",", c.siteTokens().keySet())).append('\n');
        c.siteTokens().forEach((id, token) -> s.append(String.format("  Site %-6s %s/site/?token=%s&autostart=1%n",
                id, baseUrl, token)));
        if (caFile != null) {
            s.append("\n  The certificate is the appliance's own: trust ").append(caFile)
                    .append("\n  on devices (or accept the browser warning) before opening the links.\n");
        }
        s.append("  On other devices use this machine's address instead of localhost.\n");
        return s.toString();
    }

    private static String ensureSite(Registry registry, String id) {
        try {
            Site site = registry.site(id);
            if (!site.enabled()) {
                registry.setEnabled(id, true);
            }
            return registry.rotateSiteToken(id);
        } catch (RegistryException e) {
            String n = id.substring(id.indexOf('-') + 1);
            return registry.addSite(new Registry.SiteSpec(id, "Demo site " + n, "Demo yard " + n, null)).token();
        }
    }

    private static boolean valid(io.sitewatch.appliance.signal.Credentials check, String token) {
        return check.authenticate(token).isPresent();
    }

    private static boolean passwordWorks(Registry registry, String password) {
        try {
            return Passwords.verify(password, registry.operator(OPERATOR).passwordHash());
        } catch (RegistryException e) {
            return false;
        }
    }

    private static String randomPassword() {
        String alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < 14; i++) {
            p.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return p.toString();
    }

    private static void write(Path file, Credentials credentials) throws IOException {
        Path tmp = file.resolveSibling(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        ObjectNode node = JSON.valueToTree(credentials);
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), node);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
