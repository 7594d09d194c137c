package io.sitewatch.bench.jmh;

/** Realistic client frames per message type, addressed to a session id. */
final class Frames {

    /** A browser's host candidate: the size most relayed messages have. */
    static final String CANDIDATE = "{\"type\":\"candidate\",\"to\":\"%s\",\"candidate\":{\"candidate\":"
            + "\"candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 192.168.1.20 rport 46154"
            + " generation 0 ufrag sXq8 network-cost 999\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,"
            + "\"usernameFragment\":\"sXq8\"}}";

    private Frames() {}

    /** A frame of this type from a sender to {@code to} (a session id) about {@code site}. */
    static String of(String type, String to, String site) {
        return switch (type) {
            case "candidate" -> CANDIDATE.formatted(to);
            case "offer", "answer" -> "{\"type\":\"" + type + "\",\"to\":\"" + to + "\",\"sdp\":\"" + sdp() + "\"}";
            case "bye" -> "{\"type\":\"bye\",\"to\":\"" + to + "\"}";
            case "ping" -> "{\"type\":\"ping\"}";
            case "status" -> "{\"type\":\"status\",\"peer\":\"" + to + "\",\"state\":\"connected\",\"stats\":"
                    + "{\"rttMs\":12,\"kbpsOut\":2400,\"kbpsIn\":35,\"fps\":30,\"route\":\"host\"}}";
            case "watch" -> "{\"type\":\"watch\",\"sites\":[\"" + site + "\"]}";
            case "claim" -> "{\"type\":\"claim\",\"site\":\"" + site + "\"}";
            default -> throw new IllegalArgumentException("no sample frame for " + type);
        };
    }

    /** A sendonly video+audio offer with two DataChannels, about 2.5 KB as JSON. */
    static String sdp() {
        String[] lines = {
            "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
            "a=group:BUNDLE 0 1 2", "a=extmap-allow-mixed", "a=msid-semantic: WMS stream",
            "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:sXq8", "a=ice-pwd:Vq1rXyq2Rr0l4m5wqFJ0p4Cv", "a=ice-options:trickle",
            "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08",
            "a=setup:actpass", "a=mid:0", "a=sendonly", "a=msid:stream video", "a=rtcp-mux", "a=rtcp-rsize",
            "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 goog-remb", "a=rtcp-fb:96 transport-cc", "a=rtcp-fb:96 ccm fir",
            "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli", "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96",
            "a=rtpmap:102 H264/90000", "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
            "a=rtpmap:103 rtx/90000", "a=fmtp:103 apt=102", "a=ssrc-group:FID 1843258 2204011",
            "a=ssrc:1843258 cname:Kd8mZ0o3", "a=ssrc:2204011 cname:Kd8mZ0o3",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:sXq8", "a=ice-pwd:Vq1rXyq2Rr0l4m5wqFJ0p4Cv", "a=ice-options:trickle", "a=setup:actpass",
            "a=mid:1", "a=sendonly", "a=msid:stream audio", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2",
            "a=rtcp-fb:111 transport-cc", "a=fmtp:111 minptime=10;useinbandfec=1", "a=rtpmap:63 red/48000/2",
            "a=rtpmap:9 G722/8000", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000", "a=ssrc:3318817 cname:Kd8mZ0o3",
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0", "a=ice-ufrag:sXq8",
            "a=ice-pwd:Vq1rXyq2Rr0l4m5wqFJ0p4Cv", "a=ice-options:trickle", "a=setup:actpass", "a=mid:2",
            "a=sctp-port:5000", "a=max-message-size:262144",
        };
        return String.join("\\r\\n", lines) + "\\r\\n";
    }
}
