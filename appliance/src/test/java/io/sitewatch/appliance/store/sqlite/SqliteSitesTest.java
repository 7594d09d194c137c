package io.sitewatch.appliance.store.sqlite;

import static io.sitewatch.appliance.store.sqlite.Fixtures.T0;
import static io.sitewatch.appliance.store.sqlite.Fixtures.count;
import static io.sitewatch.appliance.store.sqlite.Fixtures.enrolment;
import static io.sitewatch.appliance.store.sqlite.Fixtures.site;
import static io.sitewatch.appliance.store.sqlite.Fixtures.siteToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sitewatch.appliance.store.Site;
import io.sitewatch.appliance.store.SiteRepository;
import io.sitewatch.appliance.store.SiteRepository.Enrolment;
import io.sitewatch.appliance.store.StoreException;
import io.sitewatch.appliance.store.TokenRecord;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteSitesTest {

    @TempDir
    Path dir;
    Path db;
    SqliteStore store;
    SiteRepository sites;

    @BeforeEach
    void open() {
        db = dir.resolve("sitewatch.db");
        store = SqliteStore.open(db);
        sites = store.sites();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void addsFindsAndListsInIdOrder() {
        assertThat(sites.find("s1")).isEmpty();
        sites.add(enrolment("s2"));
        sites.add(enrolment("s1"));

        assertThat(sites.find("s1")).contains(site("s1"));
        assertThat(sites.list()).containsExactly(site("s1"), site("s2"));
        assertThat(store.tokens().find("t-s1")).get()
                .satisfies(token -> assertThat(token.subject()).isEqualTo("s1"));
    }

    @Test
    void aNewGroupIsCreatedOnFirstUse() throws SQLException {
        Site inNorth = new Site("n1", "North 1", "", "north", false, T0);
        sites.add(new Enrolment(inNorth, siteToken("t-n1", "n1")));

        assertThat(sites.find("n1")).contains(inNorth);
        assertThat(count(db, "groups")).isEqualTo(2);
    }

    @Test
    void aDuplicateIdIsAConflictAndWritesNothing() throws SQLException {
        sites.add(enrolment("s1"));
        Enrolment again = new Enrolment(new Site("s1", "Other", "", "east", true, T0), siteToken("t-other", "s1"));

        assertThatThrownBy(() -> sites.add(again))
                .isInstanceOf(StoreException.Conflict.class)
                .hasMessage("site 's1' exists already");

        assertThat(sites.find("s1")).contains(site("s1"));
        assertThat(store.tokens().find("t-other")).isEmpty();
        assertThat(count(db, "groups")).as("group 'east' rolled back").isEqualTo(1);
    }

    @Test
    void addAllWritesNothingWhenAnIdInTheMiddleExists() {
        sites.add(enrolment("s050"));
        List<Enrolment> batch = IntStream.range(0, 100).mapToObj(i -> enrolment(String.format("s%03d", i))).toList();

        assertThatThrownBy(() -> sites.addAll(batch))
                .isInstanceOf(StoreException.Conflict.class)
                .hasMessage("site 's050' exists already");

        assertThat(sites.list()).extracting(Site::id).containsExactly("s050");
    }

    @Test
    void addAllWritesNothingWhenTheListRepeatsAnId() {
        List<Enrolment> batch = List.of(enrolment("a"), enrolment("b"), enrolment("a"));

        assertThatThrownBy(() -> sites.addAll(batch))
                .isInstanceOf(StoreException.Conflict.class)
                .hasMessage("site 'a' is listed twice");
        assertThat(sites.list()).isEmpty();
    }

    @Test
    void addAllWritesNothingWhenATokenIdIsTaken() {
        sites.add(enrolment("a"));
        List<Enrolment> batch = List.of(enrolment("b"), new Enrolment(site("c"), siteToken("t-a", "c")));

        assertThatThrownBy(() -> sites.addAll(batch))
                .isInstanceOf(StoreException.Conflict.class)
                .hasMessage("a token with id 't-a' exists already");
        assertThat(sites.list()).extracting(Site::id).containsExactly("a");
    }

    @Test
    void addAllEnrolsTenThousandSitesInOneGo() throws SQLException {
        List<Enrolment> batch = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            batch.add(enrolment("site-" + i));
        }

        sites.addAll(batch);

        assertThat(sites.list()).hasSize(10_000);
        assertThat(count(db, "tokens")).isEqualTo(10_000);
        assertThat(store.tokens().find("t-site-9999")).isPresent();
    }

    @Test
    void rejectsATokenThatBelongsToSomeoneElse() {
        Enrolment wrong = new Enrolment(site("a"), siteToken("t", "b"));

        assertThatThrownBy(() -> sites.add(wrong)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sites.replaceToken("a", Fixtures.operatorToken("t", "a", null)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void updatesNameLocationGroupAndEnabled() {
        sites.add(enrolment("s1"));
        Site changed = new Site("s1", "Renamed", "Dock 4", "south", false, T0.plusSeconds(99));

        assertThat(sites.update(changed)).isTrue();
        assertThat(sites.find("s1")).contains(new Site("s1", "Renamed", "Dock 4", "south", false, T0));
        assertThat(sites.update(site("missing"))).isFalse();
        assertThat(sites.find("missing")).isEmpty();
    }

    @Test
    void removeDeletesTheSiteAndItsTokensOnly() {
        sites.add(enrolment("s1"));
        sites.add(enrolment("s2"));
        store.tokens().add(siteToken("t-s1-extra", "s1"));
        store.tokens().add(Fixtures.operatorToken("op-s1", "s1", null));

        assertThat(sites.remove("s1")).isTrue();
        assertThat(sites.remove("s1")).isFalse();

        assertThat(sites.find("s1")).isEmpty();
        assertThat(store.tokens().find("t-s1")).isEmpty();
        assertThat(store.tokens().find("t-s1-extra")).isEmpty();
        assertThat(store.tokens().find("op-s1")).as("an operator named like the site").isPresent();
        assertThat(store.tokens().find("t-s2")).isPresent();
    }

    @Test
    void removeAllDeletesManySitesAndTheirTokensAndCountsThoseThatExisted() {
        sites.addAll(List.of(enrolment("s1"), enrolment("s2"), enrolment("s3")));

        assertThat(sites.removeAll(List.of("s1", "s3", "gone"))).isEqualTo(2);

        assertThat(sites.list()).extracting(Site::id).containsExactly("s2");
        assertThat(store.tokens().find("t-s1")).isEmpty();
        assertThat(store.tokens().find("t-s3")).isEmpty();
        assertThat(store.tokens().find("t-s2")).isPresent();
    }

    @Test
    void replaceTokenSwapsEveryTokenOfTheSite() {
        sites.add(enrolment("s1"));
        store.tokens().add(siteToken("t-s1-extra", "s1"));
        sites.add(enrolment("s2"));

        assertThat(sites.replaceToken("s1", siteToken("t-new", "s1"))).isTrue();

        assertThat(store.tokens().find("t-s1")).isEmpty();
        assertThat(store.tokens().find("t-s1-extra")).isEmpty();
        assertThat(store.tokens().find("t-new")).get().extracting(TokenRecord::subject).isEqualTo("s1");
        assertThat(store.tokens().find("t-s2")).isPresent();
    }

    @Test
    void replaceTokenOfAMissingSiteWritesNothing() {
        assertThat(sites.replaceToken("ghost", siteToken("t-ghost", "ghost"))).isFalse();
        assertThat(store.tokens().find("t-ghost")).isEmpty();
    }

    @Test
    void replaceTokenKeepsTheOldTokenWhenTheNewIdIsTaken() {
        sites.add(enrolment("s1"));
        sites.add(enrolment("s2"));

        assertThatThrownBy(() -> sites.replaceToken("s1", siteToken("t-s2", "s1")))
                .isInstanceOf(StoreException.Conflict.class);
        assertThat(store.tokens().find("t-s1")).isPresent();
    }
}
