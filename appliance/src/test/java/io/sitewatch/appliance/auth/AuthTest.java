package io.sitewatch.appliance.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.appliance.signal.ManualClock;
import io.sitewatch.appliance.store.TokenRecord;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuthTest {

    @Test
    void tokensAreIdDotSecretAndOnlyTheirHashIsKept() {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        Tokens.Issued issued = new Tokens().issue(TokenRecord.Kind.OPERATOR, "ann", now, now.plusSeconds(60));
        Tokens.Parts parts = Tokens.parse(issued.token()).orElseThrow();
        assertThat(parts.id()).isEqualTo(issued.record().id()).startsWith("o");
        assertThat(issued.record().secretHash()).isNotEqualTo(parts.secret().getBytes());
        assertThat(Tokens.verify(issued.record(), parts.secret(), now)).isTrue();
        assertThat(Tokens.verify(issued.record(), parts.secret() + "x", now)).isFalse();
        assertThat(Tokens.verify(issued.record(), parts.secret(), now.plusSeconds(60))).isFalse();
        assertThat(Tokens.parse("no-dot")).isEmpty();
        assertThat(Tokens.parse("x".repeat(10_000))).isEmpty();
        assertThat(Tokens.parse(null)).isEmpty();
    }

    @Test
    void passwordsAreSaltedSlowHashes() {
        Passwords passwords = new Passwords(1_000);
        String a = passwords.hash("correct horse");
        String b = passwords.hash("correct horse");
        assertThat(a).isNotEqualTo(b).startsWith("pbkdf2-sha256$1000$").doesNotContain("correct");
        assertThat(Passwords.verify("correct horse", a)).isTrue();
        assertThat(Passwords.verify("wrong horse", a)).isFalse();
        assertThat(Passwords.verify("x", "garbage")).isFalse();
        assertThat(Passwords.verify("x", "pbkdf2-sha256$x$y$z")).isFalse();
    }

    @Test
    void loginThrottleDoublesTheWaitAfterFreeFailuresAndSuccessClearsIt() {
        ManualClock clock = new ManualClock(0);
        LoginThrottle throttle = new LoginThrottle(clock);
        for (int i = 0; i < 3; i++) {
            throttle.failed("ann", "10.0.0.1");
        }
        assertThat(throttle.waitMillis("ann", "10.0.0.1")).isZero();
        throttle.failed("ann", "10.0.0.1");
        assertThat(throttle.waitMillis("ann", "10.0.0.2")).isEqualTo(1_000);
        assertThat(throttle.waitMillis("bob", "10.0.0.1")).isEqualTo(1_000);
        clock.advance(1_000);
        throttle.failed("ann", "10.0.0.1");
        assertThat(throttle.waitMillis("ann", "10.0.0.1")).isEqualTo(2_000);
        for (int i = 0; i < 20; i++) {
            throttle.failed("ann", "10.0.0.1");
        }
        assertThat(throttle.waitMillis("ann", "10.0.0.9")).isEqualTo(60_000);
        throttle.succeeded("ann");
        assertThat(throttle.waitMillis("ann", "10.0.0.9")).isZero();
    }
}
