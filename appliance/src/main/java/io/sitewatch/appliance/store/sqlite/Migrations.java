package io.sitewatch.appliance.store.sqlite;

import io.sitewatch.appliance.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Numbered SQL scripts under {@code db/migration/}, applied in order; {@code PRAGMA user_version} records
 * the last one applied. Each runs in its own transaction, so a failing script leaves the version before it.
 */
final class Migrations {

    /** Every migration, oldest first. A jar cannot list its resources, so new scripts are added here too. */
    static final List<String> BUILT_IN = List.of("V1__init.sql", "V2__rooms.sql", "V3__recordings.sql");

    private static final Pattern NAME = Pattern.compile("V(\\d+)__\\w+\\.sql");

    record Migration(int version, String name, String sql) {}

    private Migrations() {}

    static List<Migration> builtIn() {
        List<Migration> migrations = new ArrayList<>();
        for (String name : BUILT_IN) {
            migrations.add(parse(name, resource("/db/migration/" + name)));
        }
        return migrations;
    }

    static Migration parse(String name, String sql) {
        Matcher matcher = NAME.matcher(name);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("migration name must look like V1__what.sql: " + name);
        }
        return new Migration(Integer.parseInt(matcher.group(1)), name, sql);
    }

    private static String resource(String path) {
        try (InputStream in = Migrations.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing migration resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Brings the database at {@code file} up to the last of {@code migrations}, which must be numbered
     * 1, 2, 3... An existing database is first copied to {@code <file>.before-v<N>.bak}, N being the first
     * version applied, so even a bad script that commits cannot cost the user their registry.
     *
     * @return the version the database had before
     */
    static int migrate(SqlConnection connection, Path file, List<Migration> migrations) {
        for (int i = 0; i < migrations.size(); i++) {
            if (migrations.get(i).version() != i + 1) {
                throw new IllegalArgumentException("migrations must be numbered 1, 2, 3...: " + migrations);
            }
        }
        int latest = migrations.size();
        int current = userVersion(connection, file);
        if (current > latest) {
            throw new StoreException("the database " + file + " has schema version " + current
                    + " but this sitewatch knows only up to version " + latest
                    + "; run a newer sitewatch or restore a backup", null);
        }
        if (current > 0 && current < latest) {
            backup(connection, file, current + 1);
        }
        for (Migration migration : migrations.subList(current, latest)) {
            apply(connection, file, migration);
        }
        return current;
    }

    private static int userVersion(SqlConnection connection, Path file) {
        try {
            return (int) connection.queryLong("PRAGMA user_version");
        } catch (SQLException e) {
            throw new StoreException("cannot read " + file + " (is it a sitewatch database?): " + e.getMessage(), e);
        }
    }

    /** Written to a temporary name and moved, so a crash never leaves a half backup under the real name. */
    static Path backup(SqlConnection connection, Path file, int nextVersion) {
        Path backup = file.resolveSibling(file.getFileName() + ".before-v" + nextVersion + ".bak");
        Path partial = backup.resolveSibling(backup.getFileName() + ".partial");
        try {
            Files.deleteIfExists(partial);
            PreparedStatement vacuum = connection.prepare("VACUUM INTO ?");
            vacuum.setString(1, partial.toAbsolutePath().toString());
            vacuum.executeUpdate();
            Files.move(partial, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return backup;
        } catch (SQLException | IOException e) {
            throw new StoreException("cannot back up " + file + " to " + backup
                    + " before upgrading it; nothing was changed: " + e.getMessage(), e);
        }
    }

    private static void apply(SqlConnection connection, Path file, Migration migration) {
        try {
            connection.execute("BEGIN IMMEDIATE");
            try {
                connection.executeScript(migration.sql());
                // Inside the transaction: the new version commits together with the schema it describes.
                connection.execute("PRAGMA user_version = " + migration.version());
                connection.execute("COMMIT");
            } catch (SQLException e) {
                rollback(connection);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot upgrade " + file + " to schema version " + migration.version()
                    + " (" + migration.name() + "); it stays at version " + (migration.version() - 1)
                    + ": " + e.getMessage(), e);
        }
    }

    private static void rollback(SqlConnection connection) {
        try {
            connection.execute("ROLLBACK");
        } catch (SQLException e) {
            // Some errors end the transaction by themselves; the script's error is the one to report.
        }
    }
}
