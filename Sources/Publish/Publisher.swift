import AINewsCore
import AINewsDigest
import AINewsStore

/// Sends one pinned digest revision to every recipient exactly once, with the delivery log in the
/// store as the record: a recipient marked sent is never sent to again, whatever happens to the
/// run; one left 'sending' by a crash (the server may or may not have taken it) is sent again
/// with the same Message-ID, which mail clients show once. Transient failures are retried with
/// backoff; a permanent one is recorded for that recipient and the run goes on; when the server
/// cannot be reached at all, or refuses the run (TLS, login), the run stops and nothing is marked
/// sent that was not.
public struct Publisher {
    public var store: Store
    public var transport: any MailTransport
    public var from: Mailbox
    public var options: NewsletterMessage.Options
    public var retries = 3
    public var retryDelaySeconds = 5
    public var clock: () -> Timestamp
    public var sleep: (Int) -> Void

    public init(
        store: Store, transport: any MailTransport, from: Mailbox, options: NewsletterMessage.Options, clock: @escaping () -> Timestamp,
        sleep: @escaping (Int) -> Void
    ) {
        self.store = store
        self.transport = transport
        self.from = from
        self.options = options
        self.clock = clock
        self.sleep = sleep
    }

    public struct Report: Sendable {
        public var sent: [String] = []
        public var alreadySent: [String] = []
        public var failed: [(recipient: String, error: String)] = []
        /// Refused for good in an earlier run; retried only when asked.
        public var skipped: [String] = []
        /// Why the run stopped early, if it did; the recipients after that point were not tried.
        public var stopped: String?
        public var notTried: [String] = []

        public var succeeded: Bool { failed.isEmpty && stopped == nil && skipped.isEmpty }
    }

    public func publish(_ revision: StoredDigest, digest: Digest, to recipients: [Mailbox], retryingRefused: Bool = false) throws -> Report {
        var report = Report()
        let log = try store.deliveries(digestID: revision.id)
        let body = NewsletterMessage.Body(digest: digest, revision: revision)
        var seen = Set<String>()
        for (position, recipient) in recipients.enumerated() {
            let key = recipient.address.lowercased()
            guard seen.insert(key).inserted else { continue }
            if let delivery = log[key] {
                if delivery.status == .sent {
                    report.alreadySent.append(recipient.address)
                    continue
                }
                if delivery.status == .failed, delivery.isPermanent, !retryingRefused {
                    report.skipped.append(recipient.address)
                    continue
                }
            }
            let message = NewsletterMessage(
                body: body, digest: digest, revision: revision, from: from, to: recipient, date: clock(), options: options)
            var attempt = 0
            while true {
                try store.beginDelivery(digestID: revision.id, recipient: key, messageID: message.messageID, at: clock())
                let failure: DeliveryFailure?
                do {
                    try transport.send(message)
                    failure = nil
                } catch {
                    failure = error
                }
                guard let failure else {
                    try store.finishDelivery(digestID: revision.id, recipient: key, sent: true, at: clock())
                    report.sent.append(recipient.address)
                    break
                }
                try store.finishDelivery(
                    digestID: revision.id, recipient: key, sent: false, permanent: failure.kind == .permanent, error: failure.message, at: clock())
                if failure.kind == .transient, attempt < retries {
                    sleep(retryDelaySeconds << attempt)
                    attempt += 1
                    continue
                }
                report.failed.append((recipient.address, failure.message))
                // No server to talk to, or one that refuses the whole run: the others would fail the same way.
                if failure.kind == .fatal || (failure.kind == .transient && failure.reply == 0) {
                    report.stopped = failure.message
                    report.notTried += recipients[(position + 1)...].map(\.address).filter { !seen.contains($0.lowercased()) }
                    return report
                }
                break
            }
        }
        return report
    }
}
