package dev.requestreply.handler;

import java.util.concurrent.atomic.LongAdder;

/**
 * Figures of one {@link dev.requestreply.ReplyHandler @ReplyHandler}: how its requests ended.
 *
 * @since 0.1.0
 */
public final class ReplyHandlerStats {

	private final LongAdder handled = new LongAdder();

	private final LongAdder failed = new LongAdder();

	private final LongAdder expired = new LongAdder();

	private final LongAdder malformed = new LongAdder();

	private final LongAdder rejected = new LongAdder();

	private final LongAdder refused = new LongAdder();

	private final LongAdder replyFailures = new LongAdder();

	private final LongAdder authorizationFailures = new LongAdder();

	/**
	 * Return the number of requests the method answered with a reply.
	 * @return the count
	 */
	public long handled() {
		return this.handled.sum();
	}

	/**
	 * Return the number of requests the method failed on (answered with an error reply).
	 * @return the count
	 */
	public long failed() {
		return this.failed.sum();
	}

	/**
	 * Return the number of requests skipped because their deadline had passed.
	 * @return the count
	 */
	public long expired() {
		return this.expired.sum();
	}

	/**
	 * Return the number of requests answered with an error reply because their payload or
	 * headers could not be read.
	 * @return the count
	 */
	public long malformed() {
		return this.malformed.sum();
	}

	/**
	 * Return the number of requests skipped because no reply could be addressed (no reply topic,
	 * no correlation id).
	 * @return the count
	 */
	public long rejected() {
		return this.rejected.sum();
	}

	/**
	 * Return the number of requests refused because they named a reply topic the handler may not
	 * write to (see {@link ReplyTopicPolicy}).
	 * @return the count
	 */
	public long refused() {
		return this.refused.sum();
	}

	/**
	 * Return the number of replies that could not be sent.
	 * @return the count
	 */
	public long replyFailures() {
		return this.replyFailures.sum();
	}

	/**
	 * Return the number of times the broker refused the handler's consumer (a missing ACL on its
	 * topics or group, or failed authentication); it retries every few seconds meanwhile.
	 * @return the count
	 * @since 0.2.0
	 */
	public long authorizationFailures() {
		return this.authorizationFailures.sum();
	}

	void recordHandled() {
		this.handled.increment();
	}

	void recordFailed() {
		this.failed.increment();
	}

	void recordExpired() {
		this.expired.increment();
	}

	void recordMalformed() {
		this.malformed.increment();
	}

	void recordRejected() {
		this.rejected.increment();
	}

	void recordRefused() {
		this.refused.increment();
	}

	void recordReplyFailure() {
		this.replyFailures.increment();
	}

	void recordAuthorizationFailure() {
		this.authorizationFailures.increment();
	}

}
