package io.sitewatch.appliance.config;

/** A configuration error, worded for the admin: it names the key and where it came from. */
public final class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message);
    }
}
