package dev.requestreply;

import org.jspecify.annotations.Nullable;

/**
 * One reply of a scatter-gather: who answered, and with what.
 *
 * @param <T> the reply type
 * @param responder the responder's name (its consumer group, from the {@code rr_responder}
 * header), or {@code "unknown-N"} for a responder that does not name itself
 * @param value the reply, {@code null} for an error
 * @param error the responder's failure, {@code null} for a reply
 * @since 0.1.0
 */
public record GatheredReply<T>(String responder, @Nullable T value, @Nullable RequestReplyException error) {

	/**
	 * Return whether this responder failed.
	 * @return whether this is an error
	 */
	public boolean isError() {
		return this.error != null;
	}

}
