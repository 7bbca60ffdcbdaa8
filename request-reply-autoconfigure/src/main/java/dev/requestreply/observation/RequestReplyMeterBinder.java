package dev.requestreply.observation;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.requestreply.CorrelationRegistry;
import dev.requestreply.RequestStatistics;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.requester.FastFailure;
import dev.requestreply.requester.SkippedReply;
import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyHandlerExecution;
import dev.requestreply.handler.ReplyHandlerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Binds request-reply's meters to a registry:
 * <ul>
 * <li>{@value #REQUESTS}: a timer of round trips, tagged {@code topic} and {@code outcome}
 * ({@code success}, {@code timeout}, {@code error}, {@code cancelled}, and {@code partial} for a
 * scatter-gather its timeout completed with some replies);</li>
 * <li>{@value #PENDING}: a gauge of requests waiting for a reply;</li>
 * <li>{@value #PENDING_LIMIT}: a gauge of the number of pending requests past which requests are
 * refused ({@code request-reply.max-pending}), so that alerts compare the two;</li>
 * <li>{@value #REPLIES_SKIPPED}: a counter of replies that completed no request, tagged
 * {@code reason} ({@code late}, {@code duplicate}, {@code foreign}, {@code invalid});</li>
 * <li>{@value #REJECTED}: a counter of requests refused because too many were pending;</li>
 * <li>{@value #FAILED_FAST}: a counter of requests that failed at once rather than waiting for
 * their timeout, tagged {@code reason} ({@code no-responder}, {@code reply-path-down},
 * {@code stream-overflow});</li>
 * <li>{@value #HANDLER}: a timer of {@link dev.requestreply.ReplyHandler @ReplyHandler}
 * invocations, tagged {@code topic} and {@code outcome} ({@code success}, {@code error},
 * {@code expired}, {@code malformed}).</li>
 * <li>{@value #HANDLER_ACTIVE}, {@value #HANDLER_QUEUED} and {@value #HANDLER_IN_HAND}: gauges of
 * each handler's calls running, requests waiting for a thread, and requests in hand, tagged
 * {@code handler} ({@code bean.method}); {@value #HANDLER_WAIT}: a function timer of the time its
 * calls waited for a thread.</li>
 * <li>{@value #HANDLER_REDELIVERED} and {@value #HANDLER_ABORTED}: counters of the requests of
 * each handler in queue mode delivered again by its share group, and answered {@code ABORTED} on
 * their last allowed delivery, tagged {@code handler}.</li>
 * <li>{@value #HANDLER_REVOKE_FINISHED} and {@value #HANDLER_REVOKE_CANCELLED}: counters of the
 * requests of each handler in a consumer group that were running when their partition was
 * revoked, and finished within the revoke grace, or were ended as cancelled for the partition's
 * next owner (past the grace, or the partition lost), tagged {@code handler}.</li>
 * <li>{@value #HANDLER_RERUNS}: a counter of the requests of each handler in a consumer group that
 * ran a second time, started by the partition's previous owner and not finished there, tagged
 * {@code handler}.</li>
 * </ul>
 * Tags are low-cardinality: never a correlation id, key or payload.
 *
 * @since 0.1.0
 */
public class RequestReplyMeterBinder implements MeterBinder {

	/**
	 * Name of the round-trip timer.
	 */
	public static final String REQUESTS = "requestreply.requests";

	/**
	 * Name of the pending requests gauge.
	 */
	public static final String PENDING = "requestreply.pending";

	/**
	 * Name of the gauge of the pending requests limit.
	 */
	public static final String PENDING_LIMIT = "requestreply.pending.limit";

	/**
	 * Name of the skipped replies counter.
	 */
	public static final String REPLIES_SKIPPED = "requestreply.replies.skipped";

	/**
	 * Name of the rejected requests counter.
	 */
	public static final String REJECTED = "requestreply.requests.rejected";

	/**
	 * Name of the counter of requests that failed fast.
	 * @since 0.2.0
	 */
	public static final String FAILED_FAST = "requestreply.requests.failed.fast";

	/**
	 * Name of the handler invocation timer.
	 */
	public static final String HANDLER = "requestreply.handler";

	/**
	 * Name of the gauge of the calls of each handler running now.
	 */
	public static final String HANDLER_ACTIVE = "requestreply.handler.active";

	/**
	 * Name of the gauge of the requests of each handler waiting for a thread.
	 */
	public static final String HANDLER_QUEUED = "requestreply.handler.queued";

	/**
	 * Name of the gauge of the requests each handler has in hand.
	 */
	public static final String HANDLER_IN_HAND = "requestreply.handler.in.hand";

	/**
	 * Name of the gauge of how far behind the event loop of each handler in a consumer group is,
	 * in seconds.
	 */
	public static final String HANDLER_LOOP_LAG = "requestreply.handler.loop.lag";

	/**
	 * Name of the timer of the time each handler's calls waited for a thread.
	 */
	public static final String HANDLER_WAIT = "requestreply.handler.wait";

	/**
	 * Name of the counter of the requests of each handler in queue mode that their share group
	 * delivered again (an earlier delivery ended unanswered, or its lock ran out).
	 * @since 0.3.0
	 */
	public static final String HANDLER_REDELIVERED = "requestreply.handler.redelivered";

	/**
	 * Name of the counter of the requests of each handler in queue mode that came on their last
	 * allowed delivery and were answered {@code ABORTED}.
	 * @since 0.3.0
	 */
	public static final String HANDLER_ABORTED = "requestreply.handler.aborted";

	/**
	 * Name of the counter of the requests of each handler in a consumer group that were running
	 * when their partition was revoked and finished within the revoke grace.
	 * @since 0.4.0
	 */
	public static final String HANDLER_REVOKE_FINISHED = "requestreply.handler.revoke.finished";

	/**
	 * Name of the counter of the requests of each handler in a consumer group that were running
	 * when their partition was revoked (past the grace) or lost, ended as cancelled for its next
	 * owner.
	 * @since 0.4.0
	 */
	public static final String HANDLER_REVOKE_CANCELLED = "requestreply.handler.revoke.cancelled";

	/**
	 * Name of the counter of the requests of each handler in a consumer group that ran a second
	 * time: the partition's previous owner had started them and not finished them.
	 * @since 0.4.0
	 */
	public static final String HANDLER_RERUNS = "requestreply.handler.reruns";

	private static final ReplyHandlerExecution IDLE = new ReplyHandlerExecution(0, 0, 0, 0, 0, 0, 0, 0, Map.of());

	private final @Nullable CorrelationRegistry registry;

	private final @Nullable ReplyHandlerContainers handlerContainers;

	private boolean percentileHistogram;

	/**
	 * Create a binder.
	 * @param registry the registry of pending requests, or {@code null} on a responder without
	 * requester
	 * @param handlerContainers the handler containers, or {@code null} without handlers
	 */
	public RequestReplyMeterBinder(@Nullable CorrelationRegistry registry,
			@Nullable ReplyHandlerContainers handlerContainers) {
		this.registry = registry;
		this.handlerContainers = handlerContainers;
	}

	/**
	 * Set whether the timers publish a percentile histogram. Default false.
	 * @param percentileHistogram whether to publish a percentile histogram
	 */
	public void setPercentileHistogram(boolean percentileHistogram) {
		this.percentileHistogram = percentileHistogram;
	}

	@Override
	public void bindTo(MeterRegistry meterRegistry) {
		Assert.notNull(meterRegistry, "'meterRegistry' must not be null");
		if (this.registry != null) {
			bindRequester(meterRegistry, this.registry);
		}
		if (this.handlerContainers != null) {
			Timers timers = new Timers(meterRegistry, HANDLER, "Time @ReplyHandler methods took per request",
					this.percentileHistogram);
			this.handlerContainers.addEngineOutcomeListener(
					(endpoint, topic, outcome, durationNanos) -> timers.record(topic, outcome.tagValue(), durationNanos));
			for (ReplyHandlerEndpoint endpoint : this.handlerContainers.getEndpoints()) {
				bindExecution(meterRegistry, this.handlerContainers, endpoint);
			}
		}
	}

	private static void bindExecution(MeterRegistry meterRegistry, ReplyHandlerContainers containers,
			ReplyHandlerEndpoint endpoint) {
		String handler = endpoint.id();
		Tags tags = Tags.of("handler", handler);
		Gauge.builder(HANDLER_ACTIVE, containers, (c) -> execution(c, handler).active())
			.description("Calls of a @ReplyHandler method running now")
			.tags(tags)
			.register(meterRegistry);
		Gauge.builder(HANDLER_QUEUED, containers, (c) -> execution(c, handler).queued())
			.description("Requests of a @ReplyHandler method waiting for a thread")
			.tags(tags)
			.register(meterRegistry);
		Gauge.builder(HANDLER_IN_HAND, containers, (c) -> execution(c, handler).inHand())
			.description("Requests a @ReplyHandler method has in hand (queued, running or awaiting their reply)")
			.tags(tags)
			.register(meterRegistry);
		FunctionTimer
			.builder(HANDLER_WAIT, containers, (c) -> execution(c, handler).started(),
					(c) -> execution(c, handler).waitTotalNanos(), TimeUnit.NANOSECONDS)
			.description("Time the calls of a @ReplyHandler method waited for a thread")
			.tags(tags)
			.register(meterRegistry);
		if (containers.shareGroupId(endpoint) != null) {
			FunctionCounter.builder(HANDLER_REDELIVERED, containers, (c) -> stats(c, handler).redelivered())
				.description("Requests of a @ReplyHandler method in queue mode that its share group delivered again")
				.tags(tags)
				.register(meterRegistry);
			FunctionCounter.builder(HANDLER_ABORTED, containers, (c) -> stats(c, handler).aborted())
				.description("Requests of a @ReplyHandler method in queue mode answered ABORTED on their last delivery")
				.tags(tags)
				.register(meterRegistry);
		}
		else {
			Gauge.builder(HANDLER_LOOP_LAG, containers, (c) -> loopLagSeconds(c, handler))
				.description("Age of the oldest event the event loop of a @ReplyHandler method has not processed yet")
				.tags(tags)
				.baseUnit("seconds")
				.register(meterRegistry);
			FunctionCounter.builder(HANDLER_REVOKE_FINISHED, containers, (c) -> stats(c, handler).revokeFinished())
				.description("Requests of a @ReplyHandler method running when their partition was revoked that "
						+ "finished within the revoke grace")
				.tags(tags)
				.register(meterRegistry);
			FunctionCounter.builder(HANDLER_REVOKE_CANCELLED, containers, (c) -> stats(c, handler).revokeCancelled())
				.description("Requests of a @ReplyHandler method running when their partition was revoked past the "
						+ "grace, or lost, ended as cancelled for its next owner")
				.tags(tags)
				.register(meterRegistry);
			FunctionCounter.builder(HANDLER_RERUNS, containers, (c) -> stats(c, handler).reruns())
				.description("Requests of a @ReplyHandler method run a second time: the partition's previous owner "
						+ "had started them and not finished them")
				.tags(tags)
				.register(meterRegistry);
		}
	}

	private static double loopLagSeconds(ReplyHandlerContainers containers, String handler) {
		Duration lag = containers.getLoopLags().get(handler);
		return (lag != null) ? lag.toNanos() / 1e9 : 0;
	}

	private static ReplyHandlerStats stats(ReplyHandlerContainers containers, String handler) {
		ReplyHandlerStats stats = containers.getStats().get(handler);
		return (stats != null) ? stats : new ReplyHandlerStats();
	}

	private static ReplyHandlerExecution execution(ReplyHandlerContainers containers, String handler) {
		ReplyHandlerExecution execution = containers.getExecution().get(handler);
		return (execution != null) ? execution : IDLE;
	}

	private void bindRequester(MeterRegistry meterRegistry, CorrelationRegistry registry) {
		Gauge.builder(PENDING, registry, CorrelationRegistry::pendingCount)
			.description("Requests waiting for a reply")
			.register(meterRegistry);
		Gauge.builder(PENDING_LIMIT, registry, CorrelationRegistry::getMaxPending)
			.description("Pending requests past which new requests are refused")
			.register(meterRegistry);
		for (SkippedReply reason : SkippedReply.values()) {
			FunctionCounter.builder(REPLIES_SKIPPED, registry, (r) -> skipped(r.statistics(), reason))
				.description("Replies that completed no request of this instance")
				.tag("reason", reason.tagValue())
				.register(meterRegistry);
		}
		FunctionCounter.builder(REJECTED, registry, CorrelationRegistry::rejectedCount)
			.description("Requests refused because too many were pending")
			.register(meterRegistry);
		for (FastFailure reason : FastFailure.values()) {
			FunctionCounter.builder(FAILED_FAST, registry, (r) -> failedFast(r.statistics(), reason))
				.description("Requests that failed at once rather than waiting for their timeout")
				.tag("reason", reason.tagValue())
				.register(meterRegistry);
		}
		Timers timers = new Timers(meterRegistry, REQUESTS, "Round trips of requests, from send to their end",
				this.percentileHistogram);
		registry.addEngineListener(
				(topic, outcome, durationNanos) -> timers.record(topic, outcome.tagValue(), durationNanos));
	}

	private static long skipped(RequestStatistics figures, SkippedReply reason) {
		return switch (reason) {
			case LATE -> figures.lateReplies();
			case DUPLICATE -> figures.duplicateReplies();
			case FOREIGN -> figures.foreignReplies();
			case INVALID -> figures.invalidReplies();
		};
	}

	private static long failedFast(RequestStatistics figures, FastFailure reason) {
		return switch (reason) {
			case NO_RESPONDER -> figures.noResponder();
			case REPLY_PATH_DOWN -> figures.replyPathDown();
			case STREAM_OVERFLOW -> figures.streamOverflows();
		};
	}

	/**
	 * Timers of one name by topic and outcome, cached so recording does not build a meter id.
	 */
	private static final class Timers {

		private final MeterRegistry meterRegistry;

		private final String name;

		private final String description;

		private final boolean percentileHistogram;

		private final Map<String, Map<String, Timer>> byTopic = new ConcurrentHashMap<>();

		Timers(MeterRegistry meterRegistry, String name, String description, boolean percentileHistogram) {
			this.meterRegistry = meterRegistry;
			this.name = name;
			this.description = description;
			this.percentileHistogram = percentileHistogram;
		}

		void record(String topic, String outcome, long durationNanos) {
			this.byTopic.computeIfAbsent(topic, (key) -> new ConcurrentHashMap<>())
				.computeIfAbsent(outcome, (key) -> Timer.builder(this.name)
					.description(this.description)
					.tags(Tags.of("topic", topic, "outcome", outcome))
					// null rather than false, so that management.metrics.distribution.* still applies
					.publishPercentileHistogram(this.percentileHistogram ? Boolean.TRUE : null)
					.register(this.meterRegistry))
				.record(durationNanos, TimeUnit.NANOSECONDS);
		}

	}

}
