package io.sitewatch.e2e;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Not part of the test run (2 cores decode about 8 live tiles smoothly): the time from an
 * operator's login to N live tiles, N from -Dsitewatch.sites (default 16). Run with
 * {@code mvn -pl tests-e2e verify -Dit.test=GridBenchmark -Dsitewatch.sites=16}.
 */
class GridBenchmark extends BrowserTest {

    @Test
    void loginToAllTilesLive() throws Exception {
        int count = Integer.getInteger("sitewatch.sites", 16);
        String csv = "id,name\n" + IntStream.range(1, count + 1).mapToObj(i -> "s" + i + ",Site " + i)
                .collect(Collectors.joining("\n"));
        java.nio.file.Path file = dataDir.resolve("fleet.csv");
        java.nio.file.Files.writeString(file, csv);
        var enrolled = app.cli("site", "import", file.toString(), "--json");
        for (var e : enrolled) {
            SitePage.open(context.newPage(), app, e.get("site").get("id").asText(), e.get("token").asText());
        }
        app.operator("ann", "password-ann");
        long start = System.nanoTime();
        OperatorPage ann = OperatorPage.login(context.newPage(), app, "ann", "password-ann");
        ann.page.bringToFront();
        ann.awaitTiles(count, "live");
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("[benchmark] login to %d tiles live: %d ms%n", count, millis);
        for (int i = 1; i <= count; i++) {
            ann.awaitFrames("s" + i, 5);
        }
        System.out.printf("[benchmark] login to %d tiles decoding frames: %d ms%n", count,
                (System.nanoTime() - start) / 1_000_000);
    }
}
