package io.sitewatch.cli;

/** Admin API answers as the appliance words them, for tests against {@link FakeAdmin}. */
public final class AdminFixtures {

    private AdminFixtures() {}

    public static final String STATUS = """
            {"version":"1.2.3","startedAt":"2026-11-23T08:00:00Z","uptimeSeconds":93784,"dataDir":"/var/lib/sw",
             "baseUrl":"https://localhost:8443","deviceUrl":"https://box:8443","tls":true,"port":8443,
             "redirectPort":8080,"adminSocket":"/var/lib/sw/admin.sock","sessions":{"site":3,"operator":2},
             "sites":4,"operators":5,"eventsDropped":0,"diskUsedBytes":1536,"diskFreeBytes":1073741824,
             "diskTotalBytes":2147483648}""";
    public static final String SITE = """
            {"id":"yard-1","name":"North yard","location":"Gate 3","group":"default","enabled":true,
             "createdAt":"2026-11-23T08:00:00Z","online":true,"sessionId":"s1"}""";
    public static final String SESSIONS = """
            [{"sessionId":"s1","role":"site","id":"yard-1","name":"North yard","remote":"10.0.0.5:4000",
              "since":1700000000000,"connected":true,"watching":[],"rooms":[],"primaryOf":null,"lastStatus":null},
             {"sessionId":"o1","role":"operator","id":"ann","name":"ann","remote":"10.0.0.9:5000",
              "since":1700000000000,"connected":true,"watching":["yard-1"],"rooms":["ops"],"primaryOf":"yard-1",
              "lastStatus":null}]""";
}
