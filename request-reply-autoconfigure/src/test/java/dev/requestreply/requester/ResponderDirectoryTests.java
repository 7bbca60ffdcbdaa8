package dev.requestreply.requester;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.requestreply.support.LoopThreads;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;

/**
 * The directory fails open when it cannot look the groups up, and says so once.
 */
@ExtendWith(OutputCaptureExtension.class)
class ResponderDirectoryTests {

	@Test
	void whenTheLookupFailsThenRequestsAreLetThroughAndOneWarningIsLogged(CapturedOutput output) {
		// Nobody listens there: every lookup times out.
		Map<String, Object> unreachable = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "localhost:1",
				AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 100, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 200,
				CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 50);
		try (ResponderDirectory directory = new ResponderDirectory(unreachable, Duration.ofMillis(100), Set::of,
				LoopThreads.PLATFORM)) {
			assertThatNoException().isThrownBy(() -> directory.check(List.of("anything")));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> output.getOut().contains("Could not look up the consumer groups for request-reply"));
			// Several lookups more, all failing.
			long tried = directory.lookups();
			await().atMost(Duration.ofSeconds(10)).until(() -> directory.lookups() >= tried + 3);
			assertThatNoException().isThrownBy(() -> directory.check(List.of("anything")));
			assertThat(output.getOut().split("Could not look up the consumer groups for request-reply", -1)).hasSize(2);
		}
	}

	@Test
	void whenTheApplicationsOwnHandlerReadsTheTopicThenItIsServedWithoutALookup() {
		Map<String, Object> unreachable = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "localhost:1",
				AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 100, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 200);
		try (ResponderDirectory directory = new ResponderDirectory(unreachable, Duration.ofSeconds(10),
				() -> Set.of("own-topic"), LoopThreads.PLATFORM)) {
			long start = System.nanoTime();
			assertThatNoException().isThrownBy(() -> directory.check(List.of("own-topic")));
			// No wait for a first answer either.
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ResponderDirectory.FIRST_LOOKUP_WAIT);
		}
	}

}
