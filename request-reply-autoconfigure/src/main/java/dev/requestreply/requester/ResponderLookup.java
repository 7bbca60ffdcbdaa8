package dev.requestreply.requester;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * One look at the cluster's groups for the {@link ResponderDirectory}: whether the broker lists
 * them all to this principal, the listing, and the descriptions of the groups the knowledge says
 * to describe (see {@link Mode}). Used by the directory's one thread.
 */
final class ResponderLookup {

	private static final LogAccessor logger = new LogAccessor(ResponderLookup.class);

	private static final Set<GroupType> GROUP_TYPES = Set.of(GroupType.CLASSIC, GroupType.CONSUMER,
			GroupType.SHARE);

	private final Admin admin;

	private final Duration lookupTimeout;

	private boolean warnedFiltered;

	// Whether the last listing showed every group (what a lookup without a listing relies on).
	private boolean complete;

	/**
	 * What a lookup looks at.
	 */
	enum Mode {

		/**
		 * Every group listed, every group described: the first lookup.
		 */
		EVERY_GROUP,

		/**
		 * Every group listed; described: the new ones, those whose state changed, those serving a
		 * topic asked for, and those whose turn came.
		 */
		LISTED,

		/**
		 * No listing; described: those known to serve a topic asked for.
		 */
		ASKED

	}

	ResponderLookup(Admin admin, Duration timeout, boolean warnIfFiltered) {
		this.admin = admin;
		this.lookupTimeout = timeout;
		// Without fail-fast-without-responders, a view of some groups only just gives no hints.
		this.warnedFiltered = !warnIfFiltered;
	}

	/**
	 * Look the groups up once: with a listing, list them all and describe those the knowledge
	 * says; without, describe only those known to serve a topic asked for lately.
	 * @param groups what is known of the groups, updated
	 * @param asked the topics requests were sent to lately
	 * @param mode what to look at
	 * @param now the time, in nanoseconds
	 * @return the answer, or {@code null} when the broker lists only some groups to this principal
	 * @throws Exception if the broker could not answer in time
	 */
	@Nullable Answer lookUp(ResponderGroups groups, Set<String> asked, Mode mode, long now) throws Exception {
		long timeout = this.lookupTimeout.toMillis();
		Set<String> describe;
		int listedCount = -1;
		if (mode == Mode.ASKED) {
			if (!this.complete) {
				return null;
			}
			describe = groups.servingAny(asked);
		}
		else {
			this.complete = seesEveryGroup(timeout);
			if (!this.complete) {
				return null;
			}
			Map<String, GroupState> listed = new HashMap<>();
			Set<String> shareGroups = new HashSet<>();
			for (GroupListing listing : this.admin.listGroups(new ListGroupsOptions().withTypes(GROUP_TYPES))
				.all()
				.get(timeout, TimeUnit.MILLISECONDS)) {
				listed.put(listing.groupId(), listing.groupState().orElse(null));
				if (listing.type().filter((type) -> type == GroupType.SHARE).isPresent()) {
					shareGroups.add(listing.groupId());
				}
			}
			listedCount = listed.size();
			describe = groups.toDescribe(listed, shareGroups, asked, mode == Mode.EVERY_GROUP, now);
		}
		List<String> consumerGroups = new ArrayList<>();
		List<String> shares = new ArrayList<>();
		describe.forEach((id) -> (groups.isShare(id) ? shares : consumerGroups).add(id));
		if (!consumerGroups.isEmpty()) {
			Map<String, KafkaFuture<ConsumerGroupDescription>> described = this.admin
				.describeConsumerGroups(consumerGroups)
				.describedGroups();
			for (Map.Entry<String, KafkaFuture<ConsumerGroupDescription>> entry : described.entrySet()) {
				ConsumerGroupDescription group = take(groups, entry.getKey(), entry.getValue(), timeout);
				if (group != null) {
					Set<String> topics = new HashSet<>();
					for (MemberDescription member : group.members()) {
						addTopics(topics, member.assignment().topicPartitions());
						member.targetAssignment().ifPresent((target) -> addTopics(topics, target.topicPartitions()));
					}
					groups.described(group.groupId(), group.groupState(), group.members().size(), topics, now);
				}
			}
		}
		if (!shares.isEmpty()) {
			Map<String, KafkaFuture<ShareGroupDescription>> described = this.admin.describeShareGroups(shares)
				.describedGroups();
			for (Map.Entry<String, KafkaFuture<ShareGroupDescription>> entry : described.entrySet()) {
				ShareGroupDescription group = take(groups, entry.getKey(), entry.getValue(), timeout);
				if (group != null) {
					Set<String> topics = new HashSet<>();
					for (ShareMemberDescription member : group.members()) {
						addTopics(topics, member.assignment().topicPartitions());
					}
					groups.described(group.groupId(), group.groupState(), group.members().size(), topics, now);
				}
			}
		}
		return new Answer(groups.served(), now, System.nanoTime(), describe.size(), listedCount);
	}

	// A group deleted since it was listed is forgotten; any other failure fails the lookup.
	private static <D> @Nullable D take(ResponderGroups groups, String id, KafkaFuture<D> future, long timeout)
			throws Exception {
		try {
			return future.get(timeout, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof GroupIdNotFoundException) {
				groups.gone(id);
				return null;
			}
			throw ex;
		}
	}

	// The broker lists only the groups a principal may describe unless it may describe the cluster:
	// then a group it cannot see might serve any topic.
	private boolean seesEveryGroup(long timeout) throws Exception {
		Set<AclOperation> operations = this.admin
			.describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true))
			.authorizedOperations()
			.get(timeout, TimeUnit.MILLISECONDS);
		// No authorizer on the broker: it says nothing, and lists every group.
		boolean complete = operations == null || operations.contains(AclOperation.DESCRIBE)
				|| operations.contains(AclOperation.ALTER) || operations.contains(AclOperation.ALL);
		if (!complete && !this.warnedFiltered) {
			this.warnedFiltered = true;
			logger.warn("request-reply.fail-fast-without-responders cannot see every consumer group: this"
					+ " application's principal may not DESCRIBE the cluster, so the broker lists only the groups it may"
					+ " describe. Every topic counts as served (requests wait for their timeout); grant DESCRIBE on"
					+ " the cluster to fail fast");
		}
		return complete;
	}

	private static void addTopics(Set<String> topics, Collection<TopicPartition> partitions) {
		for (TopicPartition partition : partitions) {
			topics.add(partition.topic());
		}
	}

	/**
	 * One lookup's answer.
	 *
	 * @param served the topics served, or {@code null} when every topic counts as served
	 * @param lookedNanos when its lookup started
	 * @param answeredNanos when it was answered
	 * @param described how many groups it described
	 * @param listed how many groups were listed, or -1 without a listing
	 */
	record Answer(@Nullable Set<String> served, long lookedNanos, long answeredNanos, int described, int listed) {

		boolean serves(String topic) {
			return this.served == null || this.served.contains(topic);
		}

	}

}
