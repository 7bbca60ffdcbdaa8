package dev.requestreply.responder;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.requestreply.actuate.RequestReplyHealthIndicator;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyHandlerExecution;
import dev.requestreply.handler.ReplyHandlerOutcomeListener;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.support.SupervisedLoop;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lag of each handler's event loop in health: a detail always, {@code DOWN} naming the
 * handler once it passed the loop's bound.
 */
class LoopHealthTests {

	@Test
	void whenAHandlersLoopIsBehindPastItsBoundThenHealthIsDownNamingTheHandler() {
		Health health = new RequestReplyHealthIndicator(null,
				new Handlers(Map.of("pricing.quote", Duration.ofSeconds(42), "orders.place", Duration.ZERO)))
			.health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails().get("reason")).asString()
			.contains("the event loop of handler 'pricing.quote' has left an event unprocessed for 42 s")
			.doesNotContain("orders.place");
		assertThat(health.getDetails().get("handlerLoopLagMillis"))
			.isEqualTo(Map.of("pricing.quote", 42_000L, "orders.place", 0L));
	}

	@Test
	void whenEveryLoopIsWithinItsBoundThenHealthIsUpWithTheirLags() {
		Health health = new RequestReplyHealthIndicator(null,
				new Handlers(Map.of("pricing.quote", Duration.ofMillis(1500))))
			.health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails().get("handlerLoopLagMillis")).isEqualTo(Map.of("pricing.quote", 1500L));
	}

	// The handlers as the health indicator sees them: no container, loops with the given lags.
	private record Handlers(Map<String, Duration> lags) implements ReplyHandlerContainers {

		@Override
		public boolean isRunning() {
			return true;
		}

		@Override
		public List<ReplyHandlerEndpoint> getEndpoints() {
			return List.of();
		}

		@Override
		public String groupId(ReplyHandlerEndpoint endpoint) {
			return "pricing";
		}

		@Override
		public Map<String, ReplyHandlerStats> getStats() {
			return Map.of();
		}

		@Override
		public Map<String, ReplyHandlerExecution> getExecution() {
			return Map.of();
		}

		@Override
		public List<SupervisedLoop.Status> getBackgroundLoops() {
			return List.of();
		}

		@Override
		public Map<String, Duration> getLoopLags() {
			return this.lags;
		}

		@Override
		public List<ConcurrentMessageListenerContainer<byte[], byte[]>> getContainers() {
			return List.of();
		}

		@Override
		public void addOutcomeListener(ReplyHandlerOutcomeListener listener) {
		}

	}

}
