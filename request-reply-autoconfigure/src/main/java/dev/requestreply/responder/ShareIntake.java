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
	 * Stop: acknowledge what ended, release the rest, leave the share group.
	 * @param timeout how long to wait for each consumer to close
	 */
	void stop(Duration timeout);

	/**
	 * Return the state of its consumer loops.
	 * @return the statuses
	 */
	List<SupervisedLoop.Status> loops();

}
