// memory.h: keeps a long-running service's resident memory close to what it uses.
//
// glibc gives every thread that allocates its own malloc arena and keeps freed memory
// in it. A lab service has several such threads (librdkafka's broker threads, the
// consumer's poll thread, which copies every record it hands over), so after a burst
// each arena holds tens of MiB that the service no longer uses and the kernel never
// gets back. install() caps the arenas at two and hands freed heap back to the kernel
// (malloc_trim) every trimIntervalMs; both are cheap next to the work that freed it.
#pragma once

class QObject;

namespace lab::memory {

/// Call once, early in main() and after QCoreApplication exists (the trim timer is a
/// child of `parent`). trimIntervalMs <= 0: no periodic trim.
void install(QObject *parent, int trimIntervalMs = 500);

} // namespace lab::memory
