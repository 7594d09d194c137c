package io.sitewatch.appliance.store;

import java.util.List;

/** The whole registry (what a standby mirrors): groups, sites, operators, their tokens and the defined rooms. */
public record RegistryData(List<String> groups, List<Site> sites, List<Operator> operators, List<TokenRecord> tokens,
                           List<Room> rooms) {

    public RegistryData {
        groups = List.copyOf(groups);
        sites = List.copyOf(sites);
        operators = List.copyOf(operators);
        tokens = List.copyOf(tokens);
        rooms = List.copyOf(rooms);
    }
}
