package dev.requestreply;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A durable request, as returned by
 * {@link RequestReplyOperations#submit(String, Object, DurableOptions) submit}: its outcome goes to
 * a {@link DurableReplyListener @DurableReplyListener} of its kind, on whichever instance of the
 * application runs when it arrives, not to this object.
 *
 * @param id the request's id, stable across restarts: the one its outcome carries
 * ({@link DurableOutcome#id()}) and {@link RequestReplyOperations#cancelDurable(String)} takes
 * @param accepted a future that completes once the request and what is needed to end it (its
 * pending state, its deadline) are durable in Kafka, or fails with a
 * {@link RequestReplyException} when the request was refused or could not be sent; only after it
 * completes is the outcome sure to reach a listener
 * @since 0.4.0
 */
public record DurableRequest(String id, CompletableFuture<Void> accepted) {

	/**
	 * Create a durable request.
	 * @param id the request's id
	 * @param accepted the future of its acceptance
	 */
	public DurableRequest {
		Objects.requireNonNull(id, "id must not be null");
		Objects.requireNonNull(accepted, "accepted must not be null");
	}

}
