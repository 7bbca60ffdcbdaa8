package dev.requestreply.responder;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.task.SimpleAsyncTaskExecutorBuilder;
import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The threads of one handler, made with Spring Boot's builders: virtual threads when
 * {@code spring.threads.virtual.enabled} is set on Java 21 or later (as Boot does for its own
 * executors and listener containers), otherwise a pool of {@code maxConcurrency} threads (made
 * as they are needed, ended after a minute idle) plus {@value #URGENT_THREADS} for the urgent work
 * that must not wait behind the calls (cancellations, the end of requests). The application's
 * {@link TaskDecorator} applies, as to Boot's own executors.
 */
final class HandlerThreads implements AutoCloseable {

	static final int URGENT_THREADS = 16;

	private static final Duration KEEP_ALIVE = Duration.ofMinutes(1);

	private final @Nullable ThreadPoolTaskExecutor pool;

	private final @Nullable SimpleAsyncTaskExecutor virtual;

	/**
	 * Create the threads of a handler.
	 * @param handlerId the handler's id, in its threads' names
	 * @param maxConcurrency the most calls at once
	 * @param virtualThreads whether to use virtual threads
	 * @param decorator the application's task decorator, or {@code null}
	 */
	HandlerThreads(String handlerId, int maxConcurrency, boolean virtualThreads, @Nullable TaskDecorator decorator) {
		String prefix = "request-reply-" + handlerId + "-";
		if (virtualThreads) {
			SimpleAsyncTaskExecutorBuilder builder = new SimpleAsyncTaskExecutorBuilder().virtualThreads(true)
				.threadNamePrefix(prefix);
			this.virtual = ((decorator != null) ? builder.taskDecorator(decorator) : builder).build();
			this.pool = null;
		}
		else {
			ThreadPoolTaskExecutorBuilder builder = new ThreadPoolTaskExecutorBuilder().corePoolSize(maxConcurrency)
				.maxPoolSize(maxConcurrency + URGENT_THREADS)
				.queueCapacity(0)
				.allowCoreThreadTimeOut(true)
				.keepAlive(KEEP_ALIVE)
				.threadNamePrefix(prefix);
			this.pool = ((decorator != null) ? builder.taskDecorator(decorator) : builder).build();
			this.pool.setDaemon(true);
			this.pool.initialize();
			this.virtual = null;
		}
	}

	Executor executor() {
		return (this.pool != null) ? this.pool : Objects.requireNonNull(this.virtual);
	}

	@Override
	public void close() {
		if (this.pool != null) {
			this.pool.shutdown();
		}
		else if (this.virtual != null) {
			this.virtual.close();
		}
	}

}
