package dev.requestreply.test.docs;

import dev.requestreply.test.EmbeddedRequestReply;
import dev.requestreply.test.ReplyHandlerClient;
import dev.requestreply.test.WireReply;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

// tag::embedded[]
@SpringBootTest
@EmbeddedRequestReply
class PricingServiceTests {

	@Autowired
	ReplyHandlerClient client;

	@Test
	void whenSymbolUnknownThenErrorReplyNamesTheException() {
		WireReply reply = this.client.call("pricing-quote", "NOPE");
		assertThat(reply.errorType()).isEqualTo(UnknownSymbolException.class.getName());
	}

}
// end::embedded[]
