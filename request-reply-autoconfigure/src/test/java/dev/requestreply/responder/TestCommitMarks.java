package dev.requestreply.responder;

import dev.requestreply.responder.core.CommitMetadata;
import dev.requestreply.responder.core.StartedOffsets;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.jspecify.annotations.Nullable;

/**
 * What a handler's commit names, for broker tests outside this package.
 */
public final class TestCommitMarks {

	private TestCommitMarks() {
	}

	/**
	 * Return how many started requests a commit names (and counts without naming).
	 * @param committed a handler group's commit of one partition, or {@code null}
	 * @return the number, 0 without started marks
	 */
	public static long started(@Nullable OffsetAndMetadata committed) {
		StartedOffsets started = (committed != null)
				? CommitMetadata.decodeStarted(committed.offset(), committed.metadata()) : null;
		return (started != null) ? started.offsets().length + started.unnamed() : 0;
	}

}
