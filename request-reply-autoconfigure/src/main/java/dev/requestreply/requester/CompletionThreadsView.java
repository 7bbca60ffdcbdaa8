package dev.requestreply.requester;

/**
 * The completion threads of one instance, where futures complete and callers' callbacks run, as
 * shown by the endpoint and the health indicator.
 *
 * @param threads the threads the completion pool runs now, or -1 when futures complete on an
 * executor that is not a pool (a virtual thread each)
 * @param maxThreads the most threads the pool grows to while callbacks block all of them, or -1
 * without a pool
 * @param saturated whether the pool is at its maximum with every thread blocked by callbacks and
 * completions waiting: requests still end on time, their futures complete as threads free up
 * @param saturations how many times the pool became saturated since start
 * @since 0.4.0
 */
public record CompletionThreadsView(int threads, int maxThreads, boolean saturated, long saturations) {

}
