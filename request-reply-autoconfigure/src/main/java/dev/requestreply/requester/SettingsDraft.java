package dev.requestreply.requester;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import dev.requestreply.ReplyErrorDetector;
import dev.requestreply.observation.RequestReplyObservationConvention;
import dev.requestreply.wire.HeaderNames;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The settings a {@link RequesterSettings.Builder} holds until it builds them, each at its default
 * until set.
 */
final class SettingsDraft {

	final ReplyTopicSettings replyTopic;

	ReplyPartitionMode replyPartitions = ReplyPartitionMode.AUTO;

	Duration defaultTimeout = RequesterSettings.DEFAULT_TIMEOUT;

	Duration drainTimeout = Duration.ZERO;

	Duration replyPathTimeout = RequesterSettings.DEFAULT_REPLY_PATH_TIMEOUT;

	@Nullable Duration responderCheckInterval;

	Supplier<Set<String>> localResponderTopics = Set::of;

	int streamBuffer = RequesterSettings.DEFAULT_STREAM_BUFFER;

	int maxPending = RequesterSettings.DEFAULT_MAX_PENDING;

	Duration lateReplyWindow = RequesterSettings.DEFAULT_LATE_REPLY_WINDOW;

	String instanceId = UUID.randomUUID().toString();

	boolean autoStartup = true;

	ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	@Nullable RequestReplyObservationConvention observationConvention;

	@Nullable Executor completionExecutor;

	boolean virtualThreads;

	@Nullable ReplyErrorDetector replyErrorDetector;

	final Map<String, HeaderNames> headerNames = new HashMap<>();

	KeyFormat keyFormat = KeyFormat.JSON;

	SettingsDraft(ReplyTopicSettings replyTopic) {
		this.replyTopic = replyTopic;
	}

	void headerNames(String topic, HeaderNames names) {
		Assert.hasText(topic, "'topic' must not be empty");
		Assert.notNull(names, "'names' must not be null");
		this.headerNames.put(topic, names);
	}

	RequesterSettings build() {
		return new RequesterSettings(this.replyTopic, this.replyPartitions, this.defaultTimeout, this.drainTimeout,
				this.replyPathTimeout, this.responderCheckInterval, this.localResponderTopics, this.streamBuffer,
				this.maxPending, this.lateReplyWindow, this.instanceId, this.autoStartup, this.observationRegistry,
				this.observationConvention, this.completionExecutor, this.virtualThreads, this.replyErrorDetector,
				this.headerNames, this.keyFormat);
	}

}
