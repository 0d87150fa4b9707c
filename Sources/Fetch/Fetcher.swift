import CCurl
import Dispatch
import FoundationEssentials
import Glibc
import Synchronization

/// Many fetches at once on one libcurl multi handle, owned by one thread: the daemon's fetcher.
///
/// Callers `await fetch(_:body:)` from any task; the request is queued under a lock and the
/// thread is woken with `curl_multi_wakeup` (the one libcurl call that is safe from other
/// threads). The thread runs perform (libcurl only moves bytes) → finished transfers (their last
/// bytes decoded, their callers resumed) → the bytes the others received, decoded and passed to
/// their consumers → poll. libcurl enforces the global and per-host connection limits, queueing
/// what is over them.
///
/// ```swift
/// let fetcher = Fetcher()
/// let response = try await fetcher.fetch(FetchRequest(url: url)) { chunk, head in try parser.append(chunk) }
/// fetcher.shutdown()
/// ```
public final class Fetcher: Sendable {
    public struct Configuration: Sendable {
        /// Transfers running at once, across all hosts.
        public var maxConnections: Int = 16
        /// Transfers running at once to one host, so no server is hammered.
        public var maxConnectionsPerHost: Int = 2

        public init() {}
    }

    private let multi: MultiHandle
    private let state = Mutex(State())
    private let finished = DispatchSemaphore(value: 0)

    private struct State {
        var pending: [Transfer] = []
        var isStopping = false
    }

    public init(configuration: Configuration = Configuration()) {
        CurlGlobal.ensureInitialised()
        multi = MultiHandle()
        ccurl_multi_setopt_long(multi.handle, CURLMOPT_MAX_TOTAL_CONNECTIONS, configuration.maxConnections)
        ccurl_multi_setopt_long(multi.handle, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)
        // Idle connections are kept for the next transfers, as many as may run at once: libcurl's
        // own cache shrinks with the transfers under way, and the fetch benchmark's first cycle
        // opened 216 connections to its one server instead of 32.
        ccurl_multi_setopt_long(multi.handle, CURLMOPT_MAXCONNECTS, configuration.maxConnections)
        Self.startThread { [self] in run() }
    }

    /// Runs `body` on a thread of its own, which it may block (in `curl_multi_poll`) for as long as
    /// it runs. A POSIX thread: Foundation's `Thread` would bring Foundation into the daemon.
    private static func startThread(_ body: @escaping @Sendable () -> Void) {
        final class Body {
            let run: @Sendable () -> Void
            init(_ run: @escaping @Sendable () -> Void) { self.run = run }
        }
        var thread = pthread_t()
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        let status = pthread_create(
            &thread, nil,
            { context in
                Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context)
        guard status == 0 else { fatalError("pthread_create failed: \(status)") }
        pthread_detach(thread)
    }

    /// Fetches `request`, calling `consume` on the fetch thread with each chunk of the decoded
    /// body as it arrives; `consume` must not be used elsewhere until the call returns.
    public func fetch(
        _ request: FetchRequest, body consume: @escaping (UnsafeRawBufferPointer, ResponseHead) throws -> Void
    ) async throws -> FetchResponse {
        let easy = try CurlEasy()
        easy.configure(for: request)
        let sink = BodySink(easy: easy, limit: request.maxBodyBytes, defersDecoding: true, consume: consume)
        sink.attach()
        return try await withCheckedThrowingContinuation { continuation in
            let transfer = Transfer(request: request, easy: easy, sink: sink, continuation: continuation)
            let accepted = state.withLock { state in
                guard !state.isStopping else { return false }
                state.pending.append(transfer)
                return true
            }
            guard accepted else {
                continuation.resume(throwing: FetchError.transfer(code: -1, message: "the fetcher is shutting down"))
                return
            }
            curl_multi_wakeup(multi.handle)
        }
    }

    /// Stops the thread: transfers in flight are cut and their callers get an error. Waits
    /// until the thread has let go of every handle.
    public func shutdown() {
        let wasStopping = state.withLock { state in
            defer { state.isStopping = true }
            return state.isStopping
        }
        guard !wasStopping else { return }
        curl_multi_wakeup(multi.handle)
        finished.wait()
    }

    // MARK: - The fetch thread

    private func run() {
        var active: [UnsafeMutableRawPointer: Transfer] = [:]
        while true {
            let (arrived, stopping) = state.withLock { state in
                defer { state.pending = [] }
                return (state.pending, state.isStopping)
            }
            for transfer in arrived {
                active[transfer.easy.handle] = transfer
                curl_multi_add_handle(multi.handle, transfer.easy.handle)
            }
            if stopping {
                for (handle, transfer) in active {
                    curl_multi_remove_handle(multi.handle, handle)
                    transfer.continuation.resume(throwing: FetchError.transfer(code: -1, message: "cut off by shutdown"))
                }
                finished.signal()
                return
            }
            // The calls into libcurl only move bytes: bodies are decoded and parsed after them.
            // Parsed inside, every body that had arrived went through its parser in one call
            // (10 ms and more at the 90th percentile of a first cycle's calls, 0.95 s in all);
            // the transfers that had finished were only seen at its end, and the requests their
            // callers queued next went out in the call after, while the server waited.
            var running: Int32 = 0
            curl_multi_perform(multi.handle, &running)
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi.handle, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                    let transfer = active.removeValue(forKey: handle)
                else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(multi.handle, handle)
                if code == CURLE_OK, transfer.sink.decodeDeferred() {
                    transfer.continuation.resume(with: transfer.sink.finish(for: transfer.request))
                } else {
                    let error = transfer.easy.error(for: code == CURLE_OK ? CURLE_WRITE_ERROR : code)
                    transfer.continuation.resume(throwing: transfer.sink.failure(for: error))
                }
            }
            let hasMore = decodeDeferred(in: &active)
            curl_multi_poll(multi.handle, nil, 0, hasMore ? 0 : 1000, nil)
        }
    }

    /// Decodes and parses the bytes the running transfers received, one transfer after another,
    /// until requests are waiting to be started: they go out first. Stops the transfers whose
    /// bytes stop them (too large, a consumer that failed). Returns whether bytes are left.
    private func decodeDeferred(in active: inout [UnsafeMutableRawPointer: Transfer]) -> Bool {
        for (handle, transfer) in active where transfer.sink.hasDeferredBytes {
            if state.withLock({ !$0.pending.isEmpty }) { return true }
            guard !transfer.sink.decodeDeferred() else { continue }
            active.removeValue(forKey: handle)
            curl_multi_remove_handle(multi.handle, handle)
            transfer.continuation.resume(throwing: transfer.sink.failure(for: transfer.easy.error(for: CURLE_WRITE_ERROR)))
        }
        return false
    }
}

/// The multi handle. `@unchecked Sendable`: only the fetch thread uses it, except for
/// `curl_multi_wakeup`, which libcurl documents as safe from any thread.
private final class MultiHandle: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    init() {
        guard let handle = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        self.handle = handle
    }

    deinit {
        curl_multi_cleanup(handle)
    }
}

/// One queued or running transfer. `@unchecked Sendable`: built by the caller, then used only by
/// the fetch thread until the continuation is resumed.
private final class Transfer: @unchecked Sendable {
    let request: FetchRequest
    let easy: CurlEasy
    let sink: BodySink
    let continuation: CheckedContinuation<FetchResponse, any Error>

    init(request: FetchRequest, easy: CurlEasy, sink: BodySink, continuation: CheckedContinuation<FetchResponse, any Error>) {
        self.request = request
        self.easy = easy
        self.sink = sink
        self.continuation = continuation
    }
}
