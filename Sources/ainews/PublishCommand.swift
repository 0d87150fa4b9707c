import AINewsCore
import AINewsDigest
import AINewsPublish
import AINewsService
import AINewsStore
import ArgumentParser
import Foundation

/// `ainews publish`: mails a period's digest to every recipient, exactly once.
struct Publish: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send a period's digest (default: the last complete week) to every recipient not sent it yet.",
        discussion: """
            Builds the digest if the period has none, pins the revision it sends (a published revision is never \
            changed, and later runs for the period send the same one), and records each delivery, so it can be run \
            again after a crash or a failure without sending anything twice. Exit status 1 when a recipient failed.
            """)

    @Argument(help: "The period, e.g. 2026-W48.")
    var period: String?

    @Flag(help: "Show what would be sent (the revision, who gets it, the first message) and send nothing.")
    var dryRun = false

    @Option(help: "Send a test copy to this address only: nothing is pinned or logged.")
    var to: String?

    @Flag(help: "Also retry recipients the server refused for good in an earlier run.")
    var retryRefused = false

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var config: ConfigOptions
    @OptionGroup var knowledge: KnowledgeOptions

    func run() throws {
        let settings = try config.settings()
        guard let fromText = settings.mail.from else { throw CommandFailure("mail_from is not set (in the config file or AINEWS_MAIL_FROM)") }
        guard let from = Mailbox(fromText) else { throw CommandFailure("mail_from: '\(fromText)' is not an address") }
        let store = try database.open()
        // One run at a time sends (a dry run only reads).
        let lock: PublishLock?
        do {
            lock = dryRun ? nil : try PublishLock(path: database.resolvedPath + ".publish-lock")
        } catch {
            throw CommandFailure("\(error)")
        }
        defer { withExtendedLifetime(lock) {} }
        let now = DigestCommand.now()
        let period =
            try self.period.map { text -> Period in
                guard let week = Period(week: text) else { throw CommandFailure("'\(text)' is not an ISO week such as 2026-W48") }
                return week
            } ?? Period.week(containing: Timestamp(secondsSince1970: now.secondsSince1970 - 7 * 86_400))

        // The revision to send: the one already published for the period, else a fresh build.
        var revision = try store.digests(period: period.name).last(where: { $0.publishedAt != nil })
        if revision == nil {
            let built = try DigestPipeline(store: store, settings: settings, tagger: try knowledge.tagger()).build(period: period, at: now)
            DigestCommand.warn(about: built.summaryFailures)
            revision = built.stored
        }
        guard var revision else { throw CommandFailure("no digest for \(period.name)") }
        let digest = try DigestCoding.decode(revision)
        guard digest.numbers.items > 0 else {
            throw CommandFailure("the digest of \(period.name) has no items (are the feeds being fetched? see ainews status); nothing sent")
        }
        let recipients = try self.recipients(settings)
        let options = NewsletterMessage.Options(
            subjectTemplate: settings.mail.subject, listID: settings.mail.listID, unsubscribeMailto: settings.mail.unsubscribeMailto,
            unsubscribeURL: settings.mail.unsubscribeURL)

        if dryRun {
            let log = try store.deliveries(digestID: revision.id)
            let pending = recipients.filter { log[$0.address.lowercased()]?.status != .sent }
            print(
                "\(period.name) revision \(revision.revision)\(revision.publishedAt == nil ? " (would be pinned)" : " (published)"): \(digest.numbers.items) items in \(digest.numbers.stories) stories"
            )
            print("\(recipients.count - pending.count) already sent, \(pending.count) to send: \(pending.map(\.address).joined(separator: ", "))")
            if let first = pending.first {
                print("--- the message to \(first.address) ---")
                print(NewsletterMessage(digest: digest, revision: revision, from: from, to: first, date: now, options: options).source)
            }
            return
        }

        let transport = try self.transport(settings)
        var publisher = Publisher(
            store: store, transport: transport, from: from, options: options,
            clock: { DigestCommand.now() }, sleep: { Thread.sleep(forTimeInterval: Double($0)) })
        publisher.retries = settings.mail.retries
        publisher.retryDelaySeconds = settings.mail.retryDelaySeconds

        if let to {
            guard let address = Mailbox(to) else { throw CommandFailure("--to: '\(to)' is not an address") }
            do {
                try transport.send(NewsletterMessage(digest: digest, revision: revision, from: from, to: address, date: now, options: options))
            } catch {
                throw CommandFailure("test copy to \(address.address) not sent: \(error)")
            }
            print("test copy of \(period.name) revision \(revision.revision) sent to \(address.address) (not pinned, not logged)")
            return
        }

        if revision.publishedAt == nil {
            try store.markPublished(digestID: revision.id, at: now)
            revision.publishedAt = now
        }
        let report = try publisher.publish(revision, digest: digest, to: recipients, retryingRefused: retryRefused)
        print(
            "\(period.name) revision \(revision.revision): \(report.sent.count) sent, \(report.alreadySent.count) already sent, "
                + "\(report.failed.count) failed, \(report.skipped.count) refused before, \(report.notTried.count) not tried")
        for (recipient, error) in report.failed { print("  failed: \(recipient): \(error)") }
        for recipient in report.skipped { print("  refused in an earlier run (use --retry-refused): \(recipient)") }
        if let stopped = report.stopped {
            throw CommandFailure("stopped: \(stopped); \(report.notTried.count) recipients not tried; run ainews publish again to continue")
        }
        if !report.succeeded { throw ExitCode(1) }
    }

    private func recipients(_ settings: Settings) throws -> [Mailbox] {
        var texts = settings.mail.recipients
        if let file = settings.mail.recipientsFile {
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("recipients_file: cannot read \(file)") }
            for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let text = line.trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty, !text.hasPrefix("#") else { continue }
                guard Mailbox(text) != nil else { throw CommandFailure("\(file):\(number + 1): '\(text)' is not an address") }
                texts.append(text)
            }
        }
        var mailboxes: [Mailbox] = []
        for text in texts {
            guard let mailbox = Mailbox(text) else { throw CommandFailure("recipients: '\(text)' is not an address") }
            mailboxes.append(mailbox)
        }
        if mailboxes.isEmpty, to == nil { throw CommandFailure("no recipients: set recipients or recipients_file in the config") }
        return mailboxes
    }

    private func transport(_ settings: Settings) throws -> any MailTransport {
        let mail = settings.mail
        switch mail.transport {
        case .smtp:
            var password = ProcessInfo.processInfo.environment["AINEWS_SMTP_PASSWORD"]
            if password == nil, let file = mail.smtpPasswordFile {
                guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("smtp_password_file: cannot read \(file)") }
                password = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
            }
            return SMTPTransport(
                .init(
                    url: mail.smtpURL, startTLS: mail.startTLS.rawValue, username: mail.smtpUsername, password: password,
                    timeoutSeconds: mail.smtpTimeoutSeconds))
        case .sendmail:
            return SendmailTransport(path: mail.sendmailPath)
        case .maildir:
            guard let directory = mail.maildir else { throw CommandFailure("mail_transport = maildir needs maildir = DIRECTORY") }
            return MaildirTransport(directory: directory)
        }
    }
}
