package io.sitewatch.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.cli.FakeAdmin;
import io.sitewatch.cli.client.AdminClient;
import io.sitewatch.cli.client.AdminException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LiveValuesTest {

    final FakeAdmin admin = new FakeAdmin()
            .answer("GET /v1/sites", "[{\"id\":\"yard-1\"},{\"id\":\"yard-2\"}]")
            .answer("GET /v1/operators", "[{\"name\":\"ann\"}]")
            .answer("GET /v1/sessions", "[{\"sessionId\":\"s1\"}]")
            .answer("GET /v1/rooms", "[{\"room\":\"ops\"}]");
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-23T12:00:00Z"));
    final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    };
    final LiveValues live = new LiveValues();

    @Test
    void nothingOutsideTheShell() {
        assertThat(live.values(LiveValues.Kind.SITES)).isEmpty();
    }

    @Test
    void eachKindIsFetchedOnceAndReusedForAFewSeconds() {
        live.enable(() -> new AdminClient(admin), clock);
        assertThat(live.values(LiveValues.Kind.SITES)).containsExactly("yard-1", "yard-2");
        assertThat(live.values(LiveValues.Kind.OPERATORS)).containsExactly("ann");
        assertThat(live.values(LiveValues.Kind.SESSIONS)).containsExactly("s1");
        assertThat(live.values(LiveValues.Kind.ROOMS)).containsExactly("ops");
        assertThat(live.values(LiveValues.Kind.SITES)).hasSize(2);
        assertThat(admin.calls).hasSize(4);

        now.set(now.get().plus(LiveValues.REUSE));
        admin.answer("GET /v1/sites", "[{\"id\":\"yard-3\"}]");
        assertThat(live.values(LiveValues.Kind.SITES)).containsExactly("yard-3");
        live.forget();
        live.values(LiveValues.Kind.SITES);
        assertThat(admin.calls).hasSize(6);
    }

    @Test
    void anApplianceThatCannotBeAskedOffersNothing() {
        live.enable(() -> {
            throw new AdminException.NotRunning("not running");
        }, clock);
        assertThat(live.values(LiveValues.Kind.SITES)).isEmpty();
        now.set(now.get().plus(Duration.ofSeconds(1)));
        assertThat(live.values(LiveValues.Kind.ROOMS)).isEmpty();
    }
}
