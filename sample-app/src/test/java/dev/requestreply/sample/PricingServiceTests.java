package dev.requestreply.sample;

import java.math.BigDecimal;

import dev.requestreply.test.EmbeddedRequestReply;
import dev.requestreply.test.ReplyHandlerClient;
import dev.requestreply.test.WireReply;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pricing service's handlers as any Kafka client sees them: requests and replies on the wire,
 * with the test kit's broker instead of the sample's own.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE)
@EmbeddedRequestReply
class PricingServiceTests {

	@Autowired
	private ReplyHandlerClient client;

	@Autowired
	private ApplicationContext context;

	@Test
	void whenSymbolKnownThenReplyIsItsQuoteAsJson() {
		WireReply reply = this.client.call("pricing-quote", " initech ");
		assertThat(reply.isError()).isFalse();
		assertThat(reply.value(Quote.class)).isEqualTo(new Quote("INITECH", new BigDecimal("12.34"), "USD"));
	}

	@Test
	void whenSymbolUnknownThenErrorReplyNamesTheException() {
		WireReply reply = this.client.call("pricing-quote", "NOPE");
		assertThat(reply.errorType()).isEqualTo(UnknownSymbolException.class.getName());
		assertThat(reply.errorMessage()).isEqualTo("Unknown symbol 'NOPE'");
	}

	@Test
	void whenTestKitBrokerRunsThenTheSampleStartsNoBrokerOfItsOwn() {
		assertThat(this.context.getBeansOfType(EmbeddedKafkaBroker.class)).containsOnlyKeys(EmbeddedKafkaBroker.BEAN_NAME);
	}

}
