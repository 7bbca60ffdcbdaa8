package dev.requestreply.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.requestreply.CorrelationId;
import dev.requestreply.CorrelationRegistry;
import dev.requestreply.PendingRequestInfo;
import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.RequestStatistics;
import dev.requestreply.ReplyHandler;
import dev.requestreply.durable.DurableRequests;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyHandlerExecution;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.support.SupervisedLoop;
import dev.requestreply.requester.CompletionThreadsView;
import dev.requestreply.requester.ReplyPartitionsView;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.util.Assert;

/**
 * The {@code requestreply} actuator endpoint: the figures of this application's requests (in
 * total and by target topic), its oldest pending requests, and its
 * {@link dev.requestreply.ReplyHandler @ReplyHandler} methods and its durable requests; one
 * pending request by correlation id, and cancelling it. It shows identifiers, counts and times
 * only, never a payload, key or header value.
 *
 * @since 0.1.0
 */
@Endpoint(id = "requestreply")
public class RequestReplyEndpoint {

	private final RequestReplyTemplate template;

	private final RequestReplyTopicStatistics topicStatistics;

	private final @Nullable ReplyHandlerContainers handlerContainers;

	private final int maxOldest;

	private final @Nullable DurableRequests durable;

	/**
	 * Create the endpoint.
	 * @param template the request-reply template
	 * @param topicStatistics the figures by target topic (registered as a listener of the
	 * template's registry)
	 * @param handlerContainers the handler containers, or {@code null} when handlers are disabled
	 * @param maxOldest how many of the oldest pending requests to list at most
	 */
	public RequestReplyEndpoint(RequestReplyTemplate template, RequestReplyTopicStatistics topicStatistics,
			@Nullable ReplyHandlerContainers handlerContainers, int maxOldest) {
		this(template, topicStatistics, handlerContainers, maxOldest, null);
	}

	/**
	 * Create the endpoint.
	 * @param template the request-reply template
	 * @param topicStatistics the figures by target topic (registered as a listener of the
	 * template's registry)
	 * @param handlerContainers the handler containers, or {@code null} when handlers are disabled
	 * @param maxOldest how many of the oldest pending requests to list at most
	 * @param durable the durable requests of the application, or {@code null} when there are none
	 * @since 0.4.0
	 */
	public RequestReplyEndpoint(RequestReplyTemplate template, RequestReplyTopicStatistics topicStatistics,
			@Nullable ReplyHandlerContainers handlerContainers, int maxOldest, @Nullable DurableRequests durable) {
		Assert.notNull(template, "'template' must not be null");
		Assert.notNull(topicStatistics, "'topicStatistics' must not be null");
		Assert.isTrue(maxOldest >= 0, "'maxOldest' must not be negative");
		this.template = template;
		this.topicStatistics = topicStatistics;
		this.handlerContainers = handlerContainers;
		this.maxOldest = maxOldest;
		this.durable = durable;
	}

	/**
	 * Describe the requests and handlers of this application.
	 * @return the description
	 */
	@ReadOperation
	public RequestReplyDescriptor requestReply() {
		CorrelationRegistry registry = this.template.getRegistry();
		List<PendingRequestDescriptor> oldest = registry.oldest(this.maxOldest)
			.stream()
			.map(PendingRequestDescriptor::of)
			.toList();
		RequestStatistics figures = registry.statistics();
		return new RequestReplyDescriptor(this.template.getReplyTopic(), this.template.getInstanceId(),
				this.template.isAccepting(), registry.pendingCount(), registry.getMaxPending(), figures.completed(),
				figures.timeouts(), figures.partialGathers(), figures.errors(), figures.cancelled(), this.template.getCancelsSent(), figures.rejected(), figures.lateReplies(),
				figures.duplicateReplies(), figures.foreignReplies(), figures.invalidReplies(), figures.noResponder(),
				figures.replyPathDown(), figures.streamOverflows(), this.template.getCompletionThreads(),
				this.template.getReplyPartitions(), topics(registry), oldest, handlers(), handlerLoops(),
				(this.durable != null) ? DurableRequestsDescriptor.of(this.durable) : null);
	}

	/**
	 * Describe one pending request.
	 * @param correlationId the correlation id, in UUID form
	 * @return the request, or {@code null} (404 over HTTP) when no request with that id is
	 * pending
	 */
	@ReadOperation
	public @Nullable PendingRequestDescriptor pendingRequest(@Selector String correlationId) {
		return this.template.getRegistry()
			.find(parse(correlationId))
			.map(PendingRequestDescriptor::of)
			.orElse(null);
	}

	/**
	 * Cancel one pending request: its future fails with a
	 * {@link dev.requestreply.RequestReplyException}, and a reply arriving later counts as late.
	 * @param correlationId the correlation id, in UUID form
	 * @return whether a pending request was cancelled
	 */
	@DeleteOperation
	public CancellationDescriptor cancel(@Selector String correlationId) {
		CorrelationId id = parse(correlationId);
		return new CancellationDescriptor(id.toString(), this.template.cancel(id));
	}

