/**
 * Ahead-of-time processing and native images: the reflection the library needs, as runtime hints.
 */
package dev.requestreply.aot;
