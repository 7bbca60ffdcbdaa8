package dev.requestreply.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.support.SupervisedLoop;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * Health of request-reply: {@code UP} when the reply consumer reads (so requests are accepted)
 * and every {@link dev.requestreply.ReplyHandler @ReplyHandler} container runs with all its
 * consumers; {@code DOWN} with the reason otherwise. Completion threads saturated by callbacks
 * that block show in the details, without changing the status.
 *
 * @since 0.1.0
 */
public class RequestReplyHealthIndicator extends AbstractHealthIndicator {

	private final @Nullable RequestReplyTemplate template;

	private final @Nullable ReplyHandlerContainers handlerContainers;

	/**
	 * Create the indicator.
	 * @param template the template, or {@code null} on a responder without requester
	 * @param handlerContainers the handler containers, or {@code null} without handlers
	 */
	public RequestReplyHealthIndicator(@Nullable RequestReplyTemplate template,
			@Nullable ReplyHandlerContainers handlerContainers) {
		super("Request-reply health check failed");
		this.template = template;
		this.handlerContainers = handlerContainers;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<String> problems = new ArrayList<>();
		if (this.template != null) {
			builder.withDetail("replyTopic", this.template.getReplyTopic());
			builder.withDetail("pending", this.template.getRegistry().pendingCount());
			// Not DOWN: requests still end on time, only their futures complete late.
			builder.withDetail("completionThreads", this.template.getCompletionThreads());
			String refusal = this.template.getRefusalReason();
			if (refusal != null) {
				problems.add(refusal);
			}
		}
		if (this.handlerContainers != null) {
			// Handlers in queue mode have share consumers (background loops below), no container.
			int expected = (int) this.handlerContainers.getEndpoints()
				.stream()
				.filter((endpoint) -> this.handlerContainers.shareGroupId(endpoint) == null)
				.count();
			builder.withDetail("handlers", this.handlerContainers.getEndpoints().size());
			List<ConcurrentMessageListenerContainer<byte[], byte[]>> containers = this.handlerContainers
				.getContainers();
			if (containers.size() < expected) {
				problems.add((expected - containers.size()) + " of " + expected + " handler container(s) not started");
			}
			Map<String, String> stopReasons = this.handlerContainers.getStopReasons();
			for (ConcurrentMessageListenerContainer<byte[], byte[]> container : containers) {
				String stopReason = stopReasons.get(container.getListenerId());
				String because = (stopReason != null) ? ": " + stopReason : "";
				if (!container.isRunning()) {
					problems.add("handler container '" + container.getListenerId() + "' is not running" + because);
				}
				else if (stopReason != null || container.getContainers().stream().anyMatch((child) -> !child.isRunning())) {
					problems.add("handler container '" + container.getListenerId() + "' has stopped consumers" + because);
				}
			}
			Map<String, Duration> lags = this.handlerContainers.getLoopLags();
			if (!lags.isEmpty()) {
				Map<String, Long> lagMillis = new LinkedHashMap<>();
				lags.forEach((handler, lag) -> {
					lagMillis.put(handler, lag.toMillis());
					if (lag.compareTo(ReplyHandlerContainers.LOOP_STALL_AFTER) > 0) {
						problems.add("the event loop of handler '" + handler + "' has left an event unprocessed for "
								+ lag.toSeconds() + " s (its handler takes no requests until it catches up)");
					}
				});
				builder.withDetail("handlerLoopLagMillis", lagMillis);
			}
			for (SupervisedLoop.Status loop : this.handlerContainers.getBackgroundLoops()) {
				builder.withDetail(loop.name(), loop.state());
				if (loop.state() != SupervisedLoop.State.RUNNING && this.handlerContainers.isRunning()) {
					problems.add("background loop '" + loop.name() + "' is " + loop.state() + " after "
							+ loop.restarts() + " restart(s), last failure: " + loop.lastError());
				}
			}
		}
		if (problems.isEmpty()) {
			builder.up();
		}
		else {
			builder.down().withDetail("reason", String.join("; ", problems));
		}
	}

}