	private static CorrelationId parse(String correlationId) {
		try {
			return CorrelationId.parse(correlationId);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException("Correlation id '" + correlationId + "' is no UUID",
					"Correlation id is no UUID", ex);
		}
	}

	private Map<String, TopicDescriptor> topics(CorrelationRegistry registry) {
		Map<String, Integer> pending = registry.pendingByTopic();
		Map<String, RequestReplyTopicStatistics.Snapshot> ended = this.topicStatistics.snapshot();
		TreeSet<String> names = new TreeSet<>(ended.keySet());
		names.addAll(pending.keySet());
		Map<String, TopicDescriptor> topics = new LinkedHashMap<>();
		RequestReplyTopicStatistics.Snapshot none = new RequestReplyTopicStatistics.Snapshot(0, 0, 0, 0, 0, 0, null,
				null);
		for (String name : names) {
			RequestReplyTopicStatistics.Snapshot figures = ended.getOrDefault(name, none);
			topics.put(name, new TopicDescriptor(pending.getOrDefault(name, 0), figures.completed(),
					figures.timeouts(), figures.partialGathers(), figures.errors(), figures.cancelled(),
					new RoundTripDescriptor(figures.samples(), figures.p50Millis(), figures.p99Millis())));
		}
		return topics;
	}

	private Map<String, HandlerDescriptor> handlers() {
		ReplyHandlerContainers containers = this.handlerContainers;
		if (containers == null) {
			return Map.of();
		}
		Map<String, ReplyHandlerStats> stats = containers.getStats();
		Map<String, ReplyHandlerExecution> execution = containers.getExecution();
		List<String> running = new ArrayList<>();
		for (MessageListenerContainer container : containers.getContainers()) {
			if (container.isRunning()) {
				running.add(container.getListenerId());
			}
		}
		Map<String, HandlerDescriptor> handlers = new TreeMap<>();
		for (ReplyHandlerEndpoint endpoint : containers.getEndpoints()) {
			ReplyHandlerStats figures = stats.get(endpoint.id());
			String shareGroup = containers.shareGroupId(endpoint);
			boolean isRunning = (shareGroup != null) ? containers.isRunning()
					: running.contains(ReplyHandlerContainers.containerName(endpoint));
			handlers.put(endpoint.id(), HandlerDescriptor.of(endpoint, isRunning,
					(figures != null) ? figures : new ReplyHandlerStats(), execution.get(endpoint.id()), shareGroup));
		}
		return handlers;
	}

	private List<SupervisedLoop.Status> handlerLoops() {
		return (this.handlerContainers != null) ? this.handlerContainers.getBackgroundLoops() : List.of();
	}

	/**
	 * Description of this application's requests and handlers.
	 *
	 * @param replyTopic the shared reply topic
	 * @param instanceId the name of this instance (request-reply.instance-id)
	 * @param accepting whether the reply consumer runs, so that requests are accepted
	 * @param pending requests waiting for a reply
	 * @param maxPending the number of pending requests past which requests are refused
	 * @param completed requests answered with a reply that converted
	 * @param timeouts requests that timed out
	 * @param partialGathers scatter-gathers that reached their timeout with some replies and
	 * completed with them (not among {@code timeouts})
	 * @param errors requests that failed
	 * @param cancelled requests cancelled before their reply
	 * @param cancelsSent cancel records sent for requests given up on (cancelled, timed out)
	 * @param rejected requests refused because too many were pending
	 * @param lateReplies replies that arrived after their request timed out or was cancelled
	 * @param duplicateReplies second replies to a request already answered
	 * @param foreignReplies replies skipped as another instance's
	 * @param invalidReplies replies skipped for lack of a correlation id
	 * @param noResponder requests refused because no consumer group with a live member read their
	 * topic
	 * @param replyPathDown requests refused because the reply consumer could not read
	 * @param streamOverflows stream replies failed because their subscriber fell behind the buffer,
	 * or because too many of their elements arrived out of order
	 * @param completionThreads the threads futures complete on, and how often callbacks that block
	 * saturated them
	 * @param replyPartitions the reply partitions this instance owns and reads
	 * @param topics figures by target topic
	 * @param oldestPending the requests that have waited longest, oldest first
	 * @param handlers the {@code @ReplyHandler} methods by handler id ({@code bean.method})
	 * @param handlerLoops the background loops the handlers rely on (watchdog, cancel reader)
	 * @param durable the durable requests of this instance, or {@code null} without them
	 */
	public record RequestReplyDescriptor(String replyTopic, String instanceId, boolean accepting, int pending,
			int maxPending, long completed, long timeouts, long partialGathers, long errors, long cancelled,
			long cancelsSent, long rejected, long lateReplies,
			long duplicateReplies, long foreignReplies, long invalidReplies, long noResponder, long replyPathDown,
			long streamOverflows, CompletionThreadsView completionThreads, ReplyPartitionsView replyPartitions,
			Map<String, TopicDescriptor> topics,
			List<PendingRequestDescriptor> oldestPending,
			Map<String, HandlerDescriptor> handlers, List<SupervisedLoop.Status> handlerLoops,
			@Nullable DurableRequestsDescriptor durable) implements OperationResponseBody {

	}

