package dev.requestreply.responder;

import java.time.Duration;
import java.util.List;

import dev.requestreply.support.SupervisedLoop;

/**
 * How a handler in queue mode takes its requests: share consumers in place of a listener
 * container. Its implementation uses share-group API of Kafka clients 4.2 and is loaded only in
 * queue mode (see {@link QueueMode}), so that applications on older clients never load it.
 */
interface ShareIntake {

	/**
	 * Start reading.
	 */
	void start();

	/**
	 * Take no more requests; those in hand still end and are acknowledged.
	 */
	void pause();

	/**
	 * Stop: the consumers that hold nothing close first (a share fetch under way acquires any
	 * record released meanwhile, and each acquisition counts as a delivery); then {@code release}
	 * runs (the handler's core ends what is in hand, releasing it); then the others carry out what
	 * their requests' endings decided, release what they still hold, and close.
	 * @param timeout how long to wait for each consumer to close
	 * @param release ends what is in hand, returning once it left
	 */
	void stop(Duration timeout, Runnable release);

	/**
	 * Return the state of its consumer loops.
	 * @return the statuses
	 */
	List<SupervisedLoop.Status> loops();

}
