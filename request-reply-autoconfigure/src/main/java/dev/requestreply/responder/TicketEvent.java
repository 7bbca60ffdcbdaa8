package dev.requestreply.responder;

/**
 * What a thread tells the core of a handler ({@link HandlerCore}) of one request.
 */
enum TicketEvent {

	/** Its worker found it withdrawn. */
	SKIPPED_BY_WITHDRAWAL,

	/** Its worker ended it without a reply of the core's. */
	SKIPPED,

	/** Its method returned what ends later. */
	RETURNED_PENDING,

	/** Its method returned, its reply made. */
	RETURNED,

	/** Its method (or a check before it) failed: its error reply made. */
	THREW,

	/** What its method returned ended, its reply made. */
	COMPLETED,

	/** Its reply was sent. */
	SENT,

	/** Its reply could not be sent. */
	SEND_FAILED,

	/** Its cancel record came. */
	CANCEL,

	/** Its deadline passed. */
	DEADLINE,

	/** It reached the max handling time. */
	MAX_HANDLING_TIME,

	/** Its method has run long (named as started in commits). */
	RUNNING_LONG

}
