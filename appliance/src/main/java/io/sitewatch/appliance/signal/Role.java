package io.sitewatch.appliance.signal;

public enum Role {
    SITE("site"),
    OPERATOR("operator");

    private final String wire;

    Role(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
