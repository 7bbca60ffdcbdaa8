/**
 * Ahead-of-time processing and native images: the reflection the library needs, as runtime hints.
 */
@NullMarked
package dev.requestreply.aot;

import org.jspecify.annotations.NullMarked;
