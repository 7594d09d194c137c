package io.sitewatch.appliance.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * One SQLite connection that keeps its prepared statements, so hot paths (a token lookup per hello)
 * prepare once. Not thread-safe: {@link SqlWriter} and {@link ReadPool} hand it to one thread at a time.
 */
final class SqlConnection implements AutoCloseable {

    /** Work done with a connection; the caller turns its {@link SQLException} into a StoreException. */
    @FunctionalInterface
    interface Work<T> {
        T run(SqlConnection connection) throws SQLException;
    }

    static final int BUSY_TIMEOUT_MS = 5000;

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    private SqlConnection(Connection connection) {
        this.connection = connection;
    }

    /** The writer: WAL, foreign keys, NORMAL sync (WAL stays consistent after a crash; the last commits may be lost). */
    static SqlConnection openWriter(Path file) throws SQLException {
        SQLiteConfig config = common();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        return new SqlConnection(config.createConnection(url(file)));
    }

    /** A reader: query_only guards against a write slipping past the single writer. */
    static SqlConnection openReader(Path file) throws SQLException {
        SqlConnection reader = new SqlConnection(common().createConnection(url(file)));
        reader.execute("PRAGMA query_only = ON");
        return reader;
    }

    /** A connection of its own for one long read (a snapshot), so the pool's readers stay free. */
    static SqlConnection openPlain(Path file) throws SQLException {
        return new SqlConnection(common().createConnection(url(file)));
    }

    /** Opens an existing database without creating or changing anything (doctor, restore). */
    static SqlConnection openReadOnly(Path file) throws SQLException {
        SQLiteConfig config = common();
        config.setReadOnly(true);
        return new SqlConnection(config.createConnection(url(file)));
    }

    private static SQLiteConfig common() {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.enforceForeignKeys(true);
        return config;
    }

    private static String url(Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }

    /** The cached statement for {@code sql}, with no parameters or batch left from an earlier (failed) use. */
    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        } else {
            statement.clearParameters();
            statement.clearBatch();
        }
        return statement;
    }

    void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Runs a script of several statements (a migration). */
    void executeScript(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }

    long queryLong(String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Every row of a one-column query, as text. */
    java.util.List<String> queryStrings(String sql) throws SQLException {
        java.util.List<String> values = new java.util.ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement statement : statements.values()) {
            statement.close();
        }
        statements.clear();
        connection.close();
    }
}
