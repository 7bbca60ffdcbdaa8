package dev.requestreply.responder;

import java.time.Duration;

import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyHandlerIdempotency;
import dev.requestreply.handler.ReplyHandlerPolicy;
import dev.requestreply.handler.ReplyOptions;

import org.springframework.util.Assert;

/**
 * The settings of every {@link dev.requestreply.ReplyHandler @ReplyHandler} of an application
 * (the {@code request-reply.handler.*} properties), some of which a handler may override.
 *
 * @param defaultGroupId the base of the consumer groups of handlers that name none
 * @param defaultConcurrency the consumers of handlers that name no concurrency
 * @param maxConcurrency the most calls of one handler at once, across its consumers
 * @param maxHandlingTime the longest a request without deadline is in hand
 * @param maxInHand the requests one consumer may have in hand before its partitions pause
 * @param commitInterval the least time between two commits of one consumer
 * @param shutdownTimeout how long requests in hand may still finish when the handlers stop
 * @param maxCommitMetadataChars the longest commit metadata the broker takes
 * ({@code offset.metadata.max.bytes})
 * @param policy what handlers accept from requests
 * @param idempotency how handlers remember their replies
 * @param virtualThreads whether handlers run on virtual threads (else on a bounded pool each)
 * @param transactionTimeout the transaction timeout of the transactional reply producers
 * @param queue how handlers read in queue mode (share groups)
 * @param replyOptions how the replies of handlers that set none are addressed and what they carry
 * (since 0.4.0)
 * @param revokeGrace how long the running requests of a partition revoked from a handler's
 * consumer may still finish before they end as cancelled, for the partition's next owner
 * @since 0.3.0
 */
