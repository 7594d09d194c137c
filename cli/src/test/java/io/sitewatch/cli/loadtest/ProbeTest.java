package io.sitewatch.cli.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProbeTest {

    @Test
    void aProbeSurvivesItsCandidateLine() {
        Probe probe = new Probe(123_456_789L, 98_765_432_101_234L);

        assertThat(Probe.parse(probe.text())).isEqualTo(probe);
        assertThat(probe.text()).startsWith("candidate:123456789 98765432101234 udp ").contains(" typ srflx ");
    }

    @Test
    void theLineHasTheSizeOfARealCandidate() {
        assertThat(new Probe(1, System.nanoTime()).text().length()).isBetween(140, 220);
    }

    @Test
    void otherLinesAreNoProbes() {
        assertThat(Probe.parse(null)).isNull();
        assertThat(Probe.parse("")).isNull();
        assertThat(Probe.parse("candidate:842163049 1 udp 1677729535 192.0.2.1 5000 typ srflx")).isNull();
        assertThat(Probe.parse("candidate:12")).isNull();
        assertThat(Probe.parse("a=candidate:1 2 udp")).isNull();
    }
}
