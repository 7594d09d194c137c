package io.sitewatch.appliance.store.sqlite;

import static io.sitewatch.appliance.store.sqlite.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sitewatch.appliance.store.Chunk;
import io.sitewatch.appliance.store.Recording;
import io.sitewatch.appliance.store.RecordingIndex;
import io.sitewatch.appliance.store.StoreException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteRecordingsTest {

    @TempDir
    Path dir;
    SqliteStore store;
    RecordingIndex index;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir.resolve("sitewatch.db"));
        index = store.recordings();
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A 10 s chunk starting {@code offsetSeconds} after T0. */
    static Chunk chunk(String site, String recording, int seq, long offsetSeconds, long bytes) {
        return new Chunk(recording, seq, site, T0.plusSeconds(offsetSeconds), 10_000, bytes, "ab".repeat(32),
                "video/webm", site + "/" + recording + "/" + seq + ".webm", T0);
    }

    @Test
    void addingChunksKeepsTheRecordingsTotalsAndRefusesDuplicatesAndOtherSites() throws Exception {
        assertThat(index.add(chunk("w1", "r1", 1, 10, 100))).isTrue();
        assertThat(index.add(chunk("w1", "r1", 0, 0, 50))).isTrue();
        assertThat(index.add(chunk("w1", "r1", 3, 30, 70))).isTrue();
        assertThat(index.add(chunk("w1", "r1", 1, 10, 999))).isFalse();
        assertThatThrownBy(() -> index.add(chunk("w2", "r1", 4, 40, 1))).isInstanceOf(StoreException.Conflict.class);

        Recording r1 = index.recording("r1").orElseThrow();
        assertThat(r1).isEqualTo(new Recording("r1", "w1", "video/webm", T0, T0.plusSeconds(40), 3, 220, 0, 3));
        assertThat(index.chunks("r1")).extracting(Chunk::seq).containsExactly(0, 1, 3);
        assertThat(index.chunk("r1", 1).orElseThrow().bytes()).isEqualTo(100);
        assertThat(index.siteBytes("w1")).isEqualTo(220);
        assertThat(index.siteBytes("w2")).isZero();
        assertThat(Fixtures.count(dir.resolve("sitewatch.db"), "chunks")).isEqualTo(3);
    }

    @Test
    void listingFindsRecordingsOverlappingTheRangeForTheGivenSites() {
        index.add(chunk("w1", "early", 0, 0, 1));       // T0 .. T0+10s
        index.add(chunk("w1", "late", 0, 100, 1));      // T0+100 .. T0+110
        index.add(chunk("w2", "other", 0, 5, 1));       // T0+5 .. T0+15
        Instant end = T0.plusSeconds(1000);

        assertThat(index.list(null, T0, end, 10)).extracting(Recording::id).containsExactly("early", "other", "late");
        assertThat(index.list(Set.of("w1"), T0, end, 10)).extracting(Recording::id).containsExactly("early", "late");
        assertThat(index.list(Set.of("w1", "w2"), T0.plusSeconds(9), T0.plusSeconds(101), 10))
                .extracting(Recording::id).containsExactly("early", "other", "late");
        assertThat(index.list(Set.of("w1"), T0.plusSeconds(10), T0.plusSeconds(100), 10)).isEmpty();
        assertThat(index.list(Set.of(), T0, end, 10)).isEmpty();
        assertThat(index.list(null, T0, end, 1)).extracting(Recording::id).containsExactly("early");
    }

    @Test
    void removingChunksRecomputesTotalsAndDropsEmptyRecordings() {
        index.add(chunk("w1", "r1", 0, 0, 10));
        index.add(chunk("w1", "r1", 1, 10, 20));
        index.add(chunk("w1", "r1", 2, 20, 30));
        index.add(chunk("w1", "r2", 0, 50, 40));

        index.remove(List.of(chunk("w1", "r1", 0, 0, 10), chunk("w1", "r2", 0, 50, 40)));

        assertThat(index.recording("r1").orElseThrow())
                .isEqualTo(new Recording("r1", "w1", "video/webm", T0.plusSeconds(10), T0.plusSeconds(30), 2, 50, 1, 2));
        assertThat(index.recording("r2")).isEmpty();
        assertThat(index.totalBytes()).isEqualTo(50);
    }

    @Test
    void oldestPagesThroughEveryChunkInStartOrder() {
        for (int i = 0; i < 25; i++) {
            index.add(chunk("w" + (i % 3), "r" + (i % 3), i, 1000 - i * 10L, 1));
        }
        List<Chunk> all = new ArrayList<>();
        for (List<Chunk> page = index.oldest(null, 7); !page.isEmpty(); page = index.oldest(page.get(page.size() - 1), 7)) {
            all.addAll(page);
        }
        assertThat(all).hasSize(25);
        assertThat(all).extracting(Chunk::startedAt).isSorted();
        assertThat(all.get(0).seq()).isEqualTo(24);
    }
}
