package dev.requestreply.requester;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which topics the groups serve, and which groups a lookup describes, without a broker.
 */
class ResponderGroupsTests {

	private static final long REFRESH = TimeUnit.SECONDS.toNanos(30);

	private final ResponderGroups groups = new ResponderGroups(REFRESH);

	@Test
	void whenAGroupHasAssignedMembersThenItServesTheirTopics() {
		this.groups.toDescribe(Map.of("g", GroupState.STABLE), Set.of(), Set.of(), true, 0);
		this.groups.described("g", GroupState.STABLE, 2, List.of("quotes", "orders"), 0);
		assertThat(this.groups.served()).containsExactlyInAnyOrder("quotes", "orders");
	}

	@Test
	void whenAGroupRebalancesThenItServesWhatItWasAssignedBefore() {
		this.groups.described("g", GroupState.STABLE, 1, List.of("quotes"), 0);
		this.groups.described("g", GroupState.PREPARING_REBALANCE, 2, List.of(), 1);
		assertThat(this.groups.served()).containsExactly("quotes");
	}

	@Test
	void whenAGroupFormsThatWasNeverAssignedAnythingThenEveryTopicCountsAsServed() {
		this.groups.described("other", GroupState.STABLE, 1, List.of("orders"), 0);
		this.groups.described("new", GroupState.COMPLETING_REBALANCE, 1, List.of(), 0);
		assertThat(this.groups.served()).isNull();
	}

	@Test
	void whenEveryMemberLeftThenTheGroupServesNothing() {
		this.groups.described("g", GroupState.STABLE, 1, List.of("quotes"), 0);
		this.groups.described("g", GroupState.EMPTY, 0, List.of(), 1);
		assertThat(this.groups.served()).isEmpty();
	}

	@Test
	void whenAGroupIsNoLongerListedThenItIsForgotten() {
		this.groups.described("g", GroupState.STABLE, 1, List.of("quotes"), 0);
		this.groups.toDescribe(Map.of(), Set.of(), Set.of(), false, 1);
		assertThat(this.groups.served()).isEmpty();
		assertThat(this.groups.size()).isZero();
	}

	@Test
	void whenLookingUpAgainThenOnlyNewChangedAskedOrDueGroupsAreDescribed() {
		Map<String, GroupState> listed = Map.of("quotes-group", GroupState.STABLE, "orders-group", GroupState.STABLE,
				"idle-group", GroupState.STABLE);
		assertThat(this.groups.toDescribe(listed, Set.of(), Set.of(), true, 0)).hasSize(3);
		this.groups.described("quotes-group", GroupState.STABLE, 1, List.of("quotes"), 0);
		this.groups.described("orders-group", GroupState.STABLE, 1, List.of("orders"), 0);
		this.groups.described("idle-group", GroupState.STABLE, 1, List.of("idle"), 0);
		long soon = TimeUnit.SECONDS.toNanos(2);
		// Only the group serving a topic asked for.
		assertThat(this.groups.toDescribe(listed, Set.of(), Set.of("quotes"), false, soon)).containsExactly("quotes-group");
		// Without a listing, the same.
		assertThat(this.groups.servingAny(Set.of("quotes"))).containsExactly("quotes-group");
		// A new group, and one whose state changed.
		Map<String, GroupState> changed = Map.of("quotes-group", GroupState.STABLE, "orders-group",
				GroupState.PREPARING_REBALANCE, "idle-group", GroupState.STABLE, "new-group", GroupState.STABLE);
		assertThat(this.groups.toDescribe(changed, Set.of(), Set.of(), false, soon)).containsExactlyInAnyOrder("orders-group",
				"new-group");
		// Every group once its turn came, at the latest after the refresh period.
		assertThat(this.groups.toDescribe(listed, Set.of(), Set.of(), false, REFRESH + 1)).hasSize(3);
	}

}
