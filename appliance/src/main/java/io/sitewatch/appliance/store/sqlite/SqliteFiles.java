package io.sitewatch.appliance.store.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

/**
 * Looks at a database file that no appliance has open (a backup being restored, a stopped box's data
 * directory) without changing it: is it sound, and can this sitewatch open it.
 */
public final class SqliteFiles {

    /**
     * @param problems      empty when the file is a sound sitewatch database this version can open
     * @param schemaVersion its {@code user_version}; -1 when it could not be read
     * @param sites         registered sites, -1 when unknown
     * @param operators     operators, -1 when unknown
     */
    public record Check(List<String> problems, int schemaVersion, long sites, long operators) {
        public boolean sound() {
            return problems.isEmpty();
        }
    }

    private SqliteFiles() {}

    /** The schema version this sitewatch migrates to. */
    public static int latestSchemaVersion() {
        return Migrations.BUILT_IN.size();
    }

    public static Check check(Path file) {
        if (!Files.isRegularFile(file)) {
            return new Check(List.of("no database at " + file), -1, -1, -1);
        }
        try (SqlConnection connection = SqlConnection.openReadOnly(file)) {
            int version = (int) connection.queryLong("PRAGMA user_version");
            List<String> problems = integrityProblems(connection);
            if (!problems.isEmpty()) {
                return new Check(problems, version, -1, -1);
            }
            if (version < 1) {
                return new Check(List.of(file + " is not a sitewatch database (schema version 0)"), version, -1, -1);
            }
            if (version > latestSchemaVersion()) {
                return new Check(List.of(file + " has schema version " + version + "; this sitewatch knows up to "
                        + latestSchemaVersion() + " (restore it with a newer sitewatch)"), version, -1, -1);
            }
            return new Check(List.of(), version, connection.queryLong("SELECT count(*) FROM sites"),
                    connection.queryLong("SELECT count(*) FROM operators"));
        } catch (SQLException e) {
            return new Check(List.of("cannot read " + file + " as a SQLite database: " + e.getMessage()), -1, -1, -1);
        }
    }

    /** {@code PRAGMA integrity_check}: "ok", or up to 100 lines naming what is damaged. */
    static List<String> integrityProblems(SqlConnection connection) throws SQLException {
        List<String> rows = connection.queryStrings("PRAGMA integrity_check");
        return rows.equals(List.of("ok")) ? List.of() : List.copyOf(rows);
    }
}
