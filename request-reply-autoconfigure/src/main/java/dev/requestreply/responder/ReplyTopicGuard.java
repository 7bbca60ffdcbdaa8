package dev.requestreply.responder;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.requestreply.handler.ReplyTopicPolicy;
import dev.requestreply.support.LogThrottle;

import org.springframework.core.log.LogAccessor;

/**
 * Checks the reply topic of each request of one handler against its {@link ReplyTopicPolicy}. A
 * refused request is skipped (no reply is sent anywhere, the partition moves on);
 * refusals are logged at most once per {@link #WARN_INTERVAL}, with how many were refused
 * since the last warning, so that a flood of forged requests cannot flood the log.
 */
final class ReplyTopicGuard {

	static final Duration WARN_INTERVAL = Duration.ofMinutes(1);

	private static final int MAX_REMEMBERED = 1024;

	private static final LogAccessor logger = new LogAccessor(ReplyTopicGuard.class);

	private final String handlerId;

	private final ReplyTopicPolicy policy;

	private final LogThrottle warnings = new LogThrottle(WARN_INTERVAL);

	// Reply topics allowed so far (a few per application), not checked again; bounded, so that
	// requests naming ever new topics cannot grow it.
	private final Map<String, Boolean> allowed = new ConcurrentHashMap<>();

	ReplyTopicGuard(String handlerId, ReplyTopicPolicy policy) {
		this.handlerId = handlerId;
		this.policy = policy;
	}

	/**
	 * Return whether a reply may be sent to the topic; maybe log a refusal otherwise (the caller
	 * counts it).
	 */
	boolean allows(String replyTopic, Supplier<String> position) {
		if (this.allowed.containsKey(replyTopic)) {
			return true;
		}
		String refusal = this.policy.refusal(replyTopic);
		if (refusal == null) {
			if (this.allowed.size() < MAX_REMEMBERED) {
				this.allowed.put(replyTopic, Boolean.TRUE);
			}
			return true;
		}
		long count = this.warnings.occurred();
		if (count > 0) {
			logger.warn(() -> "Handler " + this.handlerId + " refused " + count + " request(s) since its last"
					+ " warning, the latest at " + position.get() + ": reply topic " + refusal
					+ "; no reply is sent, the requester times out (at most one warning a minute)");
		}
		return false;
	}

}
