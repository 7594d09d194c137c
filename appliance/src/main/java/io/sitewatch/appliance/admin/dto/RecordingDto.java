package io.sitewatch.appliance.admin.dto;

import io.sitewatch.appliance.recording.ChunkView;
import io.sitewatch.appliance.recording.RecordingView;
import java.util.List;

/** The admin API's recording bodies, shared with the CLI. */
public final class RecordingDto {

    private RecordingDto() {}

    public record RecordingDetail(RecordingView recording, List<ChunkView> chunks) {}

    public record PruneRequest(boolean dryRun) {}

    /**
     * One line of {@code GET /v1/recordings/verify}'s JSON-lines answer: {@code type} is {@code start}
     * (first, nothing else), {@code mismatch} (recording, seq, path, problem, detail) or, last,
     * {@code summary} (checked, bytes, mismatches).
     */
    public record VerifyLine(String type, String recordingId, Integer seq, String path, String problem,
                             String detail, Integer checked, Long bytes, Integer mismatches) {}
}
