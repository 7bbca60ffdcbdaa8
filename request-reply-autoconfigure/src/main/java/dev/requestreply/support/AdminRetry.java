package dev.requestreply.support;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.common.errors.RetriableException;

/**
 * Retries an Admin call at start-up while it fails with a {@link RetriableException} (a topic
 * just created has no leader for a moment), every 50 ms, until a deadline.
 *
 * @since 0.4.0
 */
public final class AdminRetry {

	private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private AdminRetry() {
	}

	/**
	 * Call until the call succeeds, fails with anything but a retriable error, or the deadline
	 * passes (then its last failure is thrown).
	 * @param <T> the result type
	 * @param deadlineNanos the deadline, a {@link System#nanoTime()} value
	 * @param call the call, typically a future of the Admin client waited for
	 * @return what the call returned
	 * @throws Exception the call's last failure, as it threw it
	 */
	public static <T> T untilDeadline(long deadlineNanos, Call<T> call) throws Exception {
		for (;;) {
			try {
				return call.call();
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof RetriableException) || System.nanoTime() - deadlineNanos > 0) {
					throw ex;
				}
				LockSupport.parkNanos(PAUSE_NANOS);
			}
		}
	}

	/**
	 * An Admin call waited for.
	 * @param <T> the result type
	 */
	@FunctionalInterface
	public interface Call<T> {

		/**
		 * Make the call and wait for its result.
		 * @return the result
		 * @throws Exception when the call failed ({@link ExecutionException} with a retriable
		 * cause is retried), was interrupted or timed out
		 */
		T call() throws Exception;

	}

}
