/**
 * The requester's decisions about one pending request, apart from threads: a pure function of a
 * request's state and an event to its next state and the actions the engine takes. No threads,
 * clock, randomness or Kafka clients here: the engine gives the time with each event and carries
 * out the actions, and a simulation drives the same code through random interleavings.
 */
@NullMarked
package dev.requestreply.requester.core;

import org.jspecify.annotations.NullMarked;
