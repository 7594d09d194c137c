package io.sitewatch.cli.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MeterTest {

    private final Tally tally = new Tally();
    private final Meter meter = new Meter(tally);

    @Test
    void totalsKeepEverySampleWhilePhasesStartAfresh() {
        tally.sent();
        tally.received(1_000_000);
        assertThat(meter.endPhase().getTotalCount()).isEqualTo(1);
        tally.sent();
        tally.received(3_000_000);

        assertThat(meter.endPhase().getTotalCount()).isEqualTo(1);
        assertThat(meter.relayTotal().getTotalCount()).isEqualTo(2);
        assertThat(Report.Latency.of(meter.relayTotal()).max()).isEqualTo(3.0, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void progressCountsWhatIsInFlightAndResetForgetsWarmUp() {
        tally.opened(2_000_000);
        tally.sent();
        tally.sent();
        tally.received(500_000);
        tally.error("rate-limited", null);

        Meter.Progress p = meter.progress();

        assertThat(p.opened()).isEqualTo(1);
        assertThat(p.sent() - p.received()).isEqualTo(1);
        assertThat(p.errors()).isEqualTo(1);
        assertThat(p.p50Ms()).isEqualTo(0.5, org.assertj.core.data.Offset.offset(0.01));
        assertThat(tally.errors()).containsEntry("rate-limited", 1L);
        meter.reset();
        assertThat(meter.relayTotal().getTotalCount()).isZero();
        assertThat(meter.openTotal().getTotalCount()).isZero();
    }

    @Test
    void latencyOfNothingIsZeros() {
        assertThat(Report.Latency.of(meter.relayTotal())).isEqualTo(new Report.Latency(0, 0, 0, 0, 0));
    }
}
