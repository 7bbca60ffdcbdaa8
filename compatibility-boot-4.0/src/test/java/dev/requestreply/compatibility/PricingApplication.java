package dev.requestreply.compatibility;

import dev.requestreply.ReplyErrorCode;
import dev.requestreply.ReplyErrorCodes;
import dev.requestreply.ReplyHandler;
import reactor.core.publisher.Flux;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;

/**
 * An application as a user on Spring Boot 4.0 writes it: a handler that answers, one that fails with
 * an error code, one that streams.
 */
@SpringBootApplication(proxyBeanMethods = false)
class PricingApplication {

	public static void main(String[] args) {
		SpringApplication.run(PricingApplication.class, args);
	}

	@Component
	static class PricingHandlers {

		@ReplyHandler(topics = "compat-quote")
		Quote quote(QuoteRequest request) {
			if (!"ACME".equals(request.symbol())) {
				throw new UnknownSymbolException(request.symbol());
			}
			return new Quote(request.symbol(), 123.45);
		}

		@ReplyHandler(topics = "compat-history")
		Flux<Quote> history(QuoteRequest request) {
			return Flux.range(0, 5).map((minutesAgo) -> new Quote(request.symbol(), 100.0 + minutesAgo));
		}

	}

	record QuoteRequest(String symbol) {
	}

	record Quote(String symbol, double price) {
	}

	@ReplyErrorCode(ReplyErrorCodes.NOT_FOUND)
	static class UnknownSymbolException extends RuntimeException {

		UnknownSymbolException(String symbol) {
			super("Unknown symbol '" + symbol + "'");
		}

	}

}
