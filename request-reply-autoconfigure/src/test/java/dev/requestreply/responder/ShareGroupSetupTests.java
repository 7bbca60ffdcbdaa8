package dev.requestreply.responder;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The refusal of queue mode on a cluster without share groups.
 */
class ShareGroupSetupTests {

	@Test
	void whenClusterHasNoShareVersionThenQueueModeIsRefusedSayingWhatItNeeds() {
		assertThatIllegalStateException()
			.isThrownBy(() -> ShareGroupSetup.check(Map.of("metadata.version", new FinalizedVersionRange((short) 1,
					(short) 27)), List.of("quotes.quote")))
			.withMessageStartingWith(QueueMode.NEEDS)
			.withMessageContaining("[quotes.quote]")
			.withMessageContaining("share.version is not finalized");
	}

	@Test
	void whenShareVersionIsZeroThenQueueModeIsRefused() {
		assertThatIllegalStateException()
			.isThrownBy(() -> ShareGroupSetup.check(
					Map.of("share.version", new FinalizedVersionRange((short) 0, (short) 0)), List.of("quotes.quote")))
			.withMessageContaining("share.version is 0");
	}

	@Test
	void whenShareVersionIsOneThenQueueModeRuns() {
		assertThatNoException().isThrownBy(() -> ShareGroupSetup.check(
				Map.of("share.version", new FinalizedVersionRange((short) 1, (short) 1)), List.of("quotes.quote")));
	}

	@Test
	void whenKafkaClientsAreOlderThanQueueModeNeedsThenItIsRefused() {
		ClassLoader withoutKafka42 = new ClassLoader(null) {

			@Override
			protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
				if (name.startsWith("org.apache.kafka.clients.admin.SharePartition")) {
					throw new ClassNotFoundException(name);
				}
				return ShareGroupSetupTests.class.getClassLoader().loadClass(name);
			}

		};
		assertThatIllegalStateException().isThrownBy(() -> QueueMode.requireClients(List.of("quotes.quote"), withoutKafka42))
			.withMessageContaining("older than 4.2")
			.withMessageContaining("Spring Boot 4.1");
	}

}
