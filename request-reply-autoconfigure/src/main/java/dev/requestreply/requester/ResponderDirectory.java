package dev.requestreply.requester;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.requestreply.NoResponderException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberAssignment;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;

import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;

/**
 * Knows which topics have a responder: a topic is served when a consumer group with a live member
 * is assigned (or, under the consumer group protocol, about to be assigned) one of its partitions.
 * Learnt from Kafka's own group metadata, all groups at once, refreshed in the background every
 * interval; a request only reads the last answer, so no request waits for the broker, except the
 * first ones after start, which wait at most {@link #FIRST_LOOKUP_WAIT} for the first answer.
 * <p>
 * It fails open: without a recent answer (the broker unreachable, the lookup refused) every topic
 * counts as served, and the request waits for its timeout as it would without this check. A topic
 * found unserved triggers an early refresh, so a responder that has just started is seen within
 * about one lookup after its consumer was assigned, not only at the next interval.
 *
 * @since 0.2.0
 */
public final class ResponderDirectory implements AutoCloseable {

	/**
	 * Default of how often the groups are looked up.
	 */
	public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

	/**
	 * Longest wait of the first requests for the first answer after start.
	 */
	public static final Duration FIRST_LOOKUP_WAIT = Duration.ofSeconds(2);

	// An answer older than this many intervals is stale: fail open rather than refuse on it.
	private static final int STALE_INTERVALS = 3;

	// Unserved topics ask for a refresh, but not more often than this.
	private static final long MIN_EARLY_REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

	private static final LogAccessor logger = new LogAccessor(ResponderDirectory.class);

	private final Admin admin;

	private final long intervalNanos;

	private final Duration lookupTimeout;

	private final ScheduledExecutorService scheduler;

	private final CountDownLatch firstAnswer = new CountDownLatch(1);

	// At most one early refresh waits in the queue, however many requests found a topic unserved.
	private final AtomicBoolean earlyRefreshQueued = new AtomicBoolean();

	private volatile Set<String> served;

	private volatile long answeredNanos;

	private volatile long lastRefreshNanos;

	/**
	 * Create a directory and start looking up the groups.
	 * @param adminConfig the Kafka admin client configuration
	 * @param interval how often the groups are looked up
	 */
	public ResponderDirectory(Map<String, Object> adminConfig, Duration interval) {
		Assert.notNull(adminConfig, "'adminConfig' must not be null");
		Assert.isTrue(interval != null && interval.toMillis() > 0, "'interval' must be positive");
		this.admin = Admin.create(adminConfig);
		this.intervalNanos = interval.toNanos();
		this.lookupTimeout = interval.multipliedBy(STALE_INTERVALS);
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "request-reply-responders");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Check that each topic has a responder.
	 * @param topics the topics a request goes to
	 * @throws NoResponderException naming the first topic without one
	 */
	public void check(List<String> topics) {
		Set<String> known = answer();
		if (known == null) {
			return;
		}
		for (String topic : topics) {
			if (!known.contains(topic)) {
				refreshSoon();
				throw new NoResponderException(topic);
			}
		}
	}

	private Set<String> answer() {
		if (this.served == null) {
			try {
				this.firstAnswer.await(FIRST_LOOKUP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		Set<String> known = this.served;
		if (known == null || System.nanoTime() - this.answeredNanos > STALE_INTERVALS * this.intervalNanos) {
			return null;
		}
		return known;
	}

	private void refreshSoon() {
		if (System.nanoTime() - this.lastRefreshNanos > MIN_EARLY_REFRESH_NANOS && !this.scheduler.isShutdown()
				&& this.earlyRefreshQueued.compareAndSet(false, true)) {
			try {
				this.scheduler.execute(this::refresh);
			}
			catch (RejectedExecutionException ex) {
				// Closed meanwhile.
			}
		}
	}

	private void refresh() {
		// Runs on the one scheduler thread only.
		this.earlyRefreshQueued.set(false);
		this.lastRefreshNanos = System.nanoTime();
		try {
			Set<String> topics = lookUp();
			this.served = topics;
			this.answeredNanos = System.nanoTime();
			this.firstAnswer.countDown();
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.debug(ex, "Could not look up the consumer groups; topics count as served until it succeeds");
		}
	}

	private Set<String> lookUp() throws Exception {
		long timeout = this.lookupTimeout.toMillis();
		List<String> groups = this.admin.listGroups(ListGroupsOptions.forConsumerGroups())
			.all()
			.get(timeout, TimeUnit.MILLISECONDS)
			.stream()
			.map(GroupListing::groupId)
			.toList();
		Set<String> topics = new HashSet<>();
		if (groups.isEmpty()) {
			return topics;
		}
		Map<String, ConsumerGroupDescription> descriptions = this.admin.describeConsumerGroups(groups)
			.all()
			.get(timeout, TimeUnit.MILLISECONDS);
		for (ConsumerGroupDescription group : descriptions.values()) {
			for (MemberDescription member : group.members()) {
				addTopics(topics, member.assignment());
				member.targetAssignment().ifPresent((target) -> addTopics(topics, target));
			}
		}
		return topics;
	}

	private static void addTopics(Set<String> topics, MemberAssignment assignment) {
		for (TopicPartition partition : assignment.topicPartitions()) {
			topics.add(partition.topic());
		}
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
		this.admin.close(Duration.ofSeconds(1));
	}

}
