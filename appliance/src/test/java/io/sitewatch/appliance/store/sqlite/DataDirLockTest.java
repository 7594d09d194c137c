package io.sitewatch.appliance.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sitewatch.appliance.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {

    @TempDir
    Path dir;

    @Test
    void aSecondLockInTheSameProcessIsRefused() throws IOException {
        try (DataDirLock first = DataDirLock.acquire(dir)) {
            assertThat(first.directory()).isEqualTo(dir.toRealPath());
            assertThatThrownBy(() -> DataDirLock.acquire(dir))
                    .isInstanceOf(StoreException.class)
                    .hasMessage("another sitewatch appliance is running on " + dir.toRealPath());
        }
    }

    @Test
    void closingReleasesTheDirectoryAndIsIdempotent() {
        DataDirLock first = DataDirLock.acquire(dir);
        first.close();
        first.close();
        DataDirLock.acquire(dir).close();
    }

    @Test
    void createsAMissingDirectory() {
        Path nested = dir.resolve("a/b");
        try (DataDirLock lock = DataDirLock.acquire(nested)) {
            assertThat(lock.directory().resolve(DataDirLock.FILE_NAME)).exists();
        }
    }

    /** Also proves that the refused in-process attempt above does not drop the OS lock. */
    @Test
    void anotherProcessIsRefusedWhileTheLockIsHeld() throws Exception {
        try (DataDirLock held = DataDirLock.acquire(dir)) {
            assertThatThrownBy(() -> DataDirLock.acquire(dir)).isInstanceOf(StoreException.class);
            assertThat(probe()).isEqualTo("another sitewatch appliance is running on " + held.directory());
        }
        assertThat(probe()).isEqualTo("acquired");
    }

    /** Runs {@link LockProbe} in a fresh JVM and returns the line it printed. */
    private String probe() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                LockProbe.class.getName(), dir.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("probe finished").isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }
}
