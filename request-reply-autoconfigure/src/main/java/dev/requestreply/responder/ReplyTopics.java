package dev.requestreply.responder;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import dev.requestreply.handler.MalformedRequestException;
import dev.requestreply.support.LogThrottle;
import dev.requestreply.wire.RequestHeaders;
import dev.requestreply.wire.RequestReplyHeaders;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * What the handlers of an application know of the reply topics requests name: how many
 * partitions each has, and which are missing. A topic is looked up with the admin client, whose
 * metadata requests never create a topic (a producer's do, on a broker with
 * {@code auto.create.topics.enable}), on the admin client's own thread: a handler thread waits for
 * a lookup (its own, or the one under way for the same name) only after its request's deadline
 * was checked, and at most until that deadline, and {@link #LOOKUP_TIMEOUT}. What was learned is
 * remembered ({@link ReplyTopicMemory}, bounded): a missing topic for {@link #MISSING_TTL} (its
 * requests end at once meanwhile, with one warning per {@link #WARN_INTERVAL} at most, however many
 * names requests forge); a topic found for {@link #FOUND_TTL}, after which it is looked up again
 * in the background while its requests go on, so that a topic deleted later is found missing then.
 */
final class ReplyTopics implements AutoCloseable {

	/**
	 * How long a reply topic found missing is taken to stay missing.
	 */
	static final Duration MISSING_TTL = Duration.ofSeconds(10);

	/**
	 * How long a reply topic found is taken to exist before it is looked up again.
	 */
	static final Duration FOUND_TTL = Duration.ofMinutes(1);

	/**
	 * The longest a lookup takes: the admin client gives up then.
	 */
	static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * The shortest time between two warnings of one kind.
	 */
	static final Duration WARN_INTERVAL = Duration.ofMinutes(1);

	// The partition count of a topic that cannot be described: every partition is taken to exist.
	private static final int UNCHECKED = Integer.MAX_VALUE;

	private static final LogAccessor logger = new LogAccessor(ReplyTopics.class);

	/**
	 * What a lookup answers.
	 */
	enum Found {

		/**
		 * The topic exists (with the partition asked for), or cannot be described by this
		 * responder: a reply is tried.
		 */
		EXISTS,

		/**
		 * The topic does not exist: no reply can be sent.
		 */
		MISSING,

		/**
		 * The lookup did not answer in time (the request's deadline, or the lookup's timeout), or
		 * failed.
		 */
		NO_ANSWER

	}

	/**
	 * Looks up a topic, asynchronously, without ever creating it.
	 */
	@FunctionalInterface
	interface Lookup extends AutoCloseable {

		/**
		 * Return the number of partitions of a topic.
		 * @param topic the topic
		 * @return completed with the number, or failed ({@link UnknownTopicOrPartitionException}
		 * for a topic that does not exist)
		 */
		CompletableFuture<Integer> partitions(String topic);

		@Override
		default void close() {
		}

	}

	private final Lookup lookup;

	private final LongSupplier nanoClock;

	private final ReplyTopicMemory memory = new ReplyTopicMemory();

	// The lookups under way: requests naming a topic being looked up wait for the one lookup.
	private final Map<String, CompletableFuture<Integer>> lookups = new ConcurrentHashMap<>();

	private final LogThrottle missingWarnings;

	private final LongAdder namesMissing = new LongAdder();

	private final LogThrottle failedWarnings;

	/**
	 * @param lookup how topics are looked up (closed with this)
	 * @param nanoClock the clock of the remembered names ({@link System#nanoTime()} but in tests)
	 */
	ReplyTopics(Lookup lookup, LongSupplier nanoClock) {
		this.lookup = lookup;
		this.nanoClock = nanoClock;
		this.missingWarnings = new LogThrottle(WARN_INTERVAL, nanoClock);
		this.failedWarnings = new LogThrottle(WARN_INTERVAL, nanoClock);
	}

	/**
	 * Check that a reply can be sent to the topic and partition, waiting for a lookup if needed.
	 * @param topic the reply topic
	 * @param partition the reply partition, or {@code null}
	 * @param deadlineMillis the request's deadline (epoch milliseconds), or
	 * {@link RequestHeaders#NO_DEADLINE}
	 * @return what was found
	 * @throws MalformedRequestException if the topic lacks the partition
	 */
	Found find(String topic, @Nullable Integer partition, long deadlineMillis) {
		long now = this.nanoClock.getAsLong();
		ReplyTopicMemory.Found known = this.memory.found(topic);
		if (known != null) {
			if (known.due(now)) {
				// Looked up again in the background; meanwhile it is taken to exist still.
				lookUp(topic);
			}
			// Partitions are never taken away from a topic: a count seen holds.
			if (partition == null || partition < known.partitions()) {
				return Found.EXISTS;
			}
		}
		else if (this.memory.stillMissing(topic, now)) {
			missed(topic);
			return Found.MISSING;
		}
		Integer count = await(lookUp(topic), deadlineMillis);
		if (count == null) {
			return Found.NO_ANSWER;
		}
		if (count == 0) {
			missed(topic);
			return Found.MISSING;
		}
		if (partition != null && partition >= count) {
			throw new MalformedRequestException("Header " + RequestReplyHeaders.REPLY_PARTITION + " names partition "
					+ partition + ", but topic '" + topic + "' has " + count + " partition(s)");
		}
		return Found.EXISTS;
	}

	private static @Nullable Integer await(CompletableFuture<Integer> lookup, long deadlineMillis) {
		long waitMillis = LOOKUP_TIMEOUT.toMillis();
		if (deadlineMillis != RequestHeaders.NO_DEADLINE) {
			// Until it has passed (a request expires after its deadline's millisecond).
			waitMillis = Math.min(waitMillis, deadlineMillis + 1 - System.currentTimeMillis());
		}
		try {
			return lookup.get(Math.max(0, waitMillis), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (ExecutionException | TimeoutException ex) {
			return null;
		}
	}

	// The lookup of the topic under way, or a new one; completed with 0 for a missing topic.
	private CompletableFuture<Integer> lookUp(String topic) {
		CompletableFuture<Integer> lookup = new CompletableFuture<>();
		CompletableFuture<Integer> running = this.lookups.putIfAbsent(topic, lookup);
		if (running != null) {
			return running;
		}
		CompletableFuture<Integer> started;
		try {
			started = this.lookup.partitions(topic);
		}
		catch (RuntimeException ex) {
			started = CompletableFuture.failedFuture(ex);
		}
		started.whenComplete((count, ex) -> {
			// On the admin client's thread: remember what was learned, never more.
			this.lookups.remove(topic, lookup);
			try {
				lookup.complete(learned(topic, count, ex));
			}
			catch (RuntimeException failure) {
				lookup.completeExceptionally(failure);
			}
		});
		return lookup;
	}

	private int learned(String topic, @Nullable Integer count, @Nullable Throwable failure) {
		long now = this.nanoClock.getAsLong();
		Throwable cause = (failure instanceof CompletionException || failure instanceof ExecutionException)
				&& failure.getCause() != null ? failure.getCause() : failure;
		if (cause == null && count != null && count > 0) {
			this.memory.foundUntil(topic, count, now + FOUND_TTL.toNanos());
			return count;
		}
		if (cause == null || cause instanceof UnknownTopicOrPartitionException) {
			this.memory.missingUntil(topic, now + MISSING_TTL.toNanos());
			this.namesMissing.increment();
			return 0;
		}
		if (cause instanceof TopicAuthorizationException) {
			// Not missing, but not ours to describe: the reply is tried, and its failure counted.
			this.memory.foundUntil(topic, UNCHECKED, now + FOUND_TTL.toNanos());
			warnFailed(topic, "cannot be described by this responder (" + cause.getMessage() + "); its replies are "
					+ "sent unchecked, and fail unless its principal may write to it");
			return UNCHECKED;
		}
		// Not known either way (the cluster unreachable, say): what was known holds a while longer.
		this.memory.postpone(topic, now + MISSING_TTL.toNanos());
		warnFailed(topic, "could not be looked up (" + cause + "); requests naming it that are not known end "
				+ "without a reply meanwhile");
		throw new IllegalStateException("Reply topic '" + topic + "' could not be looked up", cause);
	}

	// A request named a missing topic: it ends without a reply.
	private void missed(String topic) {
		long requests = this.missingWarnings.occurred();
		if (requests > 0) {
			long names = this.namesMissing.sumThenReset();
			logger.warn(() -> requests + " request(s) since the last warning named a reply topic that does not "
					+ "exist (" + names + " lookup(s) found none), the latest '" + topic + "'; no reply is sent, "
					+ "their requesters time out; a name is looked up again after " + MISSING_TTL.toSeconds()
					+ " s (at most one warning a minute)");
		}
	}

	private void warnFailed(String topic, String what) {
		long count = this.failedWarnings.occurred();
		if (count > 0) {
			logger.warn(() -> "Reply topic '" + topic + "' " + what + " (" + count + " such lookup(s) since the last "
					+ "warning; at most one warning a minute)");
		}
	}

	@Override
	public void close() {
		try {
			this.lookup.close();
		}
		catch (Exception ex) {
			logger.debug(ex, () -> "Could not close the lookup of reply topics");
		}
	}

}
