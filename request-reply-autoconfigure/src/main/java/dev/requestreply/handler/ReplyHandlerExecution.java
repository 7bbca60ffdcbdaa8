package dev.requestreply.handler;

import java.util.Map;

/**
 * How one {@link dev.requestreply.ReplyHandler @ReplyHandler} executes its requests at a moment:
 * its calls running and waiting for a thread, its requests in hand and, for each partition it
 * reads, the lowest offset not finished (where its group commits).
 *
 * @param maxConcurrency the most calls at once
 * @param active the calls running now (a suspended coroutine, or a returned future whose reply is
 * yet to be made, included: what counts against {@code maxConcurrency})
 * @param queued the requests waiting for a thread (their turn came; not those waiting behind an
 * earlier request with the same key)
 * @param inHand the requests taken in hand and not ended (queued, running, or awaiting their
 * reply)
 * @param started the calls started so far
 * @param waitTotalNanos the time the started calls waited for a thread, in total
 * @param waitMaxNanos the longest time one call waited for a thread
 * @param overruns the calls still running well past the end of their request
 * @param lowestUnfinished the lowest unfinished offset of each partition read, by
 * {@code topic-partition}
 * @since 0.3.0
 */
public record ReplyHandlerExecution(int maxConcurrency, int active, int queued, int inHand, long started,
		long waitTotalNanos, long waitMaxNanos, long overruns, Map<String, Long> lowestUnfinished) {

	/**
	 * Return the mean time a started call waited for a thread.
	 * @return the mean wait in milliseconds, 0 before any call
	 */
	public double meanWaitMillis() {
		return (this.started > 0) ? this.waitTotalNanos / 1e6 / this.started : 0;
	}

}
