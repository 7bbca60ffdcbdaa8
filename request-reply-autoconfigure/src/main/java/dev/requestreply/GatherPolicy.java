package dev.requestreply;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.springframework.util.Assert;

/**
 * When a scatter-gather stops gathering: once a condition on the replies so far holds, or at its
 * timeout, whichever comes first. A gather that times out completes normally with the replies it
 * has, marked {@link GatherResult#timedOut() timed out}.
 *
 * @param <T> the reply type
 * @param done the condition that ends the gathering
 * @param timeout how long to gather at most
 * @since 0.1.0
 */
public record GatherPolicy<T>(Predicate<List<GatheredReply<T>>> done, Duration timeout) {

	/**
	 * Create a new policy.
	 * @param done the condition that ends the gathering
	 * @param timeout how long to gather at most
	 */
	public GatherPolicy {
		Assert.notNull(done, "'done' must not be null");
		Assert.isTrue(timeout != null && timeout.toNanos() > 0, "'timeout' must be positive");
	}

	/**
	 * Gather until {@code count} responders answered (values or errors), or the timeout.
	 * @param <T> the reply type
	 * @param count the number of replies to wait for
	 * @param timeout how long to gather at most
	 * @return the policy
	 */
	public static <T> GatherPolicy<T> count(int count, Duration timeout) {
		Assert.isTrue(count > 0, "'count' must be positive");
		return new GatherPolicy<>((replies) -> replies.size() >= count, timeout);
	}

	/**
	 * Gather until {@code quorum} responders answered with a value (errors do not count), or the
	 * timeout.
	 * @param <T> the reply type
	 * @param quorum the number of successful replies to wait for
	 * @param timeout how long to gather at most
	 * @return the policy
	 */
	public static <T> GatherPolicy<T> quorum(int quorum, Duration timeout) {
		Assert.isTrue(quorum > 0, "'quorum' must be positive");
		return new GatherPolicy<>((replies) -> replies.stream().filter((reply) -> !reply.isError()).count() >= quorum,
				timeout);
	}

	/**
	 * Gather until the timeout, taking every reply that comes.
	 * @param <T> the reply type
	 * @param timeout how long to gather
	 * @return the policy
	 */
	public static <T> GatherPolicy<T> all(Duration timeout) {
		return new GatherPolicy<>((replies) -> false, timeout);
	}

	/**
	 * Gather until the condition holds on the replies so far, or the timeout.
	 * @param <T> the reply type
	 * @param done the condition
	 * @param timeout how long to gather at most
	 * @return the policy
	 */
	public static <T> GatherPolicy<T> until(Predicate<List<GatheredReply<T>>> done, Duration timeout) {
		return new GatherPolicy<>(done, timeout);
	}

}
