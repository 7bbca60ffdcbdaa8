package dev.requestreply;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Applications the multi-instance tests start: a requester, and an echo responder on
 * {@code ${test.topic}} that counts its calls and can be held.
 */
public final class TestResponders {

	private TestResponders() {
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	public static class RequesterApp {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	public static class EchoApp {

		@Bean
		Echo echo() {
			return new Echo();
		}

	}

	/**
	 * Answers {@code "echo:" + request}, each call passing its {@link #gate}.
	 */
	public static class Echo {

		final TestGate gate = new TestGate();

		@ReplyHandler(topics = "${test.topic}")
		String echo(String text) throws InterruptedException {
			this.gate.pass();
			return "echo:" + text;
		}

	}

}
