package io.sitewatch.appliance.store;

import java.util.List;
import java.util.Optional;

public interface OperatorRepository {

    List<Operator> list();

    Optional<Operator> find(String name);

    /** {@link StoreException.Conflict} if the name exists. */
    void add(Operator operator);

    /** Replaces password hash and groups; false if there is no such operator. */
    boolean update(Operator operator);

    /** Removes the operator and all its tokens; false if there is no such operator. */
    boolean remove(String name);
}
