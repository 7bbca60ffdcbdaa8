package dev.requestreply.responder;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;

import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyHandlerOutcome;
import dev.requestreply.handler.ReplyHandlerOutcomeListener;
import dev.requestreply.support.LogThrottle;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.core.log.LogAccessor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Tells the outcome listeners of every handler how each request ended. A request ends on the
 * engine's own threads (the watchdog, a consumer, the reader of cancel records, a handler
 * thread), where a listener that blocks would hold up every handler's deadlines: so the
 * application's listeners are called on a thread of their own ({@value #THREAD_NAME}1, made
 * with Boot's builder, ended after a minute idle), one outcome at a time, in the order the
 * outcomes came. Up to {@link #MAX_WAITING} outcomes wait for it; past that, outcomes are
 * dropped rather than held up or run elsewhere: counted, and logged at WARN at most once per
 * {@link #DROPPED_LOG_INTERVAL}. The library's own listeners (the handler timer of the meters),
 * which only count, are called at once on the thread that ended the request.
 */
final class OutcomeListeners {

	static final int MAX_WAITING = 10_000;

	static final Duration DROPPED_LOG_INTERVAL = Duration.ofMinutes(1);

	static final String THREAD_NAME = "request-reply-outcomes-";

	private static final LogAccessor logger = new LogAccessor(OutcomeListeners.class);

	private final int maxWaiting;

	private final List<ReplyHandlerOutcomeListener> inline = new CopyOnWriteArrayList<>();

	private final List<ReplyHandlerOutcomeListener> queued = new CopyOnWriteArrayList<>();

	private final LogThrottle dropped = new LogThrottle(DROPPED_LOG_INTERVAL);

	// Written under this: made for the first outcome to tell, shut down by stop().
	private volatile @Nullable ThreadPoolTaskExecutor thread;

	OutcomeListeners() {
		this(MAX_WAITING);
	}

	OutcomeListeners(int maxWaiting) {
		this.maxWaiting = maxWaiting;
	}

	/**
	 * Add an application's listener: called on the listeners' own thread.
	 */
	void add(ReplyHandlerOutcomeListener listener) {
		this.queued.add(listener);
	}

	/**
	 * Add one of the library's listeners, quick and never blocking: called at once.
	 */
	void addInline(ReplyHandlerOutcomeListener listener) {
		this.inline.add(listener);
	}

	/**
	 * Tell every listener of an outcome (on any thread).
	 * @param startNanos when the request was received ({@link System#nanoTime()})
	 */
	void tell(ReplyHandlerEndpoint endpoint, String topic, ReplyHandlerOutcome outcome, long startNanos) {
		if (this.inline.isEmpty() && this.queued.isEmpty()) {
			return;
		}
		long duration = System.nanoTime() - startNanos;
		for (ReplyHandlerOutcomeListener listener : this.inline) {
			call(listener, endpoint, topic, outcome, duration);
		}
		if (this.queued.isEmpty()) {
			return;
		}
		try {
			thread().execute(() -> {
				for (ReplyHandlerOutcomeListener listener : this.queued) {
					call(listener, endpoint, topic, outcome, duration);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			long count = this.dropped.occurred();
			if (count > 0) {
				logger.warn(() -> "Reply handler outcome listener(s) " + this.queued + " fall behind: " + count
						+ " outcome(s) dropped, not told (" + this.dropped.total() + " since start), as "
						+ this.maxWaiting + " wait already; a listener must be quick (at most one such line per "
						+ DROPPED_LOG_INTERVAL.toMinutes() + " min)");
			}
		}
	}

	/**
	 * Return the number of outcomes dropped as too many waited.
	 */
	long dropped() {
		return this.dropped.total();
	}

	/**
	 * Shut the listeners' thread down: the outcomes waiting are still told, on it.
	 */
	synchronized void stop() {
		if (this.thread != null) {
			this.thread.shutdown();
			this.thread = null;
		}
	}

	private ThreadPoolTaskExecutor thread() {
		ThreadPoolTaskExecutor current = this.thread;
		return (current != null) ? current : newThread();
	}

	private synchronized ThreadPoolTaskExecutor newThread() {
		ThreadPoolTaskExecutor current = this.thread;
		if (current == null) {
			current = new ThreadPoolTaskExecutorBuilder().corePoolSize(1)
				.maxPoolSize(1)
				.queueCapacity(this.maxWaiting)
				.allowCoreThreadTimeOut(true)
				.keepAlive(Duration.ofMinutes(1))
				.awaitTermination(true)
				.threadNamePrefix(THREAD_NAME)
				.build();
			current.setDaemon(true);
			current.initialize();
			this.thread = current;
		}
		return current;
	}

	private static void call(ReplyHandlerOutcomeListener listener, ReplyHandlerEndpoint endpoint, String topic,
			ReplyHandlerOutcome outcome, long durationNanos) {
		try {
			listener.onOutcome(endpoint, topic, outcome, durationNanos);
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Reply handler outcome listener " + listener + " failed");
		}
	}

}
