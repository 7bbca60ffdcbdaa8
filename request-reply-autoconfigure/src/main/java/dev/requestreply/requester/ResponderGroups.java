package dev.requestreply.requester;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.common.GroupState;
import org.jspecify.annotations.Nullable;

/**
 * What the requester knows of the cluster's consumer groups, learnt lookup after lookup: for each
 * group, its last state and the topics its members were last seen assigned. Which topics are
 * served follows from it: those of groups with members, where a group whose members hold no
 * assignment yet (forming, or rebalancing) counts as serving what it was assigned before, and a
 * group never seen assigned anything counts as unknown, which serves every topic (the check fails
 * open).
 * <p>
 * It also says which groups a lookup must describe: after a listing, new ones, ones whose state
 * changed, ones that serve a topic requests were sent to, and each other one now and then (its
 * turn spread at random); without one, only those serving a topic asked for. A lookup in a cluster
 * of many groups describes few of them. Used by the directory's one thread.
 */
final class ResponderGroups {

	private final Map<String, Group> groups = new HashMap<>();

	private final long refreshNanos;

	/**
	 * @param refreshNanos how long a group that serves no topic asked for goes at most without
	 * being described (its turns are spread between half and all of it)
	 */
	ResponderGroups(long refreshNanos) {
		this.refreshNanos = refreshNanos;
	}

	/**
	 * Take a listing of the cluster's groups: forget the groups gone, and return those to describe
	 * now.
	 * @param listed the state of each group listed (empty when the broker did not say)
	 * @param asked the topics requests were sent to lately
	 * @param everyGroup whether to describe every group
	 * @param now the time, in nanoseconds
	 * @return the groups to describe
	 */
	Set<String> toDescribe(Map<String, GroupState> listed, Set<String> shareGroups, Set<String> asked,
			boolean everyGroup, long now) {
		this.groups.keySet().retainAll(listed.keySet());
		Set<String> describe = new HashSet<>();
		listed.forEach((id, state) -> {
			Group known = this.groups.computeIfAbsent(id, (key) -> new Group());
			known.share = shareGroups.contains(id);
			if (everyGroup || !known.described || known.state != state || known.dueNanos - now <= 0
					|| serves(known, asked)) {
				describe.add(id);
			}
			else {
				known.state = state;
			}
		});
		return describe;
	}

	/**
	 * Return the groups known to serve one of the topics, or that may (never seen assigned).
	 * @param asked the topics
	 * @return the group ids
	 */
	Set<String> servingAny(Set<String> asked) {
		Set<String> serving = new HashSet<>();
		this.groups.forEach((id, group) -> {
			if (group.described && serves(group, asked)) {
				serving.add(id);
			}
		});
		return serving;
	}

	/**
	 * Return whether a group is a share group (described with another call).
	 * @param id the group id
	 * @return whether it is one
	 */
	boolean isShare(String id) {
		Group group = this.groups.get(id);
		return group != null && group.share;
	}

	/**
	 * Forget a group deleted since it was listed.
	 * @param id the group id
	 */
	void gone(String id) {
		this.groups.remove(id);
	}

	private static boolean serves(Group group, Set<String> asked) {
		if (group.topics == null) {
			return true;
		}
		for (String topic : asked) {
			if (group.topics.contains(topic)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Take what a lookup found of one group.
	 * @param id the group id
	 * @param state its state
	 * @param members how many members it has
	 * @param assigned the topics its members are assigned (or about to be, for the consumer
	 * protocol's target assignment); empty while none holds an assignment
	 * @param now the time, in nanoseconds
	 */
	void described(String id, GroupState state, int members, Collection<String> assigned, long now) {
		Group group = this.groups.computeIfAbsent(id, (key) -> new Group());
		group.state = state;
		group.members = members;
		group.described = true;
		if (!assigned.isEmpty()) {
			group.topics = Set.copyOf(assigned);
		}
		else if (members == 0) {
			// Left by every member: it read its topics before, but serves none now.
			group.topics = (group.topics != null) ? group.topics : Set.of();
		}
		// else: forming or rebalancing, it keeps serving what it was assigned before (or is unknown)
		long turn = this.refreshNanos / 2 + ThreadLocalRandom.current().nextLong(this.refreshNanos / 2 + 1);
		group.dueNanos = now + turn;
	}

	/**
	 * Return the topics served, or {@code null} when a group with members was never seen assigned
	 * anything: then any topic may be served (a responder is starting), and nothing is refused.
	 * @return the served topics, or {@code null} for unknown
	 */
	@Nullable Set<String> served() {
		Set<String> topics = new HashSet<>();
		for (Group group : this.groups.values()) {
			if (group.members > 0) {
				if (group.topics == null) {
					return null;
				}
				topics.addAll(group.topics);
			}
		}
		return topics;
	}

	int size() {
		return this.groups.size();
	}

	private static final class Group {

		@Nullable GroupState state;

		int members;

		boolean described;

		boolean share;

		// The topics last seen assigned; null while never seen assigned any.
		@Nullable Set<String> topics;

		long dueNanos;

	}

}
