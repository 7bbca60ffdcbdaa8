package dev.requestreply.requester;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import dev.requestreply.NoResponderException;
import dev.requestreply.support.LoopThreads;
import org.apache.kafka.clients.admin.Admin;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;

/**
 * Knows which topics have a responder: a topic is served when one of this application's own
 * {@code @ReplyHandler} methods reads it, or a consumer (or share) group with a live member is
 * assigned, or about to be assigned, one of its partitions. A group whose members hold no
 * assignment yet (forming, or rebalancing) serves what it was assigned before; one never seen
 * assigned anything makes every topic count as served. Learnt from Kafka's group metadata in the
 * background, refreshed about every interval (spread at random per instance); a request only reads
 * the last answer, so no request waits for the broker, except the first ones after start, which
 * wait at most {@link #FIRST_LOOKUP_WAIT} for the first answer.
 * <p>
 * It fails open: without a recent answer (the broker unreachable, the lookup refused, logged once
 * at WARN), or when the broker lists only the groups this principal may describe (it lacks
 * DESCRIBE on the cluster), every topic counts as served, and a request waits for its timeout as it
 * would without this check. A topic found unserved triggers an early lookup.
 * <p>
 * One lookup in {@value #LISTING_INTERVALS} (and one whenever a topic was found unserved) lists the
 * groups (one small request per broker) and describes the new ones, those whose state changed,
 * those serving a topic asked for lately, and every other one about every
 * {@value #FULL_REFRESH_INTERVALS} intervals at a random turn; the others describe only the groups
 * serving a topic asked for: see {@link ResponderGroups}.
 *
 * @since 0.2.0
 */
final class ResponderDirectory implements AutoCloseable {

	/**
	 * Longest wait of the first requests for the first answer after start.
	 */
	static final Duration FIRST_LOOKUP_WAIT = Duration.ofSeconds(2);

	static final int FULL_REFRESH_INTERVALS = 30;

	// One lookup in this many lists every group (and one whenever a topic was found unserved).
	static final int LISTING_INTERVALS = 5;

	// An answer older than this many intervals is stale: fail open rather than refuse on it.
	private static final int STALE_INTERVALS = 3;

	// A topic counts as asked for this many intervals after a request was sent to it.
	private static final int ASKED_INTERVALS = 30;

	// Unserved topics ask for an early lookup, but not more often than this.
	private static final long MIN_EARLY_REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

	private static final LogAccessor logger = new LogAccessor(ResponderDirectory.class);

	private final Admin admin;

	private final Supplier<Set<String>> localTopics;

	// What the application's own handlers read, as of the last lookup (handlers are found at start).
	private volatile Set<String> local;

	private final long intervalNanos;

	private final ScheduledExecutorService scheduler;

	private final CountDownLatch firstAnswer = new CountDownLatch(1);

	private final Map<String, Long> asked = new ConcurrentHashMap<>();

	private final ResponderLookup lookup;

	// Read and written by the scheduler's thread only.
	private final ResponderGroups groups;

	// At most one early lookup waits in the queue, however many requests found a topic unserved.
	private final AtomicBoolean earlyRefreshQueued = new AtomicBoolean();

	private volatile ResponderLookup.@Nullable Answer answer;

	private volatile long lastRefreshNanos;

	private volatile long lookups;

	private boolean warnedFailure;

	// Whether it looks up about every interval (fail-fast-without-responders), or only as
	// timeouts ask, for their hint (see ResponderHints).
	private final boolean periodic;

	/**
	 * Create a directory and start looking up the groups.
	 * @param adminConfig the Kafka admin client configuration
	 * @param interval how often the groups are looked up
	 * @param localTopics the topics this application's own handlers read
	 * @param threads the kind of thread the lookups run on
	 */
	ResponderDirectory(@Nullable Map<String, Object> adminConfig, Duration interval, Supplier<Set<String>> localTopics,
			LoopThreads threads) {
		this(Admin.create(adminConfig), interval, localTopics, threads, true);
	}

	ResponderDirectory(Admin admin, Duration interval, Supplier<Set<String>> localTopics, LoopThreads threads) {
		this(admin, interval, localTopics, threads, true);
	}

	/**
	 * Create a directory that looks the groups up at once, then only as {@link #sentTo} and
	 * {@link #lookUpAfterNow} ask, and logs failed lookups at DEBUG only: for the hints of
	 * timeouts, when fail-fast-without-responders is off.
	 */
	static ResponderDirectory forHints(@Nullable Map<String, Object> adminConfig, Duration interval,
			Supplier<Set<String>> localTopics, LoopThreads threads) {
		return new ResponderDirectory(Admin.create(adminConfig), interval, localTopics, threads, false);
	}

	private ResponderDirectory(Admin admin, Duration interval, Supplier<Set<String>> localTopics, LoopThreads threads,
			boolean periodic) {
		this.periodic = periodic;
		Assert.isTrue(interval != null && interval.toMillis() > 0, "'interval' must be positive");
		Assert.notNull(localTopics, "'localTopics' must not be null");
		this.admin = admin;
		this.lookup = new ResponderLookup(admin, interval.multipliedBy(STALE_INTERVALS), periodic);
		this.localTopics = localTopics;
		this.local = Set.copyOf(localTopics.get());
		this.intervalNanos = interval.toNanos();
		this.groups = new ResponderGroups(this.intervalNanos * FULL_REFRESH_INTERVALS);
		this.scheduler = Executors.newSingleThreadScheduledExecutor(threads.factory("request-reply-responders"));
		this.scheduler.execute(() -> refresh(ResponderLookup.Mode.EVERY_GROUP));
		if (periodic) {
			scheduleNext();
		}
	}

