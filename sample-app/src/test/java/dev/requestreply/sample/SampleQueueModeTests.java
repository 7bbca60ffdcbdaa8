package dev.requestreply.sample;

import java.time.Duration;

import dev.requestreply.handler.ReplyHandlerContainers;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample run with {@code --request-reply.handler.queue=true}: every handler reads in a share
 * group of its embedded broker.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "request-reply.handler.queue=true")
class SampleQueueModeTests {

	@LocalServerPort
	private int port;

	@Autowired
	private ReplyHandlerContainers handlers;

	@Test
	void whenRunInQueueModeThenQuotesAndHistoryAreAnsweredThroughShareGroups() {
		assertThat(this.handlers.getEndpoints())
			.allSatisfy((endpoint) -> assertThat(this.handlers.shareGroupId(endpoint)).endsWith(".share"));
		assertThat(this.handlers.getContainers()).isEmpty();
		RestTestClient http = RestTestClient.bindToServer().baseUrl("http://localhost:" + this.port).build();
		// The share consumers join their groups in a few seconds; a quote asked meanwhile may time out.
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> http.get()
				.uri("/quotes/{symbol}", "acme")
				.exchange()
				.expectStatus().isOk()
				.expectBody()
				.jsonPath("$.symbol").isEqualTo("ACME"));
		http.get()
			.uri("/quotes/{symbol}/history", "ACME")
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.length()").isEqualTo(5);
	}

}
