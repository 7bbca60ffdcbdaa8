package dev.requestreply;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The options of a durable request: immutable, and the bound on the context stored with it.
 */
class DurableOptionsTests {

	@Test
	void whenAnOptionIsSetThenANewInstanceHoldsItAndTheFirstIsUnchanged() {
		DurableOptions first = DurableOptions.kind("report");
		DurableOptions second = first.timeout(Duration.ofMinutes(30)).context("customer", "c-1");
		assertThat(first.getTimeout()).isEmpty();
		assertThat(first.getContext()).isEmpty();
		assertThat(second.getKind()).isEqualTo("report");
		assertThat(second.getTimeout()).contains(Duration.ofMinutes(30));
		assertThat(second.getContext()).containsExactly(org.assertj.core.api.Assertions.entry("customer", "c-1"));
	}

	@Test
	void whenTheContextWouldHoldMoreEntriesThanItsBoundThenItIsRefusedAndTheOptionsBeforeStayUsable() {
		DurableOptions options = DurableOptions.kind("report");
		for (int i = 0; i < DurableOptions.MAX_CONTEXT_ENTRIES; i++) {
			options = options.context("k" + i, "v");
		}
		DurableOptions full = options;
		assertThatIllegalArgumentException().isThrownBy(() -> full.context("one-more", "v"))
			.withMessageContaining("at most " + DurableOptions.MAX_CONTEXT_ENTRIES + " entries");
		assertThat(full.getContext()).hasSize(DurableOptions.MAX_CONTEXT_ENTRIES);
		assertThat(full.context("k0", "new value").getContext()).containsEntry("k0", "new value");
	}

	@Test
	void whenTheContextWouldHoldMoreBytesThanItsBoundThenItIsRefusedNamingItsSize() {
		String large = "é".repeat(DurableOptions.MAX_CONTEXT_BYTES / 2);
		assertThatIllegalArgumentException().isThrownBy(() -> DurableOptions.kind("report").context("k", large))
			.withMessageContaining("at most " + DurableOptions.MAX_CONTEXT_BYTES + " bytes")
			.withMessageContaining("not " + (DurableOptions.MAX_CONTEXT_BYTES + 1));
		assertThatIllegalArgumentException().isThrownBy(() -> DurableOptions.kind("report").context(" ", "v"))
			.withMessageContaining("must not be blank");
	}

}
