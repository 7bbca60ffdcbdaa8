package dev.requestreply;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The options of a durable request, given to
 * {@link RequestReplyOperations#submit(String, Object, DurableOptions) submit}: its kind (which
 * {@link DurableReplyListener @DurableReplyListener} receives its outcome), its timeout, and a
 * small context handed back with the outcome.
 * <p>
 * Immutable: each method returns a new instance. <pre class="code">
 * DurableOptions options = DurableOptions.kind("report")
 *     .timeout(Duration.ofMinutes(30))
 *     .context("customer", customerId);
 * </pre>
 * The context is stored in Kafka with the request until its outcome: it is bounded to
 * {@value #MAX_CONTEXT_ENTRIES} entries and {@value #MAX_CONTEXT_BYTES} bytes of keys and values
 * (UTF-8) together; a larger one is refused here with an {@link IllegalArgumentException}.
 *
 * @since 0.4.0
 */
public final class DurableOptions {

	/**
	 * The most entries a context may hold.
	 */
	public static final int MAX_CONTEXT_ENTRIES = 32;

	/**
	 * The most bytes (UTF-8) of keys and values a context may hold.
	 */
	public static final int MAX_CONTEXT_BYTES = 4096;

	/**
	 * The longest a kind may be, in characters.
	 */
	public static final int MAX_KIND_LENGTH = 249;

	private final String kind;

	private final @Nullable Duration timeout;

	private final Map<String, String> context;

	private DurableOptions(String kind, @Nullable Duration timeout, Map<String, String> context) {
		this.kind = kind;
		this.timeout = timeout;
		this.context = context;
	}

	/**
	 * Start the options of a durable request of the given kind: its outcome goes to the
	 * {@link DurableReplyListener @DurableReplyListener} method of that kind, on whichever
	 * instance of the application reads it.
	 * @param kind the kind, not blank
	 * @return options of that kind, with the default timeout and an empty context
	 */
	public static DurableOptions kind(String kind) {
		Objects.requireNonNull(kind, "kind must not be null");
		if (kind.isBlank()) {
			throw new IllegalArgumentException("A durable request's kind must not be blank");
		}
		if (kind.length() > MAX_KIND_LENGTH) {
			throw new IllegalArgumentException("A durable request's kind must not be longer than "
					+ MAX_KIND_LENGTH + " characters: '" + kind.substring(0, 40) + "...'");
		}
		return new DurableOptions(kind, null, Map.of());
	}

	/**
	 * Return options with the given timeout: the request's outcome is
	 * {@link DurableOutcome.TimedOut TimedOut} when no reply was written before its deadline
	 * (the time of {@code submit} plus this timeout, an absolute time that outlives every
	 * instance).
	 * @param timeout the timeout, positive
	 * @return new options
	 */
	public DurableOptions timeout(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout must not be null");
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("A durable request's timeout must be positive, not " + timeout);
		}
		return new DurableOptions(this.kind, timeout, this.context);
	}

	/**
	 * Return options whose context holds one more entry (or a new value for that key). The
	 * context is stored with the request and handed back with its outcome.
	 * @param key the key, not blank
	 * @param value the value
	 * @return new options
	 * @throws IllegalArgumentException when the context would be larger than its bound
	 */
	public DurableOptions context(String key, String value) {
		Objects.requireNonNull(key, "key must not be null");
		Objects.requireNonNull(value, "value must not be null");
		if (key.isBlank()) {
			throw new IllegalArgumentException("A durable request's context key must not be blank");
		}
		Map<String, String> context = new LinkedHashMap<>(this.context);
		context.put(key, value);
		if (context.size() > MAX_CONTEXT_ENTRIES) {
			throw new IllegalArgumentException("A durable request's context holds at most " + MAX_CONTEXT_ENTRIES
					+ " entries");
		}
		int bytes = 0;
		for (Map.Entry<String, String> entry : context.entrySet()) {
			bytes += entry.getKey().getBytes(StandardCharsets.UTF_8).length
					+ entry.getValue().getBytes(StandardCharsets.UTF_8).length;
		}
		if (bytes > MAX_CONTEXT_BYTES) {
			throw new IllegalArgumentException("A durable request's context holds at most " + MAX_CONTEXT_BYTES
					+ " bytes of keys and values (UTF-8), not " + bytes + ": keep large data elsewhere and "
					+ "put its key in the context");
		}
		return new DurableOptions(this.kind, this.timeout, Collections.unmodifiableMap(context));
	}

	/**
	 * Return the kind.
	 * @return the kind
	 */
	public String getKind() {
		return this.kind;
	}

	/**
	 * Return the timeout, when one was given (else {@code request-reply.durable.default-timeout}
	 * applies).
	 * @return the timeout, if given
	 */
	public Optional<Duration> getTimeout() {
		return Optional.ofNullable(this.timeout);
	}

	/**
	 * Return the context, in the order its entries were added.
	 * @return the context, unmodifiable
	 */
	public Map<String, String> getContext() {
		return this.context;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return (other instanceof DurableOptions options) && this.kind.equals(options.kind)
				&& Objects.equals(this.timeout, options.timeout) && this.context.equals(options.context);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.kind, this.timeout, this.context);
	}

	@Override
	public String toString() {
		return "DurableOptions[kind=" + this.kind + ", timeout=" + this.timeout + ", context=" + this.context + "]";
	}

}
