package dev.requestreply.requester;

import dev.requestreply.requester.core.RequestEvent;
import org.jspecify.annotations.Nullable;

/**
 * The timer's side of the requests it ends, per lane of the {@link TimeoutWheel}: the completions
 * handed over in batches ({@link CompletionBatches}, one per lane, used by its lane's thread only
 * while a tick runs, flushed and checked by the timer's thread after it), and the timeout event of
 * the lane's last tick, shared by every request the tick ends.
 */
final class LaneExpiries {

	// At most this many threads end the requests of a tick with many expiries (the timer's included).
	static final int MAX_LANES = 4;

	private final CompletionBatches[] batches;

	private final RequestEvent.@Nullable Timeout[] timeouts;

	LaneExpiries(int lanes, Completions completions) {
		this.batches = new CompletionBatches[lanes];
		for (int lane = 0; lane < lanes; lane++) {
			this.batches[lane] = new CompletionBatches(completions);
		}
		this.timeouts = new RequestEvent.Timeout[lanes];
	}

	/**
	 * Return the number of lanes a registry's wheel has by default: one per core, at most
	 * {@value #MAX_LANES}.
	 * @return the number of lanes
	 */
	static int defaultLanes() {
		return Math.min(Runtime.getRuntime().availableProcessors(), MAX_LANES);
	}

	/**
	 * End an expired request, on its lane's thread.
	 * @param ends the ways requests end
	 * @param request the request
	 * @param lane the lane
	 * @param now the time of the tick that found it expired
	 */
	void expire(RequestEnds ends, PendingRequest<?> request, int lane, long now) {
		RequestEvent.Timeout timeout = this.timeouts[lane];
		if (timeout == null || timeout.now() != now) {
			timeout = new RequestEvent.Timeout(now);
			this.timeouts[lane] = timeout;
		}
		ends.expire(request, timeout, this.batches[lane]);
	}

	/**
	 * Hand over every lane's batch being filled. On the timer's thread, after a tick's expiries.
	 */
	void flush() {
		for (CompletionBatches lane : this.batches) {
			lane.flush();
		}
	}

	/**
	 * Hand the rest of each stalled batch to another completion thread (see
	 * {@link CompletionBatches#check(long)}). On the timer's thread, once a tick.
	 * @param now the time, in nanoseconds
	 */
	void check(long now) {
		for (CompletionBatches lane : this.batches) {
			lane.check(now);
		}
	}

}
