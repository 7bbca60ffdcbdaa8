package dev.requestreply.responder;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.jspecify.annotations.Nullable;

/**
 * The replies the workers of one handler hold back while they take quick requests one after the
 * other ({@link ReplyBurst}), when they do: not when requests are observed (a reply is sent within
 * its request's observation) nor with transactions. A reply is sent by its worker once its queue
 * is empty or its calls take long, or, should the worker's next call block, by the watchdog's
 * {@link #sendStale(long)} within a tick of being held {@link ReplyBurst#MAX_HOLD}: so a reply made
 * goes out whatever the next call does, and its request does not stay in hand.
 */
final class HeldReplies {

	// A handler quicker than this has its replies held until its queue is empty.
	private static final long QUICK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

	private final boolean enabled;

	private final Executor sender;

	private final Set<ReplyBurst> bursts = ConcurrentHashMap.newKeySet();

	/**
	 * @param enabled whether workers hold replies
	 * @param sender where stale replies are sent: not the watchdog's thread (a send may block)
	 */
	HeldReplies(boolean enabled, Executor sender) {
		this.enabled = enabled;
		this.sender = sender;
	}

	/**
	 * A worker starts: hold its replies, if they are held.
	 * @return its burst, or {@code null}
	 */
	@Nullable ReplyBurst begin() {
		if (!this.enabled) {
			return null;
		}
		ReplyBurst burst = ReplyBurst.begin();
		this.bursts.add(burst);
		return burst;
	}

	/**
	 * A worker's call returned: send what it holds unless it takes another quick call at once.
	 * @param burst its burst
	 * @param serviceNanos the time a call has taken lately
	 * @param queued how many requests wait
	 */
	void called(@Nullable ReplyBurst burst, long serviceNanos, IntSupplier queued) {
		if (burst != null && (serviceNanos > QUICK_NANOS || queued.getAsInt() == 0)) {
			burst.flush();
		}
	}

	/**
	 * A worker ends: send what it holds.
	 */
	void end(@Nullable ReplyBurst burst) {
		if (burst != null) {
			this.bursts.remove(burst);
			burst.end();
		}
	}

	/**
	 * Have the replies held {@link ReplyBurst#MAX_HOLD} or longer sent (their worker is busy with a
	 * call that takes long). Called by the watchdog every tick.
	 * @param nowNanos the current {@link System#nanoTime()}
	 */
	void sendStale(long nowNanos) {
		for (ReplyBurst burst : this.bursts) {
			List<Runnable> stale = burst.takeStale(nowNanos);
			if (stale != null) {
				this.sender.execute(() -> ReplyBurst.send(stale));
			}
		}
	}

}
