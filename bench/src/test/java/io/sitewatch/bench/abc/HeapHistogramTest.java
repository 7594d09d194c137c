package io.sitewatch.bench.abc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeapHistogramTest {

    private static final String BEFORE = """
            12345:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:         1000          80000  [B (java.base@17.0.15)
               2:          500          12000  java.lang.String (java.base@17.0.15)
               3:            2             64  org.example.Gone
            Total         1502          92064
            """;
    private static final String AFTER = """
            12345:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:         3000         280000  [B (java.base@17.0.15)
               2:         2500          60000  java.lang.String (java.base@17.0.15)
               3:         1000          88000  io.sitewatch.appliance.signal.Session
            Total         6500         428000
            """;

    @Test
    void growthPerSessionByClassLargestFirst() {
        HeapHistogram before = HeapHistogram.parse(BEFORE);
        HeapHistogram after = HeapHistogram.parse(AFTER);
        assertThat(after.totalBytes()).isEqualTo(428_000);
        assertThat(after.growthSince(before, 1000, 3)).containsExactly(
                new HeapHistogram.Growth("[B", 200, 2),
                new HeapHistogram.Growth("io.sitewatch.appliance.signal.Session", 88, 1),
                new HeapHistogram.Growth("java.lang.String", 48, 2));
        assertThat(after.growthSince(before, 1000, 10)).extracting(HeapHistogram.Growth::className)
                .last().isEqualTo("org.example.Gone");
    }

    @Test
    void somethingElseIsNotAHistogram() {
        assertThatThrownBy(() -> HeapHistogram.parse("12345:\nNative memory tracking is not enabled\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12345:");
    }
}
