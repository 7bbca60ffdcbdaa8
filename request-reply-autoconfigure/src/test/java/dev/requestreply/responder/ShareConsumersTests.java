package dev.requestreply.responder;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ShareConsumersTests {

	// Not started: no consumer is made, so none of the handler's pieces is needed.
	private static final ShareParts PARTS = new ShareParts(null, null, null, null, Duration.ofSeconds(30), null, 5);

	@Test
	void whenAQueueHandlerAsksForMoreShareConsumersThanThreadsThenItHasOnePerThread() {
		// Each consumer acquires at least one request a poll: eight would hold eight for four threads.
		ShareConsumers consumers = new ShareConsumers("quote", List.of("pricing-quote"), Map.of(), "pricing.share", 8,
				4, PARTS);
		assertThat(consumers.loops()).hasSize(4);
	}

	@Test
	void whenItAsksForFewerThanItsThreadsThenItHasAsManyAsAsked() {
		ShareConsumers consumers = new ShareConsumers("quote", List.of("pricing-quote"), Map.of(), "pricing.share", 4,
				64, PARTS);
		assertThat(consumers.loops()).hasSize(4);
	}

}
