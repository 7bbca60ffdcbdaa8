package dev.requestreply.durable;

import dev.requestreply.DurableOutcome;
import dev.requestreply.DurableReplyListener;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The rule of one listener per kind in an application, and the kinds it reports.
 */
class DurableListenersTests {

	private final DurableListeners listeners = new DurableListeners();

	DurableListenersTests() {
		this.listeners.setEnvironment(new MockEnvironment().withProperty("spring.application.name", "orders"));
	}

	@Test
	void whenTwoMethodsTakeOneKindThenStartUpFailsNamingBothAndTheKind() {
		this.listeners.postProcessAfterInitialization(new Reports(), "reports");
		assertThatExceptionOfType(BeanInitializationException.class)
			.isThrownBy(() -> this.listeners.postProcessAfterInitialization(new OtherReports(), "otherReports"))
			.withMessageContaining("'reports.onReport'")
			.withMessageContaining("'otherReports.onReport'")
			.withMessageContaining("same kind 'report'");
	}

	@Test
	void whenMethodsTakeDifferentKindsThenEachIsTheListenerOfItsKind() {
		this.listeners.postProcessAfterInitialization(new Reports(), "reports");
		this.listeners.postProcessAfterInitialization(new Audits(), "audits");
		assertThat(this.listeners.kinds()).containsExactly("audit", "report");
		DurableListenerMethod report = this.listeners.listener("report");
		assertThat(report).isNotNull();
		assertThat(report.id()).isEqualTo("reports.onReport");
		assertThat(report.replyType()).isEqualTo(String.class);
		assertThat(this.listeners.listener("invoice")).isNull();
	}

	static class Reports {

		@DurableReplyListener("report")
		void onReport(DurableOutcome<String> outcome) {
		}

	}

	static class OtherReports {

		@DurableReplyListener("report")
		void onReport(DurableOutcome<Integer> outcome) {
		}

	}

	static class Audits {

		@DurableReplyListener("audit")
		void onAudit(DurableOutcome<Long> outcome) {
		}

	}

}
