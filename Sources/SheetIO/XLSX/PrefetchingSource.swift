#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pulls a source's bytes on a thread of its own, a few chunks ahead of the reader: inflating
/// a large sheet part costs about as much as scanning it, and the two then share the cores.
///
/// The bytes and their order are those of the inner source; an error it throws is thrown by
/// `read` at the point where it happened. Dropping the source stops the thread (after the
/// chunk being read) and waits for it, so the inner source is never used after that.
final class PrefetchingSource: ByteSource {
    /// Chunks read ahead; memory is `slots` × `chunkSize`.
    static let slots = 4
    static let chunkSize = 256 << 10

    private let ring: Ring
    private var thread: pthread_t?

    /// Starts reading `inner` ahead; without a thread (creation failed) it reads in place.
    init(_ inner: any ByteSource) {
        ring = Ring(inner: inner)
        let context = Unmanaged.passRetained(ring).toOpaque()
        var handle = pthread_t()
        if pthread_create(&handle, nil, { context in
            Unmanaged<Ring>.fromOpaque(context!).takeRetainedValue().produce()
            return nil
        }, context) == 0 {
            thread = handle
        } else {
            Unmanaged<Ring>.fromOpaque(context).release()
        }
    }

    deinit {
        guard let thread else { return }
        ring.cancel()
        pthread_join(thread, nil)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard thread != nil else { return try ring.inner.read(into: buffer) }
        return try ring.consume(into: buffer)
    }

    /// The chunks shared by the reading thread and the consumer.
    private final class Ring: @unchecked Sendable {
        let inner: any ByteSource
        private let storage: UnsafeMutableRawPointer
        /// Bytes in each slot, and how many the consumer has taken from the slot it is on.
        private var counts = [Int](repeating: 0, count: PrefetchingSource.slots)
        private var taken = 0
        /// Slots filled and not yet emptied; the producer fills `(head + ready) % slots`.
        private var head = 0
        private var ready = 0
        /// Set by the producer once the inner source ended (or failed) after the ready slots.
        private var ended = false
        private var failure: (any Error)?
        private var cancelled = false
        private var mutex = pthread_mutex_t()
        private var changed = pthread_cond_t()

        init(inner: any ByteSource) {
            self.inner = inner
            storage = .allocate(byteCount: PrefetchingSource.slots * PrefetchingSource.chunkSize, alignment: 64)
            pthread_mutex_init(&mutex, nil)
            pthread_cond_init(&changed, nil)
        }

        deinit {
            storage.deallocate()
            pthread_mutex_destroy(&mutex)
            pthread_cond_destroy(&changed)
        }

        func cancel() {
            pthread_mutex_lock(&mutex)
            cancelled = true
            pthread_cond_broadcast(&changed)
            pthread_mutex_unlock(&mutex)
        }

        /// The producer's loop: fill free slots until the source ends, fails or is cancelled.
        func produce() {
            while true {
                pthread_mutex_lock(&mutex)
                while ready == PrefetchingSource.slots && !cancelled { pthread_cond_wait(&changed, &mutex) }
                let slot = (head + ready) % PrefetchingSource.slots
                let stop = cancelled
                pthread_mutex_unlock(&mutex)
                if stop { return }
                // The slot is the producer's alone until it is published below.
                let target = UnsafeMutableRawBufferPointer(start: storage + slot * PrefetchingSource.chunkSize,
                                                           count: PrefetchingSource.chunkSize)
                var count = 0
                var error: (any Error)?
                do {
                    // Fill the slot: a short read from the source is not its end.
                    while count < target.count {
                        let n = try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: target[count...]))
                        if n == 0 { break }
                        count += n
                    }
                } catch let thrown {
                    error = thrown
                }
                pthread_mutex_lock(&mutex)
                if count > 0 {
                    counts[slot] = count
                    ready += 1
                }
                if count < target.count {
                    ended = true
                    failure = error
                }
                pthread_cond_broadcast(&changed)
                pthread_mutex_unlock(&mutex)
                if count < target.count { return }
            }
        }

        /// Copies the next bytes into `buffer`; 0 at the end; the source's error where it failed.
        func consume(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            pthread_mutex_lock(&mutex)
            while ready == 0 && !ended { pthread_cond_wait(&changed, &mutex) }
            guard ready > 0 else {
                let failed = failure
                pthread_mutex_unlock(&mutex)
                if let failed { throw failed }
                return 0
            }
            let slot = head
            let available = counts[slot] - taken
            pthread_mutex_unlock(&mutex)
            // The slot is the consumer's alone until it is handed back below.
            let n = min(available, buffer.count)
            buffer.baseAddress!.copyMemory(from: storage + slot * PrefetchingSource.chunkSize + taken, byteCount: n)
            taken += n
            if taken == counts[slot] {
                taken = 0
                pthread_mutex_lock(&mutex)
                head = (head + 1) % PrefetchingSource.slots
                ready -= 1
                pthread_cond_broadcast(&changed)
                pthread_mutex_unlock(&mutex)
            }
            return n
        }
    }
}
