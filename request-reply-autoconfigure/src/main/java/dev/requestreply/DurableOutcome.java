package dev.requestreply;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of a durable request, handed to a
 * {@link DurableReplyListener @DurableReplyListener} method of its kind: one of four records,
 * each generic so that {@code outcome instanceof DurableOutcome.Replied<Report> replied} compiles
 * on Java 17.
 *
 * @param <T> the reply type of the listener
 * @since 0.4.0
 */
public sealed interface DurableOutcome<T> permits DurableOutcome.Replied, DurableOutcome.Failed,
		DurableOutcome.TimedOut, DurableOutcome.Cancelled {

	/**
	 * Return the request's id, as returned by {@link DurableRequest#id()}.
	 * @return the id
	 */
	String id();

	/**
	 * Return the request's kind.
	 * @return the kind
	 */
	String kind();

	/**
	 * Return the context given with the request.
	 * @return the context, unmodifiable
	 */
	Map<String, String> context();

	/**
	 * Return which delivery of this outcome this is: 1 on a first delivery, more on one known to
	 * repeat an earlier (after the listener threw, a crash or a hand-over).
	 * @return the delivery attempt, 1 or more
	 */
	int deliveryAttempt();

	/**
	 * The handler replied.
	 *
	 * @param <T> the reply type
	 * @param id the request's id
	 * @param kind the request's kind
	 * @param context the context given with the request
	 * @param deliveryAttempt the delivery attempt, 1 or more
	 * @param reply the reply converted to the listener's type, or {@code null} for a reply
	 * without value
	 */
	record Replied<T>(String id, String kind, Map<String, String> context, int deliveryAttempt,
			@Nullable T reply) implements DurableOutcome<T> {

		/**
		 * Create the outcome.
		 * @param id the request's id
		 * @param kind the request's kind
		 * @param context the context given with the request
		 * @param deliveryAttempt the delivery attempt, 1 or more
		 * @param reply the reply, or {@code null}
		 */
		public Replied {
			context = Map.copyOf(context);
		}

	}

	/**
	 * The handler failed (an error reply), or its reply could not be converted to the listener's
	 * type ({@code INVALID_ARGUMENT}).
	 *
	 * @param <T> the reply type
	 * @param id the request's id
	 * @param kind the request's kind
	 * @param context the context given with the request
	 * @param deliveryAttempt the delivery attempt, 1 or more
	 * @param errorCode the error code, one of gRPC's canonical code names ({@code UNKNOWN} when
	 * the reply names none)
	 * @param errorType the remote exception's class name, if known
	 * @param message the remote exception's message, if any
	 */
	record Failed<T>(String id, String kind, Map<String, String> context, int deliveryAttempt, String errorCode,
			@Nullable String errorType, @Nullable String message) implements DurableOutcome<T> {

		/**
		 * Create the outcome.
		 * @param id the request's id
		 * @param kind the request's kind
		 * @param context the context given with the request
		 * @param deliveryAttempt the delivery attempt, 1 or more
		 * @param errorCode the error code
		 * @param errorType the remote exception's class name, or {@code null}
		 * @param message the remote exception's message, or {@code null}
		 */
		public Failed {
			context = Map.copyOf(context);
		}

	}

	/**
	 * No reply was written before the request's deadline.
	 *
	 * @param <T> the reply type
	 * @param id the request's id
	 * @param kind the request's kind
	 * @param context the context given with the request
	 * @param deliveryAttempt the delivery attempt, 1 or more
	 * @param deadline the deadline that passed
	 */
	record TimedOut<T>(String id, String kind, Map<String, String> context, int deliveryAttempt,
			Instant deadline) implements DurableOutcome<T> {

		/**
		 * Create the outcome.
		 * @param id the request's id
		 * @param kind the request's kind
		 * @param context the context given with the request
		 * @param deliveryAttempt the delivery attempt, 1 or more
		 * @param deadline the deadline that passed
		 */
		public TimedOut {
			context = Map.copyOf(context);
		}

	}

	/**
	 * The request was cancelled with {@link RequestReplyOperations#cancelDurable(String)} while
	 * it was pending.
	 *
	 * @param <T> the reply type
	 * @param id the request's id
	 * @param kind the request's kind
	 * @param context the context given with the request
	 * @param deliveryAttempt the delivery attempt, 1 or more
	 */
	record Cancelled<T>(String id, String kind, Map<String, String> context, int deliveryAttempt)
			implements DurableOutcome<T> {

		/**
		 * Create the outcome.
		 * @param id the request's id
		 * @param kind the request's kind
		 * @param context the context given with the request
		 * @param deliveryAttempt the delivery attempt, 1 or more
		 */
		public Cancelled {
			context = Map.copyOf(context);
		}

	}

}
