package io.sitewatch.appliance.store.sqlite;

import io.sitewatch.appliance.store.Site;
import io.sitewatch.appliance.store.SiteRepository;
import io.sitewatch.appliance.store.StoreException;
import io.sitewatch.appliance.store.TokenRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

final class SqliteSites implements SiteRepository {

    private static final String COLUMNS = "id, name, location, grp, enabled, created_at";
    private static final String INSERT = "INSERT INTO sites (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT DO NOTHING";

    private final SqlWriter writer;
    private final ReadPool readers;

    SqliteSites(SqlWriter writer, ReadPool readers) {
        this.writer = writer;
        this.readers = readers;
    }

    @Override
    public List<Site> list() {
        return readers.read("list sites", c -> {
            List<Site> sites = new ArrayList<>();
            try (ResultSet rows = c.prepare("SELECT " + COLUMNS + " FROM sites ORDER BY id").executeQuery()) {
                while (rows.next()) {
                    sites.add(site(rows));
                }
            }
            return sites;
        });
    }

    @Override
    public Optional<Site> find(String id) {
        return readers.read("find site '" + id + "'", c -> {
            PreparedStatement find = c.prepare("SELECT " + COLUMNS + " FROM sites WHERE id = ?");
            find.setString(1, id);
            try (ResultSet row = find.executeQuery()) {
                return row.next() ? Optional.of(site(row)) : Optional.empty();
            }
        });
    }

    @Override
    public void add(Enrolment enrolment) {
        addAll(List.of(enrolment));
    }

    /**
     * One batch per table in one transaction: thousands of rows take milliseconds. "ON CONFLICT DO NOTHING"
     * makes a duplicate show as a zero update count, so the Conflict can name its id without parsing
     * SQLite's message; throwing then rolls back everything.
     */
    @Override
    public void addAll(List<Enrolment> enrolments) {
        Set<String> ids = new HashSet<>();
        for (Enrolment enrolment : enrolments) {
            checkToken(enrolment.site().id(), enrolment.token());
            if (!ids.add(enrolment.site().id())) {
                throw new StoreException.Conflict("site '" + enrolment.site().id() + "' is listed twice");
            }
        }
        if (enrolments.isEmpty()) {
            return;
        }
        String what = enrolments.size() == 1 ? "add site '" + enrolments.get(0).site().id() + "'"
                : "add " + enrolments.size() + " sites";
        writer.transaction(what, c -> {
            addGroups(c, enrolments.stream().map(e -> e.site().group()).collect(Collectors.toSet()));
            PreparedStatement insert = c.prepare(INSERT);
            for (Enrolment enrolment : enrolments) {
                bind(insert, enrolment.site());
                insert.addBatch();
            }
            int[] inserted = insert.executeBatch();
            for (int i = 0; i < inserted.length; i++) {
                if (inserted[i] == 0) {
                    throw exists(enrolments.get(i).site().id());
                }
            }
            SqliteTokens.insertAll(c, enrolments.stream().map(Enrolment::token).toList());
            return null;
        });
    }

    @Override
    public boolean update(Site site) {
        return writer.transaction("update site '" + site.id() + "'", c -> {
            addGroups(c, Set.of(site.group()));
            PreparedStatement update = c.prepare(
                    "UPDATE sites SET name = ?, location = ?, grp = ?, enabled = ? WHERE id = ?");
            update.setString(1, site.name());
            update.setString(2, site.location());
            update.setString(3, site.group());
            update.setInt(4, site.enabled() ? 1 : 0);
            update.setString(5, site.id());
            return update.executeUpdate() > 0;
        });
    }

    @Override
    public boolean remove(String id) {
        return writer.transaction("remove site '" + id + "'", c -> delete(c, id));
    }

    @Override
    public int removeAll(List<String> ids) {
        return writer.transaction("remove " + ids.size() + " sites", c -> {
            int removed = 0;
            for (String id : ids) {
                removed += delete(c, id) ? 1 : 0;
            }
            return removed;
        });
    }

    private static boolean delete(SqlConnection c, String id) throws SQLException {
        SqliteTokens.deleteOfSubject(c, TokenRecord.Kind.SITE, id);
        PreparedStatement delete = c.prepare("DELETE FROM sites WHERE id = ?");
        delete.setString(1, id);
        return delete.executeUpdate() > 0;
    }

    @Override
    public boolean replaceToken(String siteId, TokenRecord token) {
        checkToken(siteId, token);
        return writer.transaction("replace the token of site '" + siteId + "'", c -> {
            PreparedStatement exists = c.prepare("SELECT 1 FROM sites WHERE id = ?");
            exists.setString(1, siteId);
            try (ResultSet row = exists.executeQuery()) {
                if (!row.next()) {
                    return false;
                }
            }
            SqliteTokens.deleteOfSubject(c, TokenRecord.Kind.SITE, siteId);
            SqliteTokens.insert(c, token);
            return true;
        });
    }

    /** Groups are created on first use: there is no separate step to define one. */
    private static void addGroups(SqlConnection c, Set<String> groups) throws SQLException {
        PreparedStatement insert = c.prepare("INSERT INTO groups (name) VALUES (?) ON CONFLICT DO NOTHING");
        for (String group : groups) {
            insert.setString(1, group);
            insert.addBatch();
        }
        insert.executeBatch();
    }

    /** A token filed under another subject would never authenticate this site; that is a caller bug. */
    private static void checkToken(String siteId, TokenRecord token) {
        if (token.kind() != TokenRecord.Kind.SITE || !token.subject().equals(siteId)) {
            throw new IllegalArgumentException("token '" + token.id() + "' is a " + token.kind()
                    + " token of '" + token.subject() + "', not a SITE token of '" + siteId + "'");
        }
    }

    private static StoreException.Conflict exists(String id) {
        return new StoreException.Conflict("site '" + id + "' exists already");
    }

    /** Inserts sites inside the caller's transaction (their groups must exist). */
    static void insertAll(SqlConnection c, Iterable<Site> sites) throws SQLException {
        PreparedStatement insert = c.prepare(INSERT);
        for (Site site : sites) {
            bind(insert, site);
            insert.addBatch();
        }
        insert.executeBatch();
    }

    private static void bind(PreparedStatement insert, Site site) throws SQLException {
        insert.setString(1, site.id());
        insert.setString(2, site.name());
        insert.setString(3, site.location());
        insert.setString(4, site.group());
        insert.setInt(5, site.enabled() ? 1 : 0);
        insert.setLong(6, site.createdAt().toEpochMilli());
    }

    private static Site site(ResultSet row) throws SQLException {
        return new Site(row.getString("id"), row.getString("name"), row.getString("location"),
                row.getString("grp"), row.getInt("enabled") != 0, Instant.ofEpochMilli(row.getLong("created_at")));
    }
}
