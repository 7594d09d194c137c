package io.sitewatch.appliance.store.sqlite;

import io.sitewatch.appliance.store.StoreException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One background thread that writes what callers left behind (events, session journal) in one
 * transaction per pass: every interval, or sooner when a source calls {@link #wake()}. Callers of the
 * sources only touch in-memory structures, so the signaling core does not wait for the disk; the one
 * exception is a source's {@link #writeThrough} for a rare change that must be on disk before it is announced.
 */
final class WriteBehind implements AutoCloseable {

    /** Something written behind. */
    interface Source {
        /** Hands over everything pending and forgets it, or returns null if there is nothing. */
        Batch take();
    }

    /** What a source handed over; written inside the writer's transaction. */
    interface Batch {
        void write(SqlConnection connection) throws SQLException;

        /** The transaction failed and the batch is gone. */
        default void lost() {}

        /**
         * The transaction failed because the disk is full: a source keeps what it can for a later pass, so a
         * full disk loses nothing that fits in memory. Other failures drop the batch ({@link #lost()}): a batch
         * that can never be written must not block everything queued behind it.
         */
        default void keep() {
            lost();
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(WriteBehind.class);

    private final SqlWriter writer;
    private final long intervalMillis;
    private final List<Source> sources = new ArrayList<>();
    private final Semaphore wake = new Semaphore(0);
    /**
     * Held for a whole pass, so a flush that finds nothing pending knows the previous pass has committed, and
     * passes commit in the order they took their batches. Guards {@link #lastFailure}.
     */
    private final Object passLock = new Object();
    private final Thread thread = new Thread(this::run, "sitewatch-store-writer");
    private volatile boolean running = true;
    private String lastFailure;

    WriteBehind(SqlWriter writer, Duration interval) {
        this.writer = writer;
        this.intervalMillis = interval.toMillis();
        thread.setDaemon(true);
    }

    /** Sources are registered before {@link #start()}. */
    void register(Source source) {
        sources.add(Objects.requireNonNull(source));
    }

    void start() {
        thread.start();
    }

    /** Asks for a pass now rather than at the end of the interval (a full batch is waiting). */
    void wake() {
        wake.release();
    }

    /** Writes everything taken so far, in the calling thread; returns once it is committed. */
    void flush() {
        write(sources);
    }

    /**
     * Writes what one source holds pending, in the calling thread, after any pass under way (so an older batch
     * of the same source never commits after this one); for a change the caller announces once this returns.
     * A failure is logged like a background pass's, not thrown: the caller goes on, and what a full disk
     * refused waits for a later pass.
     */
    void writeThrough(Source source) {
        pass(List.of(source));
    }

    private void write(List<Source> from) {
        synchronized (passLock) {
            List<Batch> batches = new ArrayList<>();
            for (Source source : from) {
                Batch batch = source.take();
                if (batch != null) {
                    batches.add(batch);
                }
            }
            if (batches.isEmpty()) {
                return;
            }
            try {
                writer.transaction("write events and sessions", c -> {
                    for (Batch batch : batches) {
                        batch.write(c);
                    }
                    return null;
                });
            } catch (StoreException.Full e) {
                batches.forEach(Batch::keep);
                throw e;
            } catch (StoreException e) {
                batches.forEach(Batch::lost);
                throw e;
            }
        }
    }

    /** A write that logs its failure instead of throwing it. */
    private void pass(List<Source> from) {
        synchronized (passLock) {
            try {
                write(from);
                if (lastFailure != null) {
                    LOG.info("events and sessions are written again");
                    lastFailure = null;
                }
            } catch (StoreException e) {
                // A full disk fails every pass: say so once, not twenty times a second.
                if (!e.getMessage().equals(lastFailure)) {
                    LOG.warn("{}", e.getMessage());
                    lastFailure = e.getMessage();
                }
            }
        }
    }

    private void run() {
        while (running) {
            try {
                wake.tryAcquire(intervalMillis, TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            pass(sources);
        }
    }

    /** Stops the thread, then writes what is still pending. */
    @Override
    public void close() {
        running = false;
        wake.release();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
