package io.sitewatch.appliance.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.appliance.auth.Tokens;
import io.sitewatch.appliance.registry.Directory;
import io.sitewatch.appliance.store.TokenRecord;
import io.sitewatch.appliance.store.TokenRepository;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11's target "a hello costs one indexed row read (no scan, no slow hash)", checked where it is decided. */
class HelloCostTest {

    @TempDir
    Path dir;
    SqliteStore store;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir.resolve("sitewatch.db"));
        store.sites().addAll(List.of(Fixtures.enrolment("s1"), Fixtures.enrolment("s2")));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void theTokenQueryOfEveryHelloSearchesByPrimaryKeyAndScansNothing() throws Exception {
        List<String> plan = new ArrayList<>();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("sitewatch.db"));
             PreparedStatement explain = db.prepareStatement("EXPLAIN QUERY PLAN " + SqliteTokens.FIND)) {
            explain.setString(1, "t-s1");
            try (ResultSet rows = explain.executeQuery()) {
                while (rows.next()) {
                    plan.add(rows.getString("detail"));
                }
            }
        }

        assertThat(plan).hasSize(1);
        assertThat(plan.get(0)).matches("SEARCH tokens USING (INDEX sqlite_autoindex_tokens_1|PRIMARY KEY) \\(id=\\?\\)");
        assertThat(plan).noneMatch(step -> step.contains("SCAN"));
    }

    @Test
    void aHelloReadsOneTokenRowAndAMalformedOneReadsNone() {
        Instant now = Instant.parse("2026-03-01T10:00:00Z");
        Tokens.Issued issued = new Tokens().issue(TokenRecord.Kind.SITE, "s1", now, null);
        store.tokens().add(issued.record());
        CountingTokens tokens = new CountingTokens(store.tokens());
        Directory directory = new Directory(tokens, Clock.fixed(now, ZoneOffset.UTC), store.sites().list(),
                store.operators().list());

        assertThat(directory.authenticate(issued.token())).hasValueSatisfying(id -> assertThat(id.id()).isEqualTo("s1"));
        assertThat(tokens.reads.get()).isEqualTo(1);
        String token = issued.token();
        char last = token.charAt(token.length() - 1);
        assertThat(directory.authenticate(token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A')))
                .isEmpty(); // a wrong secret: the same one read, then a SHA-256 compare
        assertThat(tokens.reads.get()).isEqualTo(2);
        assertThat(directory.authenticate("not-a-token")).isEmpty();
        assertThat(tokens.reads.get()).isEqualTo(2);
    }

    /** Counts the reads a hello makes. */
    private static final class CountingTokens implements TokenRepository {
        final AtomicInteger reads = new AtomicInteger();
        private final TokenRepository real;

        CountingTokens(TokenRepository real) {
            this.real = real;
        }

        @Override
        public Optional<TokenRecord> find(String id) {
            reads.incrementAndGet();
            return real.find(id);
        }

        @Override
        public void add(TokenRecord token) {
            real.add(token);
        }

        @Override
        public List<TokenRecord> list() {
            return real.list();
        }

        @Override
        public boolean revoke(String id) {
            return real.revoke(id);
        }

        @Override
        public int purgeExpired(Instant now) {
            return real.purgeExpired(now);
        }
    }
}
