package io.sitewatch.appliance.store.sqlite;

import io.sitewatch.appliance.store.StoreException;
import java.nio.file.Path;

/** Run in a separate JVM by {@link DataDirLockTest}: tries the lock and prints what happened. */
public final class LockProbe {

    private LockProbe() {}

    public static void main(String[] args) {
        try {
            DataDirLock.acquire(Path.of(args[0])).close();
            System.out.println("acquired");
        } catch (StoreException e) {
            System.out.println(e.getMessage());
        }
    }
}
