package io.sitewatch.appliance.store.sqlite;

import io.sitewatch.appliance.signal.SessionJournal;
import io.sitewatch.appliance.store.EventLog;
import io.sitewatch.appliance.store.GroupRepository;
import io.sitewatch.appliance.store.OperatorRepository;
import io.sitewatch.appliance.store.RecordingIndex;
import io.sitewatch.appliance.store.RegistryData;
import io.sitewatch.appliance.store.RoomRepository;
import io.sitewatch.appliance.store.SiteRepository;
import io.sitewatch.appliance.store.Store;
import io.sitewatch.appliance.store.StoreException;
import io.sitewatch.appliance.store.TokenRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The appliance's SQLite database in WAL mode: one writer connection behind a lock, a few readers that
 * never wait for it, and a background thread for the written-behind events and session journal.
 * Opening it takes the {@link DataDirLock} of the database's directory (the data directory) until
 * {@link #close()}, so the composition root must not lock that directory itself as well.
 */
public final class SqliteStore implements Store {

    /**
     * Tuning that tests shrink.
     *
     * @param eventQueueCapacity events held in memory before new ones are dropped
     * @param eventBatchSize     queued events that wake the writer before its interval ends
     * @param walLimitBytes      WAL size past which a commit is followed by a truncating checkpoint
     */
    record Options(int eventQueueCapacity, int eventBatchSize, Duration writeBehindInterval, long walLimitBytes,
                   int readers, Clock clock, List<Migrations.Migration> migrations) {

        static Options defaults() {
            return new Options(10_000, 500, Duration.ofMillis(50), 4L << 20, 3, Clock.systemUTC(),
                    Migrations.builtIn());
        }
    }

    private final Path file;
    private final DataDirLock lock;
    private final SqlWriter writer;
    private final ReadPool readers;
    private final WriteBehind writeBehind;
    private final SqliteSites sites;
    private final SqliteOperators operators;
    private final SqliteTokens tokens;
    private final SqliteRooms rooms;
    private final SqliteGroups groups;
    private final SqliteEvents events;
    private final SqliteJournal journal;
    private final SqliteRecordings recordings;
    private boolean closed;

    private SqliteStore(Path file, DataDirLock lock, SqlWriter writer, ReadPool readers, Options options) {
        this.file = file;
        this.lock = lock;
        this.writer = writer;
        this.readers = readers;
        this.writeBehind = new WriteBehind(writer, options.writeBehindInterval());
        this.sites = new SqliteSites(writer, readers);
        this.operators = new SqliteOperators(writer, readers);
        this.tokens = new SqliteTokens(writer, readers);
        this.rooms = new SqliteRooms(writer, readers);
        this.groups = new SqliteGroups(writer, readers);
        this.events = new SqliteEvents(writer, readers, writeBehind, options.eventQueueCapacity(),
                options.eventBatchSize());
        this.journal = new SqliteJournal(readers, writeBehind, options.clock());
        this.recordings = new SqliteRecordings(writer, readers);
        writeBehind.register(events);
        writeBehind.register(journal);
        writeBehind.start();
    }

    /**
     * Opens (creating if needed) the database and brings its schema up to date. Refuses with a
     * {@link StoreException} if another appliance holds the directory or the schema is newer than this code.
     */
    public static SqliteStore open(Path databaseFile) {
        return open(databaseFile, Options.defaults());
    }

    static SqliteStore open(Path databaseFile, Options options) {
        Path file = databaseFile.toAbsolutePath();
        DataDirLock lock = DataDirLock.acquire(file.getParent());
        SqlConnection connection = null;
        try {
            NativeLibrary.loadFrom(file.getParent());
            makeOwnerOnly(file);
            connection = SqlConnection.openWriter(file);
            Migrations.migrate(connection, file, options.migrations());
            SqlWriter writer = new SqlWriter(connection, file, options.walLimitBytes());
            return new SqliteStore(file, lock, writer, ReadPool.open(file, options.readers()), options);
        } catch (SQLException e) {
            StoreException failure = new StoreException("cannot open the database " + file + ": " + e.getMessage(), e);
            abandon(connection, lock, failure);
            throw failure;
        } catch (RuntimeException e) {
            abandon(connection, lock, e);
            throw e;
        }
    }

    /**
     * The database holds password and token hashes, so it is owner-only (0600) by itself, not only through the
     * data directory's mode, which a packaged box opens to a group. A new database starts as an empty 0600 file;
     * SQLite gives the WAL and shared-memory files the database file's mode. Files from an older version are
     * narrowed here.
     */
    private static void makeOwnerOnly(Path file) {
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        try {
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
            }
            for (String suffix : List.of("", "-wal", "-shm")) {
                Path f = file.resolveSibling(file.getFileName() + suffix);
                if (Files.exists(f) && !Files.getPosixFilePermissions(f).equals(ownerOnly)) {
                    Files.setPosixFilePermissions(f, ownerOnly);
                }
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own access control applies
        } catch (IOException e) {
            throw new StoreException("cannot make " + file + " owner-only: " + e.getMessage(), e);
        }
    }

    private static void abandon(SqlConnection connection, DataDirLock lock, RuntimeException failure) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                failure.addSuppressed(e);
            }
        }
        lock.close();
    }

    @Override
    public SiteRepository sites() {
        return sites;
    }

    @Override
    public OperatorRepository operators() {
        return operators;
    }

    @Override
    public TokenRepository tokens() {
        return tokens;
    }

    @Override
    public RoomRepository rooms() {
        return rooms;
    }

    @Override
    public GroupRepository groups() {
        return groups;
    }

    @Override
    public EventLog events() {
        return events;
    }

    @Override
    public SessionJournal sessions() {
        return journal;
    }

    @Override
    public RecordingIndex recordings() {
        return recordings;
    }

    /** Events dropped since opening, because the queue was full or their write failed. */
    public long droppedEvents() {
        return events.dropped();
    }

    @Override
    public void replaceRegistry(RegistryData registry) {
        writer.transaction("replace the registry", c -> {
            SqliteRegistryCopy.replace(c, registry);
            return null;
        });
    }

    @Override
    public void flush() {
        writeBehind.flush();
    }

    /**
     * {@code VACUUM INTO} on a connection of its own: in WAL mode it reads one snapshot while the writer goes on.
     * Events written behind are flushed first, so the copy holds everything logged until now.
     */
    @Override
    public void snapshot(Path target) {
        flush();
        try (SqlConnection connection = SqlConnection.openPlain(file)) {
            java.sql.PreparedStatement vacuum = connection.prepare("VACUUM INTO ?");
            vacuum.setString(1, target.toAbsolutePath().toString());
            vacuum.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot copy the database to " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> integrityProblems() {
        return readers.read("check the database", SqliteFiles::integrityProblems);
    }

    /**
     * Writes what is pending, checkpoints the WAL into the database and releases the directory.
     * Events and journal calls made after this are ignored.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        events.close();
        journal.close();
        RuntimeException failure = null;
        // Readers close before the writer, whose final checkpoint then has nobody to wait for.
        for (AutoCloseable step : List.<AutoCloseable>of(writeBehind, readers, writer, lock)) {
            try {
                step.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException r ? r : new StoreException(e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
