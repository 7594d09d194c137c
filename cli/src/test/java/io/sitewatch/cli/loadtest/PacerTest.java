package io.sitewatch.cli.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PacerTest {

    @Test
    void eachActionRunsAtItsOwnRateUntilStopped() {
        AtomicInteger fast = new AtomicInteger();
        AtomicInteger slow = new AtomicInteger();

        // Stopped by count, not by time, so a slow machine changes nothing: the 10:1 ratio is what is paced.
        Pacer.run(List.of(new Pacer.Paced(1000, fast::incrementAndGet), new Pacer.Paced(100, slow::incrementAndGet)),
                Duration.ofMinutes(1), () -> fast.get() >= 200);

        assertThat(fast.get()).isBetween(200, 260);
        assertThat(slow.get()).isBetween(fast.get() / 10 - 2, fast.get() / 10 + 1);
    }

    @Test
    void aNegativeRateIsRefused() {
        assertThatThrownBy(() -> new Pacer.Paced(-1, () -> { })).isInstanceOf(IllegalArgumentException.class);
    }
}
