package dev.requestreply.test.docs;

import java.math.BigDecimal;

import dev.requestreply.ReplyHandler;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;

/**
 * The application of docs/testing.md's examples: a pricing handler and a caller of it.
 */
@SpringBootApplication(proxyBeanMethods = false)
class PricingApplication {

	@Component
	static class PricingService {

		@ReplyHandler(topics = "pricing-quote")
		Quote quote(String symbol) {
			if (!symbol.equals("ACME")) {
				throw new UnknownSymbolException(symbol);
			}
			return new Quote(symbol, new BigDecimal("123.45"), "USD");
		}

	}

}
