package io.sitewatch.appliance.store.sqlite;

import static io.sitewatch.appliance.store.sqlite.Fixtures.T0;
import static io.sitewatch.appliance.store.sqlite.Fixtures.operatorToken;
import static io.sitewatch.appliance.store.sqlite.Fixtures.siteToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sitewatch.appliance.store.StoreException;
import io.sitewatch.appliance.store.TokenRecord;
import io.sitewatch.appliance.store.TokenRepository;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteTokensTest {

    @TempDir
    Path dir;
    SqliteStore store;
    TokenRepository tokens;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir.resolve("sitewatch.db"));
        tokens = store.tokens();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void findReturnsEveryFieldAsStored() {
        TokenRecord expiring = operatorToken("op-1", "ana", T0.plusSeconds(3600));
        tokens.add(expiring);
        tokens.add(siteToken("site-1", "s1"));

        TokenRecord found = tokens.find("op-1").orElseThrow();
        assertThat(found).usingRecursiveComparison().isEqualTo(expiring);
        assertThat(found.secretHash()).isEqualTo(Fixtures.hash("op-1"));
        assertThat(tokens.find("site-1").orElseThrow().expiresAt()).isNull();
        assertThat(tokens.find("nope")).isEmpty();
    }

    @Test
    void aDuplicateIdIsAConflictThatShowsNoSecret() {
        tokens.add(siteToken("t1", "s1"));

        assertThatThrownBy(() -> tokens.add(siteToken("t1", "s2")))
                .isInstanceOf(StoreException.Conflict.class)
                .hasMessage("a token with id 't1' exists already");
        assertThat(tokens.find("t1").orElseThrow().subject()).isEqualTo("s1");
    }

    @Test
    void revokeDeletesOneToken() {
        tokens.add(siteToken("t1", "s1"));
        tokens.add(siteToken("t2", "s1"));

        assertThat(tokens.revoke("t1")).isTrue();
        assertThat(tokens.revoke("t1")).isFalse();
        assertThat(tokens.find("t1")).isEmpty();
        assertThat(tokens.find("t2")).isPresent();
    }

    @Test
    void purgeExpiredDeletesTokensWhoseExpiryHasComeAndKeepsTheRest() {
        tokens.add(operatorToken("past", "ana", T0.minusSeconds(1)));
        tokens.add(operatorToken("now", "ana", T0));
        tokens.add(operatorToken("future", "ana", T0.plusMillis(1)));
        tokens.add(siteToken("forever", "s1"));

        assertThat(tokens.purgeExpired(T0)).isEqualTo(2);

        assertThat(tokens.find("past")).isEmpty();
        assertThat(tokens.find("now")).isEmpty();
        assertThat(tokens.find("future")).isPresent();
        assertThat(tokens.find("forever")).isPresent();
        assertThat(tokens.purgeExpired(T0)).isZero();
    }
}