	/**
	 * Figures of the requests sent to one topic.
	 *
	 * @param pending requests waiting for a reply
	 * @param completed requests answered with a reply that converted
	 * @param timeouts requests that timed out
	 * @param partialGathers scatter-gathers that reached their timeout with some replies and
	 * completed with them
	 * @param errors requests that failed
	 * @param cancelled requests cancelled before their reply
	 * @param roundTrip round trip percentiles of recent replies
	 */
	public record TopicDescriptor(int pending, long completed, long timeouts, long partialGathers, long errors,
			long cancelled,
			RoundTripDescriptor roundTrip) {

	}

	/**
	 * Round trip percentiles of the most recent replies (success or error) of one topic.
	 *
	 * @param samples how many round trips they are computed from
	 * @param p50Millis the median in milliseconds, or {@code null} without samples
	 * @param p99Millis the 99th percentile in milliseconds, or {@code null} without samples
	 */
	public record RoundTripDescriptor(int samples, @Nullable Double p50Millis, @Nullable Double p99Millis) {

	}

	/**
	 * One pending request: identifiers and times only.
	 *
	 * @param correlationId the correlation id in UUID form
	 * @param topic the topic the request was sent to
	 * @param ageMillis milliseconds since it was sent
	 * @param timeLeftMillis milliseconds until it times out (zero or negative when overdue)
	 */
	public record PendingRequestDescriptor(String correlationId, String topic, long ageMillis,
			long timeLeftMillis) implements OperationResponseBody {

		static PendingRequestDescriptor of(PendingRequestInfo info) {
			return new PendingRequestDescriptor(info.correlationId().toString(), info.topic(), info.age().toMillis(),
					info.timeLeft().toMillis());
		}

	}

	/**
	 * The result of a cancellation.
	 *
	 * @param correlationId the correlation id in UUID form
	 * @param cancelled whether a pending request with that id was found and cancelled
	 */
	public record CancellationDescriptor(String correlationId, boolean cancelled) implements OperationResponseBody {

	}

	/**
	 * One {@code @ReplyHandler} method.
	 *
	 * @param topics the topics it serves
	 * @param running whether its listener container runs
	 * @param handled requests answered with a reply
	 * @param failed requests answered with an error reply
	 * @param expired requests skipped because their deadline had passed
	 * @param malformed requests whose payload or headers could not be read
	 * @param rejected requests skipped because no reply could be addressed
	 * @param refused requests skipped because their reply topic is not allowed
	 * @param replyFailures replies that could not be sent
	 * @param authorizationFailures times the broker refused the handler's consumer
	 * @param cancelled requests whose requester gave up: stopped in hand, or skipped
	 * @param replayed requests delivered again and answered with their remembered reply
	 * @param alreadyFinished requests delivered again that had finished before (skipped)
	 * @param overruns calls still running well after their request ended
	 * @param ordering the order its requests are handled in ({@code NONE} in queue mode)
	 * @param execution how it executes its requests now (calls running and queued, requests in
	 * hand, time waiting for a thread, lowest unfinished offset per partition), or {@code null}
	 * while it does not run
	 * @param queue whether it reads in a share group (queue mode)
	 * @param shareGroup its share group in queue mode, else {@code null}
	 * @param redelivered requests the share group delivered again (queue mode)
	 * @param aborted requests on their last allowed delivery, answered {@code ABORTED} (queue mode)
	 * @param revokeFinished requests running when their partition was revoked that finished within
	 * the revoke grace (consumer groups)
	 * @param revokeCancelled requests running when their partition was revoked past the grace, or
	 * lost, ended as cancelled for the partition's next owner (consumer groups)
	 * @param reruns requests run a second time: the partition's previous owner had started them
	 * and not finished them (consumer groups)
	 */
	public record HandlerDescriptor(List<String> topics, boolean running, long handled, long failed, long expired,
			long malformed, long rejected, long refused, long replyFailures, long authorizationFailures, long cancelled,
			long replayed, long alreadyFinished, long overruns, ReplyHandler.Ordering ordering,
			@Nullable ReplyHandlerExecution execution, boolean queue, @Nullable String shareGroup, long redelivered, long aborted,
			long revokeFinished, long revokeCancelled, long reruns) {

		static HandlerDescriptor of(ReplyHandlerEndpoint endpoint, boolean running, ReplyHandlerStats stats,
				@Nullable ReplyHandlerExecution execution, @Nullable String shareGroup) {
			return new HandlerDescriptor(endpoint.topics(), running, stats.handled(), stats.failed(), stats.expired(),
					stats.malformed(), stats.rejected(), stats.refused(), stats.replyFailures(),
					stats.authorizationFailures(), stats.cancelled(), stats.replayed(), stats.alreadyFinished(),
					stats.overruns(), (shareGroup != null) ? ReplyHandler.Ordering.NONE : endpoint.ordering(), execution,
					shareGroup != null, shareGroup, stats.redelivered(), stats.aborted(), stats.revokeFinished(),
					stats.revokeCancelled(), stats.reruns());
		}

	}

}
