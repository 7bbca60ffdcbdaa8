package dev.requestreply.requester.core;

/**
 * How many replies a request takes.
 *
 * @since 0.4.0
 */
public enum RequestKind {

	/**
	 * One reply (a value or an error) ends it.
	 */
	SINGLE,

	/**
	 * A stream of elements, in sequence, up to an end marker or an error reply.
	 */
	STREAM,

	/**
	 * One reply from each of several responders, until its policy has enough or its timeout.
	 */
	GATHER

}
