package dev.requestreply.support;

import java.util.concurrent.ThreadFactory;

import org.jspecify.annotations.Nullable;

import org.springframework.core.task.VirtualThreadTaskExecutor;

/**
 * Makes the threads of the library's own loops (reply readers, cancel reader and sender, responder
 * lookups): platform daemon threads, or virtual threads when the application runs on them
 * ({@code spring.threads.virtual.enabled} on Java 21 or later). The timers (the requester's timing
 * wheel, the responder's watchdog) stay platform threads whatever is chosen here: a virtual thread
 * waits for a free carrier thread, and a timer must fire on time precisely when handlers keep
 * every carrier busy.
 *
 * @since 0.3.0
 */
public final class LoopThreads {

	/**
	 * Platform daemon threads.
	 */
	public static final LoopThreads PLATFORM = new LoopThreads(null);

	private final @Nullable ThreadFactory virtual;

	private LoopThreads(@Nullable ThreadFactory virtual) {
		this.virtual = virtual;
	}

	/**
	 * Return the threads to use.
	 * @param virtual whether to make virtual threads (Java 21 or later)
	 * @return virtual threads, or {@link #PLATFORM}
	 * @throws UnsupportedOperationException if virtual threads are asked for on Java 17
	 */
	public static LoopThreads of(boolean virtual) {
		return virtual ? new LoopThreads(new VirtualThreadTaskExecutor("request-reply-").getVirtualThreadFactory())
				: PLATFORM;
	}

	/**
	 * Return whether the threads made are virtual.
	 * @return {@code true} for virtual threads
	 */
	public boolean isVirtual() {
		return this.virtual != null;
	}

	/**
	 * Make a thread, not started.
	 * @param name the thread's name
	 * @param body what it runs
	 * @return the thread: a daemon (as virtual threads always are)
	 */
	public Thread newThread(String name, Runnable body) {
		if (this.virtual == null) {
			Thread thread = new Thread(body, name);
			thread.setDaemon(true);
			return thread;
		}
		Thread thread = this.virtual.newThread(body);
		thread.setName(name);
		return thread;
	}

	/**
	 * Return a factory of threads that all have the given name.
	 * @param name the threads' name
	 * @return the factory
	 */
	public ThreadFactory factory(String name) {
		return (body) -> newThread(name, body);
	}

}
