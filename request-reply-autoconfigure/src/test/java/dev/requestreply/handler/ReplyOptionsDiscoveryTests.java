package dev.requestreply.handler;

import dev.requestreply.ReplyHandler;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanInitializationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Discovery of the reply options a handler sets on its annotation, over the defaults of every
 * handler.
 */
class ReplyOptionsDiscoveryTests {

	private final ReplyHandlerBeanPostProcessor discoverer = new ReplyHandlerBeanPostProcessor();

	@Test
	void whenHandlerTurnsResponderHeadersOffThenItsRepliesCarryNoneWhateverTheDefaults() {
		this.discoverer.postProcessAfterInitialization(new WithoutResponderHeaders(), "handlers");
		ReplyOptions options = this.discoverer.getEndpoints().get(0).replyOptions();
		assertThat(options.responderHeaders()).isFalse();
		assertThat(options.orElse(ReplyOptions.DEFAULTS).carriesResponderHeaders()).isFalse();
	}

	@Test
	void whenHandlerSetsNothingThenTheDefaultsApply() {
		this.discoverer.postProcessAfterInitialization(new Plain(), "handlers");
		ReplyOptions options = this.discoverer.getEndpoints().get(0).replyOptions();
		assertThat(options).isEqualTo(ReplyOptions.UNSET);
		assertThat(options.orElse(ReplyOptions.DEFAULTS).carriesResponderHeaders()).isTrue();
		assertThat(options.orElse(new ReplyOptions(false)).carriesResponderHeaders()).isFalse();
	}

	@Test
	void whenResponderHeadersIsNoBooleanThenDiscoveryFailsNamingTheHandler() {
		assertThatExceptionOfType(BeanInitializationException.class)
			.isThrownBy(() -> this.discoverer.postProcessAfterInitialization(new NoBoolean(), "handlers"))
			.withMessageContaining("'handlers.answer'")
			.withMessageContaining("responderHeaders that is neither true nor false: 'no'");
	}

	static class WithoutResponderHeaders {

		@ReplyHandler(topics = "requests", responderHeaders = "false")
		String answer(String request) {
			return request;
		}

	}

	static class Plain {

		@ReplyHandler(topics = "requests")
		String answer(String request) {
			return request;
		}

	}

	static class NoBoolean {

		@ReplyHandler(topics = "requests", responderHeaders = "no")
		String answer(String request) {
			return request;
		}

	}

}
