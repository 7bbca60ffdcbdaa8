package dev.requestreply.test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.requestreply.ReplyHandler;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A small application with a requester and three handlers: one that answers, one that fails,
 * one that answers after {@link #SLOW}.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class TestHandlers {

	static final Duration SLOW = Duration.ofMillis(500);

	@Bean
	Handlers handlers() {
		return new Handlers();
	}

	static class Handlers {

		@ReplyHandler(topics = "test-quote")
		Quote quote(QuoteRequest request) {
			return new Quote(request.symbol(), 12.5);
		}

		@ReplyHandler(topics = "test-fail")
		String fail(String symbol) {
			throw new IllegalArgumentException("Unknown symbol '" + symbol + "'");
		}

		@ReplyHandler(topics = "test-slow")
		CompletableFuture<String> slow(String symbol) {
			return CompletableFuture.supplyAsync(() -> symbol,
					CompletableFuture.delayedExecutor(SLOW.toMillis(), TimeUnit.MILLISECONDS));
		}

	}

	record QuoteRequest(String symbol) {
	}

	record Quote(String symbol, double price) {
	}

}
