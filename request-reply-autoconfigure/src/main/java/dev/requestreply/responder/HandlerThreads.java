package dev.requestreply.responder;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import dev.requestreply.support.LogThrottle;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.task.SimpleAsyncTaskExecutorBuilder;
import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.core.log.LogAccessor;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The threads of one handler, made with Spring Boot's builders, in two executors so that the
 * urgent work (cancellations, the end of requests, a stream's demand, replies a worker held too
 * long) never waits behind the calls it concerns.
 * <ul>
 * <li>The calls (and a Kotlin handler's coroutines, which resume there): a pool of
 * {@code maxConcurrency} threads, made as they are needed and ended after a minute idle. The
 * handler's executor never runs more than that many requests at once, so a task waits in the
 * pool's queue only for a moment.</li>
 * <li>The urgent work: a pool of {@value #URGENT_THREADS} threads, made and ended the same way;
 * past them, urgent work waits in its queue for one of them. At its bound (all busy and
 * {@value #URGENT_QUEUE} tasks queued: urgent work that blocks, such as an {@code onCancel} action
 * that never returns), urgent work runs on the call threads, and a WARN says so once a minute.</li>
 * </ul>
 * With {@code spring.threads.virtual.enabled} on Java 21 or later both are virtual threads, one per
 * task (as Boot does for its own executors and listener containers). The application's
 * {@link TaskDecorator} applies to both, as to Boot's own executors. Both stop with the handler.
 */
final class HandlerThreads implements AutoCloseable {

	static final int URGENT_THREADS = 16;

	static final int URGENT_QUEUE = 10_000;

	private static final Duration KEEP_ALIVE = Duration.ofMinutes(1);

	private static final Duration WARN_INTERVAL = Duration.ofMinutes(1);

	private static final LogAccessor logger = new LogAccessor(HandlerThreads.class);

	private final String handlerId;

	private final Executor calls;

	private final Executor urgent;

	// The loop of the handler's core: the library's own, without the application's decorator.
	private final Executor loop;

	// Where the replies its loop decided are sent (a send may block), the library's own too.
	private final Executor sending;

	private final AutoCloseable[] closing;

	// Urgent tasks run on the call threads.
	private final LogThrottle overflowed = new LogThrottle(WARN_INTERVAL);

	/**
	 * Create the threads of a handler.
	 * @param handlerId the handler's id, in its threads' names
	 * @param maxConcurrency the most calls at once
	 * @param virtualThreads whether to use virtual threads
	 * @param decorator the application's task decorator, or {@code null}
	 */
	HandlerThreads(String handlerId, int maxConcurrency, boolean virtualThreads, @Nullable TaskDecorator decorator) {
		this.handlerId = handlerId;
		String prefix = "request-reply-" + handlerId + "-";
		if (virtualThreads) {
			SimpleAsyncTaskExecutor calls = virtual(prefix, decorator);
			SimpleAsyncTaskExecutor urgent = virtual(prefix + "urgent-", decorator);
			SimpleAsyncTaskExecutor loop = virtual(prefix + "loop-", null);
			SimpleAsyncTaskExecutor sending = virtual(prefix + "send-", null);
			this.calls = calls;
			this.urgent = urgent;
			this.loop = loop;
			this.sending = sending;
			this.closing = new AutoCloseable[] { calls, urgent, loop, sending };
		}
		else {
			// The calls are interrupted when the handler stops; the urgent work queued by then (the
			// cancellation of the requests it abandons) still runs.
			ThreadPoolTaskExecutor calls = pool(prefix, maxConcurrency, Integer.MAX_VALUE, false, decorator);
			ThreadPoolTaskExecutor urgent = pool(prefix + "urgent-", URGENT_THREADS, URGENT_QUEUE, true, decorator);
			ThreadPoolTaskExecutor loop = pool(prefix + "loop-", 1, Integer.MAX_VALUE, true, null);
			ThreadPoolTaskExecutor sending = pool(prefix + "send-", 1, Integer.MAX_VALUE, true, null);
			this.calls = calls;
			this.urgent = urgent;
			this.loop = loop;
			this.sending = sending;
			// The calls first: urgent work rejected then is not taken for an overflow.
			this.closing = new AutoCloseable[] { calls::shutdown, urgent::shutdown, loop::shutdown,
					sending::shutdown };
		}
	}

	private static SimpleAsyncTaskExecutor virtual(String prefix, @Nullable TaskDecorator decorator) {
		SimpleAsyncTaskExecutorBuilder builder = new SimpleAsyncTaskExecutorBuilder().virtualThreads(true)
			.threadNamePrefix(prefix);
		return ((decorator != null) ? builder.taskDecorator(decorator) : builder).build();
	}

	private static ThreadPoolTaskExecutor pool(String prefix, int threads, int queueCapacity, boolean drainOnStop,
			@Nullable TaskDecorator decorator) {
		ThreadPoolTaskExecutorBuilder builder = new ThreadPoolTaskExecutorBuilder().corePoolSize(threads)
			.maxPoolSize(threads)
			.queueCapacity(queueCapacity)
			.allowCoreThreadTimeOut(true)
			.keepAlive(KEEP_ALIVE)
			.awaitTermination(drainOnStop)
			.threadNamePrefix(prefix);
		ThreadPoolTaskExecutor pool = ((decorator != null) ? builder.taskDecorator(decorator) : builder).build();
		pool.setDaemon(true);
		pool.initialize();
		return pool;
	}

	/**
	 * Return the threads of the calls.
	 */
	Executor calls() {
		return this.calls;
	}

	/**
	 * Return the thread of the loop of the handler's core (one task at a time drains it).
	 */
	Executor loop() {
		return this.loop;
	}

	/**
	 * Return the thread that sends the replies the loop of the handler's core decided.
	 */
	Executor sending() {
		return this.sending;
	}

	/**
	 * Return where urgent work runs: its own threads, or at their bound the call threads. Throws
	 * {@link RejectedExecutionException} only once the threads stopped.
	 */
	Executor urgent() {
		return this::urgent;
	}

	private void urgent(Runnable work) {
		try {
			this.urgent.execute(work);
			return;
		}
		catch (RejectedExecutionException ex) {
			// At its bound, or stopped (then the calls are too, and reject it below).
		}
		this.calls.execute(work);
		long since = this.overflowed.occurred();
		if (since > 0) {
			logger.warn(() -> "Urgent work of handler " + this.handlerId + " (cancellations, request endings, stream "
					+ "demand) found its " + URGENT_THREADS + " threads busy and " + URGENT_QUEUE + " tasks queued: "
					+ since + " task(s) ran on its call threads instead, behind its requests, since the last such "
					+ "warning (an onCancel action or a stream that blocks is the usual cause)");
		}
	}

	@Override
	public void close() {
		for (AutoCloseable executor : this.closing) {
			try {
				executor.close();
			}
			catch (Exception ex) {
				logger.debug(ex, () -> "Could not stop the threads of handler " + this.handlerId);
			}
		}
	}

}
