package io.sitewatch.appliance.registry;

/** A refused registry change, worded for the admin; {@link #kind} picks the HTTP status. */
public final class RegistryException extends RuntimeException {

    public enum Kind { INVALID, NOT_FOUND, CONFLICT }

    private final Kind kind;

    public RegistryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static RegistryException notFound(String what, String id) {
        return new RegistryException(Kind.NOT_FOUND, "no " + what + " '" + id + "'");
    }

    static RegistryException invalid(String message) {
        return new RegistryException(Kind.INVALID, message);
    }
}
