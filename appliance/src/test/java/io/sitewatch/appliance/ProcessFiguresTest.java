package io.sitewatch.appliance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessFiguresTest {

    @Test
    void residentMemoryIsVmRssInBytes() {
        String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmRSS:\t  204800 kB\nRssAnon:\t 100000 kB\n";

        assertThat(ProcessFigures.rssBytes(status)).isEqualTo(204_800L * 1024);
        assertThat(ProcessFigures.rssBytes("Name:\tjava\n")).isEqualTo(-1);
    }

    @Test
    void thisProcessHasUsedCpuAndHoldsMemory() {
        assertThat(ProcessFigures.cpuSeconds()).isGreaterThan(0);
        assertThat(ProcessFigures.rssBytes()).isGreaterThan(1024 * 1024);
    }
}
