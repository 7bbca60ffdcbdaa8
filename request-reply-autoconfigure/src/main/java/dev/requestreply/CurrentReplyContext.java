package dev.requestreply;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Holds the {@link ReplyContext} of the request handled on the current thread, so that requests
 * sent from a handler inherit its deadline. Use {@link ReplyContext#current()} and
 * {@link ReplyContext#wrap(Runnable)} rather than this class.
 *
 * @since 0.2.0
 */
public final class CurrentReplyContext {

	private static final ThreadLocal<ReplyContext> current = new ThreadLocal<>();

	private CurrentReplyContext() {
	}

	/**
	 * Return the context of the request handled on this thread.
	 * @return the context, or {@code null}
	 */
	public static @Nullable ReplyContext get() {
		return current.get();
	}

	/**
	 * Return the deadline requests sent from this thread inherit.
	 * @return the deadline in epoch milliseconds, or {@link Long#MAX_VALUE} for none
	 */
	public static long deadlineMillis() {
		@Nullable ReplyContext context = current.get();
		return (context != null) ? context.deadline().map((deadline) -> deadline.toEpochMilli()).orElse(Long.MAX_VALUE)
				: Long.MAX_VALUE;
	}

	/**
	 * Run a supplier with the given context current, then restore the previous one.
	 * @param <V> the result type
	 * @param context the context
	 * @param action the action
	 * @return the action's result
	 */
	public static <V> V runWith(ReplyContext context, Supplier<V> action) {
		@Nullable ReplyContext previous = current.get();
		current.set(context);
		try {
			return action.get();
		}
		finally {
			restore(previous);
		}
	}

	/**
	 * Call a task with the given context current, then restore the previous one.
	 * @param <V> the result type
	 * @param context the context
	 * @param task the task
	 * @return the task's result
	 * @throws Exception what the task throws
	 */
	public static <V> V callWith(ReplyContext context, Callable<V> task) throws Exception {
		@Nullable ReplyContext previous = current.get();
		current.set(context);
		try {
			return task.call();
		}
		finally {
			restore(previous);
		}
	}

	/**
	 * Make the given context current on this thread, or none, and return the one it replaces; for
	 * code that carries a context from thread to thread itself (a coroutine's context element puts
	 * the returned one back when the coroutine leaves the thread).
	 * @param context the context, or {@code null} for none
	 * @return the context current before, or {@code null}
	 * @since 0.3.0
	 */
	public static @Nullable ReplyContext swap(@Nullable ReplyContext context) {
		@Nullable ReplyContext previous = current.get();
		restore(context);
		return previous;
	}

	private static void restore(@Nullable ReplyContext previous) {
		if (previous != null) {
			current.set(previous);
		}
		else {
			current.remove();
		}
	}

}
