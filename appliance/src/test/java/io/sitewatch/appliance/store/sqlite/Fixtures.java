package io.sitewatch.appliance.store.sqlite;

import io.sitewatch.appliance.store.Operator;
import io.sitewatch.appliance.store.Site;
import io.sitewatch.appliance.store.SiteRepository.Enrolment;
import io.sitewatch.appliance.store.TokenRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Records for store tests; times are whole milliseconds, as the database keeps them. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private Fixtures() {}

    /** The default options with other migrations or WAL limit. */
    static SqliteStore.Options options(List<Migrations.Migration> migrations, long walLimitBytes) {
        SqliteStore.Options d = SqliteStore.Options.defaults();
        return new SqliteStore.Options(d.eventQueueCapacity(), d.eventBatchSize(), d.writeBehindInterval(),
                walLimitBytes, d.readers(), d.clock(), migrations);
    }

    /** The default options with another event queue; a long interval keeps the writer thread out of a test. */
    static SqliteStore.Options eventOptions(int capacity, int batchSize, Duration interval) {
        SqliteStore.Options d = SqliteStore.Options.defaults();
        return new SqliteStore.Options(capacity, batchSize, interval, d.walLimitBytes(), d.readers(), d.clock(),
                d.migrations());
    }

    static Site site(String id) {
        return new Site(id, "Site " + id, "Hall " + id, "default", true, T0);
    }

    static TokenRecord siteToken(String tokenId, String siteId) {
        return new TokenRecord(tokenId, TokenRecord.Kind.SITE, siteId, hash(tokenId), T0, null);
    }

    static TokenRecord operatorToken(String tokenId, String operator, Instant expiresAt) {
        return new TokenRecord(tokenId, TokenRecord.Kind.OPERATOR, operator, hash(tokenId), T0, expiresAt);
    }

    static Enrolment enrolment(String siteId) {
        return new Enrolment(site(siteId), siteToken("t-" + siteId, siteId));
    }

    static Operator operator(String name, Set<String> groups) {
        return new Operator(name, "pbkdf2$" + name, groups, T0);
    }

    /** Stands in for a SHA-256: distinct bytes per token are all the store needs. */
    static byte[] hash(String seed) {
        return ("hash of " + seed).getBytes(StandardCharsets.UTF_8);
    }

    /** A count straight from the file through a separate connection, bypassing the store. */
    static long count(Path db, String table) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    static void execute(Path db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    static long userVersion(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("PRAGMA user_version")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
