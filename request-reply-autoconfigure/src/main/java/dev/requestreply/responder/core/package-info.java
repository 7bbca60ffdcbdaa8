/**
 * The responder's decisions about one handler's requests, as a pure core: state and event in,
 * new state and actions out, with no threads, clock, randomness or Kafka clients.
 */
@NullMarked
package dev.requestreply.responder.core;

import org.jspecify.annotations.NullMarked;
