package io.sitewatch.appliance.store.sqlite;

import static io.sitewatch.appliance.store.sqlite.Fixtures.count;
import static io.sitewatch.appliance.store.sqlite.Fixtures.execute;
import static io.sitewatch.appliance.store.sqlite.Fixtures.userVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sitewatch.appliance.store.StoreException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationsTest {

    private static final Migrations.Migration V1 =
            Migrations.parse("V1__notes.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);");
    private static final Migrations.Migration V2 =
            Migrations.parse("V2__note_author.sql", "ALTER TABLE notes ADD COLUMN author TEXT;");

    @TempDir
    Path dir;

    @Test
    void builtInMigrationsAreNumberedFromOneAndCreateTheSchema() throws SQLException {
        List<Migrations.Migration> builtIn = Migrations.builtIn();
        for (int i = 0; i < builtIn.size(); i++) {
            assertThat(builtIn.get(i).version()).isEqualTo(i + 1);
        }
        Path db = dir.resolve("sitewatch.db");
        SqliteStore.open(db).close();

        assertThat(userVersion(db)).isEqualTo(builtIn.size());
        for (String table : List.of("sites", "operators", "tokens", "events", "sessions", "control", "recordings",
                "chunks")) {
            assertThat(count(db, table)).as(table).isZero();
        }
        assertThat(count(db, "groups")).isEqualTo(1);
        assertThat(dir).isDirectoryNotContaining("glob:**.bak");
    }

    @Test
    void migratesAnEmptyDatabaseInOrderWithoutABackup() throws SQLException {
        Path db = dir.resolve("a.db");
        assertThat(migrate(db, List.of(V1, V2))).isZero();

        assertThat(userVersion(db)).isEqualTo(2);
        execute(db, "INSERT INTO notes (text, author) VALUES ('hi', 'ana')");
        assertThat(dir).isDirectoryNotContaining("glob:**.bak");
    }

    @Test
    void backsUpAnOlderDatabaseBeforeUpgradingIt() throws SQLException {
        Path db = dir.resolve("a.db");
        migrate(db, List.of(V1));
        execute(db, "INSERT INTO notes (text) VALUES ('kept')");

        assertThat(migrate(db, List.of(V1, V2))).isEqualTo(1);

        Path backup = dir.resolve("a.db.before-v2.bak");
        assertThat(userVersion(backup)).isEqualTo(1);
        assertThat(count(backup, "notes")).isEqualTo(1);
        assertThat(userVersion(db)).isEqualTo(2);
        assertThat(dir).isDirectoryNotContaining("glob:**.partial");
    }

    @Test
    void aFailedMigrationLeavesThePreviousVersion() throws SQLException {
        Path db = dir.resolve("a.db");
        migrate(db, List.of(V1));
        execute(db, "INSERT INTO notes (text) VALUES ('kept')");
        Migrations.Migration broken = Migrations.parse("V2__broken.sql",
                "ALTER TABLE notes ADD COLUMN author TEXT; INSERT INTO nowhere VALUES (1);");

        assertThatThrownBy(() -> migrate(db, List.of(V1, broken)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("to schema version 2 (V2__broken.sql); it stays at version 1")
                .hasMessageContaining("nowhere");

        assertThat(userVersion(db)).isEqualTo(1);
        assertThat(count(db, "notes")).isEqualTo(1);
        // The half-applied ALTER was rolled back with the rest: V2 can now run cleanly.
        migrate(db, List.of(V1, V2));
        assertThat(userVersion(db)).isEqualTo(2);
    }

    @Test
    void refusesADatabaseFromANewerSitewatch() throws SQLException {
        Path db = dir.resolve("sitewatch.db");
        SqliteStore.open(db).close();
        execute(db, "PRAGMA user_version = 99");

        assertThatThrownBy(() -> SqliteStore.open(db))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("has schema version 99 but this sitewatch knows only up to version "
                        + Migrations.builtIn().size());
        assertThat(userVersion(db)).isEqualTo(99);
        // The refusal released the directory.
        DataDirLock.acquire(dir).close();
    }

    @Test
    void rejectsGapsAndBadNames() {
        assertThatThrownBy(() -> migrate(dir.resolve("a.db"), List.of(V2)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Migrations.parse("init.sql", ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theStoreBacksUpWhenItsOwnSchemaMoves() throws SQLException {
        Path db = dir.resolve("sitewatch.db");
        SqliteStore.open(db).close();
        List<Migrations.Migration> next = new ArrayList<>(Migrations.builtIn());
        int version = next.size() + 1;
        next.add(Migrations.parse("V" + version + "__site_notes.sql", "ALTER TABLE sites ADD COLUMN notes TEXT;"));

        SqliteStore.open(db, Fixtures.options(next, SqliteStore.Options.defaults().walLimitBytes())).close();

        assertThat(userVersion(db)).isEqualTo(version);
        assertThat(userVersion(dir.resolve("sitewatch.db.before-v" + version + ".bak"))).isEqualTo(version - 1);
    }

    /** An upgrade as the package does it: the next start migrates; a failing script costs nothing. */
    @Test
    void aFailedUpgradeAtStartLeavesTheDatabaseAsItWasAndTheFixedOneRunsOnce() throws SQLException {
        Path db = dir.resolve("sitewatch.db");
        SqliteStore.open(db).close();
        execute(db, "INSERT INTO sites (id, name, grp, enabled, created_at)"
                + " VALUES ('yard-1', 'Yard', 'default', 1, 0)");
        int current = Migrations.builtIn().size();
        int version = current + 1;
        long walLimit = SqliteStore.Options.defaults().walLimitBytes();
        List<Migrations.Migration> broken = new ArrayList<>(Migrations.builtIn());
        broken.add(Migrations.parse("V" + version + "__broken.sql",
                "ALTER TABLE sites ADD COLUMN notes TEXT; INSERT INTO nowhere VALUES (1);"));

        assertThatThrownBy(() -> SqliteStore.open(db, Fixtures.options(broken, walLimit)))
                .isInstanceOf(StoreException.class).hasMessageContaining("it stays at version " + current);

        assertThat(userVersion(db)).isEqualTo(current);
        assertThat(count(db, "sites")).isEqualTo(1);
        Path backup = dir.resolve("sitewatch.db.before-v" + version + ".bak");
        assertThat(userVersion(backup)).isEqualTo(current);
        assertThat(count(backup, "sites")).isEqualTo(1);

        List<Migrations.Migration> fixed = new ArrayList<>(Migrations.builtIn());
        fixed.add(Migrations.parse("V" + version + "__notes.sql",
                "ALTER TABLE sites ADD COLUMN notes TEXT; INSERT INTO groups (name) VALUES ('upgraded');"));
        SqliteStore.open(db, Fixtures.options(fixed, walLimit)).close(); // the lock was released by the failure
        SqliteStore.open(db, Fixtures.options(fixed, walLimit)).close();

        assertThat(userVersion(db)).isEqualTo(version);
        assertThat(count(db, "groups")).isEqualTo(2);
        assertThat(count(db, "sites")).isEqualTo(1);
    }

    private static int migrate(Path db, List<Migrations.Migration> migrations) throws SQLException {
        try (SqlConnection connection = SqlConnection.openWriter(db)) {
            return Migrations.migrate(connection, db, migrations);
        }
    }
}