public record ResponderSettings(String defaultGroupId, int defaultConcurrency, int maxConcurrency,
		Duration maxHandlingTime, int maxInHand, Duration commitInterval, Duration shutdownTimeout,
		int maxCommitMetadataChars, ReplyHandlerPolicy policy, ReplyHandlerIdempotency idempotency,
		boolean virtualThreads, Duration transactionTimeout, Queue queue, ReplyOptions replyOptions,
		Duration revokeGrace) {

	/**
	 * The default revoke grace.
	 * @since 0.4.0
	 */
	public static final Duration DEFAULT_REVOKE_GRACE = Duration.ofSeconds(5);

	/**
	 * Create settings with the default reply options and revoke grace.
	 * @param defaultGroupId the base of the consumer groups
	 * @param defaultConcurrency the consumers per handler
	 * @param maxConcurrency the most calls at once
	 * @param maxHandlingTime the longest handling without deadline
	 * @param maxInHand the requests in hand per consumer
	 * @param commitInterval the least time between commits
	 * @param shutdownTimeout the time to finish at shutdown
	 * @param maxCommitMetadataChars the longest commit metadata
	 * @param policy what handlers accept
	 * @param idempotency how replies are remembered
	 * @param virtualThreads whether to use virtual threads
	 * @param transactionTimeout the transaction timeout
	 * @param queue how handlers read in queue mode
	 */
	public ResponderSettings(String defaultGroupId, int defaultConcurrency, int maxConcurrency,
			Duration maxHandlingTime, int maxInHand, Duration commitInterval, Duration shutdownTimeout,
			int maxCommitMetadataChars, ReplyHandlerPolicy policy, ReplyHandlerIdempotency idempotency,
			boolean virtualThreads, Duration transactionTimeout, Queue queue) {
		this(defaultGroupId, defaultConcurrency, maxConcurrency, maxHandlingTime, maxInHand, commitInterval,
				shutdownTimeout, maxCommitMetadataChars, policy, idempotency, virtualThreads, transactionTimeout, queue,
				ReplyOptions.DEFAULTS, DEFAULT_REVOKE_GRACE);
	}

	/**
	 * Create settings with queue mode off unless a handler asks for it, with its defaults.
	 * @param defaultGroupId the base of the consumer groups
	 * @param defaultConcurrency the consumers per handler
	 * @param maxConcurrency the most calls at once
	 * @param maxHandlingTime the longest handling without deadline
	 * @param maxInHand the requests in hand per consumer
	 * @param commitInterval the least time between commits
	 * @param shutdownTimeout the time to finish at shutdown
	 * @param maxCommitMetadataChars the longest commit metadata
	 * @param policy what handlers accept
	 * @param idempotency how replies are remembered
	 * @param virtualThreads whether to use virtual threads
	 * @param transactionTimeout the transaction timeout
	 */
	public ResponderSettings(String defaultGroupId, int defaultConcurrency, int maxConcurrency,
			Duration maxHandlingTime, int maxInHand, Duration commitInterval, Duration shutdownTimeout,
			int maxCommitMetadataChars, ReplyHandlerPolicy policy, ReplyHandlerIdempotency idempotency,
			boolean virtualThreads, Duration transactionTimeout) {
		this(defaultGroupId, defaultConcurrency, maxConcurrency, maxHandlingTime, maxInHand, commitInterval,
				shutdownTimeout, maxCommitMetadataChars, policy, idempotency, virtualThreads, transactionTimeout,
				Queue.DEFAULT);
	}

	/**
	 * Check the settings.
	 * @param defaultGroupId the base of the consumer groups
	 * @param defaultConcurrency the consumers per handler
	 * @param maxConcurrency the most calls at once
	 * @param maxHandlingTime the longest handling without deadline
	 * @param maxInHand the requests in hand per consumer
	 * @param commitInterval the least time between commits
	 * @param shutdownTimeout the time to finish at shutdown
	 * @param maxCommitMetadataChars the longest commit metadata
	 * @param policy what handlers accept
	 * @param idempotency how replies are remembered
	 * @param virtualThreads whether to use virtual threads
	 * @param transactionTimeout the transaction timeout
	 * @param queue how handlers read in queue mode
	 * @param replyOptions how replies of handlers that set none are addressed
	 * @param revokeGrace how long running requests of a revoked partition may still finish
	 */
	public ResponderSettings {
		Assert.hasText(defaultGroupId, "'defaultGroupId' must not be empty");
		Assert.isTrue(defaultConcurrency > 0, "'defaultConcurrency' must be positive");
		Assert.isTrue(maxConcurrency > 0, "'maxConcurrency' must be positive");
		Assert.isTrue(positive(maxHandlingTime), "'maxHandlingTime' must be positive");
		Assert.isTrue(maxInHand > 0, "'maxInHand' must be positive");
		Assert.isTrue(commitInterval != null && !commitInterval.isNegative(), "'commitInterval' must not be negative");
		Assert.isTrue(shutdownTimeout != null && !shutdownTimeout.isNegative(),
				"'shutdownTimeout' must not be negative");
		Assert.isTrue(maxCommitMetadataChars >= 0, "'maxCommitMetadataChars' must not be negative");
		Assert.notNull(policy, "'policy' must not be null");
		Assert.notNull(idempotency, "'idempotency' must not be null");
		Assert.isTrue(positive(transactionTimeout), "'transactionTimeout' must be positive");
		Assert.notNull(queue, "'queue' must not be null");
		Assert.isTrue(revokeGrace != null && !revokeGrace.isNegative(), "'revokeGrace' must not be negative");
		Assert.notNull(replyOptions, "'replyOptions' must not be null");
	}

	/**
	 * Return how a handler's replies are addressed and what they carry: what it sets, else these
	 * settings'.
	 * @param endpoint the handler
	 * @return its reply options
	 * @since 0.4.0
	 */
	public ReplyOptions replyOptions(ReplyHandlerEndpoint endpoint) {
		return endpoint.replyOptions().orElse(this.replyOptions);
	}

	/**
	 * Return whether a handler reads in a share group: it asks for it, or every handler does.
	 * @param endpoint the handler
	 * @return whether it runs in queue mode
	 */
	public boolean queueMode(ReplyHandlerEndpoint endpoint) {
		return endpoint.queue() || this.queue.all();
	}

	private static boolean positive(Duration duration) {
		return duration != null && !duration.isNegative() && !duration.isZero();
	}

	/**
	 * How handlers read in queue mode ({@code request-reply.handler.queue*}).
	 *
	 * @param all whether every handler reads in a share group ({@code request-reply.handler.queue})
	 * @param consumers the share consumers of a queue handler that names no concurrency
	 * @param history how far back a new share group starts in its topics
	 * ({@code share.auto.offset.reset=by_duration})
	 * @since 0.3.0
	 */
	public record Queue(boolean all, int consumers, Duration history) {

		/**
		 * Queue mode only for handlers that ask for it, four consumers each, five minutes back.
		 */
		public static final Queue DEFAULT = new Queue(false, 4, Duration.ofMinutes(5));

		/**
		 * Check the settings.
		 * @param all whether every handler reads in a share group
		 * @param consumers the share consumers per handler
		 * @param history how far back a new share group starts
		 */
		public Queue {
			Assert.isTrue(consumers > 0, "'consumers' must be positive");
			Assert.isTrue(positive(history), "'history' must be positive");
		}

	}

}
