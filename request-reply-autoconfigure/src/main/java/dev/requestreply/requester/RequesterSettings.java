package dev.requestreply.requester;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import dev.requestreply.ReplyErrorDetector;
import dev.requestreply.observation.RequestReplyObservationConvention;
import dev.requestreply.wire.HeaderNames;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * How a {@link RequesterEngine} (and the {@code RequestReplyTemplate} over it) works, fixed when it
 * is created; made with {@link #builder(ReplyTopicSettings)}.
 *
 * @param replyTopic the shared reply topic, and how to prepare it on start
 * @param replyPartitions how the instances of the application share the reply topic's partitions
 * @param defaultTimeout the timeout of requests that name none
 * @param drainTimeout how long stop waits for pending requests to get their replies
 * @param replyPathTimeout how long the reply consumer may go without an answer from the broker
 * before requests are refused with a {@code ReplyPathDownException}
 * @param responderCheckInterval how often the consumer groups are looked up to refuse requests
 * nobody reads with a {@code NoResponderException}, or {@code null} to let them wait
 * @param localResponderTopics the topics this application's own handlers read, never refused
 * for lack of a responder (read at start and at each lookup of the groups)
 * @param streamBuffer the most elements of a streaming reply buffered for its subscriber
 * @param maxPending the number of pending requests past which requests are refused
 * @param lateReplyWindow how long ids of requests ended without a reply are kept, to count late replies
 * @param instanceId the name of this instance, in logs and in the endpoint
 * @param autoStartup whether the template starts with the application context
 * @param observationRegistry the registry of the round trip observations (the no-op one for none)
 * @param observationConvention a convention for them, or {@code null} for the default
 * @param completionExecutor where futures complete and callbacks run, or {@code null} for the engine's pool
 * @param virtualThreads whether the reply readers and the lookups of the responders run on virtual
 * threads (Java 21 or later); the timing wheel is a platform thread either way
 * @param replyErrorDetector what tells the responders' own error replies, or {@code null} (since 0.4.0)
 * @param headerNames header names per request topic, where Spring Kafka's are not used (since 0.4.0)
 * @param keyFormat how the keys of requests are written (since 0.4.0)
 * @since 0.3.0
 */
public record RequesterSettings(ReplyTopicSettings replyTopic, ReplyPartitionMode replyPartitions,
		Duration defaultTimeout, Duration drainTimeout, Duration replyPathTimeout,
		@Nullable Duration responderCheckInterval, Supplier<Set<String>> localResponderTopics, int streamBuffer,
		int maxPending, Duration lateReplyWindow, String instanceId, boolean autoStartup,
		ObservationRegistry observationRegistry, @Nullable RequestReplyObservationConvention observationConvention,
		@Nullable Executor completionExecutor, boolean virtualThreads, @Nullable ReplyErrorDetector replyErrorDetector,
		Map<String, HeaderNames> headerNames, KeyFormat keyFormat) {

	/** Default timeout of requests that name none. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	/** Default of how long the reply consumer may go without an answer from the broker. */
	public static final Duration DEFAULT_REPLY_PATH_TIMEOUT = Duration.ofSeconds(5);

	/** Default of how often the consumer groups are looked up to refuse requests nobody reads. */
	public static final Duration DEFAULT_RESPONDER_CHECK_INTERVAL = Duration.ofSeconds(2);

	/** Default of the most elements of a streaming reply buffered for its subscriber. */
	public static final int DEFAULT_STREAM_BUFFER = 10_000;

	/** Default number of pending requests past which requests are refused. */
	public static final int DEFAULT_MAX_PENDING = 100_000;

	/** Default time the id of a request that timed out or was cancelled is remembered. */
	public static final Duration DEFAULT_LATE_REPLY_WINDOW = Duration.ofMinutes(1);

	/** Prefix of the names of the threads that complete futures. */
	public static final String COMPLETION_THREAD_PREFIX = "request-reply-completion-";

	/** Check the settings. */
	public RequesterSettings {
		SettingsChecks.check(replyTopic, replyPartitions, defaultTimeout, drainTimeout, replyPathTimeout,
				responderCheckInterval, localResponderTopics, streamBuffer, maxPending, lateReplyWindow, instanceId,
				observationRegistry);
		headerNames = Map.copyOf(headerNames);
		Assert.notNull(keyFormat, "'keyFormat' must not be null");
	}

	/**
	 * Start settings with the defaults.
	 * @param replyTopic the shared reply topic, and how to prepare it on start
	 * @return a builder
	 */
	public static Builder builder(ReplyTopicSettings replyTopic) {
		return new Builder(replyTopic);
	}

	/** Builds {@link RequesterSettings}, each setting at its default until set. */
	public static final class Builder {

		private final SettingsDraft draft;

		private Builder(ReplyTopicSettings replyTopic) {
			this.draft = new SettingsDraft(replyTopic);
		}

		/**
		 * Set how the instances share the reply partitions. Default {@link ReplyPartitionMode#AUTO}.
		 * @param replyPartitions the mode
		 * @return this builder
		 */
		public Builder replyPartitions(ReplyPartitionMode replyPartitions) {
			this.draft.replyPartitions = replyPartitions;
			return this;
		}

		/**
		 * Set the timeout of requests that name none. Default {@link #DEFAULT_TIMEOUT}.
		 * @param defaultTimeout the timeout
		 * @return this builder
		 */
		public Builder defaultTimeout(Duration defaultTimeout) {
			this.draft.defaultTimeout = defaultTimeout;
			return this;
		}

		/**
		 * Set how long stop waits for the replies of pending requests. Default zero.
		 * @param drainTimeout the timeout
		 * @return this builder
		 */
		public Builder drainTimeout(Duration drainTimeout) {
			this.draft.drainTimeout = drainTimeout;
			return this;
		}

		/**
		 * Set how long the reply consumer may go without an answer from the broker. Default
		 * {@link #DEFAULT_REPLY_PATH_TIMEOUT}.
		 * @param replyPathTimeout the timeout
		 * @return this builder
		 */
		public Builder replyPathTimeout(Duration replyPathTimeout) {
			this.draft.replyPathTimeout = replyPathTimeout;
			return this;
		}

		/**
		 * Set how often the consumer groups are looked up to refuse requests nobody reads; default
		 * {@code null}: such requests wait for their timeout.
		 * @param responderCheckInterval the interval, or {@code null}
		 * @return this builder
		 */
		public Builder responderCheckInterval(@Nullable Duration responderCheckInterval) {
			this.draft.responderCheckInterval = responderCheckInterval;
			return this;
		}

		/**
		 * Set where the topics this application's own handlers read come from. Default none.
		 * @param localResponderTopics the topics
		 * @return this builder
		 */
		public Builder localResponderTopics(Supplier<Set<String>> localResponderTopics) {
			this.draft.localResponderTopics = localResponderTopics;
			return this;
		}

		/**
		 * Set the most elements of a streaming reply buffered. Default {@link #DEFAULT_STREAM_BUFFER}.
		 * @param streamBuffer the buffer size
		 * @return this builder
		 */
		public Builder streamBuffer(int streamBuffer) {
			this.draft.streamBuffer = streamBuffer;
			return this;
		}

		/**
		 * Set the pending requests past which requests are refused. Default {@link #DEFAULT_MAX_PENDING}.
		 * @param maxPending the limit
		 * @return this builder
		 */
		public Builder maxPending(int maxPending) {
			this.draft.maxPending = maxPending;
			return this;
		}

		/**
		 * Set how long the ids of requests that ended without a reply are remembered. Default
		 * {@link #DEFAULT_LATE_REPLY_WINDOW}.
		 * @param lateReplyWindow the window
		 * @return this builder
		 */
		public Builder lateReplyWindow(Duration lateReplyWindow) {
			this.draft.lateReplyWindow = lateReplyWindow;
			return this;
		}

		/**
		 * Set the name of this instance. Default a random UUID.
		 * @param instanceId the name
		 * @return this builder
		 */
		public Builder instanceId(String instanceId) {
			this.draft.instanceId = instanceId;
			return this;
		}

		/**
		 * Set whether the template starts with the application context. Default true.
		 * @param autoStartup whether to start automatically
		 * @return this builder
		 */
		public Builder autoStartup(boolean autoStartup) {
			this.draft.autoStartup = autoStartup;
			return this;
		}

		/**
		 * Set the registry of the round trip observations, and their convention.
		 * @param observationRegistry the registry
		 * @param observationConvention the convention, or {@code null} for the default
		 * @return this builder
		 */
		public Builder observations(ObservationRegistry observationRegistry,
				@Nullable RequestReplyObservationConvention observationConvention) {
			this.draft.observationRegistry = observationRegistry;
			this.draft.observationConvention = observationConvention;
			return this;
		}

		/**
		 * Set where futures complete. Default a pool of the engine's own, one thread per core (at
		 * least two), growing while callbacks block all its threads.
		 * @param completionExecutor the executor, or {@code null} for the default
		 * @return this builder
		 */
		public Builder completionExecutor(@Nullable Executor completionExecutor) {
			this.draft.completionExecutor = completionExecutor;
			return this;
		}

		/**
		 * Set whether the reply readers and the lookups of the responders run on virtual threads
		 * (Java 21 or later). Default false: platform threads.
		 * @param virtualThreads whether to use virtual threads
		 * @return this builder
		 */
		public Builder virtualThreads(boolean virtualThreads) {
			this.draft.virtualThreads = virtualThreads;
			return this;
		}

		/**
		 * Set what tells error replies of the responders' own conventions: a reply it returns an
		 * exception for fails its request. Default none.
		 * @param replyErrorDetector the detector, or {@code null} for none
		 * @return this builder
		 * @since 0.4.0
		 */
		public Builder replyErrorDetector(@Nullable ReplyErrorDetector replyErrorDetector) {
			this.draft.replyErrorDetector = replyErrorDetector;
			return this;
		}

		/**
		 * Set the header names of requests to a topic whose responders do not use Spring Kafka's
		 * (and of their cancel records); the reply reader reads correlation ids under each name
		 * set. Default Spring Kafka's for every topic.
		 * @param topic the request topic
		 * @param names the names
		 * @return this builder
		 * @since 0.4.0
		 */
		public Builder headerNames(String topic, HeaderNames names) {
			this.draft.headerNames(topic, names);
			return this;
		}

		/**
		 * Set how the keys of requests are written. Default {@link KeyFormat#JSON}.
		 * @param keyFormat the key format
		 * @return this builder
		 * @since 0.4.0
		 */
		public Builder keyFormat(KeyFormat keyFormat) {
			this.draft.keyFormat = keyFormat;
			return this;
		}

		/**
		 * Build the settings.
		 * @return the settings
		 */
		public RequesterSettings build() {
			return this.draft.build();
		}

	}

}
