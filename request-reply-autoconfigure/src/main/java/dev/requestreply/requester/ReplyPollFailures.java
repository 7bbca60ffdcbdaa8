package dev.requestreply.requester;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.requestreply.security.AuthorizationMonitor;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.event.ConsumerRetryAuthEvent;
import org.springframework.kafka.event.ConsumerRetryAuthSuccessfulEvent;

/**
 * What the two reply readers of {@link AllottedReplyReaders} do when a poll fails: log, tell the
 * authorization monitor when the broker refused them (as a listener container would), back off a
 * little and go on, so that a reply topic deleted or shrunk while running, or an ACL fixed later,
 * never stops the replies for good.
 */
final class ReplyPollFailures {

	private static final LogAccessor logger = new LogAccessor(ReplyPollFailures.class);

	private static final long BACK_OFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private final String topic;

	private final AuthorizationMonitor authorization;

	private volatile boolean warnedGroup;

	ReplyPollFailures(String topic, AuthorizationMonitor authorization) {
		this.topic = topic;
		this.authorization = authorization;
	}

	void failed(RuntimeException ex) {
		if (ex instanceof GroupAuthorizationException) {
			// Without the reply group this instance owns no partition, so it reads them all, as
			// reply-partitions=all does: replies still come, at the cost of reading the others'.
			if (!this.warnedGroup) {
				this.warnedGroup = true;
				logger.error(() -> "Kafka consumer not authorized to join reply group '"
						+ AllottedReplyReaders.groupId(this.topic) + "': its principal needs READ on it; reading every"
						+ " partition of reply topic '" + this.topic + "' meanwhile (retrying every "
						+ AuthorizationMonitor.RETRY_INTERVAL.toSeconds() + " s)");
			}
			LockSupport.parkNanos(AuthorizationMonitor.RETRY_INTERVAL.toNanos());
			return;
		}
		if (ex instanceof AuthorizationException || ex instanceof AuthenticationException) {
			this.authorization.publishEvent(new ConsumerRetryAuthEvent(this, this,
					(ex instanceof AuthenticationException) ? ConsumerRetryAuthEvent.Reason.AUTHENTICATION
							: ConsumerRetryAuthEvent.Reason.AUTHORIZATION));
			LockSupport.parkNanos(AuthorizationMonitor.RETRY_INTERVAL.toNanos());
			return;
		}
		logger.warn(ex, () -> "Reading reply topic '" + this.topic + "' failed; retrying");
		LockSupport.parkNanos(BACK_OFF_NANOS);
	}

	void succeeded() {
		if (this.authorization.isDenied()) {
			this.authorization.publishEvent(new ConsumerRetryAuthSuccessfulEvent(this, this));
		}
	}

}
