package dev.requestreply.security;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

import dev.requestreply.RequestReplyException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.event.ConsumerRetryAuthEvent;
import org.springframework.kafka.event.ConsumerRetryAuthSuccessfulEvent;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.util.Assert;

/**
 * Watches the consumer of one listener container for authentication and authorization failures.
 * By default a container whose consumer the broker refuses stops, silently as far as requests
 * go: a requester's futures would only time out, a responder would simply not answer. A watched
 * container instead retries every {@link #RETRY_INTERVAL} (so an ACL granted later heals it
 * without a restart), and each refusal is logged once, counted and reported to the owner, which
 * fails what cannot succeed.
 *
 * @since 0.2.0
 */
public final class AuthorizationMonitor implements ApplicationEventPublisher {

	/**
	 * How often a refused consumer tries again.
	 */
	public static final Duration RETRY_INTERVAL = Duration.ofSeconds(2);

	private static final LogAccessor logger = new LogAccessor(AuthorizationMonitor.class);

	private final String needs;

	private final Runnable onDenied;

	private final LongAdder failures = new LongAdder();

	private volatile @Nullable String denial;

	/**
	 * Create a monitor.
	 * @param needs what the consumer's principal needs, naming the topics and group, for
	 * example {@code "READ and DESCRIBE on topic 'a-replies'"}
	 * @param onDenied called on each refusal (first and retries)
	 */
	public AuthorizationMonitor(String needs, Runnable onDenied) {
		Assert.hasText(needs, "'needs' must not be empty");
		Assert.notNull(onDenied, "'onDenied' must not be null");
		this.needs = needs;
		this.onDenied = onDenied;
	}

	/**
	 * Make the given container retry after authorization failures and report them here. Call
	 * before the container starts.
	 * @param container the container to watch
	 */
	public void watch(AbstractMessageListenerContainer<?, ?> container) {
		Assert.notNull(container, "'container' must not be null");
		container.getContainerProperties().setAuthExceptionRetryInterval(RETRY_INTERVAL);
		container.setApplicationEventPublisher(this);
	}

	/**
	 * Return whether the broker refuses the consumer now.
	 * @return whether the last poll was refused
	 */
	public boolean isDenied() {
		return this.denial != null;
	}

	/**
	 * Return the current refusal in words, or {@code null} when the consumer is not refused.
	 * @return the refusal
	 */
	public @Nullable String getDenial() {
		return this.denial;
	}

	/**
	 * Return how many times the broker refused the consumer.
	 * @return the count
	 */
	public long getFailures() {
		return this.failures.sum();
	}

	/**
	 * Return an exception for a request that cannot succeed while the consumer is refused.
	 * @param action what was attempted, for example {@code "request to topic 'a'"}
	 * @return the exception, with an {@link AuthorizationException} as its cause
	 */
	public RequestReplyException failure(String action) {
		String denial = this.denial;
		String reason = (denial != null) ? denial : "consumer not authorized; its principal needs " + this.needs;
		return new RequestReplyException(action + " failed: " + reason, new AuthorizationException(reason));
	}

	@Override
	public void publishEvent(Object event) {
		if (event instanceof ConsumerRetryAuthEvent retry) {
			this.failures.increment();
			String kind = (retry.getReason() == ConsumerRetryAuthEvent.Reason.AUTHENTICATION) ? "authenticated"
					: "authorized";
			String denial = "consumer not " + kind + " by the broker; its principal needs " + this.needs;
			if (this.denial == null) {
				logger.error(() -> "Kafka " + denial + " (retrying every " + RETRY_INTERVAL.toSeconds() + " s)");
			}
			this.denial = denial;
			this.onDenied.run();
		}
		else if (event instanceof ConsumerRetryAuthSuccessfulEvent && this.denial != null) {
			this.denial = null;
			logger.info(() -> "Kafka consumer authorized again (" + this.needs + ")");
		}
	}

}
