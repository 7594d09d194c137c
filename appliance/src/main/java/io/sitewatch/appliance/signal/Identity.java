package io.sitewatch.appliance.signal;

import java.util.Objects;
import java.util.Set;

/**
 * Who a credential belongs to.
 *
 * @param credentialId the token id that authenticated this session (resume tokens are bound to it)
 * @param group        a site's group; null for operators
 * @param groups       the groups an operator may watch; null means all groups (and for sites)
 */
public record Identity(Role role, String id, String name, String credentialId, String group, Set<String> groups) {

    public Identity {
        Objects.requireNonNull(role);
        Objects.requireNonNull(id);
        Objects.requireNonNull(credentialId);
        name = name == null || name.isEmpty() ? id : name;
        groups = groups == null ? null : Set.copyOf(groups);
    }

    public static Identity site(String id, String name, String credentialId, String group) {
        return new Identity(Role.SITE, id, name, credentialId, group, null);
    }

    public static Identity operator(String name, String credentialId, Set<String> groups) {
        return new Identity(Role.OPERATOR, name, name, credentialId, null, groups);
    }

    public boolean isSite() {
        return role == Role.SITE;
    }

    public boolean isOperator() {
        return role == Role.OPERATOR;
    }

    /** Which voice rooms this session shares with others: its groups ({@code *} for all groups). */
    public String roomScope() {
        return groups == null ? "*" : String.join(",", new java.util.TreeSet<>(groups));
    }

    /** Whether this operator may see and watch sites of that group. */
    public boolean mayAccess(String siteGroup) {
        return isOperator() && (groups == null || groups.contains(siteGroup));
    }
}