	// Each instance at its own pace (between 0.8 and 1.2 intervals), so that many instances
	// started together do not look up together.
	private void scheduleNext() {
		long delay = (long) (this.intervalNanos * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
		try {
			this.scheduler.schedule(() -> {
				refresh((this.lookups % LISTING_INTERVALS == 0) ? ResponderLookup.Mode.LISTED
						: ResponderLookup.Mode.ASKED);
				scheduleNext();
			}, delay, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed.
		}
	}

	/**
	 * Check that each topic has a responder.
	 * @param topics the topics a request goes to
	 * @throws NoResponderException naming the first topic without one
	 */
	public void check(List<String> topics) {
		Set<String> served = this.local;
		long now = System.nanoTime();
		ResponderLookup.Answer known = null;
		for (String topic : topics) {
			if (served.contains(topic)) {
				continue;
			}
			Long askedAt = this.asked.get(topic);
			if (askedAt == null || now - askedAt > this.intervalNanos) {
				this.asked.put(topic, now);
			}
			if (known == null) {
				known = answer(now);
				if (known == null) {
					return;
				}
			}
			if (!known.serves(topic)) {
				refreshSoon();
				throw new NoResponderException(topic);
			}
		}
	}

	/**
	 * Return whether the newest lookup, if it started at or after {@code sinceNanos} (a request's
	 * send time), found no consumer or share group reading the topic; never waits.
	 */
	boolean unservedSince(String topic, long sinceNanos) {
		ResponderLookup.Answer known = this.answer;
		return !this.local.contains(topic) && known != null && known.lookedNanos() - sinceNanos >= 0
				&& !known.serves(topic);
	}

	/**
	 * For the hints of timeouts: a request was just sent to this topic. A lookup that starts after
	 * it is asked for when the topic was not asked for lately, or when it was unserved (or nothing
	 * is known) at the last lookup and that started more than an interval ago; otherwise nothing is
	 * written or allocated.
	 */
	void sentTo(String topic) {
		if (this.local.contains(topic)) {
			return;
		}
		long now = System.nanoTime();
		ResponderLookup.Answer known = this.answer;
		if (!this.asked.containsKey(topic) || ((known == null || !known.serves(topic))
				&& now - this.lastRefreshNanos > this.intervalNanos)) {
			this.asked.put(topic, now);
			lookUpAfterNow();
		}
	}

	/**
	 * Ask for a lookup that starts after now, at most one queued at a time, no sooner than
	 * {@link #MIN_EARLY_REFRESH_NANOS} after the last.
	 */
	void lookUpAfterNow() {
		if (!this.earlyRefreshQueued.compareAndSet(false, true)) {
			// One is queued: it has not started yet.
			return;
		}
		long wait = MIN_EARLY_REFRESH_NANOS - (System.nanoTime() - this.lastRefreshNanos);
		try {
			this.scheduler.schedule(() -> refresh(ResponderLookup.Mode.LISTED), Math.max(0, wait),
					TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed.
		}
	}

	private ResponderLookup.@Nullable Answer answer(long now) {
		if (this.answer == null) {
			try {
				this.firstAnswer.await(FIRST_LOOKUP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		ResponderLookup.Answer known = this.answer;
		return (known != null && now - known.answeredNanos() <= STALE_INTERVALS * this.intervalNanos) ? known : null;
	}

	private void refreshSoon() {
		if (System.nanoTime() - this.lastRefreshNanos > MIN_EARLY_REFRESH_NANOS) {
			lookUpAfterNow();
		}
	}

	private void refresh(ResponderLookup.Mode mode) {
		// Runs on the one scheduler thread only.
		this.earlyRefreshQueued.set(false);
		this.local = Set.copyOf(this.localTopics.get());
		long started = System.nanoTime();
		this.lastRefreshNanos = started;
		this.lookups++;
		try {
			this.asked.values().removeIf((at) -> started - at > ASKED_INTERVALS * this.intervalNanos);
			ResponderLookup.Answer found = this.lookup.lookUp(this.groups, this.asked.keySet(), mode, started);
			// Without a listing of every group, every topic counts as served.
			this.answer = (found != null) ? found : new ResponderLookup.Answer(null, started, started, 0, -1);
			this.firstAnswer.countDown();
			this.warnedFailure = false;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			this.answer = null;
			if (!this.warnedFailure && this.periodic) {
				this.warnedFailure = true;
				logger.warn(ex, "Could not look up the consumer groups for request-reply.fail-fast-without-responders;"
						+ " every topic counts as served (requests wait for their timeout) until a lookup succeeds");
			}
			else {
				logger.debug(ex, "Could not look up the consumer groups");
			}
		}
	}

	/**
	 * Return how many lookups were tried so far.
	 */
	long lookups() {
		return this.lookups;
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
		this.admin.close(Duration.ofSeconds(1));
	}

}
