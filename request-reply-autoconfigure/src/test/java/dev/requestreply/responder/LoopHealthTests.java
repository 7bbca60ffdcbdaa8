package dev.requestreply.responder;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.requestreply.actuate.RequestReplyHealthIndicator;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lag of each handler's event loop in health: a detail always, {@code DOWN} naming the
 * handler once it passed the loop's bound.
 */
class LoopHealthTests {

	@Test
	void whenAHandlersLoopIsBehindPastItsBoundThenHealthIsDownNamingTheHandler() {
		Health health = new RequestReplyHealthIndicator(null,
				handlers(Map.of("pricing.quote", Duration.ofSeconds(42), "orders.place", Duration.ZERO)))
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
				handlers(Map.of("pricing.quote", Duration.ofMillis(1500))))
			.health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails().get("handlerLoopLagMillis")).isEqualTo(Map.of("pricing.quote", 1500L));
	}

	private static HealthHandlers handlers(Map<String, Duration> lags) {
		return new HealthHandlers(List.of(), Map::of, lags);
	}

}
