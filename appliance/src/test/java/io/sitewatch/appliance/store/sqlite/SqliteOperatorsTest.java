package io.sitewatch.appliance.store.sqlite;

import static io.sitewatch.appliance.store.sqlite.Fixtures.operator;
import static io.sitewatch.appliance.store.sqlite.Fixtures.operatorToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sitewatch.appliance.store.Operator;
import io.sitewatch.appliance.store.OperatorRepository;
import io.sitewatch.appliance.store.StoreException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteOperatorsTest {

    @TempDir
    Path dir;
    SqliteStore store;
    OperatorRepository operators;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir.resolve("sitewatch.db"));
        operators = store.operators();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void addsFindsAndListsKeepingAllGroupsDistinctFromNone() {
        Operator all = operator("zoe", null);
        Operator some = operator("ana", Set.of("north", "east"));
        Operator none = operator("bob", Set.of());
        operators.add(all);
        operators.add(some);
        operators.add(none);

        assertThat(operators.list()).containsExactly(some, none, all);
        assertThat(operators.find("zoe")).get().extracting(Operator::groups).isNull();
        assertThat(operators.find("bob")).get().extracting(Operator::groups).isEqualTo(Set.of());
        assertThat(operators.find("nobody")).isEmpty();
    }

    @Test
    void aDuplicateNameIsAConflict() {
        operators.add(operator("ana", null));

        assertThatThrownBy(() -> operators.add(operator("ana", Set.of("x"))))
                .isInstanceOf(StoreException.Conflict.class)
                .hasMessage("operator 'ana' exists already");
        assertThat(operators.find("ana")).contains(operator("ana", null));
    }

    @Test
    void updatesPasswordAndGroups() {
        operators.add(operator("ana", null));
        Operator changed = operator("ana", Set.of("north")).withPasswordHash("pbkdf2$new");

        assertThat(operators.update(changed)).isTrue();
        assertThat(operators.find("ana")).contains(changed);
        assertThat(operators.update(operator("nobody", null))).isFalse();
        assertThat(operators.list()).hasSize(1);
    }

    @Test
    void removeDeletesTheOperatorAndItsTokens() {
        operators.add(operator("ana", null));
        operators.add(operator("bob", null));
        store.tokens().add(operatorToken("ana-1", "ana", null));
        store.tokens().add(operatorToken("ana-2", "ana", Fixtures.T0.plusSeconds(60)));
        store.tokens().add(operatorToken("bob-1", "bob", null));
        store.sites().add(Fixtures.enrolment("ana"));

        assertThat(operators.remove("ana")).isTrue();
        assertThat(operators.remove("ana")).isFalse();

        assertThat(operators.find("ana")).isEmpty();
        assertThat(store.tokens().find("ana-1")).isEmpty();
        assertThat(store.tokens().find("ana-2")).isEmpty();
        assertThat(store.tokens().find("bob-1")).isPresent();
        assertThat(store.tokens().find("t-ana")).as("a site named like the operator").isPresent();
    }
}
