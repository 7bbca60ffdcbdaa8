package dev.requestreply;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
	 * Answers {@code "echo:" + request}; {@link #hold()} makes it wait until released.
	 */
	public static class Echo {

		final AtomicInteger calls = new AtomicInteger();

		final AtomicInteger waiting = new AtomicInteger();

		private volatile CountDownLatch gate = new CountDownLatch(0);

		CountDownLatch hold() {
			this.gate = new CountDownLatch(1);
			return this.gate;
		}

		@ReplyHandler(topics = "${test.topic}")
		String echo(String text) throws InterruptedException {
			this.calls.incrementAndGet();
			this.waiting.incrementAndGet();
			try {
				this.gate.await(30, TimeUnit.SECONDS);
			}
			finally {
				this.waiting.decrementAndGet();
			}
			return "echo:" + text;
		}

	}

}
