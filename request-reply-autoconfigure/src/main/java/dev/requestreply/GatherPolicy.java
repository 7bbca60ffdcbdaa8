package dev.requestreply;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.springframework.util.Assert;

/**
 * When a scatter-gather stops gathering: once a condition on the replies so far holds, or at its
 * timeout, whichever comes first. At the timeout the policy is asked once more, told so, through
 * {@link #atTimeout()}: yes (the default, for any replies) completes the gather normally with the
 * replies it has, marked {@link GatherResult#timedOut() timed out}; no fails it with a
 * {@link RequestTimeoutException}, as Spring Kafka's release strategy called with
 * {@code timeout=true}.
 * <p>
 * Both conditions are the caller's code and never run on the library's timer: after each reply,
 * on a completion thread, {@code done} is tested and, while it does not hold, {@code atTimeout}
 * is asked too and its answer kept, so that the timeout decides at once from the answer for the
 * last replies it saw (for no reply, it is asked as the gather is sent, on the caller's thread).
 * A gather its timeout completes with some replies counts as a partial gather
 * ({@code RequestOutcome.PARTIAL}, the {@code partial} outcome of the request timer); with none,
 * or failed, as a timeout.
 *
 * @param <T> the reply type
 * @param done the condition that ends the gathering
 * @param timeout how long to gather at most
 * @param atTimeout whether the gather, at its timeout, completes with the replies it has (else it
 * fails with a {@link RequestTimeoutException}); the default answers yes for any replies, none
 * included
 * @since 0.1.0
 */
public record GatherPolicy<T>(Predicate<List<GatheredReply<T>>> done, Duration timeout,
		Predicate<List<GatheredReply<T>>> atTimeout) {

	/**
	 * Create a new policy.
	 * @param done the condition that ends the gathering
	 * @param timeout how long to gather at most
	 * @param atTimeout whether the gather completes with the replies it has at its timeout
	 * @since 0.4.0
	 */
	public GatherPolicy {
		Assert.notNull(done, "'done' must not be null");
		Assert.isTrue(timeout != null && timeout.toNanos() > 0, "'timeout' must be positive");
		Assert.notNull(atTimeout, "'atTimeout' must not be null");
	}

	/**
	 * Create a new policy that, at its timeout, completes with whatever replies it has.
	 * @param done the condition that ends the gathering
	 * @param timeout how long to gather at most
	 */
	public GatherPolicy(Predicate<List<GatheredReply<T>>> done, Duration timeout) {
		this(done, timeout, (replies) -> true);
	}

	/**
	 * Return this policy with the answer it gives at its timeout: whether the gather completes
	 * with the replies it has (else it fails with a {@link RequestTimeoutException}). For example
	 * {@code GatherPolicy.<Price>count(4, timeout).releaseAtTimeout((replies) -> replies.size() >= 2)}
	 * waits for four replies and, at the timeout, takes two or three, failing with fewer.
	 * @param atTimeout the answer, given the replies so far (possibly none)
	 * @return a policy with the same condition and timeout
	 * @since 0.4.0
	 */
	public GatherPolicy<T> releaseAtTimeout(Predicate<List<GatheredReply<T>>> atTimeout) {
		return new GatherPolicy<>(this.done, this.timeout, atTimeout);
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
