package dev.requestreply.handler;

import dev.requestreply.ReplyHandler;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanInitializationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Discovery of handlers in queue mode: an ordering written out is told from the default one.
 */
class QueueModeDiscoveryTests {

	private final ReplyHandlerBeanPostProcessor discoverer = new ReplyHandlerBeanPostProcessor();

	@Test
	void whenQueueHandlerKeepsTheDefaultOrderingThenItIsDiscoveredWithoutExplicitOrdering() {
		this.discoverer.postProcessAfterInitialization(new DefaultOrdering(), "handlers");
		ReplyHandlerEndpoint endpoint = this.discoverer.getEndpoints().get(0);
		assertThat(endpoint.queue()).isTrue();
		assertThat(endpoint.orderingExplicit()).isFalse();
	}

	@Test
	void whenQueueHandlerNamesKeyOrderingThenDiscoveryFailsSayingWhy() {
		assertThatExceptionOfType(BeanInitializationException.class)
			.isThrownBy(() -> this.discoverer.postProcessAfterInitialization(new KeyOrdering(), "handlers"))
			.withMessageContaining("'handlers.answer' runs in queue mode")
			.withMessageContaining("names ordering = KEY, but share groups order nothing");
	}

	@Test
	void whenHandlerNamesKeyOrderingOutsideQueueModeThenItIsExplicit() {
		this.discoverer.postProcessAfterInitialization(new KeyOrderingInGroup(), "handlers");
		ReplyHandlerEndpoint endpoint = this.discoverer.getEndpoints().get(0);
		assertThat(endpoint.queue()).isFalse();
		assertThat(endpoint.orderingExplicit()).isTrue();
		assertThat(endpoint.ordering()).isEqualTo(ReplyHandler.Ordering.KEY);
	}

	@Test
	void whenQueueHandlerNamesNoOrderingThenItIsDiscovered() {
		this.discoverer.postProcessAfterInitialization(new NoOrdering(), "handlers");
		assertThat(this.discoverer.getEndpoints().get(0).ordering()).isEqualTo(ReplyHandler.Ordering.NONE);
	}

	static class DefaultOrdering {

		@ReplyHandler(topics = "requests", queue = true)
		String answer(String request) {
			return request;
		}

	}

	static class KeyOrdering {

		@ReplyHandler(topics = "requests", queue = true, ordering = ReplyHandler.Ordering.KEY)
		String answer(String request) {
			return request;
		}

	}

	static class KeyOrderingInGroup {

		@ReplyHandler(topics = "requests", ordering = ReplyHandler.Ordering.KEY)
		String answer(String request) {
			return request;
		}

	}

	static class NoOrdering {

		@ReplyHandler(topics = "requests", queue = true, ordering = ReplyHandler.Ordering.NONE)
		String answer(String request) {
			return request;
		}

	}

}
