package io.sitewatch.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sitewatch.cli.loadtest.Meter;
import io.sitewatch.cli.loadtest.Report;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LoadtestCommandTest {

    private static final Report.Latency LATENCY = new Report.Latency(20_000, 0.41, 1.2, 3.4, 8.1);

    @Test
    void durationsTakeAUnitAndBareNumbersAreSeconds() {
        LoadtestCommand.DurationConverter convert = new LoadtestCommand.DurationConverter();

        assertThat(convert.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(convert.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(convert.convert("12")).isEqualTo(Duration.ofSeconds(12));
        assertThat(convert.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(convert.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> convert.convert("0s")).isInstanceOf(CommandLine.TypeConversionException.class);
        assertThatThrownBy(() -> convert.convert("soon")).hasMessageContaining("'soon' is not a duration");
    }

    @Test
    void sizesTakeBinaryUnits() {
        LoadtestCommand.SizeConverter convert = new LoadtestCommand.SizeConverter();

        assertThat(convert.convert("2G")).isEqualTo(2L << 30);
        assertThat(convert.convert("512MiB")).isEqualTo(512L << 20);
        assertThat(convert.convert("64k")).isEqualTo(64L << 10);
        assertThat(convert.convert("1000")).isEqualTo(1000L);
        assertThatThrownBy(() -> convert.convert("lots")).hasMessageContaining("'lots' is not a size");
    }

    @Test
    void theProgressLineShowsRatesLatencyAndWhatIsInFlight() {
        String line = LoadtestCommand.Progress.line(new Meter.Progress(12, 120, 0, 1998.4, 0.414, 1.234, 24_010,
                24_000, 2));

        assertThat(line).isEqualTo("   12s  sessions 120 (0/s)  relay 1,998 msg/s  p50 0.41 ms  p99 1.23 ms  "
                + "in flight 10  errors 2");
    }

    @Test
    void theProgressLineIsRedrawnInPlaceOnATerminalOnly() {
        StringWriter tty = new StringWriter();
        LoadtestCommand.Progress live = new LoadtestCommand.Progress(new PrintWriter(tty), true);
        Meter.Progress p = new Meter.Progress(1, 1, 1, 1, 1, 1, 1, 1, 0);
        live.show(p);
        live.show(p);
        live.end();
        assertThat(tty.toString()).startsWith("\r").contains("\u001b[K\r").endsWith("\u001b[K" + System.lineSeparator());

        StringWriter pipe = new StringWriter();
        LoadtestCommand.Progress plain = new LoadtestCommand.Progress(new PrintWriter(pipe), false);
        plain.show(p);
        plain.show(p);
        plain.end();
        assertThat(pipe.toString().lines()).hasSize(2).noneMatch(l -> l.contains("\r"));
    }

    @Test
    void theReportTableHasOneRowPerFigureAndTheRampSteps() {
        Report report = new Report("throughput", "ws://127.0.0.1:8080",
                new Report.Setup(100, 20, 5, 100, 2000, 0.5, true), 12.5,
                new Report.Sessions(120, 400, new Report.Latency(120, 1.5, 4, 4.5, 5)),
                new Report.Relay(50_000, 49_990, 10, 4000, LATENCY), new Report.Claims(6, 40),
                Map.of("rate-limited", 3L), "rate-limited: too fast", new Report.Server(35.2, 200L << 20, 12L << 20,
                104_858),
                List.of(new Report.Step(2000, 1999, 6000, 0, 0, LATENCY, true),
                        new Report.Step(3000, 2990, 9000, 10, 3, LATENCY, false)),
                "10 messages lost at 3000 msg/s", 1999);
        StringWriter out = new StringWriter();

        LoadtestCommand.print(new PrintWriter(out), report);

        assertThat(out.toString()).isEqualTo("""
                mode      throughput against ws://127.0.0.1:8080 (12.5 s)
                load      100 sites, 20 operators x 5 sites = 100 pairs, 2,000 msg/s, 0.5 claims/s, voice rooms
                sessions  120 opened, 400/s; hello->welcome p50 1.50 ms  p99 4.00 ms  p99.9 4.50 ms
                relay     4,000 msg/s; 50,000 sent, 49,990 received, 10 lost
                latency   p50 0.41 ms  p99 1.20 ms  p99.9 3.40 ms  max 8.10 ms
                best      1,999 msg/s (the fastest step that passed)
                claims    6 sent, 40 control messages
                server    CPU 35.2%, memory 200.0 MB, +12.0 MB since the sessions opened (102.4 KB per session)
                errors    {rate-limited=3} (rate-limited: too fast)
                limit     10 messages lost at 3000 msg/s

                RATE   RECEIVED/S  P50      P99      P99.9    LOST  ERRORS  PASSED
                2,000  1,999       0.41 ms  1.20 ms  3.40 ms  0     0       yes
                3,000  2,990       0.41 ms  1.20 ms  3.40 ms  10    3       no
                """);
    }
}
